"""The code examples of README.md and docs/*.md run, so the docs cannot drift from the code.

- every ```python block compiles, and each of its `from awslab... import ...` names exists;
- a ```python block that defines pytest tests is run with `pytest -p awslab` (the plugin's example);
- every `awslab ...` command line in any block names a real command, and every --option it shows is
  one that command's --help lists.
"""

from __future__ import annotations

import ast
import importlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from learner_helpers import PYTHON

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def blocks(language: str | None = None) -> list[tuple[str, str, str]]:
    """(doc name, language, code) of every fenced block."""
    found = []
    for doc in DOCS:
        for match in _BLOCK.finditer(doc.read_text(encoding="utf-8")):
            if language is None or match.group(1) == language:
                found.append((doc.relative_to(ROOT).as_posix(), match.group(1), match.group(2)))
    return found


def python_blocks() -> list:
    return [pytest.param(code, id=f"{doc}#{n}") for n, (doc, _, code) in enumerate(blocks("python"))]


def command_lines() -> dict[tuple[str, ...], tuple[str, set[str]]]:
    """Per command (the words before the first option or placeholder): the doc, and the options shown."""
    commands: dict[tuple[str, ...], tuple[str, set[str]]] = {}
    for doc, language, code in blocks():
        if language not in ("", "sh"):
            continue
        prompted = any(line.startswith("$ ") for line in code.splitlines())
        last: tuple[str, ...] | None = None
        for line in code.splitlines():
            if last is not None and line.strip().startswith(("[--", "--")):  # a usage line continued
                options = {re.sub(r"[\[\]]|=.*$", "", t).split("|")[0] for t in line.split() if t.lstrip("[").startswith("--")}
                commands[last] = (commands[last][0], commands[last][1] | options)
                continue
            last = None
            if prompted and not line.startswith("$ "):
                continue  # a transcript: the lines without a prompt are what the command printed
            line = line.split("  #")[0].strip().removeprefix("$ ")
            for part in re.split(r"&&|;", line):
                tokens = part.split()
                if not tokens or tokens[0] != "awslab":
                    continue
                words = []
                for token in tokens[1:]:
                    if token[0] in "-[|<#`" or token.isupper():
                        break
                    words.append(token)
                options = {re.sub(r"[\[\]]|=.*$", "", t).split("|")[0] for t in tokens if t.lstrip("[").startswith("--")}
                _, shown = commands.get(tuple(words), (doc, set()))
                commands[tuple(words)] = (doc, shown | options)
                last = tuple(words)
    return commands


def test_the_docs_have_examples_to_run():
    assert len(python_blocks()) >= 5 and len(command_lines()) >= 15


@pytest.mark.parametrize("code", python_blocks())
def test_python_example_compiles_and_its_awslab_imports_exist(code):
    tree = ast.parse(code)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "awslab":
            module = importlib.import_module(node.module)
            for alias in node.names:
                assert hasattr(module, alias.name), f"{node.module} has no {alias.name}"


def test_the_pytest_plugin_example_passes(tmp_path):
    tests = [code for _, _, code in blocks("python") if re.search(r"^def test_", code, re.M)]
    assert tests, "docs/learning.md shows the pytest plugin with a test"
    (tmp_path / "test_from_docs.py").write_text("\n\n".join(tests))
    shutil.copy(ROOT / "solutions" / "sqs_dlq.py", tmp_path / "sqs_dlq.py")  # the example grades ./sqs_dlq.py
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWSLAB_")}
    result = subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "awslab", "-p", "no:cacheprovider", "test_from_docs.py"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("words", sorted(command_lines()), ids=lambda words: " ".join(words) or "awslab")
def test_command_in_the_docs_exists_with_the_options_shown(words):
    doc, options = command_lines()[words]
    env = {**os.environ, "COLUMNS": "250", "NO_COLOR": "1", "TERM": "dumb"}
    result = subprocess.run([PYTHON, "-m", "awslab", *words, "--help"], capture_output=True, text=True, env=env,
                            timeout=60)
    assert result.returncode == 0, f"{doc}: awslab {' '.join(words)}: {result.stdout}{result.stderr}"
    for option in options:
        assert option in result.stdout, f"{doc}: awslab {' '.join(words)} has no {option}"

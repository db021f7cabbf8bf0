"""docs/authoring.md is run as written: its `file=` blocks are written, its console blocks' commands
run in order in a temporary folder (outside the repository), and the lines each block shows after a
command must be in that command's output."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"
BLOCK = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```$", re.S | re.M)


def steps(text: str):
    """("file", path, text) and ("run", command, expected lines), in the doc's order."""
    for kind, info, body in BLOCK.findall(text):
        target = re.search(r"file=(\S+)", info)
        if target:
            yield "file", target.group(1), body
        elif kind == "console":
            command, shown = None, []
            for line in body.splitlines():
                if line.startswith("$ "):
                    if command:
                        yield "run", command, shown
                    command, shown = line[2:], []
                elif line.strip():
                    shown.append(line)
            if command:
                yield "run", command, shown


def test_the_doc_has_files_and_commands():
    found = list(steps(DOC.read_text()))
    assert sum(kind == "file" for kind, *_ in found) >= 6
    assert any(kind == "run" and "lab test" in what for kind, what, _ in found)


def test_every_step_of_the_authoring_doc_works_as_written(tmp_path):
    for kind, what, body in steps(DOC.read_text()):
        if kind == "file":
            path = tmp_path / what
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body)
            continue
        argv = shlex.split(what)
        if argv[0] == "awslab":
            argv = [sys.executable, "-m", "awslab", *argv[1:]]
        done = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"$ {what}\n{done.stdout}{done.stderr}"
        for line in body:
            assert line in done.stdout, f"$ {what}: {line!r} not in\n{done.stdout}"

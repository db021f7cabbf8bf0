"""`awslab grade` from the command line: usage errors, and isolation as the machine allows."""

from __future__ import annotations

import os
import subprocess

import pytest

from awslab.classroom import isolation

from .conftest import LABS_ENV, awslab_command


def run(*args, cwd=None):
    return subprocess.run(awslab_command(*args), env={**os.environ, **LABS_ENV}, capture_output=True, text=True,
                          timeout=60, cwd=cwd)


@pytest.mark.parametrize("args, words", [
    (["grade", "/nonexistent"], "not a folder"),
    (["grade", ".", "--lab", "no_such_lab"], "unknown lab"),
    (["grade", ".", "--timeout", "0"], "--timeout must be positive"),
    (["grade", ".", "--isolation", "full", "--lab", "class_lab"], ""),
])
def test_usage_errors_are_one_line_and_exit_2(tmp_path, args, words):
    (tmp_path / "ada").mkdir()
    args = [a if a != "." else str(tmp_path) for a in args]
    if "--isolation" in args and isolation.detect().level == "full":
        pytest.skip("full isolation is available here")
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert words in done.stderr


def test_a_class_without_any_lab_file_is_a_usage_error(tmp_path):
    (tmp_path / "ada").mkdir()
    done = run("grade", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 2 and "no student folder holds a lab file" in done.stderr


def test_isolation_levels_are_named_and_checked():
    with pytest.raises(ValueError):
        isolation.detect("bogus")
    assert isolation.detect("process").wrapper()[:1] in ([], ["setpriv"])
    assert isolation.detect().level in ("full", "namespaces", "process")


def test_the_fence_keeps_the_interpreter_reachable_under_a_closed_home():
    assert isolation._outermost(["/a/b", "/a", "/c/d", "/c/de"]) == ["/a", "/c/d", "/c/de"]
    assert isolation._inside("/a/b", "/a") and not isolation._inside("/ab", "/a")

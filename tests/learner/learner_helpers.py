"""Helpers of the learner-path tests (a module of its own: `conftest` names clash across folders)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

PYTHON = sys.executable


class Cli:
    """The learner commands in-process (fast): `cli("hint", "tiny_lab")` -> click Result."""

    def __init__(self) -> None:
        from awslab.commands import workspace as workspace_commands

        self.app = typer.Typer(pretty_exceptions_enable=False)
        workspace_commands.register(self.app)
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(self.app, list(args), input=input, env={"COLUMNS": "120"})


def run_awslab(*args: str, cwd: str | Path | None = None, env: dict | None = None, timeout: float = 60):
    """The real CLI in a subprocess (exit codes, stderr): CompletedProcess with text."""
    return subprocess.run([PYTHON, "-m", "awslab", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "COLUMNS": "200", **(env or {})}, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def fake_result(lab, score: int, max_score: int | None = None):
    """A LabResult with `score` points out of `max_score` (one passed and one failed check)."""
    from awslab.grading.results import FAILED, PASSED, CheckResult, LabResult

    max_score = lab.max_score if max_score is None else max_score
    checks = [CheckResult("a", "first check", PASSED if score else FAILED, score, score or 0)]
    if score < max_score:
        checks.append(CheckResult("b", "second check", FAILED, 0, max_score - score, message="nope",
                                  hint="try harder"))
    return LabResult(lab=lab.id, title=lab.title, backend="moto", checks=checks)

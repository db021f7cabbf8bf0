"""Shared fixtures of awslab's own tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SUBMISSIONS = FIXTURES / "submissions"


@pytest.fixture(scope="module")
def embedded_aws():
    """One embedded-moto LocalAWS per test module; grade_submission resets it for each lab.

    Module scope, not session: while it runs, the whole process lives on frozen virtual time, which
    must not leak into tests that use moto's own mock_aws with real time."""
    from awslab.local_aws import LocalAWS

    aws = LocalAWS("moto").start()
    yield aws
    aws.stop()


@pytest.fixture
def fresh_aws(embedded_aws):
    embedded_aws.reset()
    embedded_aws.settings.clear()
    return embedded_aws


@pytest.fixture
def fixture_labs(monkeypatch):
    monkeypatch.setenv("AWSLAB_LABS_DIR", str(FIXTURES / "labs"))
    monkeypatch.setenv("AWSLAB_SOLUTIONS_DIR", str(FIXTURES / "solutions"))
    return FIXTURES / "labs"


def awslab_command(*args: str, env: dict | None = None, cwd: str | Path | None = None, timeout: float = 120):
    """Run the awslab CLI in a subprocess; returns CompletedProcess with text output."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "awslab", *args], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "120", **(env or {})}, cwd=cwd, timeout=timeout,
                          stdin=subprocess.DEVNULL)

"""Fixtures of the learner-path tests: two small labs (tiny_lab and second_lab), a workspace, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from learner_helpers import Cli

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"


@pytest.fixture
def labs_env(tmp_path_factory, monkeypatch):
    """AWSLAB_LABS_DIR / AWSLAB_SOLUTIONS_DIR pointing at tiny_lab (order 1) and second_lab (order 2)."""
    root = tmp_path_factory.mktemp("content")
    labs, solutions = root / "labs", root / "solutions"
    labs.mkdir()
    solutions.mkdir()
    (labs / "tiny_lab").symlink_to(FIXTURES / "labs" / "tiny_lab")
    (labs / "second_lab").symlink_to(HERE / "fixture_labs" / "second_lab")
    (solutions / "tiny_lab.py").symlink_to(FIXTURES / "solutions" / "tiny_lab.py")
    (solutions / "second_lab.py").symlink_to(HERE / "fixture_solutions" / "second_lab.py")
    env = {"AWSLAB_LABS_DIR": str(labs), "AWSLAB_SOLUTIONS_DIR": str(solutions)}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def labs(labs_env):
    from awslab.grading import all_labs

    return all_labs()


@pytest.fixture
def workspace(labs, tmp_path, monkeypatch):
    """A fresh workspace (awslab init), and the current directory inside it."""
    from awslab.workspace import Workspace, init_workspace

    init_workspace(tmp_path / "work", labs)
    monkeypatch.chdir(tmp_path / "work")
    return Workspace(tmp_path / "work")


@pytest.fixture
def cli() -> Cli:
    return Cli()

"""A graded fixture class, shared by the classroom tests (grading it takes a while).

Package scope: the labs environment set here must be gone before other packages (tests/labs) run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
CLASS = FIXTURES / "classroom"
LABS_ENV = {"AWSLAB_LABS_DIR": str(FIXTURES / "labs"), "AWSLAB_SOLUTIONS_DIR": str(FIXTURES / "solutions")}
TIMEOUT = 8.0    # per lab: the infinite loop runs into it; honest students take 1-3 s
MEMORY_MB = 512  # the memory hog's limit
# The instructor's own secrets, which must never reach a worker or a learner.
SECRETS = {"AWS_SECRET_ACCESS_KEY": "instructor-secret", "INSTRUCTOR_TOKEN": "instructor-secret"}


@pytest.fixture(scope="package")
def labs_env():
    saved = {k: os.environ.get(k) for k in [*LABS_ENV, *SECRETS]}
    os.environ.update(LABS_ENV)
    os.environ.update(SECRETS)
    yield LABS_ENV
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def class_labs():
    from awslab.grading import get_lab

    return [get_lab("tiny_lab"), get_lab("class_lab")]


@pytest.fixture(scope="package")
def graded_class(labs_env, tmp_path_factory):
    """The whole fixture class graded once: (run, labs, out folder)."""
    from awslab.classroom import Settings, find_students, grade_class
    from awslab.classroom.gradebook import write_outputs

    out = tmp_path_factory.mktemp("class")
    labs = class_labs()
    run = grade_class(find_students(CLASS), labs, out / "gradebook.state",
                      Settings(timeout=TIMEOUT, memory_mb=MEMORY_MB, jobs=2), hide=[CLASS])
    write_outputs(run.records, labs, out / "gradebook.csv", "csv")
    return run, labs, out


def awslab_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "awslab", *args]

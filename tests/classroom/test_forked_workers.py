"""Workers forked from a warm template (awslab/classroom/forkserver.py): each is fenced in as a
worker started from nothing is (its own network, mount and PID namespaces, PID 1 there, the
student's cgroup), and the grades are the same either way."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import FIXTURES
from .test_isolation import _needs

SOLUTION = (FIXTURES / "solutions" / "tiny_lab.py").read_text()
STARTER = (FIXTURES / "labs" / "tiny_lab" / "starter.py").read_text()
STUDENTS = {"ada": SOLUTION, "grace": SOLUTION, "linus": STARTER}


def _grade(tmp_path: Path, *, fork: bool, isolation: str = "auto"):
    from awslab.classroom import Settings, find_students, grade_class
    from awslab.grading import get_lab

    folder = tmp_path / "class"
    for name, source in STUDENTS.items():
        (folder / name).mkdir(parents=True, exist_ok=True)
        (folder / name / "tiny_lab.py").write_text(source)
    state = tmp_path / ("state-forked" if fork else "state-started")
    return grade_class(find_students(folder), [get_lab("tiny_lab")], state,
                       Settings(timeout=20, memory_mb=512, jobs=2, isolation=isolation, fork_workers=fork),
                       hide=[folder])


def _gradebook(run, out: Path) -> dict[str, bytes]:
    """The gradebook, the JSON of every check and the feedback, as written for the instructor."""
    from awslab.classroom.gradebook import write_outputs
    from awslab.grading import get_lab

    write_outputs(run.records, [get_lab("tiny_lab")], out / "gradebook.csv", "csv")
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture
def labs(labs_env):
    return labs_env


def test_forked_workers_are_each_pid_1_of_namespaces_of_their_own_in_their_own_cgroup(labs, tmp_path):
    _needs("full", cgroups=True)
    run = _grade(tmp_path, fork=True)
    assert run.timing["workers_forked"] == len(STUDENTS)
    assert sorted(w["student"] for w in run.workers) == sorted(STUDENTS)
    assert [(w["forked"], w["pid"]) for w in run.workers] == [(True, 1)] * len(STUDENTS)
    for kind in ("net", "mnt", "pid"):
        # not the driver's (nor the template's, which is the driver's); between students, the
        # kernel may give a later namespace the number of one that has gone
        assert os.readlink(f"/proc/self/ns/{kind}") not in {w[f"{kind}_namespace"] for w in run.workers}, kind
    groups = [w["cgroup"] for w in run.workers]
    assert all(f"/awslab-{os.getpid()}/student-" in text for text in groups)
    assert len(set(groups)) == len(STUDENTS)


def test_forked_and_started_workers_give_the_same_grades(labs, tmp_path):
    forked, started = _grade(tmp_path, fork=True), _grade(tmp_path, fork=False)
    assert started.timing["workers_forked"] == 0
    assert _gradebook(forked, tmp_path / "forked") == _gradebook(started, tmp_path / "started")
    assert {r["score"] for (s, _), r in forked.records.items() if s != "linus"} == {6}


def test_process_level_workers_are_forked_too(labs, tmp_path):
    run = _grade(tmp_path, fork=True, isolation="process")
    assert run.timing["workers_forked"] == len(STUDENTS)
    assert {r["score"] for (s, _), r in run.records.items() if s != "linus"} == {6}

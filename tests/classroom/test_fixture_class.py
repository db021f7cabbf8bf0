"""Every kind of submission in the fixture class gets the score it deserves, in time, and leaves nothing behind."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from .conftest import CLASS, ROOT, TIMEOUT

# student: (tiny_lab score, class_lab score, status of class_lab, words in class_lab's reason)
EXPECTED = {
    "correct": (6, 4, "graded", ""),
    "partial": (4, 3, "graded", "double(21): expected 42, got 23"),
    "missing": (6, 0, "not_submitted", "not submitted"),
    "syntax_error": (0, 0, "graded", "syntax error in class_lab.py line 1"),
    "infinite_loop": (6, 0, "timeout", f"time limit of {TIMEOUT:g} s"),
    "memory_hog": (0, 1, "graded", "MemoryError"),
    "exit_at_import": (0, 0, "graded", "called sys.exit(0) while being imported"),
    "os_exit_at_import": (0, 0, "graded", "ended the Python process while being imported (exit code 0"),
    "flood": (0, 4, "graded", ""),
    "monkeypatch": (0, 0, "graded", ""),
    "solution_reader": (0, 0, "graded", "KeyError"),
    "forker": (0, 4, "graded", ""),
    "sandbox_probe": (0, 3, "graded", 'greet("Ada")'),
}


def reason(record: dict) -> str:
    result = record["result"]
    return " | ".join([result.get("load_error") or ""] + [c["message"] for c in result["checks"]])


def test_the_fixture_class_is_the_whole_class(graded_class):
    run, _, _ = graded_class
    assert sorted({student for student, _ in run.records}) == sorted(EXPECTED)
    assert sorted(p.name for p in CLASS.iterdir() if p.is_dir()) == sorted(EXPECTED)


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_submission_gets_the_score_it_deserves(graded_class, student):
    run, _, _ = graded_class
    tiny, class_lab, status, words = EXPECTED[student]
    assert run.records[(student, "tiny_lab")]["score"] == tiny
    record = run.records[(student, "class_lab")]
    if student == "infinite_loop" and record["status"] == "graded":
        # With a per-student cgroup the lab's limit is CPU time: on a busy machine the three
        # endless calls end at their call timeout before the lab has used its CPU budget.
        status, words = "graded", "did not return within"
    if student == "solution_reader" and "No module named 'awslab'" in reason(record):
        words = "No module named 'awslab'"  # in the sandbox awslab itself is out of reach
    assert (record["score"], record["status"]) == (class_lab, status), reason(record)
    assert words in reason(record)


def test_a_missing_lab_file_scores_zero_as_not_submitted(graded_class):
    run, _, _ = graded_class
    record = run.records[("flood", "tiny_lab")]
    assert record["status"] == "not_submitted"
    assert record["max_score"] == 6
    assert {c["message"] for c in record["result"]["checks"]} == {"not submitted"}


def test_every_lab_ends_within_its_time_limit(graded_class):
    from awslab.classroom.driver import WALL_BACKSTOP

    run, _, _ = graded_class
    for record in run.records.values():
        # CPU time is the limit where a cgroup counts it; wall time is the backstop.
        limit = TIMEOUT * (WALL_BACKSTOP if "cpu_seconds" in record["timing"] else 1)
        assert record["timing"].get("seconds", 0) < limit + 1, (record["student"], record["lab"])


def test_a_timeout_verdict_records_the_cpu_time_the_student_used(graded_class):
    """With a cgroup, the verdict says whether the lab used up its CPU time (an endless loop) or
    waited past the wall-time backstop without (waiting, or an overloaded machine), and the record
    keeps the CPU seconds; before, the group was read after it was removed: always 'in wall time',
    and no CPU seconds."""
    from awslab.classroom.cgroups import StudentGroups

    groups = StudentGroups(memory_mb=64)
    groups.remove()
    if groups.unavailable:
        pytest.skip(groups.unavailable)
    run, _, _ = graded_class
    record = run.records[("infinite_loop", "class_lab")]
    assert record["status"] == "timeout"
    assert record["timing"]["cpu_seconds"] > 0
    message = record["result"]["checks"][0]["message"]
    assert "of CPU time" in message and "in wall time)" not in message, message


def test_an_endless_loop_costs_its_lab_only_and_the_batch_completes(graded_class):
    run, labs, _ = graded_class
    assert len(run.records) == len(EXPECTED) * len(labs)
    assert run.records[("infinite_loop", "tiny_lab")]["status"] == "graded"
    assert run.records[("infinite_loop", "tiny_lab")]["score"] == 6


def test_output_flooding_is_kept_short_and_costs_nothing(graded_class):
    run, _, _ = graded_class
    record = run.records[("flood", "class_lab")]
    assert record["score"] == 4
    assert record["timing"]["output_bytes"] < 100_000  # 15 MB printed, 64 KB kept


def test_no_process_outlives_the_grading(graded_class):
    left = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        # workers of this test run only (another checkout's run on the same machine is not ours)
        if comm == "awslab-forkling" or f"{sys.executable} -m awslab.classroom.worker" in cmdline:
            left.append((entry.name, comm, cmdline))
    assert left == []


def test_forged_results_land_nowhere_and_change_nothing(graded_class):
    run, _, out = graded_class
    assert run.records[("monkeypatch", "class_lab")]["score"] == 0
    for folder in (CLASS, CLASS / "monkeypatch", ROOT, Path("/tmp"), out):
        assert not (folder / "FORGED-by-monkeypatch.csv").exists(), folder
    assert "999" not in (out / "gradebook.csv").read_text()


def test_the_grader_survives_a_submission_that_kills_its_parent(graded_class):
    run, _, _ = graded_class
    # monkeypatch sends SIGKILL to its parent while being imported; the worker lives on
    assert run.records[("monkeypatch", "tiny_lab")]["status"] == "not_submitted"
    assert run.records[("monkeypatch", "class_lab")]["status"] == "graded"


def test_the_reference_solutions_are_out_of_reach(graded_class):
    run, _, _ = graded_class
    if not run.isolation.namespaces:
        pytest.skip(f"no namespaces here: {run.isolation.describe()}")
    record = run.records[("solution_reader", "class_lab")]
    assert record["score"] == 0
    assert "KeyError: 'make_bucket'" in reason(record) or "No module named 'awslab'" in reason(record)


def probe(run) -> dict:
    message = next(c["message"] for c in run.records[("sandbox_probe", "class_lab")]["result"]["checks"]
                   if c["name"] == "greets")
    return json.loads(eval(message.split(", got ", 1)[1]))  # the repr of our own fixture's string


def test_the_learner_sees_no_secret_of_the_instructor(graded_class):
    run, _, _ = graded_class
    seen = probe(run)
    assert seen["leaks"] == []
    assert seen["key"] == "AKIDAWSLABLEARNER000"  # the fake learner key, never the instructor's


def test_the_learner_runs_unprivileged_in_its_own_namespaces(graded_class):
    run, _, _ = graded_class
    if run.isolation.level != "full":
        pytest.skip(f"full isolation needs root and namespaces: {run.isolation.describe()}")
    seen = probe(run)
    assert seen["uid"] == run.isolation.learner_uid != os.getuid()
    # The parent is the worker, or (in bubblewrap) the sandbox's own init, PID 1 of the learner's
    # PID namespace: the worker is not in it at all.
    assert seen["kill_parent"] == "PermissionError" or seen["ppid"] == 1
    assert seen["net"] in ("OSError", "ConnectionRefusedError", "RealAwsRefused")  # only loopback exists
    assert seen["procs"] < 10  # its own PID namespace: the worker and the learner, not the machine

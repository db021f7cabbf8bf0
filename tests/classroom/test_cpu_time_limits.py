"""A learner call's time limit is CPU time where the student has a cgroup: a function that
computes for ever is stopped for its CPU, one that waits is stopped later for waiting, and a busy
machine (wall time passing without CPU) never stops an honest call. Each message names the function."""

from __future__ import annotations

import itertools

import pytest

from awslab.grading.learner_process import LearnerProcess, LearnerTimeout

from .test_isolation import SOLUTION, _grade, _needs

LEARNER = """
import threading

def spin():
    while True:
        pass

def wait():
    threading.Event().wait()
"""


def _timeout_message(tmp_path, function: str, clock) -> str:
    path = tmp_path / "learner.py"
    path.write_text(LEARNER)
    with LearnerProcess(path, {}, call_timeout=0.5, cpu_clock=clock) as learner:
        with pytest.raises(LearnerTimeout) as raised:
            learner.call(function)
    return str(raised.value)


def test_a_call_that_used_its_cpu_time_is_stopped_for_cpu_naming_the_function(tmp_path):
    ticks = itertools.count(0, 10.0)  # every reading: 10 more CPU seconds
    message = _timeout_message(tmp_path, "spin", lambda: next(ticks))
    assert message.startswith("spin() used more than 0.5 s of CPU time without returning"), message


def test_a_call_that_waits_without_cpu_is_stopped_at_the_backstop_for_waiting(tmp_path):
    message = _timeout_message(tmp_path, "wait", lambda: 0.0)
    assert message.startswith("wait() did not return within 1.5 s while using less than its 0.5 s of CPU"), message


def test_without_a_cpu_clock_the_limit_is_wall_time(tmp_path):
    message = _timeout_message(tmp_path, "spin", None)
    assert message.startswith("spin() did not return within 0.5 s")


def _with_double(body: str) -> str:
    return SOLUTION.replace("def double(x):\n    return 2 * x", "def double(x):\n" + body)


def _double_message(record: dict) -> str:
    return next(c["message"] for c in record["result"]["checks"] if c["title"] == "double doubles")


def test_in_the_classroom_a_busy_loop_and_a_wait_are_told_apart_by_the_students_cpu_time(labs_env, tmp_path):
    _needs(cgroups=True)
    busy = _with_double("    while True:\n        pass\n")
    waiting = _with_double("    import threading\n    threading.Event().wait()\n")
    _, records = _grade(tmp_path, {"busy": busy, "waiting": waiting}, timeout=20.0)
    assert "double() used more than" in _double_message(records["busy"]), _double_message(records["busy"])
    assert "of CPU time without returning" in _double_message(records["busy"])
    assert "double() did not return within" in _double_message(records["waiting"])
    assert "while using less than" in _double_message(records["waiting"])

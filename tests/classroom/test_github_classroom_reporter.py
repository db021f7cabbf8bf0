"""GitHub Classroom's autograding reporter (classroom-resources/autograding-grading-reporter) as it
reads awslab's result: one score wherever a student looks, every field with its type, and a
workflow template on current action versions."""

from __future__ import annotations

from types import SimpleNamespace

import yaml

from awslab.classroom.github import reporter_result

from .conftest import ROOT

LAB = SimpleNamespace(id="sqs_dlq", title="SQS DLQ")
# 19 of 24 points: a 3-point and a 2-point check failed, one check is not applicable.
CHECKS = ([{"name": f"ok{i}", "title": f"OK {i}", "status": "passed", "points": 2, "max_points": 2,
            "message": "", "hint": "", "duration": 0.01} for i in range(8)]
          + [{"name": "ok_three", "title": "OK three", "status": "passed", "points": 3, "max_points": 3,
              "message": "", "hint": "", "duration": 0.02},
             {"name": "lost_three", "title": "Lost three", "status": "failed", "points": 0, "max_points": 3,
              "message": "no DLQ", "hint": "set a redrive policy", "duration": 0.5},
             {"name": "lost_two", "title": "Lost two", "status": "failed", "points": 0, "max_points": 2,
              "message": "no", "hint": "", "duration": 0.0},
             {"name": "clock", "title": "Clock", "status": "not_applicable", "points": 0, "max_points": 0,
              "message": "real time", "hint": "", "duration": 0.0}])
RECORDS = {"sqs_dlq": {"score": 19, "max_score": 24, "result": {"checks": CHECKS}}}


def console_points(result: dict) -> float:
    """The reporter's console (v1): tests passed over tests, times the runner's max_score."""
    tests = result["tests"]
    return sum(t["status"] == "pass" for t in tests) / len(tests) * result["max_score"]


def notice_points(result: dict) -> tuple[int, int]:
    """The notice GitHub Classroom records: the tests' scores added up, over max_score."""
    return sum(t["score"] for t in result["tests"]), result["max_score"]


def test_classroom_console_and_notice_show_the_same_score():
    result = reporter_result(RECORDS, [LAB])
    assert notice_points(result) == (19, 24)
    assert console_points(result) == 19


def test_classroom_tests_have_every_documented_field_with_its_type():
    result = reporter_result(RECORDS, [LAB])
    assert (result["version"], result["status"]) == (1, "fail") and isinstance(result["max_score"], int)
    types = {"name": str, "status": str, "score": int, "max_score": int, "message": str, "test_code": str,
             "filename": str, "line_no": int, "execution_time": str, "duration": float}
    for test in result["tests"]:
        for field, kind in types.items():
            assert isinstance(test[field], kind), (field, test)
        assert test["status"] in ("pass", "fail", "error")
        assert test["execution_time"] == f"{test['duration']}s"
    assert {t["duration"] for t in result["tests"] if t["test_code"] == "lost_three"} == {0.5}


def test_classroom_failed_check_says_why_and_hints_on_each_of_its_rows():
    rows = [t for t in reporter_result(RECORDS, [LAB])["tests"] if t["test_code"] == "lost_three"]
    assert [r["name"] for r in rows] == [f"sqs_dlq: Lost three (point {i} of 3)" for i in (1, 2, 3)]
    assert all(r["message"] == "no DLQ\nHint: set a redrive policy" for r in rows)


def test_classroom_template_uses_current_action_versions():
    workflow = yaml.safe_load((ROOT / "awslab/classroom/templates/classroom.yml").read_text())
    uses = [step["uses"] for step in workflow["jobs"]["run-autograding-tests"]["steps"] if "uses" in step]
    assert uses.count("actions/checkout@v7") == 2 and "actions/setup-python@v7" in uses

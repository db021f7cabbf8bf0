"""The JSON report has one shape, for one lab and for --all, and every output is valid against the
schema published in the repository (schemas/report.schema.json)."""

from __future__ import annotations

import json

import jsonschema
import pytest

from awslab.grading.results import FAILED, NOT_APPLICABLE, PASSED, CheckResult, LabResult
from awslab.reporters.json_report import SCHEMA_VERSION, render_json
from tests.conftest import FIXTURES, ROOT, SUBMISSIONS, awslab_command

SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text())
LABS_ENV = {"AWSLAB_LABS_DIR": str(FIXTURES / "labs"), "AWSLAB_SOLUTIONS_DIR": str(FIXTURES / "solutions")}


def validate(report: dict) -> dict:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    return report


def lab_result(lab: str) -> LabResult:
    return LabResult(lab=lab, title=lab.title(), backend="moto", checks=[
        CheckResult("made", "Made", PASSED, 2, 2), CheckResult("wrong", "Wrong", FAILED, 0, 3, message="no"),
        CheckResult("clock", "Clock", NOT_APPLICABLE, 0, 0, message="real time")])


def test_json_one_lab_and_several_labs_have_the_same_shape():
    one = validate(json.loads(render_json([lab_result("a")])))
    several = validate(json.loads(render_json([lab_result("a"), lab_result("b")])))
    assert set(one) == set(several) == {"schema_version", "score", "max_score", "labs"}
    assert one["schema_version"] == several["schema_version"] == SCHEMA_VERSION
    assert (one["score"], one["max_score"], several["score"], several["max_score"]) == (2, 5, 4, 10)


def test_json_not_applicable_check_has_passed_null():
    report = validate(json.loads(render_json([lab_result("a")])))
    assert {c["name"]: c["passed"] for c in report["labs"][0]["checks"]} == {"made": True, "wrong": False,
                                                                             "clock": None}


@pytest.mark.parametrize("submission", ["good", "raises", "syntax_error"])
def test_json_from_check_is_valid_against_the_published_schema(submission):
    done = awslab_command("check", "tiny_lab", "--file", str(SUBMISSIONS / f"{submission}.py"), "--format", "json",
                          env=LABS_ENV)
    assert done.returncode in (0, 1), done.stderr
    report = validate(json.loads(done.stdout))
    assert [lab["lab"] for lab in report["labs"]] == ["tiny_lab"]


def test_json_from_check_all_is_valid_against_the_published_schema(tmp_path):
    done = awslab_command("check", "--all", "--format", "json", env=LABS_ENV, cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    report = validate(json.loads(done.stdout))
    assert len(report["labs"]) >= 2
    assert report["score"] == sum(lab["score"] for lab in report["labs"])


def test_json_shows_a_hint_as_a_run_does_never_its_most_concrete_level_unasked():
    ladder = "Which method makes a bucket?\nCall create_bucket(Bucket=name)."
    result = LabResult(lab="a", title="A", backend="moto", checks=[
        CheckResult("two", "Two levels", FAILED, 0, 1, hint=ladder),
        CheckResult("one", "One level", FAILED, 0, 1, hint="Call create_bucket(Bucket=name)."),
        CheckResult("none", "No hint", FAILED, 0, 1)])
    checks = {c["name"]: c for c in validate(json.loads(render_json([result])))["labs"][0]["checks"]}
    assert (checks["two"]["hint"], checks["two"]["hint_levels"]) == ("Which method makes a bucket?", 2)
    assert (checks["one"]["hint"], checks["one"]["hint_levels"]) == ("", 1)
    assert (checks["none"]["hint"], checks["none"]["hint_levels"]) == ("", 0)
    assert "create_bucket" not in render_json([result])


def test_json_of_a_starter_run_names_no_answer(tmp_path):
    done = awslab_command("check", "tiny_lab", "--file", str(FIXTURES / "labs" / "tiny_lab" / "starter.py"),
                          "--format", "json", env=LABS_ENV)
    report = validate(json.loads(done.stdout))
    assert "create_bucket" not in done.stdout and "Multiply by two" not in done.stdout
    assert report["labs"][0]["checks"][0]["hint"] == "Which method of the client makes a bucket?"

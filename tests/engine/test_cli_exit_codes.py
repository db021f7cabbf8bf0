"""The CLI's contract: exit 0 on full marks, 1 on lost points, 2 on usage errors, one line, no traceback."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES, SUBMISSIONS, awslab_command

LABS_ENV = {"AWSLAB_LABS_DIR": str(FIXTURES / "labs"), "AWSLAB_SOLUTIONS_DIR": str(FIXTURES / "solutions")}


def check_json(name: str):
    done = awslab_command("check", "tiny_lab", "--file", str(SUBMISSIONS / f"{name}.py"), "--format", "json",
                          env=LABS_ENV)
    return done, json.loads(done.stdout)["labs"][0]


def by_name(report: dict) -> dict:
    return {c["name"]: c for c in report["checks"]}


def test_full_marks_exit_zero_and_json_shape():
    done, report = check_json("good")
    assert done.returncode == 0, done.stderr
    assert report["score"] == report["max_score"] == 6
    assert report["lab"] == "tiny_lab" and report["backend"] == "moto"
    for check in report["checks"]:
        assert {"name", "passed", "points", "max_points", "message", "hint", "hint_levels"} <= set(check)


def test_lost_points_exit_one_with_message_of_what_raised():
    done, report = check_json("raises")
    assert done.returncode == 1
    checks = by_name(report)
    assert not checks["bucket_exists"]["passed"]
    assert "make_bucket() raised RuntimeError: not today" in checks["bucket_exists"]["message"]
    assert "raises.py line 2" in checks["bucket_exists"]["message"]
    assert checks["bucket_exists"]["hint_levels"] >= 1


def test_missing_function_fails_only_its_checks():
    _, report = check_json("raises")
    assert by_name(report)["handles"]["message"] == "raises.py has no function handle_all()"
    assert by_name(report)["clocked"]["passed"]


def test_hanging_function_times_out_and_other_checks_still_run():
    done, report = check_json("hangs")
    checks = by_name(report)
    assert "did not return within 3 s" in checks["bucket_exists"]["message"]
    assert checks["doubles"]["passed"], "the learner process is restarted after a hang"
    assert done.returncode == 1


def test_sys_exit_in_a_function_is_a_failed_check():
    _, report = check_json("exits")
    checks = by_name(report)
    assert "called sys.exit(0)" in checks["bucket_exists"]["message"]
    assert "ended the learner's Python process" in checks["doubles"]["message"]


def test_syntax_error_names_the_line_and_fails_every_check_that_needs_the_file():
    done, report = check_json("syntax_error")
    assert done.returncode == 1
    assert "syntax error in syntax_error.py line 1" in report["load_error"]
    assert all(not c["passed"] for c in report["checks"] if c["name"] != "clocked")
    assert "Traceback" not in done.stderr


def test_exit_at_import_is_reported_not_crashing():
    done, report = check_json("exit_at_import")
    assert "ended the Python process while being imported" in report["load_error"]
    assert done.returncode == 1


def test_output_flood_is_truncated_and_grading_goes_on():
    done, report = check_json("floods")
    assert by_name(report)["bucket_exists"]["passed"]
    assert done.returncode == 1


def test_unknown_lab_is_a_usage_error():
    done = awslab_command("check", "no_such_lab", env=LABS_ENV)
    assert done.returncode == 2
    assert "unknown lab 'no_such_lab'" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 2


def test_missing_file_is_a_usage_error_naming_the_fix(tmp_path):
    done = awslab_command("check", "tiny_lab", env=LABS_ENV, cwd=tmp_path)
    assert done.returncode == 2
    assert "file not found: tiny_lab.py" in done.stderr
    assert "awslab init" in done.stderr


def test_unparsable_option_is_a_usage_error():
    done = awslab_command("check", "tiny_lab", "--backend", "azure", env=LABS_ENV)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_junit_report_has_a_testcase_per_check():
    from junitparser import JUnitXml

    done = awslab_command("check", "tiny_lab", "--file", str(SUBMISSIONS / "raises.py"), "--format", "junit",
                          env=LABS_ENV)
    xml = JUnitXml.fromstring(done.stdout)
    cases = [case for suite in xml for case in suite]
    assert len(cases) == 5
    assert sum(1 for case in cases if not case.is_passed) == 4


def test_list_json_names_labs_with_points():
    done = awslab_command("list", "--json", env=LABS_ENV)
    labs = json.loads(done.stdout)
    assert labs[0]["id"] == "tiny_lab" and labs[0]["points"] == 6


@pytest.mark.parametrize("command", [["--help"], ["check", "--help"], ["list", "--help"], ["show", "--help"],
                                     ["demo", "--help"]])
def test_help_is_available(command):
    done = awslab_command(*command)
    assert done.returncode == 0
    assert "Usage" in done.stdout


def test_list_without_labs_is_a_one_line_error(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "AWSLAB_LABS_DIR": str(tmp_path), "COLUMNS": "40"}
    done = subprocess.run([sys.executable, "-m", "awslab", "list"], env=env, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "no labs found" in done.stderr


def test_a_lab_not_offered_on_a_backend_says_why_in_one_line():
    done = awslab_command("check", "lambda_sqs", "--solution", "--backend", "localstack")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "error: lab lambda_sqs does not run on localstack: LocalStack's community Lambda runs functions only in "
        "Docker, and awslab's simulated event source mapping runs on virtual time, which LocalStack's clock cannot "
        "follow (it runs on moto, moto-server)"]


def test_list_json_gives_each_lab_its_one_line_summary_from_lab_toml():
    """lab.toml's summary was read into Lab.summary and shown nowhere: `list --json` (what an LMS or
    a course page reads) now carries it."""
    from awslab.grading import all_labs

    listed = {lab["id"]: lab for lab in json.loads(awslab_command("list", "--json").stdout)}
    for lab in all_labs():
        assert lab.summary, lab.id
        assert listed[lab.id]["summary"] == lab.summary

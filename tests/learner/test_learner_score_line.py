"""The last line of every report: lab, score, failed checks and the next step, at any width."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest
from rich.console import Console

from awslab.grading.results import FAILED, PASSED, CheckResult, LabResult
from awslab.reporters.junit import render_junit
from awslab.reporters.score_line import score_line, summary_line
from awslab.reporters.text import render_text

from learner_helpers import run_awslab

WRONG_PRINTING = """\
def make_bucket(s3, name):
    print("about to make", name)


def double(x):
    return x * 2


def nap(seconds):
    pass


def handle_all(items, handler):
    return 0
"""


def result(passed: int, failed: int, title: str = "A lab") -> LabResult:
    checks = [CheckResult(f"ok{i}", f"ok {i}", PASSED, 1, 1) for i in range(passed)]
    checks += [CheckResult(f"bad{i}", f"bad {i}", FAILED, 0, 1, message="no", hint="try") for i in range(failed)]
    return LabResult("sqs_dlq", title, "moto", checks)


def text_report(results, width: int, next_lab=None) -> str:
    out = io.StringIO()
    render_text(results, Console(file=out, width=width, color_system=None), next_lab=next_lab)
    return out.getvalue()


def test_score_line_names_lab_score_failed_count_and_the_hint_command():
    assert score_line(result(3, 2)) == "sqs_dlq 3/5 · 2 failed · next: awslab hint sqs_dlq"


def test_score_line_on_full_marks_names_the_next_lab():
    assert score_line(result(4, 0), "dynamodb_capacity") == \
        "sqs_dlq 4/4 · full marks · next lab: awslab check dynamodb_capacity"


@pytest.mark.parametrize("width", [10, 20, 30, 40, 60, 80])
def test_score_line_fits_any_width_and_keeps_the_score(width):
    line = score_line(result(3, 2), width=width)
    assert len(line) <= width and "3/5" in line


def test_text_report_ends_with_the_score_line_even_with_a_long_title_at_40_columns():
    report = text_report([result(3, 2, title="IAM policies: " + "least privilege, " * 8)], width=40)
    lines = report.rstrip("\n").splitlines()
    assert lines[-1].startswith("sqs_dlq 3/5") and len(lines[-1]) <= 40
    assert "3/5" in lines[0]  # the panel title starts with the score, so a cut title keeps it


def test_report_of_several_labs_ends_with_the_total_line():
    report = text_report([result(3, 2), result(4, 0)], width=100)
    assert report.rstrip("\n").splitlines()[-1] == \
        "total 7/9 · 1 of 2 labs short of full marks · next: awslab hint sqs_dlq"
    assert summary_line([result(4, 0)], "iam_policy").endswith("next: awslab check iam_policy")


def test_check_output_appears_in_the_text_report_and_junit_system_out():
    res = result(0, 1)
    res.checks[0].output = "about to make b1\n"
    assert "your code printed:" in text_report([res], width=100) and "about to make b1" in text_report([res], 100)
    case = ET.fromstring(render_junit([res])).find(".//testcase")
    assert "about to make b1" in case.find("system-out").text


def test_check_on_full_marks_names_the_next_lab_and_from_a_subfolder_finds_the_workspace_file(labs_env, workspace):
    sub = workspace.root / "notes" / "deep"
    sub.mkdir(parents=True)
    from awslab.grading import all_labs

    tiny = next(lab for lab in all_labs() if lab.id == "tiny_lab")
    workspace.lab_file("tiny_lab").write_text(tiny.solution.read_text())
    done = run_awslab("check", "tiny_lab", cwd=sub, env=labs_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.rstrip("\n").splitlines()[-1] == \
        "tiny_lab 6/6 · full marks · next lab: awslab check second_lab"


def test_print_in_a_learner_function_appears_in_text_json_and_junit(labs_env, workspace):
    workspace.lab_file("tiny_lab").write_text(WRONG_PRINTING)
    text = run_awslab("check", "tiny_lab", env=labs_env)
    assert text.returncode == 1 and "about to make" in text.stdout
    assert text.stdout.rstrip("\n").splitlines()[-1].startswith("tiny_lab ")
    data = json.loads(run_awslab("check", "tiny_lab", "--format", "json", env=labs_env).stdout)
    assert any("about to make" in c["output"] for c in data["checks"])
    junit = run_awslab("check", "tiny_lab", "--format", "junit", env=labs_env).stdout
    outs = [case.findtext("system-out") or "" for case in ET.fromstring(junit).iter("testcase")]
    assert any("about to make" in out for out in outs)

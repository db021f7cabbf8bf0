"""The last line of every report: lab, score, failed checks and the next step, at any width."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from learner_helpers import run_awslab
from rich.console import Console

from awslab.grading import all_labs
from awslab.grading.results import FAILED, PASSED, CheckResult, LabResult
from awslab.reporters.junit import render_junit
from awslab.reporters.score_line import score_line, summary_line
from awslab.reporters.text import render_text

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
def test_score_line_fits_the_width_when_it_can_and_never_drops_the_score_or_the_next_step(width):
    line = score_line(result(3, 2), width=width)
    shortest = "sqs_dlq 3/5 · 2 failed · awslab hint sqs_dlq"
    assert line.startswith("sqs_dlq 3/5 · 2 failed") and line.endswith("awslab hint sqs_dlq")
    assert len(line) <= max(width, len(shortest))


def test_a_line_wider_than_the_terminal_is_printed_whole_on_one_line():
    report = text_report([result(3, 2)], width=20)
    assert report.rstrip("\n").splitlines()[-1] == "sqs_dlq 3/5 · 2 failed · awslab hint sqs_dlq"


def test_text_report_ends_with_the_score_line_even_with_a_long_title_at_40_columns():
    report = text_report([result(3, 2, title="IAM policies: " + "least privilege, " * 8)], width=40)
    lines = report.rstrip("\n").splitlines()
    assert lines[-1] == "sqs_dlq 3/5 · 2 failed · awslab hint sqs_dlq"  # 44 wide: one line, folded by the terminal
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
    (data,) = json.loads(run_awslab("check", "tiny_lab", "--format", "json", env=labs_env).stdout)["labs"]
    assert any("about to make" in c["output"] for c in data["checks"])
    junit = run_awslab("check", "tiny_lab", "--format", "junit", env=labs_env).stdout
    outs = [case.findtext("system-out") or "" for case in ET.fromstring(junit).iter("testcase")]
    assert any("about to make" in out for out in outs)


REPO = Path(__file__).resolve().parents[2]
REAL_LABS = all_labs(REPO / "labs")


def _last_line(output: str) -> str:
    return output.rstrip("\n").splitlines()[-1]


@pytest.mark.parametrize("columns", ["80", "40"])
@pytest.mark.parametrize("lab", REAL_LABS, ids=lambda lab: lab.id)
def test_the_last_line_of_every_labs_solution_report_holds_the_score_and_the_next_lab(lab, columns, tmp_path):
    done = run_awslab("check", lab.id, "--solution", cwd=tmp_path, env={"COLUMNS": columns}, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    line = _last_line(done.stdout)
    following = REAL_LABS[REAL_LABS.index(lab) + 1:]
    assert line.startswith(f"{lab.id} {lab.max_score}/{lab.max_score} · full marks · "), line
    assert line.endswith(f"awslab check {following[0].id}" if following else "every lab done"), line


@pytest.mark.parametrize("lab", REAL_LABS, ids=lambda lab: lab.id)
def test_a_failing_starters_last_line_holds_the_score_the_failed_count_and_the_hint_command(lab, tmp_path):
    done = run_awslab("check", lab.id, "--file", str(lab.starter), cwd=tmp_path, env={"COLUMNS": "40"},
                      timeout=180)
    assert done.returncode == 1, done.stdout + done.stderr
    line = _last_line(done.stdout)
    assert re.fullmatch(rf"{lab.id} \d+/{lab.max_score} · \d+ failed · (next: )?awslab hint {lab.id}", line), line


def test_check_all_ends_with_a_total_line(tmp_path):
    done = run_awslab("check", "--all", "--solution", cwd=tmp_path, env={"COLUMNS": "40"}, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    best = sum(lab.max_score for lab in REAL_LABS)
    assert _last_line(done.stdout).startswith(f"total {best}/{best} · "), done.stdout[-2000:]

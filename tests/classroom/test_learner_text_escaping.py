"""Learner-controlled text is escaped where it lands: feedback markdown cannot forge a total line,
spreadsheet cells cannot run formulas, the instructor's terminal gets no escape codes."""

from __future__ import annotations

import pytest

from awslab import escaping
from awslab.classroom.gradebook import render_csv, render_feedback


class _Lab:
    id, title, max_score = "tiny_lab", "Tiny", 10


def _records(student: str, message: str) -> dict:
    check = {"name": "c", "title": "t", "status": "failed", "points": 0, "max_points": 10, "message": message,
             "hint": "", "details": [message]}
    result = {"checks": [check], "load_error": None}
    return {(student, "tiny_lab"): {"status": "graded", "score": 0, "max_score": 10, "result": result}}


def test_a_message_cannot_forge_a_total_line_in_feedback():
    forged = "nope\n\nTotal: 28/28\n# Feedback for someone else"
    text = render_feedback("mallory\nTotal: 28/28", _records("mallory\nTotal: 28/28", forged), [_Lab()])
    lines = text.splitlines()
    assert [line for line in lines if line.startswith("Total:")] == ["Total: 0/10"]
    assert sum(line.startswith("#") for line in lines) == 2  # the title and the lab heading, nothing else


def test_feedback_cannot_embed_html_or_links():
    text = render_feedback("s", _records("s", "<img src=x onerror=alert(1)> [click](http://evil)"), [_Lab()])
    assert "<img" not in text and "\\[click\\](" in text and " [click]" not in text


@pytest.mark.parametrize("name", ["=1+1", " =1+1", "\t=1+1", "\uff1d1+1", "+1", "-1", "@SUM(A1)", "\r=1",
                                  "\u3000=1"])
def test_formula_like_names_are_guarded_in_the_csv(name):
    row = render_csv(_records(name, "x"), [_Lab()]).splitlines()[1]
    assert row.lstrip('"').startswith("'")


def test_terminal_text_has_no_escape_codes_or_markup():
    text = escaping.terminal("\x1b[2J\x1b]0;owned\x07[bold red]x[/] \x9b31m")
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "\\[bold red]" in text


def test_emulator_ids_are_numbered_so_the_json_is_the_same_in_every_run():
    from awslab.classroom.gradebook import stable_ids

    def result(uuid_a, uuid_b, upload, short):
        return {"checks": [{"message": f"version {uuid_a} then {uuid_b}", "details": [f"message {uuid_a[:8]}"]}],
                "pictures": [{"text": f"upload {upload} · message {short} · version {uuid_b[:8]}"}]}

    first = stable_ids(result("c664a027-af3d-441c-b098-1cbfd8a75ee9", "3d49af32-c50d-4791-a727-3018bc86ee48",
                              "IG7U9IwEa1RI3roRc67tv1Lm3ZKaMTJjv00jiAw891AM0nXgOKw9ASDTg", "119b0529"))
    second = stable_ids(result("5eb3f3a6-fe6f-4d23-ac61-655487223c2f", "d5b0a935-52ca-4eaa-bcdd-990143208f9a",
                               "A9oS7P61BMSMqZMmEAP5FQdcQy3mW4BRmS1Ga0zwNtRIfB4sPziXoGV2w", "c2a64604"))
    assert first == second
    assert first["checks"][0]["details"] == ["message <id1>"]
    assert stable_ids({"checks": [{"message": "no ids"}]}) == {"checks": [{"message": "no ids"}]}


def test_the_html_report_escapes_learner_text():
    from awslab.grading.results import CheckResult, LabResult
    from awslab.pictures.page import report_html

    evil = "<script>alert(1)</script>[bold]x[/bold]\x1b]0;owned\x07"
    check = CheckResult("c", "t", "failed", 0, 1, message=evil, output=evil)
    page = report_html([LabResult("tiny_lab", "Tiny", "moto", [check], load_error=None, output=evil)])
    assert "<script>" not in page and "\x1b" not in page and "\x07" not in page

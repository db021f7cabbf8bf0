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

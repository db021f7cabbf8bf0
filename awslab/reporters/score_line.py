"""The last line of every report: lab, score, failed checks and the next step, in plain text.

Panel titles are cut at narrow widths; this line never is. It is built from the most helpful
wording down to the shortest, and the first wording that fits the width is printed. Every wording
holds the lab, the score, what failed and the next step: when even the shortest is wider than the
terminal it is printed whole (never wrapped by rich, never cut), so the terminal folds it after the
lab and score, which come first.
"""

from __future__ import annotations

from ..grading.results import FAILED, LabResult


def next_step(result: LabResult, next_lab: str | None) -> str:
    if result.load_error or not result.full_marks:
        return f"awslab hint {result.lab}"
    if next_lab:
        return f"awslab check {next_lab}"
    return "every lab done"


def score_line(result: LabResult, next_lab: str | None = None, width: int | None = None) -> str:
    """One plain line: `sqs_dlq 12/24 · 5 failed · next: awslab hint sqs_dlq`, as short as `width` needs."""
    failed = sum(1 for c in result.checks if c.status == FAILED)
    score = f"{result.score}/{result.max_score}"
    state = "full marks" if result.full_marks else f"{failed} failed"
    if result.load_error:
        state = "file did not load"
    step = next_step(result, next_lab)
    lead = "next lab" if result.full_marks and next_lab else "next"
    wordings = [
        f"{result.lab} {score} · {state} · {lead}: {step}",
        f"{result.lab} {score} · {state} · {step}",
    ]
    return _fit(wordings, width)


def summary_line(results: list[LabResult], next_lab: str | None = None, width: int | None = None) -> str:
    """The last line of `check --all`: the total, the labs short of full marks, the next step."""
    total, best = sum(r.score for r in results), sum(r.max_score for r in results)
    short = [r for r in results if not r.full_marks]
    if short:
        step = f"awslab hint {short[0].lab}"
        state = f"{len(short)} of {len(results)} labs short of full marks"
    else:
        step = f"awslab check {next_lab}" if next_lab else "every lab done"
        state = f"all {len(results)} labs full marks"
    wordings = [
        f"total {total}/{best} · {state} · next: {step}",
        f"total {total}/{best} · {len(short)} labs short · {step}",
    ]
    return _fit(wordings, width)


def _fit(wordings: list[str], width: int | None) -> str:
    """The first wording that fits `width`, else the shortest, whole: the next step is never dropped."""
    if width is None:
        return wordings[0]
    return next((wording for wording in wordings if len(wording) <= width), wordings[-1])

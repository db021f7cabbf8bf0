"""The batches a Lambda function received from SQS, on the virtual clock: when, how many records,
how each invocation ended, which records failed (and so come back) and which were deleted. Built
from the invocations of awslab's simulated event source mapping (the lambda_sqs behaviour)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.table import Table
from rich.text import Text

_OUTCOMES = {"success": ("done", "green"), "partial": ("partial", "yellow"), "error": ("raised", "red"),
             "timeout": ("timed out", "red"), "invalid_response": ("bad response", "red"),
             "no_code": ("not run", "red")}


def render_batches(invocations: Iterable[Any], *, limit: int = 40):
    """One row per invocation: virtual time since the first, batch size, outcome, the records by their
    body (failed ones marked ✗ with the delivery they were on), deleted count, and why it failed."""
    invocations = list(invocations)
    if not invocations:
        return Text("the function received no batch", style="yellow")
    start = invocations[0].started
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for column in ("at", "records", "outcome", "deleted", "failed: back after the visibility timeout"):
        table.add_column(column)
    for invocation in invocations[:limit]:
        label, style = _OUTCOMES.get(invocation.outcome, (invocation.outcome, "white"))
        failed = set(invocation.failed)
        shown = [f"✗ {_short(r['body'])} (#{r['receive_count']})" for r in invocation.records if r["messageId"] in failed]
        why = f" · {invocation.reason[:80]}" if invocation.reason else ""
        table.add_row(f"+{_clock(invocation.started - start)}", str(len(invocation.records)), Text(label, style=style),
                      str(len(invocation.deleted)), Text((", ".join(shown[:4]) + (" …" if len(shown) > 4 else "")
                                                          or "–") + why))
    if len(invocations) > limit:
        table.add_row("…", "", Text(f"{len(invocations) - limit} more", style="dim"), "", "")
    return table


def _clock(delta) -> str:
    seconds = int(delta.total_seconds())
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _short(body: str) -> str:
    body = " ".join(str(body).split())
    return body if len(body) <= 28 else body[:27] + "…"

"""What a learner's workspace looks like in the terminal: the hint panel (one step more concrete each
time it is asked for, recorded as seen) and the progress table.

Shared by the workspace commands (awslab.commands.workspace) and the watch loop (awslab.watch).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Group, JustifyMethod
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .escaping import plain
from .workspace import DONE, NOT_STARTED, PARTIAL, Workspace, untouched_functions

_STATUS_STYLE = {DONE: ("✔ done", "green"), PARTIAL: ("◐ partial", "yellow"), NOT_STARTED: ("· not started", "dim")}


class HintRequestError(ValueError):
    """A hint asked for that does not exist (a level below 1, a function without hints)."""


# -- hints --------------------------------------------------------------------------------------------
def choose_hint_functions(lab: Any, path: Path | None) -> list[str]:
    """Which functions' hints to show: the first the learner has not touched yet, else all with hints."""
    with_hints = [f for f in lab.functions if lab.hints.get(f)] + [f for f in lab.hints if f not in lab.functions]
    if path is not None and path.is_file():
        untouched = [f for f in untouched_functions(lab, path) if lab.hints.get(f)]
        if untouched:
            return untouched[:1]
    return with_hints


def hint_renderable(lab: Any, workspace: Workspace | None, *, level: int | None, function: str | None):
    """The hints at `level` (None: one more than last time) and record what was shown."""
    if level is not None and level < 1:
        raise HintRequestError("--level counts from 1 (1 is the vaguest hint)")
    if function is not None and function not in lab.hints:
        known = ", ".join(lab.hints) or "none"
        raise HintRequestError(f"lab {lab.id} has no hints for {function!r}: functions with hints are {known}")
    path = workspace.lab_file(lab.id) if workspace else Path(f"{lab.id}.py")
    functions = [function] if function else choose_hint_functions(lab, path)
    if not functions:
        return Text(f"Lab {lab.id} has no hints written yet. The checks' own hints appear under a failed "
                    f"check in `awslab check {lab.id}`; the task is in `awslab show {lab.id}`.")
    record = workspace.progress(lab.id) if workspace else None
    parts, deepest = _function_hints(lab, workspace, record, functions, level)
    if record and record.failing:
        failing, failing_deepest = _failing_check_hints(lab, workspace, record, level)
        parts.append(failing)
        deepest = deepest and failing_deepest
    parts.append(_what_next(lab, function, deepest))
    return Panel(Group(*parts), title=f"Hints: {lab.title} ({lab.id})", border_style="cyan")


def _what_next(lab: Any, function: str | None, deepest: bool) -> Text:
    if deepest:
        return Text("That is the most concrete hint there is. The failed checks' messages say what is "
                    f"still missing; the task is in `awslab show {lab.id}`.", style="dim")
    again = f"awslab hint {lab.id}" + (f" --function {function}" if function else "")
    return Text(f"Still stuck? `{again}` again (or press h in watch) for a more concrete hint.", style="dim")


def _function_hints(lab: Any, workspace: Workspace | None, record: Any, functions: list[str],
                    level: int | None) -> tuple[list[Any], bool]:
    """Each function's hints up to `level` (None: one more than last time), recorded as seen; and
    whether every one is at its most concrete hint."""
    parts: list[Any] = []
    deepest = True
    for name in functions:
        hints = lab.hints[name]
        seen = record.hints_seen.get(name, 0) if record else 0
        shown = min(level if level is not None else seen + 1, len(hints))
        deepest = deepest and shown >= len(hints)
        text = Text()
        text.append(f"{name}", style="bold cyan")
        text.append(f"  (hint {shown} of {len(hints)})\n", style="dim")
        for number, hint in enumerate(hints[:shown], 1):
            text.append(f"  {number}. ", style="bold")
            text.append(hint + "\n", style="bold" if number == shown else "")
        parts.append(text)
        if workspace:
            with workspace.updating(lab.id) as updated:
                updated.hints_seen[name] = max(updated.hints_seen.get(name, 0), shown)
    return parts, deepest


def _failing_check_hints(lab: Any, workspace: Workspace | None, record: Any,
                         level: int | None) -> tuple[Text, bool]:
    """The hints of the checks the last run failed, one level deeper than seen (a run shows level 1),
    recorded as seen; and whether every one is at its most concrete hint."""
    from .hints import hint_ladder, hint_up_to

    failing = Text("What your last run missed\n", style="bold")
    deepest = True
    climbed: dict[str, int] = {}
    for check in record.failing:
        key = check.get("name") or check["title"]
        shown_by_run = 1 if len(hint_ladder(check.get("hint", ""))) > 1 else 0  # a run shows level 1
        seen = record.check_hints_seen.get(key, shown_by_run)
        levels, total = hint_up_to(check.get("hint", ""), level if level is not None else seen + 1)
        failing.append(f"  • {check['title']}", style="red")
        if check.get("message"):
            failing.append(f": {plain(check['message'])}", style="")
        if total:
            failing.append(f"  (hint {len(levels)} of {total})", style="dim")
            deepest = deepest and len(levels) >= total
        failing.append("\n")
        for number, rung in enumerate(levels, 1):
            failing.append(f"      {number}. {rung}\n", style="bold" if number == len(levels) else "")
        climbed[key] = len(levels)
    if workspace and climbed:
        with workspace.updating(lab.id) as updated:
            for key, shown in climbed.items():
                updated.check_hints_seen[key] = max(updated.check_hints_seen.get(key, 0), shown)
    return failing, deepest


# -- progress ------------------------------------------------------------------------------------------
def _duration(seconds: float | None) -> str:
    if not seconds:
        return "-"
    minutes = round(seconds / 60)
    if minutes < 1:
        return f"{seconds:.0f} s"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def progress_rows(labs: list[Any], workspace: Workspace) -> list[dict[str, Any]]:
    records = workspace.all_progress()
    rows = []
    for lab in labs:
        record = records.get(lab.id)
        status = record.status if record else NOT_STARTED
        rows.append({"lab": lab.id, "title": lab.title, "order": lab.order, "status": status,
                     "best_score": record.best_score if record else 0,
                     "max_score": (record.max_score if record and record.max_score else None),
                     "last_score": record.last_score if record else None,
                     "attempts": record.attempts if record else 0,
                     "seconds_spent": record.time_spent() if record else None,
                     "completed_at": record.completed_at if record else None,
                     "solution_viewed": record.solution_viewed if record else False})
    return rows


def progress_table(labs: list[Any], workspace: Workspace, current: str | None = None) -> Table:
    rows = progress_rows(labs, workspace)
    done = sum(1 for r in rows if r["status"] == DONE)
    table = Table(title=f"Your progress: {done}/{len(rows)} labs done",
                  caption="time: first graded → completed, or time spent in awslab watch")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("#", "right"), ("lab", "left"), ("status", "left"), ("best score", "right"), ("attempts", "right"),
        ("time", "right"))
    for column, justify in columns:
        table.add_column(column, justify=justify)
    for row in rows:
        label, style = _STATUS_STYLE[row["status"]]
        score = f"{row['best_score']}/{row['max_score']}" if row["max_score"] else "-"
        name = f"▶ {row['lab']}" if row["lab"] == current else row["lab"]
        table.add_row(str(row["order"]), name, Text(label, style=style), score, str(row["attempts"] or "-"),
                      _duration(row["seconds_spent"]))
    return table

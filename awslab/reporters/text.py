"""The terminal report: a score, a table of checks, and hints for what failed."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..escaping import plain
from ..grading.results import FAILED, NOT_APPLICABLE, PASSED, LabResult
from ..hints import unasked_hint
from .score_line import score_line, summary_line

_MARK = {PASSED: Text("✔", style="bold green"), FAILED: Text("✘", style="bold red"),
         NOT_APPLICABLE: Text("–", style="yellow")}


def lab_report(result: LabResult) -> Panel:
    table = _checks_table(result)
    parts: list = []
    if result.load_error:
        parts.append(Text(f"Could not load your file: {plain(result.load_error)}\n", style="bold red"))
    if result.output:
        parts.append(Text("Your file printed when it was loaded:\n" + plain(result.output).rstrip("\n") + "\n"))
    parts.append(table)
    hints = [c for c in result.checks if c.status == FAILED and c.hint]
    if hints:
        parts.append(_first_hints(result.lab, hints))
    if result.not_applicable:
        parts.append(Text(f"{len(result.not_applicable)} check(s) not applicable on {result.backend}: they "
                          "count neither for nor against you.", style="yellow"))
    style = "green" if result.full_marks else ("yellow" if result.score else "red")
    virtual = _duration(result.virtual_seconds)
    # the score first: rich cuts a long title from the right
    title = (f"[{style}]{result.score}/{result.max_score}[/] {result.lab} on {result.backend}: "
             f"[bold]{escape(result.title)}[/]")
    subtitle = f"graded in {result.duration:.2f} s" + (f", covering {virtual} of AWS time" if virtual else "")
    return Panel(Group(*parts), title=title, subtitle=subtitle, border_style=style)


def _checks_table(result: LabResult) -> Table:
    """One row per check: its mark, title and points, and what awslab saw (message, details, output)."""
    table = Table(show_header=True, header_style="bold", expand=True, box=None, padding=(0, 1))
    table.add_column("", width=1)
    table.add_column("check", ratio=3)
    table.add_column("points", justify="right", width=7)
    table.add_column("what awslab saw", ratio=4)
    for check in result.checks:
        message = Text(plain(check.message or ""), style="red" if check.status == FAILED else "yellow")
        for detail in check.details:
            message.append("\n" + plain(detail), style="dim")
        if check.output:
            message.append("\nyour code printed:\n", style="bold")
            message.append(plain(check.output).rstrip("\n"), style="")
        table.add_row(_MARK[check.status], check.title, f"{check.points}/{check.max_points}", message)
    return table


def _first_hints(lab: str, hints: list) -> Text:
    hint_text = Text("\nHints (first step only; `awslab hint " + lab + "` shows one more each time)\n",
                     style="bold")
    for check in hints:
        hint_text.append(f"• {check.title}: ", style="bold cyan")
        hint_text.append((unasked_hint(check.hint) or f"ask for it: awslab hint {lab}") + "\n")
    return hint_text


def _duration(seconds: float) -> str:
    if seconds < 1:
        return ""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} days"


def render_text(results: list[LabResult], console: Console, *, next_lab: str | None = None,
                pictures: bool = True, score: bool = True) -> None:
    """Each lab's report, then (for several) a summary; the last line is the plain score line
    (`score=False`: the caller printed it already, as watch does at the top)."""
    for result in results:
        console.print(lab_report(result))
        if pictures:
            for title, picture in result.pictures:
                console.print(Panel(picture, title=title, border_style="cyan", expand=False))
    if len(results) > 1:
        render_labs_summary(results, console)
    if not score:
        return
    if len(results) > 1:
        print_plain(console, summary_line(results, next_lab, width=console.width))
    elif results:
        print_plain(console, score_line(results[0], next_lab, width=console.width))


def print_plain(console: Console, line: str) -> None:
    console.print(line, markup=False, highlight=False, emoji=False, soft_wrap=True)


def render_labs_summary(results: list[LabResult], console: Console) -> None:
    table = Table(title="Summary", show_lines=False)
    table.add_column("lab")
    table.add_column("backend")
    table.add_column("score", justify="right")
    table.add_column("time", justify="right")
    for result in results:
        style = "green" if result.full_marks else "red"
        table.add_row(result.lab, result.backend, f"[{style}]{result.score}/{result.max_score}[/]",
                      f"{result.duration:.2f} s")
    total, best = sum(r.score for r in results), sum(r.max_score for r in results)
    table.add_row("[bold]total[/]", "", f"[bold]{total}/{best}[/]", f"{sum(r.duration for r in results):.2f} s")
    console.print(table)

"""The learner's path: `awslab init`, `watch`, `hint`, `solution`, `progress`, `reset`.

The workspace (files, progress, backups) lives in awslab.workspace, the watch loop in awslab.watch;
these commands parse, call them, and print.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console, Group, JustifyMethod
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..escaping import plain
from ..workspace import (
    DONE,
    NOT_STARTED,
    PARTIAL,
    Workspace,
    WorkspaceError,
    init_workspace,
    untouched_functions,
)

console = Console()

_STATUS_STYLE = {DONE: ("✔ done", "green"), PARTIAL: ("◐ partial", "yellow"), NOT_STARTED: ("· not started", "dim")}


def _usage(message: str):
    from ..cli import UsageError

    return UsageError(message)


def _workspace() -> Workspace:
    try:
        return Workspace.require()
    except WorkspaceError as exc:
        raise _usage(str(exc)) from exc


def _interactive() -> bool:
    return sys.stdin.isatty()


def _lab(lab_id: str):
    from ..grading import get_lab

    return get_lab(lab_id)  # LabError names the known labs; the CLI prints it (exit 2)


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
        raise _usage("--level counts from 1 (1 is the vaguest hint)")
    if function is not None and function not in lab.hints:
        known = ", ".join(lab.hints) or "none"
        raise _usage(f"lab {lab.id} has no hints for {function!r}: functions with hints are {known}")
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
    from ..hints import hint_ladder, hint_up_to

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


# -- commands ----------------------------------------------------------------------------------------------
def init(
    directory: Path = typer.Argument(Path("."), metavar="[DIR]",
                                     help="Folder for your workspace (created if missing; default: here)."),
    force: bool = typer.Option(False, "--force", help="Replace files you edited with the starters; your "
                                                     "files are copied to .awslab/backups/ first."),
) -> None:
    """Create a workspace: each lab's starter as <lab_id>.py, a README on how to work, and a progress file.

    Running it again adds new labs and never overwrites a file you edited (unless --force, which keeps a
    backup)."""
    from ..grading import all_labs

    try:
        report = init_workspace(directory, all_labs(), force=force)
    except WorkspaceError as exc:
        raise _usage(str(exc)) from exc
    for name in report.created:
        console.print(f"  [green]created[/]   {name}")
    for name in report.unchanged:
        console.print(f"  [dim]unchanged[/] {name}")
    for name, backup in report.replaced:
        console.print(f"  [yellow]replaced[/]  {name} (your version: {backup.relative_to(report.root)})")
    where = "" if report.root == Path.cwd().resolve() else f"cd {directory} && "
    # soft_wrap: a long path or the command to copy is never broken by an inserted newline
    console.print(f"Workspace ready in [bold]{report.root}[/].", soft_wrap=True)
    console.print(f"Next: [bold]{where}awslab watch[/] (it grades your file each time you save it; "
                  "README.md says more).", soft_wrap=True)


def watch(
    lab_id: Optional[str] = typer.Argument(None, metavar="[LAB]",
                                           help="The lab to start with (default: the first one not done)."),
    backend: str = typer.Option("moto", "--backend", "-b", help="Where to run it: moto, moto-server or localstack."),
    html: Optional[Path] = typer.Option(None, "--html", help="Also write each report, with its pictures, to "
                                                            "this HTML file."),
) -> None:
    """Regrade a lab each time you save its file, show the report, and offer the next lab when it passes.

    Keys (no Enter needed): h hint (press again for a more concrete one), n next lab, l list with
    progress, r regrade, q quit. Without a terminal, type one key per line; end of input quits."""
    from ..grading import all_labs
    from ..watch import Watcher, next_lab

    workspace = _workspace()
    labs = all_labs()
    if not labs:
        raise _usage("no labs found: set AWSLAB_LABS_DIR to a labs folder, or reinstall awslab with its labs/")
    from ..backends import BACKENDS

    if backend not in BACKENDS:
        *others, last = BACKENDS
        raise _usage(f"unknown backend {backend!r}: use {', '.join(others)} or {last}")
    if lab_id is None:
        lab = next_lab(labs, workspace) or labs[0]
    else:
        lab = next((candidate for candidate in labs if candidate.id == lab_id), None) or _lab(lab_id)
    if backend not in lab.backends:
        why = lab.not_offered(backend)
        raise _usage(f"lab {lab.id} does not run on {backend}" + (f": {why}" if why else "")
                     + f" (use --backend {lab.backends[0]})")
    code = Watcher(workspace, labs, lab, backend=backend, console=console, html=html).run()
    raise typer.Exit(code)


def hint(
    lab_id: str = typer.Argument(..., metavar="LAB", help="The lab, e.g. sqs_dlq (`awslab list` shows them)."),
    level: Optional[int] = typer.Option(None, "--level", "-l", min=1,
                                        help="Show the first N hints (1 = vaguest). Default: one more than "
                                             "last time."),
    function: Optional[str] = typer.Option(None, "--function", "-F",
                                           help="Hints for this function (default: the first one you have "
                                                "not changed from the starter)."),
) -> None:
    """Hints for a lab, from vague to concrete, one step more each time you ask. Never the answer."""
    lab = _lab(lab_id)
    console.print(hint_renderable(lab, Workspace.find(), level=level, function=function))


def solution(
    lab_id: str = typer.Argument(..., metavar="LAB", help="The lab, e.g. sqs_dlq."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Show it even though you have not passed the lab yet."),
) -> None:
    """The reference solution: shown once you have passed the lab (or with --yes, or when you confirm)."""
    lab = _lab(lab_id)
    if not lab.solution.is_file():
        raise _usage(f"lab {lab.id} has no reference solution yet (expected {lab.solution}); ask the lab's author")
    workspace = Workspace.find()
    passed = bool(workspace and workspace.progress(lab.id).done)
    if not passed and not yes:
        if _interactive():
            if not typer.confirm(f"You have not passed {lab.id} yet; the solution ends the puzzle. Show it anyway?",
                                 default=False):
                console.print(f"Not shown. Try a hint: [bold]awslab hint {lab.id}[/]")
                raise typer.Exit(1)
        else:
            raise _usage(f"you have not passed {lab.id} yet: pass it first (`awslab check {lab.id}` in your "
                         "workspace), or add --yes to see the solution anyway")
    if workspace:
        with workspace.updating(lab.id) as record:
            record.solution_viewed = True
    from rich.syntax import Syntax

    console.print(Panel(Syntax(lab.solution.read_text(), "python", line_numbers=True, word_wrap=True),
                        title=f"Reference solution: {lab.id}", border_style="green" if passed else "yellow"))
    if passed:
        console.print("Yours passed too: several answers are right. Compare how each handles the edge cases.")


def progress(as_json: bool = typer.Option(False, "--json", help="Print the progress as JSON.")) -> None:
    """Which labs are done, partial or not started, with best scores, attempts and time spent."""
    from ..grading import all_labs

    workspace = _workspace()
    labs = all_labs()
    if as_json:
        print(json.dumps(progress_rows(labs, workspace), indent=2))
        return
    console.print(progress_table(labs, workspace))
    from ..watch import next_lab

    following = next_lab(labs, workspace)
    if following is None:
        console.print("[green]Every lab is done.[/] Compare with the references: [bold]awslab solution LAB[/]")
    else:
        console.print(f"Next: [bold]awslab watch {following.id}[/]")


def reset(lab_id: str = typer.Argument(..., metavar="LAB", help="The lab whose file to restore, e.g. sqs_dlq.")) -> None:
    """Put the lab's starter back in your workspace; your version is copied to .awslab/backups/ first."""
    workspace = _workspace()
    lab = _lab(lab_id)
    saved = workspace.reset(lab)
    name = workspace.lab_file(lab.id).name
    if saved:
        console.print(f"Restored the starter in {name}; your version is in {workspace.relative(saved)}.")
    else:
        console.print(f"Restored the starter in {name} (there was nothing of yours to back up).")


def register(app: typer.Typer) -> None:
    for command in (init, watch, hint, solution, progress, reset):
        app.command(command.__name__)(command)

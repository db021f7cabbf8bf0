"""The learner's path: `awslab init`, `watch`, `hint`, `solution`, `progress`, `reset`.

The workspace (files, progress, backups) lives in awslab.workspace, the watch loop in awslab.watch,
the hint panel and the progress table in awslab.workspace_views; these commands parse, call them, and
print.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.panel import Panel

from ..workspace import Workspace, WorkspaceError, init_workspace
from ..workspace_views import HintRequestError, hint_renderable, progress_rows, progress_table
from .common import UsageError, console


def _usage(message: str):
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
    try:
        console.print(hint_renderable(lab, Workspace.find(), level=level, function=function))
    except HintRequestError as exc:
        raise _usage(str(exc)) from exc


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

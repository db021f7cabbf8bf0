"""awslab's commands. Thin: each one calls the rooms that do the work."""

from __future__ import annotations

import io
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console

from .commands.common import UsageError, console, errors

app = typer.Typer(
    name="awslab",
    help="A local AWS lab: write boto3 code for an exercise, and awslab grades it check by check on a "
         "local AWS (moto by default, LocalStack on request). Nothing reaches real AWS.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, PowerShell
    context_settings={"help_option_names": ["-h", "--help"]},  # subcommands inherit it
    pretty_exceptions_enable=False,
)


class Format(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"


class BackendName(str, Enum):
    moto = "moto"
    moto_server = "moto-server"
    localstack = "localstack"


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        console.print(f"awslab {version('awslab')}", highlight=False)
        raise typer.Exit(0)


@app.callback()
def _options(
    _version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                  help="Print awslab's version and exit."),
    labs: Optional[list[Path]] = typer.Option(None, "--labs", metavar="DIR",
                                              help="A folder of lab folders (a lab pack) to add to the course; "
                                                   "repeatable, added to AWSLAB_LABS_PATH."),
) -> None:
    if labs:
        import os

        # Through the environment, so that every process a command starts (the classroom's workers,
        # the learner's) sees the same labs.
        known = [p for p in os.environ.get("AWSLAB_LABS_PATH", "").split(os.pathsep) if p]
        os.environ["AWSLAB_LABS_PATH"] = os.pathsep.join(known + [str(p.resolve()) for p in labs])


# Each module here owns a group of commands and adds them with `register(app)`.
COMMAND_MODULES = ("iam", "s3", "dynamodb", "backend", "grade", "workspace", "serve", "authoring")


def _mount_subcommands() -> None:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f".commands.{name}", __package__).register(app)


@app.command("list")
def list_labs(as_json: bool = typer.Option(False, "--json", help="Print the labs as JSON.")) -> None:
    """The labs, in order, with title, points and how long they take."""
    from .grading import all_labs

    labs = all_labs()
    if not labs:
        raise UsageError("no labs found: set AWSLAB_LABS_DIR to a labs folder, or reinstall awslab with its labs/")
    if as_json:
        print(json.dumps([{"id": lab.id, "title": lab.title, "summary": lab.summary, "order": lab.order, "points": lab.max_score,
                           "estimated_minutes": lab.estimated_minutes, "backends": lab.backends,
                           "functions": lab.functions, "source": lab.source} for lab in labs], indent=2))
        return
    from rich.table import Table

    table = Table(title="awslab labs")
    packs = any(lab.source != "built-in" for lab in labs)
    for column in ("#", "lab", "title", "points", "minutes") + (("from",) if packs else ()):
        table.add_column(column)
    for lab in labs:
        table.add_row(str(lab.order), lab.id, lab.title, str(lab.max_score), str(lab.estimated_minutes),
                      *((lab.source,) if packs else ()))
    console.print(table)
    console.print("Read a lab with [bold]awslab show LAB[/]; grade your file with [bold]awslab check LAB[/].")


@app.command()
def show(lab_id: str = typer.Argument(..., metavar="LAB", help="The lab id, e.g. sqs_dlq.")) -> None:
    """The lab's instructions, rendered in the terminal."""
    from rich.markdown import Markdown

    from .grading import get_lab

    lab = get_lab(lab_id)
    console.print(Markdown(lab.readme.read_text()))


@app.command()
def check(
    lab_id: Optional[str] = typer.Argument(None, metavar="[LAB]", help="The lab to grade (omit with --all)."),
    file: Optional[Path] = typer.Option(None, "--file", "-f", help="Your file (default: ./<lab_id>.py)."),
    backend: BackendName = typer.Option(BackendName.moto, "--backend", "-b", help="Where to run it."),
    output_format: Format = typer.Option(Format.text, "--format", help="text, json or junit."),
    solution: bool = typer.Option(False, "--solution", help="Grade the reference solution instead."),
    all_labs_: bool = typer.Option(False, "--all", help="Grade every lab and print one summary."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report to this file."),
    start: bool = typer.Option(False, "--start", help="Start the backend for this run and stop it after."),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", metavar="URL",
                                           help="With --backend moto-server: an already running moto server "
                                                "(e.g. docker compose's, http://127.0.0.1:5000), reached through "
                                                "awslab's gateway."),
    html: Optional[Path] = typer.Option(None, "--html", help="Also write the report, with its pictures, as an HTML page."),
) -> None:
    """Grade a lab file. Exit 0 on full marks, 1 when points are lost, 2 on usage errors."""
    from .grading import all_labs, get_lab

    _check_options(lab_id, file, all_labs_, backend, start, endpoint)
    from .workspace import Workspace

    labs = [get_lab(lab_id)] if lab_id else all_labs()  # one of the two was given (checked above)
    workspace = Workspace.find()  # from any folder inside it, as git finds its root
    jobs = []
    for lab in labs:
        jobs.append((lab, _file_to_grade(lab, file, solution, all_labs_, backend, workspace)))
    results = _grade(jobs, backend.value, start=start, quiet=output_format != Format.text, endpoint=endpoint)
    if not solution:  # in a workspace (awslab init), the learner's progress remembers this run
        from .workspace import record_check_result

        for (_, path), result in zip(jobs, results):
            record_check_result(result, path)
    if html:
        from .pictures.page import write_report_html

        write_report_html(results, html)
    _report(results, output_format, output, next_lab=_next_lab_after(labs[-1], workspace))
    raise typer.Exit(0 if all(r.full_marks for r in results) else 1)


def _check_options(lab_id: Optional[str], file: Optional[Path], all_labs_: bool, backend: BackendName, start: bool,
                   endpoint: Optional[str]) -> None:
    if all_labs_ and (lab_id or file):
        raise UsageError("--all grades every lab: give neither LAB nor --file with it")
    if not all_labs_ and not lab_id:
        raise UsageError("name a lab (awslab check LAB) or use --all; `awslab list` shows the labs")
    if endpoint is not None and (backend != BackendName.moto_server or start):
        raise UsageError("--endpoint names a running moto server: use it with --backend moto-server, without --start")
    if endpoint is not None and not endpoint.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise UsageError(f"--endpoint must be a loopback http URL (http://127.0.0.1:PORT), not {endpoint!r}")


def _file_to_grade(lab, file: Optional[Path], solution: bool, all_labs_: bool, backend: BackendName,
                   workspace) -> Path:
    """The file `check` grades for the lab (the learner's, or the reference solution), on a backend
    the lab runs on."""
    default = workspace.lab_file(lab.id) if workspace else Path(f"{lab.id}.py")
    path = lab.solution if solution else (file or default)
    if not all_labs_ and not Path(path).is_file():
        hint = "" if solution else f" (make a workspace with awslab init, or get the starter back with awslab reset {lab.id})"
        raise UsageError(f"file not found: {path}{hint}")
    if backend.value not in lab.backends:
        why = lab.not_offered(backend.value)
        raise UsageError(f"lab {lab.id} does not run on {backend.value}" + (f": {why}" if why else "")
                         + f" (it runs on {', '.join(lab.backends)})")
    return Path(path)


def _next_lab_after(lab, workspace) -> Optional[str]:
    """The lab to name after full marks: the next unfinished one in a workspace, else the next in order."""
    from .grading import all_labs

    labs = all_labs()
    if workspace is not None:
        from .watch import next_lab

        following = next_lab(labs, workspace, after=lab)
        return following.id if following is not None else None
    index = next((i for i, known in enumerate(labs) if known.id == lab.id), len(labs))
    return labs[index + 1].id if index + 1 < len(labs) else None


@app.command()
def demo(backend: BackendName = typer.Option(BackendName.moto, "--backend", "-b", help="Where to run it.")) -> None:
    """Grade every lab's reference solution on the embedded backend: what full marks look like."""
    from .grading import all_labs

    labs = [lab for lab in all_labs() if backend.value in lab.backends]
    if not labs:
        raise UsageError("no labs found (is the labs/ folder next to the awslab package?)")
    results = _grade([(lab, lab.solution) for lab in labs], backend.value, start=False, quiet=False)
    _report(results, Format.text, None)
    raise typer.Exit(0 if all(r.full_marks for r in results) else 1)


def _grade(jobs, backend: str, *, start: bool, quiet: bool, endpoint: Optional[str] = None):
    from .grading.learner_process import LearnerProcess

    # The first learner's Python (and its boto3) starts now, on the other core, while this
    # process imports the emulator and starts the backend.
    first = LearnerProcess.spawn_early(jobs[0][1], services=jobs[0][0].services) if jobs else None
    from .backends import BackendError, make_backend
    from .grading import grade_submission
    from .local_aws import LocalAWS

    options: dict[str, Any] = {"start": True} if start else {"url": endpoint.rstrip("/")} if endpoint else {}
    try:
        aws = LocalAWS(make_backend(backend, **options)).start()
    except BackendError as exc:
        if first is not None:
            first.close()
        raise UsageError(str(exc)) from exc
    results = []
    try:
        for index, (lab, path) in enumerate(jobs):
            learner = first if index == 0 else None
            if quiet:
                results.append(grade_submission(lab, path, aws, learner=learner))
            else:
                with console.status(f"grading {lab.id} on {backend}..."):
                    results.append(grade_submission(lab, path, aws, learner=learner))
    finally:
        if first is not None:
            first.close()
        aws.stop()
    return results


def _report(results, output_format: Format, output: Optional[Path], next_lab: Optional[str] = None) -> None:
    from .reporters import render_json, render_junit, render_text

    if output_format == Format.text:
        if not output:
            render_text(results, console, next_lab=next_lab)
            return
        # Into a string first, then written as JSON and JUnit are: atomically, no file left open.
        buffer = io.StringIO()
        render_text(results, Console(file=buffer, width=120), next_lab=next_lab)
        text = buffer.getvalue()
    else:
        text = render_json(results) if output_format == Format.json else render_junit(results)
    if output:
        from .files import write_atomically

        write_atomically(output, text)
    else:
        print(text)


class Terminated(BaseException):
    """SIGTERM arrived."""


def _terminated(_signum, _frame) -> None:
    raise Terminated()


def main() -> None:
    import signal

    # Terminated (SIGTERM) unwinds like Ctrl-C: a backend in the middle of starting is stopped, not orphaned.
    signal.signal(signal.SIGTERM, _terminated)
    _mount_subcommands()
    if sys.argv[1:3] == ["grade", "merge"]:  # `grade` takes a folder: its one subcommand is routed here
        sys.argv[1:3] = ["grade-merge"]
    try:
        code = app(standalone_mode=False)  # click returns typer.Exit's code in this mode
        sys.exit(code if isinstance(code, int) else 0)
    except UsageError as exc:
        errors.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(2)
    except (typer.Exit, SystemExit) as exc:
        code = exc.exit_code if isinstance(exc, typer.Exit) else exc.code
        sys.exit(code if code is not None else 0)
    except typer.Abort:
        errors.print("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        errors.print("interrupted")
        sys.exit(130)
    except Terminated:
        errors.print("terminated")
        sys.exit(143)
    except Exception as exc:  # noqa: BLE001 - known failures become one line; others too, never a traceback
        sys.exit(_failed(exc))


def _failed(exc: Exception) -> int:
    """Say in one line why the command failed; the exit code: 2 for a usage or lab or backend
    error, click's own for what click shows itself, 3 for anything else (never a traceback)."""
    from .backends import BackendError
    from .grading import LabError

    if isinstance(exc, (LabError, BackendError)):
        errors.print(f"[bold red]error:[/] {exc}", highlight=False)
        return 2
    show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
    format_message = getattr(exc, "format_message", None)
    if code == 2 and callable(format_message):  # click's usage errors: one line
        context = getattr(exc, "ctx", None)
        where = f" (see {context.command_path} -h)" if context is not None else ""
        from rich.markup import escape

        message = " ".join(str(format_message()).split())
        errors.print(f"[bold red]error:[/] {escape(message + where)}", highlight=False)
        return 2
    if callable(show) and isinstance(code, int):
        show()
        return code
    errors.print(f"[bold red]awslab failed:[/] {type(exc).__name__}: {exc}", highlight=False)
    return 3

"""`awslab grade` (a class folder), `awslab gradescope build`, `awslab classroom report` (GitHub Classroom)."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from .common import UsageError, console, errors


class GradebookFormat(str, Enum):
    csv = "csv"
    json = "json"


class GradescopeVisibility(str, Enum):
    visible = "visible"
    hidden = "hidden"
    after_due_date = "after_due_date"
    after_published = "after_published"


class IsolationLevel(str, Enum):
    auto = "auto"
    full = "full"
    namespaces = "namespaces"
    process = "process"


def _labs(requested: list[str] | None, students) -> list:
    from ..classroom.roster import labs_submitted
    from ..grading import all_labs, get_lab

    names = [name for item in (requested or ["all"]) for name in item.split(",") if name]
    if names == ["all"]:
        labs = labs_submitted(students, all_labs())
        if not labs:
            known = ", ".join(lab.id for lab in all_labs()) or "none"
            raise UsageError(f"no student folder holds a lab file (<lab_id>.py; labs: {known})")
        return labs
    if "all" in names:
        raise UsageError("--lab all cannot be combined with other labs")
    labs = [get_lab(name) for name in dict.fromkeys(names)]
    return sorted(labs, key=lambda lab: (lab.order, lab.id))


def grade(
    submissions: Path = typer.Argument(..., metavar="SUBMISSIONS_DIR",
                                       help="One folder per student, each holding <lab_id>.py files."),
    lab: Optional[List[str]] = typer.Option(None, "--lab", "-l",
                                            help="A lab to grade (repeat, or comma-separated); "
                                                 "default all: every lab someone handed in."),
    out: Path = typer.Option(Path("gradebook.csv"), "--out", "-o", help="The gradebook file."),
    jobs: int = typer.Option(0, "--jobs", "-j", help="Students graded at once (default: the number of cores)."),
    timeout: float = typer.Option(60.0, "--timeout", help="Wall-time limit per lab per student, in seconds."),
    memory: int = typer.Option(1024, "--memory", help="Memory limit of the learner's process, in MB."),
    output_format: Optional[GradebookFormat] = typer.Option(None, "--format",
                                                            help="csv or json (default: from --out's suffix)."),
    isolation: IsolationLevel = typer.Option(IsolationLevel.auto, "--isolation",
                                             help="auto (the strongest available), full, namespaces, process."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary."),
    trust_submissions: bool = typer.Option(False, "--trust-submissions",
                                           help="Allow --isolation process (no sandbox): only for code you trust."),
    shard: Optional[str] = typer.Option(None, "--shard", metavar="K/N",
                                        help="Grade only slice K of N of the class, into its own state folder "
                                             "(then: awslab grade merge STATE...)."),
    html: Optional[Path] = typer.Option(None, "--html", help="Also write the class report as one HTML page."),
) -> None:
    """Grade a class: every student, every lab, in parallel and isolated; resumable; gradebook + feedback."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .. import escaping
    from ..classroom import Settings, find_students, grade_class, shards
    from ..classroom.gradebook import shard_state_dir, state_dir, write_outputs
    from ..classroom.roster import skipped_folders
    from ..classroom.summary import render_class_summary

    try:
        slice_ = shards.Shard.parse(shard) if shard is not None else None
    except shards.ShardError as exc:
        raise UsageError(str(exc)) from exc
    problem = _option_problem(submissions, timeout, jobs, memory, isolation, trust_submissions,
                              sharded=slice_ is not None, html=html)
    if problem is not None:
        raise UsageError(problem)
    students = find_students(submissions)
    skipped = skipped_folders(submissions)
    if not students:
        raise UsageError(f"{submissions} holds no student folders")
    labs = _labs(lab, students)
    students = find_students(submissions, labs)  # read again with the lab files first: helpers never push them out
    roster = students
    if slice_ is not None:
        students = slice_.take(students)
    fmt = _gradebook_format(output_format, out)
    problem = _sandbox_problem(isolation, trust_submissions)
    if problem is not None:
        raise UsageError(problem)
    settings = Settings(timeout=timeout, memory_mb=memory, jobs=jobs, isolation=isolation.value)
    state = state_dir(out.resolve()) if slice_ is None else shard_state_dir(out.resolve(), slice_)
    if slice_ is not None:
        shards.forget_manifest(state)
    progress = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                        TimeRemainingColumn(), console=errors, disable=quiet)
    task = progress.add_task("", total=len(students) * len(labs))

    def on_record(record: dict) -> None:
        progress.update(task, advance=1, description=escaping.terminal(f"{record['student']} {record['lab']}"))

    feedback = out.resolve().with_name(out.stem + ".feedback")
    try:
        with progress:
            run = grade_class(students, labs, state, settings, on_record=on_record,
                              hide=[submissions.resolve(), feedback])
    except KeyboardInterrupt:
        done = len(list(state.glob("results/*/*.json")))
        errors.print(f"interrupted: {done} of {len(students) * len(labs)} gradings saved in {state}; "
                     "run the same command again to grade only the rest")
        raise typer.Exit(130) from None
    if slice_ is not None:
        shards.write_manifest(state, slice_, roster, run.records, labs,
                              {**settings.fingerprinted(), "isolation": run.isolation.level},
                              run.isolation.level, run.isolation.describe())
        if not quiet:
            _print_shard_done(run, slice_, len(students), len(roster), state, out, console, errors)
        return
    written = write_outputs(run.records, labs, out, fmt)
    if html is not None:
        from ..classroom.report_html import write_report

        write_report(html, run.records, labs, isolation=run.isolation.describe())
    if not quiet:
        console.print(render_class_summary(run.records, labs, isolation=run.isolation.describe(), skipped=skipped))
        _print_notes(run.notes, errors)
        console.print(f"graded {run.graded_now}, reused {run.reused} from {state}; "
                      f"gradebook: {written['gradebook']}; feedback: {written['feedback']}/")


def _option_problem(submissions: Path, timeout: float, jobs: int, memory: int, isolation: IsolationLevel,
                    trust_submissions: bool, *, sharded: bool, html: Optional[Path]) -> Optional[str]:
    """What is wrong with grade's options before anything is read, or None."""
    if sharded and html is not None:
        return "--html goes with awslab grade merge (a shard holds only part of the class)"
    if not submissions.is_dir():
        return f"not a folder: {submissions}"
    if timeout <= 0 or jobs < 0 or memory < 64:
        return "--timeout must be positive, --jobs 0 or more, --memory at least 64 (MB)"
    if isolation == IsolationLevel.process and not trust_submissions:
        return ("--isolation process runs submissions without a sandbox (they could read your files "
                "and rewrite the gradebook); add --trust-submissions only for code you trust")
    return None


def _sandbox_problem(isolation: IsolationLevel, trust_submissions: bool) -> Optional[str]:
    """Why the isolation asked for cannot grade here, or None; a machine with no sandbox at all
    grades only code the instructor trusts."""
    from ..classroom.isolation import detect

    try:
        chosen = detect(isolation.value)
    except ValueError as exc:
        return str(exc)
    if chosen.level == "process" and not trust_submissions:
        return ("only process isolation (no sandbox) is available here: submissions could read your "
                "files and rewrite the gradebook; add --trust-submissions only for code you trust")
    return None


def _gradebook_format(output_format: Optional[GradebookFormat], out: Path) -> str:
    return output_format.value if output_format else "json" if out.suffix == ".json" else "csv"


def _print_shard_done(run, slice_, graded: int, roster: int, state: Path, out: Path, console, errors) -> None:
    _print_notes(run.notes, errors)
    console.print(f"shard {slice_}: {graded} of {roster} students; graded {run.graded_now}, "
                  f"reused {run.reused}; results in {state}; when every shard is done: "
                  f"awslab grade merge STATE... --out {out.name}")


def _print_notes(notes: List[str], errors) -> None:
    for note in notes:
        errors.print(f"[yellow]note:[/] {note}")


def grade_merge(
    states: List[Path] = typer.Argument(..., metavar="STATE...", help="The state folder of every shard."),
    out: Path = typer.Option(Path("gradebook.csv"), "--out", "-o", help="The gradebook file."),
    output_format: Optional[GradebookFormat] = typer.Option(None, "--format",
                                                            help="csv or json (default: from --out's suffix)."),
    html: Optional[Path] = typer.Option(None, "--html", help="Also write the class report as one HTML page."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary."),
) -> None:
    """Merge the shards of a class (grade --shard K/N) into the gradebook, JSON and feedback of one run."""
    from ..classroom import shards
    from ..classroom.gradebook import write_outputs
    from ..classroom.summary import render_class_summary

    try:
        merged = shards.merge(states)
    except shards.ShardError as exc:
        raise UsageError(str(exc)) from exc
    fmt = _gradebook_format(output_format, out)
    written = write_outputs(merged.records, merged.labs, out, fmt)
    if html is not None:
        from ..classroom.report_html import write_report

        write_report(html, merged.records, merged.labs, isolation=merged.isolation)
    if not quiet:
        console.print(render_class_summary(merged.records, merged.labs, isolation=merged.isolation))
        console.print(f"merged {merged.shards} shards ({len(merged.records)} gradings); "
                      f"gradebook: {written['gradebook']}; feedback: {written['feedback']}/")


def gradescope_build(
    labs: List[str] = typer.Argument(..., metavar="LAB...", help="The labs this autograder grades."),
    out: Path = typer.Option(Path("autograder.zip"), "--out", "-o", help="The zip to upload to Gradescope."),
    timeout: float = typer.Option(60.0, "--timeout", help="Wall-time limit per lab, in seconds."),
    visibility: GradescopeVisibility = typer.Option(
        GradescopeVisibility.visible, "--visibility", help="When students see their results: visible, hidden, after_due_date or "
                                        "after_published (Gradescope's settings)."),
    leaderboard: bool = typer.Option(False, "--leaderboard", help="Put each submission's score on the "
                                                                   "assignment's leaderboard."),
) -> None:
    """Build a Gradescope autograder (setup.sh, run_autograder, awslab and the labs) as a zip."""
    from ..classroom.gradescope import build
    from ..grading import get_lab

    chosen = [get_lab(name) for name in labs]
    build(chosen, out, timeout=timeout, visibility=visibility.value, leaderboard=leaderboard)
    console.print(f"wrote {out}: upload it as the autograder of a Gradescope programming assignment; "
                  f"students submit {', '.join(lab.id + '.py' for lab in chosen)}")


def classroom_report(
    lab: Optional[List[str]] = typer.Option(None, "--lab", "-l", help="A lab to grade (repeat); default: "
                                                                         "every lab whose file is here."),
    directory: Path = typer.Option(Path("."), "--dir", help="The student's repository."),
    timeout: float = typer.Option(60.0, "--timeout", help="Wall-time limit per lab, in seconds."),
    github_output: bool = typer.Option(False, "--github-output",
                                       help="Also set the step output `result` (base64) for the reporter."),
) -> None:
    """Grade this repository and print the result in GitHub Classroom's autograding reporter format."""
    from ..classroom.github import report

    if not directory.is_dir():
        raise UsageError(f"not a folder: {directory}")
    text, encoded = report(directory, lab or [], timeout=timeout)
    print(text)
    if github_output:
        target = os.environ.get("GITHUB_OUTPUT")
        if not target:
            raise UsageError("--github-output: GITHUB_OUTPUT is not set (this runs in GitHub Actions)")
        with open(target, "a") as handle:
            handle.write(f"result={encoded}\n")


def register(app: typer.Typer) -> None:
    app.command("grade")(grade)
    # `awslab grade merge STATE...`: cli.main routes it here (grade itself takes a folder argument).
    app.command("grade-merge", hidden=True)(grade_merge)
    gradescope = typer.Typer(help="Gradescope autograders built from awslab labs.", no_args_is_help=True)
    gradescope.command("build")(gradescope_build)
    app.add_typer(gradescope, name="gradescope")
    classroom = typer.Typer(help="GitHub Classroom: grade a student's repository in Actions.", no_args_is_help=True)
    classroom.command("report")(classroom_report)
    app.add_typer(classroom, name="classroom")

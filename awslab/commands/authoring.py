"""`awslab lab new NAME` (scaffold a lab that keeps the contract) and `awslab lab test PATH` (run
the contract of awslab.grading.contract on any lab folder, inside the course or outside it)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Optional

import typer

from .common import UsageError, console

app = typer.Typer(help="Write your own labs: scaffold one, and test it against the lab contract.",
                  no_args_is_help=True)


@app.command("new")
def new(
    name: str = typer.Argument(..., metavar="NAME", help="The lab's id: lowercase letters, digits, _."),
    labs_folder: Path = typer.Option(Path("labs"), "--dir", help="The folder of labs to add it to."),
    solutions: Optional[Path] = typer.Option(None, "--solutions",
                                             help="Where its reference solution goes (default: solutions/ "
                                                  "beside the labs folder)."),
) -> None:
    """Write a new lab (lab.toml, README, starter, checks, a wrong answer and its solution) that
    passes `awslab lab test` as written; edit it from there."""
    from ..grading.scaffold import new_lab

    written = new_lab(name, labs_folder, solutions)
    for path in written:
        console.print(f"wrote {path}", highlight=False, soft_wrap=True)
    console.print(f"next: edit them, then run awslab lab test {labs_folder / name}", highlight=False, soft_wrap=True)


@app.command("test")
def test(
    path: Path = typer.Argument(..., metavar="PATH", help="A lab folder (the one holding lab.toml)."),
    solutions: Optional[Path] = typer.Option(None, "--solutions",
                                             help="The folder of its reference solution (default: solutions/ "
                                                  "beside the labs folder)."),
    backend: str = typer.Option("moto", "--backend", "-b", help="moto, moto-server or localstack."),
) -> None:
    """Run the lab contract on a lab folder, answer by answer: exit 0 when it keeps it, 1 when it
    does not (each problem on its own line), 2 when PATH is no lab."""
    from ..grading.labs import labs_dir, load_lab, solutions_dir

    folder = path.resolve()
    if not (folder / "lab.toml").is_file():
        raise UsageError(f"{path} is not a lab folder (it has no lab.toml)")
    if solutions is None:
        solutions = solutions_dir() if folder.parent == labs_dir().resolve() else folder.parent.parent / "solutions"
    lab = load_lab(folder, solutions_folder=solutions.resolve())
    # The labs beside this one: a labs folder keeps its orders unique.
    others = [load_lab(p, solutions_folder=solutions) for p in folder.parent.iterdir()
              if p != folder and (p / "lab.toml").is_file()] if folder.parent.is_dir() else []

    from ..backends import BackendError, make_backend
    from ..grading.contract import run_contract
    from ..local_aws import LocalAWS

    broken = 0
    try:
        aws = LocalAWS(make_backend(backend)).start()
    except BackendError as exc:
        raise UsageError(str(exc)) from exc
    try:
        with tempfile.TemporaryDirectory(prefix="awslab-lab-test-") as directory:
            for what, problems in run_contract(lab, aws, Path(directory), others):
                if problems:
                    broken += len(problems)
                    for problem in problems:
                        console.print(f"[red]✗[/] {what}: {problem}", highlight=False, soft_wrap=True)
                else:
                    console.print(f"[green]✓[/] {what}", highlight=False, soft_wrap=True)
    finally:
        aws.stop()
    if broken:
        console.print(f"lab {lab.id} breaks the contract: {broken} problem(s)", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    console.print(f"lab {lab.id} keeps the contract", highlight=False, soft_wrap=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="lab")

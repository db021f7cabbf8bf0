"""The learner's workspace: one folder with each lab's file, a README, and `.awslab/progress.json`.

    awslab init labs-work        # <lab_id>.py per lab (the starter), README.md, .awslab/progress.json
    cd labs-work && awslab watch # regrade on save; progress is recorded here

A workspace is found from the current directory upwards by its `.awslab/progress.json`. Nothing
here overwrites a learner's edited file without `--force`, and then a copy goes to
`.awslab/backups/` first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .files import write_atomically

MARKER_DIR = ".awslab"
PROGRESS_FILE = "progress.json"
BACKUPS_DIR = "backups"
FORMAT_VERSION = 1

DONE, PARTIAL, NOT_STARTED = "done", "partial", "not started"


class WorkspaceError(Exception):
    """A problem the learner can fix; the message names the fix. The CLI prints it and exits 2."""


def _now() -> dt.datetime:
    """Real wall-clock time, even while the virtual clock moves this process's time (embedded moto):
    time spent is the learner's, not the scenario's."""
    from time_machine import escape_hatch

    if escape_hatch.is_travelling():
        return escape_hatch.datetime.datetime.now(dt.timezone.utc).replace(microsecond=0)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def _parse(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


@dataclass
class LabProgress:
    """What the learner has done on one lab."""

    lab: str
    best_score: int = 0
    max_score: int = 0
    last_score: int | None = None
    attempts: int = 0
    first_opened: str | None = None  # first grade or first watch, ISO time
    completed_at: str | None = None  # first full marks
    seconds_watched: float = 0.0  # accumulated time `awslab watch` spent on this lab
    hints_seen: dict[str, int] = field(default_factory=dict)  # function -> deepest hint level shown
    check_hints_seen: dict[str, int] = field(default_factory=dict)  # check name -> deepest level shown
    solution_viewed: bool = False
    failing: list[dict[str, str]] = field(default_factory=list)  # last run: [{title, hint, message}]

    @property
    def status(self) -> str:
        if self.completed_at:
            return DONE
        if self.attempts:
            return PARTIAL
        return NOT_STARTED

    @property
    def done(self) -> bool:
        return self.status == DONE

    def time_spent(self, now: dt.datetime | None = None) -> float | None:
        """Seconds: first opened → completed for a finished lab, else the time watched (None: nothing yet)."""
        opened, completed = _parse(self.first_opened), _parse(self.completed_at)
        if opened and completed:
            return max((completed - opened).total_seconds(), self.seconds_watched)
        return self.seconds_watched or None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "lab"}

    @classmethod
    def from_dict(cls, lab: str, data: dict[str, Any]) -> "LabProgress":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k != "lab"}
        return cls(lab=lab, **known)


@dataclass
class InitReport:
    root: Path
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[tuple[str, Path]] = field(default_factory=list)  # (file, its backup)


class Workspace:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    # -- places -----------------------------------------------------------------------------------
    @property
    def state_dir(self) -> Path:
        return self.root / MARKER_DIR

    @property
    def progress_path(self) -> Path:
        return self.state_dir / PROGRESS_FILE

    @property
    def backups_dir(self) -> Path:
        return self.state_dir / BACKUPS_DIR

    def lab_file(self, lab_id: str) -> Path:
        return self.root / f"{lab_id}.py"

    def relative(self, path: Path) -> str:
        try:
            return str(Path(path).resolve().relative_to(self.root))
        except ValueError:
            return str(path)

    @classmethod
    def find(cls, start: str | Path | None = None) -> "Workspace | None":
        """The workspace holding `start` (default: the current directory), looking upwards."""
        here = Path(start or os.getcwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / MARKER_DIR / PROGRESS_FILE).is_file():
                return cls(folder)
        return None

    @classmethod
    def require(cls, start: str | Path | None = None) -> "Workspace":
        found = cls.find(start)
        if found is None:
            raise WorkspaceError("not in an awslab workspace: create one with `awslab init DIR`, then `cd DIR`")
        return found

    # -- progress -----------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """`awslab watch` and `awslab check` may record at once: one writer at a time."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.state_dir / "lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.progress_path.read_text())
        except FileNotFoundError:
            return {"version": FORMAT_VERSION, "labs": {}}
        except (OSError, json.JSONDecodeError) as exc:
            raise WorkspaceError(f"cannot read {self.progress_path}: {exc} (fix the JSON or delete the file to "
                                 "start the record afresh; your lab files are not in it)") from exc
        data.setdefault("labs", {})
        return data

    def _write(self, data: dict[str, Any]) -> None:
        write_atomically(self.progress_path, json.dumps(data, indent=2, sort_keys=True) + "\n")

    def progress(self, lab_id: str) -> LabProgress:
        return LabProgress.from_dict(lab_id, self._read()["labs"].get(lab_id, {}))

    def all_progress(self) -> dict[str, LabProgress]:
        return {lab: LabProgress.from_dict(lab, data) for lab, data in self._read()["labs"].items()}

    @contextlib.contextmanager
    def updating(self, lab_id: str) -> Iterator[LabProgress]:
        """Read, change and write one lab's record under the lock."""
        with self._locked():
            data = self._read()
            record = LabProgress.from_dict(lab_id, data["labs"].get(lab_id, {}))
            yield record
            data["labs"][lab_id] = record.to_dict()
            self._write(data)

    def record_result(self, result: Any, now: dt.datetime | None = None) -> LabProgress:
        """Remember one grading (a LabResult): best score, attempts, first opened, completed."""
        now = now or _now()
        with self.updating(result.lab) as record:
            record.attempts += 1
            record.last_score = result.score
            record.max_score = result.max_score
            record.best_score = max(record.best_score, result.score)
            record.first_opened = record.first_opened or _iso(now)
            if result.full_marks and not record.completed_at:
                record.completed_at = _iso(now)
            record.failing = [{"name": c.name, "title": c.title, "hint": c.hint, "message": c.message}
                              for c in result.checks if c.status == "failed"]
        return record

    def record_opened(self, lab_id: str, now: dt.datetime | None = None) -> None:
        with self.updating(lab_id) as record:
            record.first_opened = record.first_opened or _iso(now or _now())

    def add_watch_time(self, lab_id: str, seconds: float) -> None:
        with self.updating(lab_id) as record:
            record.seconds_watched = round(record.seconds_watched + max(0.0, seconds), 1)

    # -- files ----------------------------------------------------------------------------------------
    def backup(self, path: Path, now: dt.datetime | None = None) -> Path:
        """Copy `path` to .awslab/backups/<name>.<timestamp>.py; returns the copy."""
        stamp = (now or _now().astimezone()).strftime("%Y%m%d-%H%M%S")
        self.backups_dir.mkdir(parents=True, exist_ok=True)
        target = self.backups_dir / f"{path.stem}.{stamp}{path.suffix}"
        counter = 1
        while target.exists():
            counter += 1
            target = self.backups_dir / f"{path.stem}.{stamp}-{counter}{path.suffix}"
        shutil.copy2(path, target)
        return target

    def reset(self, lab: Any) -> Path | None:
        """Put the lab's starter back; returns the backup of the learner's file (None if none was needed)."""
        path = self.lab_file(lab.id)
        starter = lab.starter.read_text()
        saved = None
        if path.exists() and path.read_text() != starter:
            saved = self.backup(path)
        _write_learner_file(path, starter)
        return saved


def init_workspace(directory: str | Path, labs: list[Any], *, force: bool = False) -> InitReport:
    """Create (or complete) a workspace: each lab's starter as <lab_id>.py, README.md, progress file.

    A file that differs from its lab's starter is the learner's work: without `force` nothing is
    written and WorkspaceError names the files; with `force` each is backed up, then replaced.
    """
    workspace = Workspace(directory)
    root = workspace.root
    _check_can_init(workspace, directory, labs, force)
    root.mkdir(parents=True, exist_ok=True)
    report = InitReport(root)
    for lab in labs:
        _write_starter(workspace, lab, report)
    readme = root / "README.md"
    if not readme.exists() or readme.read_text().startswith(README_FIRST_LINE):
        _write_learner_file(readme, workspace_readme(labs))
    with workspace._locked():
        data = workspace._read()
        data["version"] = FORMAT_VERSION
        data.setdefault("created", _iso(_now()))
        workspace._write(data)
    return report


def _check_can_init(workspace: Workspace, directory: str | Path, labs: list[Any], force: bool) -> None:
    """A folder to write in, labs to write, and (without force) no learner's work in the way."""
    root = workspace.root
    if root.exists() and not root.is_dir():
        raise WorkspaceError(f"{root} is a file, not a folder: pick another DIR (e.g. `awslab init awslab-work`)")
    if not labs:
        raise WorkspaceError("no labs found: set AWSLAB_LABS_DIR to a labs folder, or reinstall awslab with its labs/")
    edited = [lab for lab in labs
              if workspace.lab_file(lab.id).exists() and workspace.lab_file(lab.id).read_text() != lab.starter.read_text()]
    if edited and not force:
        names = ", ".join(f"{lab.id}.py" for lab in edited)
        raise WorkspaceError(f"{names} in {root} differ from the starter (your work?): nothing was changed. "
                             f"Keep working there, or run `awslab init {directory} --force` to start over "
                             f"(your files are copied to {MARKER_DIR}/{BACKUPS_DIR}/ first), or "
                             "`awslab reset LAB` for one lab")


def _write_starter(workspace: Workspace, lab: Any, report: InitReport) -> None:
    """The lab's starter as <lab_id>.py, unless it is there already; another file there is backed up."""
    path = workspace.lab_file(lab.id)
    starter = lab.starter.read_text()
    if path.exists() and path.read_text() == starter:
        report.unchanged.append(path.name)
        return
    if path.exists():
        report.replaced.append((path.name, workspace.backup(path)))
    else:
        report.created.append(path.name)
    _write_learner_file(path, starter)


README_FIRST_LINE = "# Your awslab workspace"


def _write_learner_file(path: Path, text: str) -> None:
    write_atomically(path, text)
    path.chmod(0o644)  # the learner's own file, readable like any file they made


def workspace_readme(labs: list[Any]) -> str:
    rows = "\n".join(f"| {lab.order} | `{lab.id}.py` | {lab.title} |" for lab in labs)
    return f"""{README_FIRST_LINE}

One file per lab. Each holds the functions the lab asks for; the grader calls them with boto3 clients
pointed at a local AWS (nothing reaches real AWS, no account needed).

## How to work
1. `awslab watch` — grades the first unfinished lab now and again every time you save its file.
   Keys while watching: `h` a hint (press again for a more concrete one), `n` next lab, `l` list,
   `r` regrade, `q` quit.
2. Read what the lab asks: `awslab show LAB`.
3. Stuck? `awslab hint LAB` (again for a more concrete hint, or `--level N`).
4. `awslab progress` — what is done, partial, not started, with scores and time spent.
5. Want to start a lab over? `awslab reset LAB` (your file is backed up to `.awslab/backups/`).
6. Passed? `awslab solution LAB` shows the reference solution to compare with yours.

You can also grade once without watching: `awslab check LAB` (add `--html report.html` for a page).

## Labs
| # | file | lab |
|---|------|-----|
{rows}
"""


def record_check_result(result: Any, path: str | Path, start: str | Path | None = None) -> LabProgress | None:
    """The hook `awslab check` calls: record the result if `path` is the lab's file in a workspace.

    Never fails grading: a workspace that cannot be written is skipped silently.
    """
    try:
        workspace = Workspace.find(start)
        if workspace is None or Path(path).resolve() != workspace.lab_file(result.lab):
            return None
        return workspace.record_result(result)
    except (OSError, WorkspaceError, ValueError):
        return None


def untouched_functions(lab: Any, path: str | Path) -> list[str]:
    """The lab's functions whose code in `path` is still the starter's (in the lab's order).

    A hint is most useful for the first of these. A file that does not parse counts as untouched
    nowhere (the learner is mid-edit); a function missing from the file counts as untouched.
    """
    import ast

    def bodies(source: str) -> dict[str, str]:
        tree = ast.parse(source)
        return {node.name: ast.dump(node) for node in tree.body
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}

    try:
        starter = bodies(lab.starter.read_text())
        mine = bodies(Path(path).read_text())
    except (OSError, SyntaxError, ValueError):
        return []
    return [name for name in lab.functions if name not in mine or mine[name] == starter.get(name)]

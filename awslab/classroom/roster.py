"""A class on disk: one folder per student, each holding `<lab_id>.py` files (read by `folders`)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..grading import Lab
from . import folders
from .folders import Skipped, Submission


@dataclass(frozen=True)
class Student:
    name: str      # the folder's label: printable, distinct, reversible (folders.label)
    folder: Path
    lab_files: tuple[str, ...] = field(default=(), compare=False)  # read first: never pushed out
    given: Submission | None = field(default=None, compare=False)   # files read elsewhere (grade_one)

    @cached_property
    def submission(self) -> Submission:
        """The folder's Python files, read once, without following a link (folders.read_submission)."""
        return self.given or folders.read_submission(self.folder, first=self.lab_files)

    def has(self, lab: Lab) -> bool:
        return f"{lab.id}.py" in self.submission.files


def find_students(submissions: Path, labs: Sequence[Lab] = ()) -> list[Student]:
    """Every student folder, sorted by label (the gradebook's order); see `skipped_folders`."""
    first = tuple(f"{lab.id}.py" for lab in labs)
    return [Student(name, path, first) for name, path in folders.list_folders(submissions)[0]]


def skipped_folders(submissions: Path) -> list[Skipped]:
    """Entries of the submissions folder that are not graded, with why (listed in the summary)."""
    return folders.list_folders(submissions)[1]


def labs_submitted(students: list[Student], labs: list[Lab]) -> list[Lab]:
    """The labs at least one student handed in a file for."""
    return [lab for lab in labs if any(s.has(lab) for s in students)]


def student_files(student: Student) -> dict[str, str]:
    """The student's Python files (lab files and every helper module they import), by name."""
    return {name: data.decode("utf-8", "replace") for name, data in student.submission.files.items()}


def fingerprint(lab: Lab, student: Student, settings: dict) -> str:
    """Changes when any of the student's files, any file of the lab, the grading settings (isolation
    level included) or awslab's version change: then the student is graded again."""
    digest = hashlib.sha256()

    def part(name: str, data: bytes) -> None:
        digest.update(len(name.encode("utf-8", "surrogateescape")).to_bytes(8, "big"))
        digest.update(name.encode("utf-8", "surrogateescape"))
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)

    for path in sorted(p for p in lab.folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        part("lab/" + path.relative_to(lab.folder).as_posix(), path.read_bytes())
    for name, data in sorted(student.submission.files.items()):
        part("student/" + name, data)
    for name, why in sorted(student.submission.refused.items()):
        part("refused/" + name, why.encode())
    part("settings", repr(sorted(settings.items())).encode())
    part("awslab", _awslab_version().encode())
    return digest.hexdigest()[:32]


def _awslab_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("awslab")
    except PackageNotFoundError:
        return "unknown"

"""A class on disk: one folder per student, each holding `<lab_id>.py` files."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..grading import Lab

MAX_FILE_BYTES = 1024 * 1024  # a lab file larger than this is not graded (see `read_submission`)
MAX_FILES = 50                # helper modules sent along with a student's lab files


@dataclass(frozen=True)
class Student:
    name: str
    folder: Path

    def file(self, lab: Lab) -> Path:
        return self.folder / f"{lab.id}.py"


def find_students(submissions: Path) -> list[Student]:
    """Every visible sub-folder, sorted by name (the gradebook's order)."""
    return sorted((Student(p.name, p) for p in submissions.iterdir()
                   if p.is_dir() and not p.name.startswith((".", "_"))), key=lambda s: s.name)


def labs_submitted(students: list[Student], labs: list[Lab]) -> list[Lab]:
    """The labs at least one student handed in a file for."""
    return [lab for lab in labs if any(s.file(lab).is_file() for s in students)]


def student_files(student: Student) -> dict[str, str]:
    """The student's Python files (lab files and any helper modules they import), by name."""
    files: dict[str, str] = {}
    for path in sorted(student.folder.glob("*.py"))[:MAX_FILES]:
        if path.is_file() and path.stat().st_size <= MAX_FILE_BYTES:
            files[path.name] = path.read_bytes().decode("utf-8", "replace")
    return files


def fingerprint(lab: Lab, student: Student, settings: dict) -> str:
    """Changes when the submission, the lab's checks or the grading settings change: then regrade."""
    digest = hashlib.sha256()
    for part in (lab.folder / "checks.py", lab.folder / "lab.toml", student.file(lab)):
        digest.update(part.name.encode() + b"\0")
        digest.update(part.read_bytes() if part.is_file() else b"<missing>")
        digest.update(b"\0")
    digest.update(repr(sorted(settings.items())).encode())
    return digest.hexdigest()[:32]

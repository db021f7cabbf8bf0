"""One result model; every reporter (terminal, JSON, JUnit, gradebooks) renders it."""

from __future__ import annotations

import io
from dataclasses import dataclass, field, fields
from typing import Any

PASSED, FAILED, NOT_APPLICABLE = "passed", "failed", "not_applicable"


@dataclass
class CheckResult:
    name: str
    title: str
    status: str
    points: int
    max_points: int
    message: str = ""
    hint: str = ""
    details: list[str] = field(default_factory=list)
    duration: float = 0.0
    pictures: list[tuple[str, Any]] = field(default_factory=list, repr=False)
    output: str = ""  # what the learner's code wrote during this check's calls (cleaned, cut to 4 KB)

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def to_dict(self) -> dict[str, Any]:
        """The check as every machine-readable report has it (JSON, classroom records): the hint is
        what a run shows unasked (its first level, or none when that would be the answer), with the
        number of levels `awslab hint` climbs."""
        from ..hints import hint_ladder, unasked_hint

        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "pictures"}
        data["hint"] = unasked_hint(self.hint)
        data["hint_levels"] = len(hint_ladder(self.hint))
        data["details"] = list(self.details)
        data["passed"] = self.passed if self.status != NOT_APPLICABLE else None
        data["duration"] = round(self.duration, 4)
        return data


@dataclass
class LabResult:
    lab: str
    title: str
    backend: str
    checks: list[CheckResult]
    file: str = ""
    load_error: str | None = None
    output: str = ""  # what the learner's code printed outside calls (at import)
    duration: float = 0.0
    virtual_seconds: float = 0.0  # virtual time the scenarios covered
    pictures: list[tuple[str, Any]] = field(default_factory=list)  # (title, rich renderable)

    @property
    def score(self) -> int:
        return sum(c.points for c in self.checks)

    @property
    def max_score(self) -> int:
        return sum(c.max_points for c in self.checks)

    @property
    def full_marks(self) -> bool:
        return all(c.status != FAILED for c in self.checks) and self.score == self.max_score

    @property
    def not_applicable(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status == NOT_APPLICABLE]

    def to_dict(self) -> dict[str, Any]:
        return {
            "lab": self.lab,
            "title": self.title,
            "score": self.score,
            "max_score": self.max_score,
            "backend": self.backend,
            "file": self.file,
            "load_error": self.load_error,
            "duration": round(self.duration, 3),
            "virtual_seconds": round(self.virtual_seconds, 3),
            "checks": [c.to_dict() for c in self.checks],
            "pictures": [{"title": title, "text": picture_text(picture)} for title, picture in self.pictures],
        }


def picture_text(picture: Any, width: int = 100) -> str:
    """A picture as plain text (for JSON and files)."""
    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(picture)
    return console.export_text()

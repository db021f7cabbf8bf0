"""Labs are content: `labs/<lab_id>/` holds lab.toml, README.md, starter.py, checks.py; the
reference solution is `solutions/<lab_id>.py`. The engine knows no lab by name."""

from __future__ import annotations

import importlib.util
import os
import sys
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .checks import Check

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# A built wheel carries the course as awslab/bundled/{labs,solutions} (setup.py copies them in); a
# source or editable checkout has no such folder and reads the top-level labs/ and solutions/.
BUNDLED = Path(__file__).resolve().parents[1] / "bundled"


class LabError(Exception):
    """A usage problem (unknown lab, broken lab content); the CLI prints it and exits 2."""


def labs_dir() -> Path:
    if os.environ.get("AWSLAB_LABS_DIR"):
        return Path(os.environ["AWSLAB_LABS_DIR"])
    return BUNDLED / "labs" if (BUNDLED / "labs").is_dir() else PROJECT_ROOT / "labs"


def solutions_dir() -> Path:
    return Path(os.environ.get("AWSLAB_SOLUTIONS_DIR") or labs_dir().parent / "solutions")


@dataclass
class Lab:
    id: str
    folder: Path
    title: str
    summary: str = ""
    order: int = 100
    estimated_minutes: int = 30
    backends: list[str] = field(default_factory=lambda: ["moto", "moto-server", "localstack"])
    functions: list[str] = field(default_factory=list)
    call_timeout: float = 10.0
    # Python distributions the learner's code may import beyond boto3 (e.g. "cryptography"): in the
    # classroom sandbox they are made visible with what they require.
    learner_packages: list[str] = field(default_factory=list)
    hints: dict[str, list[str]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    # Where this lab's reference solution lives when it is not the course's solutions/ folder
    # (`awslab lab test PATH` on a lab outside the labs folder): <solutions_folder>/<lab_id>.py.
    solutions_folder: Path | None = None

    @property
    def readme(self) -> Path:
        return self.folder / "README.md"

    @property
    def starter(self) -> Path:
        return self.folder / "starter.py"

    @property
    def solution(self) -> Path:
        return (self.solutions_folder or solutions_dir()) / f"{self.id}.py"

    @property
    def wrong_dir(self) -> Path:
        """Typical wrong answers (see grading.contract): wrong/ beside the lab, or, for a lab whose
        solutions are kept apart, wrong/<lab_id>/ beside its solution."""
        own = self.folder / "wrong"
        return own if own.is_dir() else self.solution.parent / "wrong" / self.id

    @property
    def private_dirs(self) -> list[Path]:
        """What a learner must never read: the solutions and the wrong answers (built on them)."""
        return [self.solution.parent, self.wrong_dir]

    @cached_property
    def checks(self) -> list[Check]:
        path = self.folder / "checks.py"
        if not path.is_file():
            raise LabError(f"lab {self.id} has no checks.py")
        module_name = f"awslab_lab_{self.id}_checks"
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        found = sorted((v for v in vars(module).values() if isinstance(v, Check)), key=lambda c: c.order)
        if not found:
            raise LabError(f"lab {self.id}: checks.py defines no @check")
        return found

    @property
    def max_score(self) -> int:
        return sum(c.points for c in self.checks)


def load_lab(folder: Path, solutions_folder: Path | None = None) -> Lab:
    meta_path = folder / "lab.toml"
    try:
        meta = tomllib.loads(meta_path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LabError(f"lab {folder.name}: cannot read lab.toml: {exc}") from exc
    try:
        return _lab_from(folder, meta, solutions_folder)
    except (TypeError, ValueError, AttributeError) as exc:
        raise LabError(f"lab {folder.name}: lab.toml has a value of the wrong kind: {exc}") from exc


def _lab_from(folder: Path, meta: dict, solutions_folder: Path | None) -> Lab:
    return Lab(
        id=folder.name,
        folder=folder,
        title=meta.get("title", folder.name),
        summary=meta.get("summary", ""),
        order=int(meta.get("order", 100)),
        estimated_minutes=int(meta.get("estimated_minutes", 30)),
        backends=list(meta.get("backends", ["moto", "moto-server", "localstack"])),
        functions=list(meta.get("functions", [])),
        call_timeout=float(meta.get("call_timeout", 10)),
        learner_packages=[str(p) for p in meta.get("learner_packages", [])],
        hints={k: list(v) for k, v in meta.get("hints", {}).items()},
        meta=meta,
        solutions_folder=solutions_folder,
    )


def all_labs(directory: Path | None = None) -> list[Lab]:
    root = directory or labs_dir()
    if not root.is_dir():
        return []
    labs = [load_lab(p) for p in root.iterdir() if (p / "lab.toml").is_file()]
    return sorted(labs, key=lambda lab: (lab.order, lab.id))


def get_lab(lab_id: str, directory: Path | None = None) -> Lab:
    root = directory or labs_dir()
    folder = root / lab_id
    if not (folder / "lab.toml").is_file():
        known = ", ".join(lab.id for lab in all_labs(root)) or "none"
        raise LabError(f"unknown lab {lab_id!r} (labs: {known})")
    return load_lab(folder)

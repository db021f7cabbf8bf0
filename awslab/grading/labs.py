"""Labs are content: `labs/<lab_id>/` holds lab.toml, README.md, starter.py, checks.py; the
reference solution is `solutions/<lab_id>.py`. The engine knows no lab by name.

Lab packs add labs from outside the course, each a folder of lab folders with its solutions in
`solutions/` beside it (or where AWSLAB_SOLUTIONS_PATH points, to keep them private):
- folders in AWSLAB_LABS_PATH (os.pathsep between them; `awslab --labs DIR` adds to it);
- installed Python packages declaring an entry point in the group `awslab.labs`, whose object is a
  folder (a str or Path), a function returning one, or a package (its `labs/` folder).
A pack lab with the id of another lab is an error naming both."""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import sys
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import entry_points
from pathlib import Path

from .checks import Check

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The names of backends.BACKENDS, without importing the backends (they bring moto): a lab that names
# none in lab.toml runs on all of them (tests/backends/test_backend_names.py keeps the two the same).
ALL_BACKENDS = ("moto", "moto-server", "localstack")
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
    backends: list[str] = field(default_factory=lambda: list(ALL_BACKENDS))
    functions: list[str] = field(default_factory=list)
    # The AWS services the lab uses (boto3's names: "sqs", "kms"): a backend that does not serve one
    # makes every check not applicable, saying so; LocalStack is started with them.
    services: list[str] = field(default_factory=list)
    call_timeout: float = 10.0
    # Python distributions the learner's code may import beyond boto3 (e.g. "cryptography"): in the
    # classroom sandbox they are made visible with what they require.
    learner_packages: list[str] = field(default_factory=list)
    # Environment variables the learner's file is imported with (lab.toml `[import_environment]`), e.g.
    # the configuration a Lambda handler's module reads when it is imported.
    import_environment: dict[str, str] = field(default_factory=dict)
    hints: dict[str, list[str]] = field(default_factory=dict)
    # Why the lab does not run on a backend it leaves out (lab.toml `[not_offered]`): backend -> reason.
    not_offered_because: dict[str, str] = field(default_factory=dict)
    # Where this lab's reference solution lives when it is not the course's solutions/ folder
    # (`awslab lab test PATH` on a lab outside the labs folder): <solutions_folder>/<lab_id>.py.
    solutions_folder: Path | None = None
    source: str = "built-in"  # where the lab comes from: built-in, a folder, or an installed package

    def not_offered(self, backend: str) -> str:
        """Why the lab does not run on `backend` (lab.toml `[not_offered]`), or "" when it does or says nothing."""
        if backend in self.backends:
            return ""
        return self.not_offered_because.get(backend, "")

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
        if spec is None or spec.loader is None:
            raise LabError(f"lab {self.id}: {path} cannot be imported as a module")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        found = sorted((v for v in vars(module).values() if isinstance(v, Check)), key=lambda c: c.order)
        if not found:
            raise LabError(f"lab {self.id}: checks.py defines no @check")
        return found

    @property
    def max_score(self) -> int:
        """The points of every check. Read from checks.py's source while the checks are not loaded
        (`awslab list` then imports no lab's checks, nor the models and emulators they bring);
        a checks.py whose points are not plain numbers on `@check(...)` is imported instead."""
        if "checks" not in self.__dict__:
            counted = declared_points(self.folder / "checks.py")
            if counted is not None:
                return counted
        return sum(c.points for c in self.checks)


def declared_points(checks_py: Path) -> int | None:
    """The sum of `points=` of the functions decorated `@check(...)` in a checks.py, read without
    running it (only each decorator's own text is parsed: `awslab list` stays fast); None when that
    cannot be told from the text alone (points computed, check() used any other way, stacked
    decorators): the caller then imports the checks."""
    try:
        source = checks_py.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    decorators = _CHECK_DECORATOR.findall(source)
    # Every `check(` of the text must be one of those decorators (not check("...")(function), nor
    # lab.check(...)): otherwise only importing tells.
    if not decorators or len(_CHECK_CALL.findall(source)) != len(decorators):
        return None
    total = 0
    for text in decorators:
        try:
            call = ast.parse(text, mode="eval").body
        except (SyntaxError, ValueError):
            return None
        if not isinstance(call, ast.Call) or any(k.arg is None for k in call.keywords):
            return None  # **options: points unknown
        points = [k.value for k in call.keywords if k.arg == "points"]
        if not points:
            total += 1  # check()'s default
        elif isinstance(points[0], ast.Constant) and type(points[0].value) is int:
            total += points[0].value
        else:
            return None
    return total


# `@check(...)` at the start of a line, up to the `def` it decorates (the group: `check(...)`).
_CHECK_DECORATOR = re.compile(r"^@(check\s*\(.*?)\n(?=(?:async\s+)?def\s)", re.MULTILINE | re.DOTALL)
_CHECK_CALL = re.compile(r"(?<![\w])check\s*\(")


def load_lab(folder: Path, solutions_folder: Path | None = None, source: str = "built-in") -> Lab:
    meta_path = folder / "lab.toml"
    try:
        meta = tomllib.loads(meta_path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LabError(f"lab {folder.name}: cannot read lab.toml: {exc}") from exc
    try:
        lab = _lab_from(folder, meta, solutions_folder)
    except (TypeError, ValueError, AttributeError) as exc:
        raise LabError(f"lab {folder.name}: lab.toml has a value of the wrong kind: {exc}") from exc
    lab.source = source
    return lab


def _lab_from(folder: Path, meta: dict, solutions_folder: Path | None) -> Lab:
    not_offered = meta.get("not_offered")
    return Lab(
        id=folder.name,
        folder=folder,
        title=meta.get("title", folder.name),
        summary=meta.get("summary", ""),
        order=int(meta.get("order", 100)),
        estimated_minutes=int(meta.get("estimated_minutes", 30)),
        backends=list(meta.get("backends", ALL_BACKENDS)),
        functions=list(meta.get("functions", [])),
        services=[str(name) for name in meta.get("services", [])],
        call_timeout=float(meta.get("call_timeout", 10)),
        learner_packages=[str(p) for p in meta.get("learner_packages", [])],
        import_environment={str(k): str(v) for k, v in meta.get("import_environment", {}).items()},
        hints={k: list(v) for k, v in meta.get("hints", {}).items()},
        not_offered_because={str(k): str(v) for k, v in not_offered.items()} if isinstance(not_offered, dict) else {},
        solutions_folder=solutions_folder,
    )


def _pack_solutions(lab_folder: Path) -> Path:
    """A pack lab's solutions folder: the first of AWSLAB_SOLUTIONS_PATH holding <lab_id>.py (an
    instructor keeps them apart from the pack), else solutions/ beside the pack's folder."""
    for entry in os.environ.get("AWSLAB_SOLUTIONS_PATH", "").split(os.pathsep):
        if entry and (Path(entry) / f"{lab_folder.name}.py").is_file():
            return Path(entry)
    return lab_folder.parent.parent / "solutions"


def _entry_point_folder(entry) -> Path:
    try:
        loaded = entry.load()
        value = loaded() if callable(loaded) else loaded
    except Exception as exc:  # a broken pack is named, not a traceback
        raise LabError(f"lab pack {entry.name} ({entry.value}) does not load: {type(exc).__name__}: {exc}") from exc
    if hasattr(value, "__file__") and value.__file__:
        value = Path(value.__file__).parent / "labs"
    if not isinstance(value, (str, os.PathLike)) or not Path(value).is_dir():
        raise LabError(f"lab pack {entry.name} ({entry.value}) names no folder of labs: {value!r}")
    return Path(value)


def lab_sources() -> list[tuple[Path, bool, str]]:
    """Every folder of labs: (folder, whether it is a pack, where it comes from)."""
    sources: list[tuple[Path, bool, str]] = [(labs_dir(), False, "built-in")]
    for entry in os.environ.get("AWSLAB_LABS_PATH", "").split(os.pathsep):
        if not entry:
            continue
        folder = Path(entry)
        if not folder.is_dir():
            raise LabError(f"lab pack folder {folder} (AWSLAB_LABS_PATH or --labs) is not a folder")
        sources.append((folder, True, f"folder {folder}"))
    for point in entry_points(group="awslab.labs"):
        folder = _entry_point_folder(point)
        sources.append((folder, True, f"package {point.dist.name if point.dist else point.name}"))
    return sources


def _labs_in(root: Path, pack: bool = False, source: str = "built-in") -> list[Lab]:
    if not root.is_dir():
        return []
    return [load_lab(p, _pack_solutions(p) if pack else None, source)
            for p in sorted(root.iterdir()) if (p / "lab.toml").is_file()]


def all_labs(directory: Path | None = None) -> list[Lab]:
    """The labs of `directory`, or of the course and every lab pack (ids unique across them)."""
    if directory is not None:
        labs = _labs_in(directory)
    else:
        labs = []
        seen: dict[str, str] = {}  # lab id -> the folder it came from
        for root, pack, source in lab_sources():
            if seen and any(root.resolve() == Path(r).resolve() for r in seen.values()):
                continue  # the same folder named twice
            for lab in _labs_in(root, pack, source):
                if lab.id in seen:
                    raise LabError(f"lab {lab.id} is in two places: {seen[lab.id]}/{lab.id} ({_source_of(labs, lab.id)}) "
                                   f"and {lab.folder} ({source}); rename one")
                seen[lab.id] = str(root)
                labs.append(lab)
    return sorted(labs, key=lambda lab: (lab.order, lab.id))


def _source_of(labs: list[Lab], lab_id: str) -> str:
    return next(lab.source for lab in labs if lab.id == lab_id)


def get_lab(lab_id: str, directory: Path | None = None) -> Lab:
    labs = all_labs(directory)
    for lab in labs:
        if lab.id == lab_id:
            return lab
    known = ", ".join(lab.id for lab in labs) or "none"
    raise LabError(f"unknown lab {lab_id!r} (labs: {known})")

"""A class graded in slices (`awslab grade DIR --shard K/N`), on as many machines as there are
slices, and the slices merged back (`awslab grade merge STATE...`) into the gradebook, the JSON
and the feedback a single run over the whole class would have written, byte for byte.

Shard K of N grades the students whose place in the sorted roster (the gradebook's order) is K-1
modulo N: every shard lists the same folder, so the slices are disjoint and cover the class, and
adjacent students (often similar sizes of submission) are spread over the shards. Each shard keeps
its results in its own state folder, resumable as a whole run's is, and writes `shard.json` there
when it is done: which shard, the roster it sliced, the labs, the settings, the isolation level
and awslab's version. The merge refuses, in one line, shards that overlap, leave a gap, or were
graded with different labs, settings or versions, and any shard that is unfinished.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..files import write_atomically
from .driver import FINAL, StateDir
from .roster import Student, _awslab_version

MANIFEST = "shard.json"


class ShardError(Exception):
    """A shard or a merge that cannot be done; the CLI prints it in one line and exits 2."""


@dataclass(frozen=True)
class Shard:
    index: int  # 1..count
    count: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
        if not match:
            raise ShardError(f"--shard {text!r}: write it as K/N, e.g. 2/4 (shard 2 of 4)")
        index, count = int(match.group(1)), int(match.group(2))
        if count < 1 or not 1 <= index <= count:
            raise ShardError(f"--shard {text}: K must be between 1 and N (N at least 1)")
        return cls(index, count)

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def take(self, students: list[Student]) -> list[Student]:
        """This shard's students: every N-th of the sorted roster, starting at the K-th."""
        ordered = sorted(students, key=lambda s: s.name)
        return [s for place, s in enumerate(ordered) if place % self.count == self.index - 1]


@dataclass(frozen=True)
class LabSummary:
    """What the gradebook and the summary need of a lab; a merge does not need the labs' folders
    (or a private lab pack) on the machine that merges."""
    id: str
    title: str
    max_score: int


def roster_digest(students: list[Student]) -> str:
    digest = hashlib.sha256()
    for name in sorted(s.name for s in students):
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()[:32]


def forget_manifest(state: Path) -> None:
    """A shard being graded (again) is unfinished until `write_manifest`: a merge refuses it meanwhile."""
    (state / MANIFEST).unlink(missing_ok=True)


def write_manifest(state: Path, shard: Shard, roster: list[Student], records: dict[tuple[str, str], dict],
                   labs: list, settings: dict, isolation: str, isolation_text: str = "") -> None:
    """Written last, when every (student, lab) of the shard has its verdict; it names each verdict's
    fingerprint, so a result file left from another run is never merged in its place."""
    students = sorted({student for student, _ in records})
    document = {"shard": shard.index, "of": shard.count, "roster": roster_digest(roster),
                "class_size": len(roster), "students": students,
                "fingerprints": {f"{student}\0{lab}": record["fingerprint"]
                                 for (student, lab), record in sorted(records.items())},
                "isolation_text": isolation_text,
                "labs": [{"id": lab.id, "title": lab.title, "max_score": lab.max_score} for lab in labs],
                "lab_digests": {lab.id: lab_digest(lab) for lab in labs},
                "settings": settings, "isolation": isolation, "awslab": _awslab_version()}
    write_atomically(state / MANIFEST, json.dumps(document, indent=1, sort_keys=True) + "\n")


def lab_digest(lab) -> str:
    """The lab's content (every file of its folder): shards graded against different checks differ."""
    digest = hashlib.sha256()
    for path in sorted(p for p in lab.folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(lab.folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


@dataclass
class Merged:
    records: dict[tuple[str, str], dict]
    labs: list[LabSummary]
    isolation: str
    shards: int


def merge(states: list[Path]) -> Merged:
    """Every shard's records, checked to be one class graded one way, split without gaps or overlaps."""
    if not states:
        raise ShardError("give the state folder of every shard (awslab grade merge STATE...)")
    manifests = [(state, _read_manifest(state)) for state in states]
    _check_graded_alike(manifests)
    _check_split(manifests)
    first = manifests[0][1]
    labs = [LabSummary(lab["id"], lab["title"], lab["max_score"]) for lab in first["labs"]]
    records: dict[tuple[str, str], dict] = {}
    for state, manifest in manifests:
        records.update(_shard_records(state, manifest, labs))
    return Merged(records, labs, first.get("isolation_text") or first["isolation"], first["of"])


def _read_manifest(state: Path) -> dict:
    path = state / MANIFEST
    if not path.is_file():
        why = "not a folder" if not state.is_dir() else f"no {MANIFEST}: not a finished shard (grade it with --shard K/N)"
        raise ShardError(f"{state}: {why}")
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ShardError(f"{path}: unreadable ({exc})") from exc


def _check_graded_alike(manifests: list[tuple[Path, dict]]) -> None:
    """One class, one lab content, one set of settings, one isolation, one awslab."""
    first_state, first = manifests[0]
    same = (("of", "numbers of shards"), ("roster", "classes (student folders)"), ("labs", "labs"),
            ("lab_digests", "lab content"), ("settings", "settings (--timeout, --memory)"),
            ("isolation", "isolation levels"), ("awslab", "awslab versions"))
    for state, manifest in manifests[1:]:
        for key, what in same:
            if manifest.get(key) != first.get(key):
                raise ShardError(f"{state} and {first_state} were graded with different {what}: "
                                 f"{_short(manifest.get(key))} vs {_short(first.get(key))}")


def _check_split(manifests: list[tuple[Path, dict]]) -> None:
    """Every shard once, every student in one shard, the whole class."""
    first = manifests[0][1]
    count = first["of"]
    seen: dict[int, Path] = {}
    owner: dict[str, Path] = {}
    for state, manifest in manifests:
        if manifest["shard"] in seen:
            raise ShardError(f"shard {manifest['shard']}/{count} given twice: {seen[manifest['shard']]} and {state}")
        seen[manifest["shard"]] = state
        for student in manifest["students"]:
            if student in owner:
                raise ShardError(f"shards overlap: {student!r} is in {owner[student]} and {state}")
            owner[student] = state
    missing = sorted(set(range(1, count + 1)) - set(seen))
    if missing:
        raise ShardError(f"missing shard{'s' if len(missing) > 1 else ''} "
                         f"{', '.join(f'{k}/{count}' for k in missing)} (have {len(seen)} of {count})")
    if len(owner) != first["class_size"]:
        raise ShardError(f"the shards hold {len(owner)} students, the class {first['class_size']}")


def _shard_records(state: Path, manifest: dict, labs: list[LabSummary]) -> dict[tuple[str, str], dict]:
    """The shard's final record of each of its students' labs, graded as its manifest says."""
    records: dict[tuple[str, str], dict] = {}
    store = StateDir(state)
    for student in manifest["students"]:
        for lab in labs:
            record = store.load(student, lab.id)
            expected = manifest.get("fingerprints", {}).get(f"{student}\0{lab.id}")
            if record is None or record.get("status") not in FINAL or record.get("fingerprint") != expected:
                raise ShardError(f"{state}: {student!r} {lab.id} is not graded yet; run that shard again")
            records[(student, lab.id)] = record
    return records


def _short(value) -> str:
    text = json.dumps(value, sort_keys=True) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:77] + "..."

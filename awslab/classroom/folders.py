"""Reading a student's folder without trusting it: the one place the driver opens submission files.

The driver runs as the instructor (often root) outside every sandbox, so a submission's files are
opened here only as regular files on the folder's own file system: never through a symbolic link
(O_NOFOLLOW), never a FIFO, device or socket (O_NONBLOCK, then fstat says S_ISREG), never a hard link
(st_nlink > 1: it could be another student's file or the solutions), never a file bigger than
MAX_FILE_BYTES. Anything refused is listed with the reason, so the student's feedback says why it was
not graded; nothing refused is read. `awslab grade`, `awslab classroom report` and Gradescope use it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE_BYTES = 1024 * 1024        # one Python file
MAX_FOLDER_BYTES = 16 * 1024 * 1024  # all of a student's Python files together
MAX_FILES = 1000                    # Python files per folder (beyond: refused, lab files first)


@dataclass
class Submission:
    """A student's Python files by name (bytes as on disk), and the entries refused, with why."""
    files: dict[str, bytes] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)


class Refused(Exception):
    pass


def read_regular_file(path: str | os.PathLike, *, limit: int = MAX_FILE_BYTES, device: int | None = None) -> bytes:
    """The bytes of `path` if it is a regular file, not a link, on `device` (when given), at most
    `limit` bytes; otherwise `Refused` with a one-line reason."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if os.path.islink(path):
            raise Refused("a symbolic link (links are never followed)") from None
        raise Refused(f"cannot be opened ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused("not a regular file (a device, FIFO or socket)")
        if info.st_nlink > 1:
            raise Refused("a hard link (it may be someone else's file)")
        if device is not None and info.st_dev != device:
            raise Refused("on another file system than the folder (e.g. /proc)")
        if info.st_size > limit:
            raise Refused(f"larger than {limit} bytes")
        chunks, total = [], 0
        while True:
            try:
                chunk = os.read(fd, min(1 << 16, limit + 1 - total))
            except OSError as exc:
                raise Refused(f"cannot be read ({exc.strerror or exc})") from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise Refused(f"larger than {limit} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_submission(folder: Path, *, first: tuple[str, ...] = ()) -> Submission:
    """Every `*.py` entry directly in `folder`. Names in `first` (the lab files) are read before
    the helper modules, so no number of helpers can push a lab file out."""
    submission = Submission()
    try:
        device = os.lstat(folder).st_dev
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries if entry.name.endswith(".py"))
    except OSError as exc:
        submission.refused["."] = f"the folder cannot be read ({exc.strerror or exc})"
        return submission
    names.sort(key=lambda name: name not in first)
    budget = MAX_FOLDER_BYTES
    for name in names:
        if len(submission.files) >= MAX_FILES:
            submission.refused[name] = f"more than {MAX_FILES} Python files in the folder"
            continue
        try:
            data = read_regular_file(folder / name, limit=min(MAX_FILE_BYTES, budget), device=device)
        except Refused as why:
            submission.refused[name] = str(why)
            continue
        submission.files[name] = data
        budget -= len(data)
    return submission


@dataclass(frozen=True)
class Skipped:
    name: str    # the folder's label (see `label`)
    reason: str


def list_folders(submissions: Path) -> tuple[list[tuple[str, Path]], list[Skipped]]:
    """The student folders (label, path) directly under `submissions`, sorted by label, and the
    entries that are not graded with why (hidden or underscore names, links, files)."""
    students, skipped = [], []
    with os.scandir(submissions) as entries:
        for entry in entries:
            name = label(entry.name)
            if entry.is_symlink():
                skipped.append(Skipped(name, "a symbolic link (links are never followed)"))
            elif not entry.is_dir(follow_symlinks=False):
                continue  # a file beside the folders (a roster, a README) is not a student
            elif entry.name.startswith((".", "_")):
                skipped.append(Skipped(name, "its name starts with '.' or '_'"))
            else:
                students.append((name, Path(entry.path)))
    return sorted(students), sorted(skipped, key=lambda s: s.name)


def label(name: str | bytes) -> str:
    """A folder name as text for every output: valid UTF-8, no control characters, distinct for
    distinct names and reversible (`unlabel`): bytes that are not UTF-8, controls and '%' are
    written as %XX."""
    raw = os.fsencode(name)
    text = raw.decode("utf-8", "surrogateescape")
    out = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte
            out.append(f"%{code - 0xDC00:02X}")
        elif ch == "%" or _is_control(ch):
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def unlabel(text: str) -> bytes:
    """The folder name's bytes back from its label."""
    from urllib.parse import unquote_to_bytes

    return unquote_to_bytes(text)


def _is_control(ch: str) -> bool:
    import unicodedata

    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")


MAX_NAME_BYTES = 255


def file_name(student: str, suffix: str = "") -> str:
    """A file name for a student's label, safe on any file system and distinct for distinct labels:
    ASCII letters, digits and `-_.~` kept, every other byte %XX; names longer than the file system
    allows are cut and end with a hash of the whole label (`%-` never comes out of the escaping)."""
    import hashlib
    from urllib.parse import quote

    escaped = quote(student.encode("utf-8", "surrogateescape"), safe="")
    if escaped.startswith("."):
        escaped = "%2E" + escaped[1:]
    if len(escaped) + len(suffix) > MAX_NAME_BYTES:
        digest = hashlib.sha256(student.encode("utf-8", "surrogateescape")).hexdigest()[:24]
        keep = MAX_NAME_BYTES - len(suffix) - len(digest) - 2
        escaped = escaped[:keep].rsplit("%", 1)[0] if "%" in escaped[max(0, keep - 2):keep] else escaped[:keep]
        escaped = f"{escaped}%-{digest}"
    return escaped + suffix

"""How far a submission is fenced off from the grader, and the fence itself.

Three levels, the strongest this machine allows (`detect`):
- "full" (Linux, root, `unshare`): each student's worker runs in its own network, mount and PID
  namespaces. Only loopback exists; the reference solutions, the submissions folder and the
  grading state are covered by empty mounts; /tmp, /var/tmp and /dev/shm are private; the
  learner's process runs as an unprivileged uid (nobody), so it can neither signal the worker nor
  write a file the grader owns; when the worker ends, the kernel ends every process left in its
  PID namespace (a child that outlives the learner included).
- "namespaces" (Linux, user namespaces, not root): the same namespaces, the worker as root of a user
  namespace mapped to the instructor's uid; the learner is uid 65534 in bubblewrap's nested one (the
  instructor's uid outside it), in the same allow-listed filesystem; no cgroup (docs/classroom.md).
- "process" (elsewhere): a process per student with rlimits, a scrubbed environment and awslab's
  Python-level network guard; nothing more.
In every level the verdict is computed in the worker, outside the learner's process, and only the
driver writes results.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

FULL, NAMESPACES, PROCESS = "full", "namespaces", "process"
LEVELS = ("auto", FULL, NAMESPACES, PROCESS)
NOBODY = 65534

_NAMESPACE_FLAGS = ["--net", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc"]


@dataclass(frozen=True)
class Isolation:
    level: str
    learner_uid: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def namespaces(self) -> bool:
        return self.level in (FULL, NAMESPACES)

    def wrapper(self) -> list[str]:
        """The command that the worker's command is appended to."""
        prefix = self.parent_death()
        if self.level == FULL:
            return prefix + ["unshare", *_NAMESPACE_FLAGS]
        if self.level == NAMESPACES:
            return prefix + ["unshare", "--map-root-user", *_NAMESPACE_FLAGS]
        return prefix

    def parent_death(self) -> list[str]:
        """The prefix that makes a process die with the driver."""
        return ["setpriv", "--pdeathsig", "KILL"] if shutil.which("setpriv") else []

    def describe(self) -> str:
        return {FULL: "full: network, mount and PID namespaces; learner code runs as an unprivileged user",
                NAMESPACES: "namespaces: network, mount and PID namespaces; learner code runs as uid 65534 "
                            "of its own user namespace (your uid outside it); no per-student cgroup without root",
                PROCESS: "process only: rlimits, scrubbed environment, Python network guard; "
                         "no namespaces on this machine"}[self.level]


def detect(requested: str = "auto") -> Isolation:
    """The strongest isolation available, or the one requested (an error if it is not available)."""
    if requested not in LEVELS:
        raise ValueError(f"isolation must be one of {', '.join(LEVELS)}")
    available = _available()
    if requested == "auto":
        return available
    order = (PROCESS, NAMESPACES, FULL)
    if order.index(requested) > order.index(available.level):
        raise ValueError(f"isolation {requested!r} is not available here (best: {available.level}; "
                         + "; ".join(available.notes) + ")")
    if requested == available.level:
        return available
    if requested == NAMESPACES and os.geteuid() == 0:
        return Isolation(NAMESPACES, None, ("asked for namespaces without dropping the learner's uid",))
    return Isolation(PROCESS, None, ("asked for process isolation only",))


@lru_cache(maxsize=1)
def _available() -> Isolation:
    if not sys.platform.startswith("linux"):
        return Isolation(PROCESS, None, (f"no Linux namespaces on {sys.platform}",))
    if not shutil.which("unshare"):
        return Isolation(PROCESS, None, ("the unshare command (util-linux) is missing",))
    root = os.geteuid() == 0
    probe = ["unshare", *([] if root else ["--map-root-user"]), *_NAMESPACE_FLAGS, "true"]
    try:
        works = subprocess.run(probe, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        works = False
    if not works:
        why = "unshare failed (namespaces not permitted here, e.g. in an unprivileged container)"
        return Isolation(PROCESS, None, (why,))
    if root:
        return Isolation(FULL, _nobody_uid())
    return Isolation(NAMESPACES, None, ("not root: learner code runs as your own user",))


def _nobody_uid() -> int:
    try:
        import pwd

        return pwd.getpwnam("nobody").pw_uid
    except (ImportError, KeyError):
        return NOBODY


# -- inside the worker (PID 1 of its namespaces) -------------------------------------------------
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_BIND, _MS_REC = 1, 2, 4, 4096, 16384


def enter_sandbox(*, keep: list[str], hide: list[str], learner_uid: int | None) -> list[str]:
    """Set up the worker's namespaces: loopback up, private temp dirs, hidden paths.

    `keep`: paths the worker and the learner's interpreter need (the Python installation, awslab,
    the labs); they stay visible even when an ancestor is covered. `hide`: covered by an empty,
    read-only mount. Returns notes on what could not be done.
    """
    notes: list[str] = []
    try:
        _loopback_up()
    except OSError as exc:
        notes.append(f"could not bring loopback up: {exc}")
    keep = _outermost([os.path.realpath(p) for p in keep if os.path.exists(p)])
    covers = [("/tmp", "mode=1777"), ("/var/tmp", "mode=1777"), ("/dev/shm", "mode=1777")]
    if learner_uid is not None:
        # The learner's interpreter must be reachable by its uid: an ancestor it cannot traverse
        # (e.g. /root holding a pyenv) is covered, and only the kept paths are put back.
        closed = {_closed_ancestor(p) for p in keep}
        covers += [(a, "mode=755") for a in sorted(a for a in closed if a is not None)]
    for path in hide:
        covers.append((os.path.realpath(path), "mode=555"))
    for target, options in covers:
        if not os.path.isdir(target):
            continue
        try:
            _cover(target, options, [k for k in keep if _inside(k, target)],
                   read_only=options == "mode=555")
        except OSError as exc:
            notes.append(f"could not cover {target}: {exc}")
    return notes


def sweep(learner_uid: int | None) -> None:
    """End every process the learner left behind (only inside our own PID namespace) and reap them."""
    if learner_uid is not None and os.getpid() == 1:
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the forked child
            try:
                os.setgroups([])
                os.setgid(learner_uid)
                os.setuid(learner_uid)
                os.kill(-1, signal.SIGKILL)  # every process of that uid in this namespace
            finally:
                os._exit(0)
        os.waitpid(child, 0)
    if os.getpid() == 1:
        while True:  # orphans are re-parented to us, PID 1: reap them
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break


def _loopback_up() -> None:
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock, siocgifflags, request))[1]
        fcntl.ioctl(sock, siocsifflags, struct.pack("16sH14x", b"lo", flags | iff_up))


def _cover(target: str, options: str, keep: list[str], *, read_only: bool) -> None:
    # Open the kept paths before they disappear under the new mount; bind them back through /proc.
    handles = [(path, os.open(path, os.O_PATH)) for path in keep]
    try:
        _mount("tmpfs", target, "tmpfs", _MS_NOSUID | _MS_NODEV, f"size=64m,{options}")
        for path, handle in handles:
            os.makedirs(path, exist_ok=True)
            _mount(f"/proc/self/fd/{handle}", path, None, _MS_BIND | _MS_REC, None)
        if read_only:
            _mount("tmpfs", target, None, 32 | _MS_RDONLY | _MS_NOSUID | _MS_NODEV, options)  # MS_REMOUNT
    finally:
        for _, handle in handles:
            os.close(handle)


@lru_cache(maxsize=1)
def _libc():
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    return libc


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    def b(value):
        return value.encode() if value is not None else None

    if _libc().mount(b(source), b(target), b(fstype), flags, b(data)) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"mount {target}: {os.strerror(code)}")


def _closed_ancestor(path: str) -> str | None:
    """The outermost directory on the way to `path` that others may not traverse."""
    parts = Path(path).parts
    for depth in range(2, len(parts) + 1):
        directory = os.path.join(*parts[:depth])
        try:
            if not os.stat(directory).st_mode & 0o001:
                return directory
        except OSError:
            return None
    return None


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def _outermost(paths: list[str]) -> list[str]:
    result: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(_inside(path, kept) for kept in result):
            result.append(path)
    return result

"""Stop servers awslab started, by PID, even when they ignore SIGTERM.

A server awslab starts runs in a session (and process group) of its own. Stopping it means:
collect its descendants first (a DynamoDB Local java child would otherwise be orphaned and lost),
send SIGTERM to the process group, wait a few seconds, then SIGKILL the group and every collected
PID that is still the same process (same start time, so a reused PID is never hit).

PIDs are recorded with their start time (`ProcessRef`), so a state file written by
`awslab backend up` can be acted on by `awslab backend down` in another process.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

GRACE_SECONDS = 5.0
_INTERRUPTIONS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def interruptions_deferred() -> Iterator[None]:
    """Ctrl-C (SIGINT) and SIGTERM that arrive inside the block take effect when it ends.

    Around starting a server and recording its PID: an interruption that landed inside
    `subprocess.Popen` (the child already running, its PID not yet known to anyone) left the server
    running, since the clean-up that followed had no PID to stop (CI found a host-mode LocalStack
    orphaned by `awslab backend up` interrupted at that instant). The handlers are Python's own, so
    the child, which execs, starts with the default ones. Outside the main thread signals cannot be
    handled, and the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[signal.Signals] = []
    previous = {number: signal.getsignal(number) for number in _INTERRUPTIONS}
    for number in _INTERRUPTIONS:
        signal.signal(number, lambda received, _frame: arrived.append(signal.Signals(received)))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if arrived:
            first = arrived[0]
            handler = previous[first]
            if callable(handler):
                handler(first, None)  # Python's own raises KeyboardInterrupt; the CLI's exits
            elif handler == signal.SIG_DFL:
                signal.raise_signal(first)


@dataclass(frozen=True)
class ProcessRef:
    pid: int
    start_time: int  # clock ticks since boot (/proc/PID/stat field 22): tells a reused PID apart

    @classmethod
    def of(cls, pid: int) -> "ProcessRef | None":
        start = _start_time(pid)
        return None if start is None else cls(pid, start)

    def alive(self) -> bool:
        return _start_time(self.pid) == self.start_time and not _is_zombie(self.pid)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ProcessRef":
        return cls(int(data["pid"]), int(data["start_time"]))


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
    return [raw[:raw.index(" ")], "comm"] + raw[raw.rindex(")") + 2:].split()


def _start_time(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return int(fields[21]) if fields else None


def _is_zombie(pid: int) -> bool:
    fields = _stat_fields(pid)
    return fields is not None and fields[2] in ("Z", "X")


def _parent(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return int(fields[3]) if fields else None


def descendants(pid: int) -> list[ProcessRef]:
    """Every living descendant of `pid` (children, grandchildren, ...), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            parent = _parent(int(entry))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry))
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        ref = ProcessRef.of(child)
        if ref is not None:
            found.append(ref)
        todo.extend(children.get(child, []))
    return found


def _signal(ref: ProcessRef, sig: int) -> None:
    if ref.alive():
        try:
            os.kill(ref.pid, sig)
        except ProcessLookupError:
            pass


def _signal_group(root: ProcessRef, members: list[ProcessRef], sig: int) -> None:
    """Signal the process group led by `root` (a server started in a new session leads one), as
    long as a known, living process is still in it: then its id cannot have been reused."""
    def in_group(ref: ProcessRef) -> bool:
        try:
            return ref.alive() and os.getpgid(ref.pid) == root.pid
        except ProcessLookupError:
            return False

    if not any(in_group(ref) for ref in members):
        return
    try:
        os.killpg(root.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
    except OSError as exc:
        if exc.errno != errno.ESRCH:
            raise


def _reap(pid: int) -> None:
    """Collect the exit status if `pid` is our own child (else it stays a zombie, looking alive)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def wait_gone(refs: list[ProcessRef], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        for ref in refs:
            _reap(ref.pid)
        if not any(ref.alive() for ref in refs):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def stop_tree(root: ProcessRef, *, grace: float = GRACE_SECONDS, extra: Sequence[ProcessRef] = ()) -> str:
    """Stop `root`, its process group and its descendants. Returns how: "gone", "terminated" or "killed"."""
    tree = [root, *descendants(root.pid), *extra]
    if not any(ref.alive() for ref in tree):
        return "gone"
    _signal(root, signal.SIGTERM)
    _signal_group(root, tree, signal.SIGTERM)
    if wait_gone([root], grace):
        # The root is gone; children it failed to stop (a java child) do not get another grace period.
        late = [ref for ref in tree if ref.alive()]
        if not late:
            return "terminated"
    tree += [ref for ref in descendants(root.pid) if ref not in tree]
    _signal_group(root, tree, signal.SIGKILL)
    for ref in tree:
        _signal(ref, signal.SIGKILL)
    if not wait_gone(tree, 5):
        still = ", ".join(str(ref.pid) for ref in tree if ref.alive())
        raise OSError(f"processes {still} survived SIGKILL")
    return "killed"

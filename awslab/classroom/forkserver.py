"""Workers forked from a warm template instead of started from nothing.

Starting a worker from scratch costs about a second of CPU per student: Python, boto3, botocore,
moto and the labs' checks imported again and again. The driver instead starts one *template*
process per run (`python -m awslab.classroom.worker --template`), which imports all that once
and never runs submitted code, and asks it for a worker per student. The template forks, and the
child fences itself in exactly as the exec'd worker did (`sh` + `setpriv` + `unshare`):

1. its own session (the driver kills the worker's process group), its stdin, stdout and stderr
   the pipes and log file the driver passed over the control socket;
2. the student's cgroup (its pid written to each `cgroup.procs`) before anything else runs, so
   nothing it forks escapes the group;
3. `PR_SET_PDEATHSIG` (it dies with the template, the template with the driver);
4. at `full`: new network, mount and PID namespaces (mounts made private); it forks once more so
   that the worker is PID 1 of its PID namespace, mounts a /proc of that namespace, and the
   middle process waits and passes on the worker's exit (unshare's `--fork --kill-child`).

The worker then runs `worker.main()` as before: per student a fresh backend, fresh namespaces,
a fresh cgroup, a fresh copy (copy-on-write) of a process that no student's code ever touched.
The learner is a separate process of its own, in bubblewrap, as before.

The control socket carries small JSON messages: driver to template `{"procs": [...]}` with three
file descriptors (SCM_RIGHTS); template to driver `{"spawned": pid}` and `{"exit": pid, "code": c}`.
"""

from __future__ import annotations

import array
import ctypes
import ctypes.util
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 16384, 1 << 18
PR_SET_PDEATHSIG = 1
CGROUP_FAILED = 97  # as the exec'd path's `sh` wrapper: the worker could not enter its cgroup
MESSAGE_BYTES = 1 << 16


class TemplateFailed(RuntimeError):
    pass


# -- in the driver -------------------------------------------------------------------------------
class Template:
    """The template process of one grading run, as the driver sees it."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path, *, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self.exits: dict[int, int] = {}
        self._ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as stderr:
            self.process = subprocess.Popen(command, stdin=theirs.fileno(), stdout=subprocess.DEVNULL, stderr=stderr,
                                            env=env, start_new_session=True, cwd="/")
        theirs.close()
        self.started = time.perf_counter()
        self.ready_seconds: float | None = None

    def spawn(self, procs: list[str], stderr: int) -> "ForkedWorker":
        """A worker forked for one student, in the cgroup whose `cgroup.procs` files are `procs`:
        its stdin (the driver writes the job there) and stdout (its events) are pipes to the driver,
        its stderr `stderr` (a log file's descriptor)."""
        job_read, job_write = os.pipe()
        events_read, events_write = os.pipe()
        try:
            message = json.dumps({"procs": procs}).encode()
            fds = array.array("i", [job_read, events_write, stderr])
            try:
                self._ours.sendmsg([message], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)])
            except OSError as exc:
                raise TemplateFailed(f"the worker template is gone ({exc})") from None
            deadline = time.monotonic() + self.timeout
            while True:
                reply = self._receive(deadline)
                if reply is None:
                    raise TemplateFailed("the worker template did not answer in time")
                if "spawned" in reply:
                    break
        except BaseException:
            for fd in (job_write, events_read):
                os.close(fd)
            raise
        finally:
            for fd in (job_read, events_write):
                os.close(fd)
        if self.ready_seconds is None:
            self.ready_seconds = time.perf_counter() - self.started
        return ForkedWorker(self, int(reply["spawned"]), os.fdopen(job_write, "wb"), os.fdopen(events_read, "rb"))

    def _receive(self, deadline: float) -> dict | None:
        """One message from the template (exits are recorded on the way); None at the deadline or
        if the template has gone."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self._ours], [], [], remaining)
            if not ready:
                continue
            try:
                data = self._ours.recv(MESSAGE_BYTES)
            except OSError:
                data = b""
            if not data:
                return None
            message = json.loads(data)
            if "exit" in message:
                self.exits[int(message["exit"])] = int(message["code"])
            return message

    def wait_exit(self, pid: int, timeout: float) -> int | None:
        """The exit status of worker `pid` (as subprocess gives it), or None if it has not ended
        within `timeout` seconds (0: only what the template has already said)."""
        deadline = time.monotonic() + timeout
        while select.select([self._ours], [], [], 0)[0]:  # what has already come
            if self._receive(time.monotonic() + 1.0) is None:
                break
        while pid not in self.exits:
            if self._receive(deadline) is None:
                break
        return self.exits.pop(pid, None)

    def stop(self) -> None:
        """Close the control socket: the template kills the workers it still has and ends."""
        try:
            self._ours.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:
                pass
            self.process.wait()


class ForkedWorker:
    """What the driver uses of a worker process (as of a subprocess.Popen): pid, stdin, stdout,
    poll(), wait(), kill(), returncode. The exit status comes from the template, its parent."""

    def __init__(self, template: Template, pid: int, stdin: IO[bytes], stdout: IO[bytes]) -> None:
        self.template = template
        self.pid = pid
        self.stdin = stdin
        self.stdout = stdout
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.template.wait_exit(self.pid, 0.0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            code = self.template.wait_exit(self.pid, 3600.0 if timeout is None else timeout)
            if code is None:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout or 0)
            self.returncode = code
        return self.returncode

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass


# -- in the template -----------------------------------------------------------------------------
def serve(control: socket.socket, full: bool) -> None:
    """Fork a worker per request until the driver closes the socket; report each worker's exit."""
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children: set[int] = set()
    template = os.getpid()
    try:
        while True:
            watched: list[socket.socket | int] = [control, wake_read]
            ready, _, _ = select.select(watched, [], [])
            if wake_read in ready:
                try:
                    os.read(wake_read, 4096)
                except BlockingIOError:
                    pass
                _reap(control, children)
            if control in ready:
                fds = array.array("i")
                try:
                    data, ancillary, _, _ = control.recvmsg(MESSAGE_BYTES, socket.CMSG_SPACE(3 * fds.itemsize))
                except OSError:
                    data = b""
                if not data:
                    return
                for level, kind, payload in ancillary:
                    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                        fds.frombytes(payload[:len(payload) - len(payload) % fds.itemsize])
                request = json.loads(data)
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:  # pragma: no cover - the worker
                    control.close()
                    os.close(wake_read)
                    os.close(wake_write)
                    _become_worker(template, list(fds), request.get("procs", []), full)
                for fd in fds:
                    os.close(fd)
                children.add(pid)
                control.send(json.dumps({"spawned": pid}).encode())
                _reap(control, children)
    finally:
        for pid in children:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass


def _reap(control: socket.socket, children: set[int]) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children.discard(pid)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        try:
            control.send(json.dumps({"exit": pid, "code": code}).encode())
        except OSError:
            pass


def _become_worker(template: int, fds: list[int], procs: list[str], full: bool) -> None:  # pragma: no cover
    """In the forked child: fence in, then run the worker; never returns."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        for number in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(number, signal.SIG_DFL)
        os.setsid()
        for target, fd in enumerate(fds[:3]):
            os.dup2(fd, target)
        os.closerange(3, 1 << 16)  # nothing of the template's (nor another student's) stays open
        for path in procs:  # the student's cgroup, before anything of the worker runs
            try:
                with open(path, "w") as file:
                    file.write(str(os.getpid()))
            except OSError:
                os._exit(CGROUP_FAILED)
        _die_with_parent(template)
        if full:
            _unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID)
            _mount(None, "/", None, MS_REC | MS_PRIVATE)
            alive_read, alive_write = os.pipe()  # open while the middle process lives
            middle = os.fork()
            if middle:
                os.close(alive_read)
                _pass_on(middle)
            os.close(alive_write)
            _die_with_parent(None, alive_read)
            _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        import random

        random.seed()  # not the template's state: each worker its own
        from . import worker

        worker.main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - the trace goes to the student's log, the driver sees the exit
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _pass_on(worker: int) -> None:  # pragma: no cover - the middle process
    """Wait for the worker (PID 1 of the new namespace) and end as it ended."""
    while True:
        try:
            _, status = os.waitpid(worker, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(1)
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
    os._exit(os.WEXITSTATUS(status))


def _die_with_parent(parent: int | None, alive: int | None = None) -> None:
    """SIGKILL when the parent ends; if it already has, end now. The parent is known by its pid,
    or (outside our PID namespace, where getppid() says 0) by a pipe it holds open (`alive`)."""
    if _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")
    if parent is not None and os.getppid() != parent:
        os._exit(1)
    if alive is not None:
        os.set_blocking(alive, False)
        try:
            gone = os.read(alive, 1) == b""
        except BlockingIOError:
            gone = False
        os.close(alive)
        if gone:
            os._exit(1)


def _unshare(flags: int) -> None:
    if _libc().unshare(flags) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"unshare: {os.strerror(code)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int) -> None:
    def b(value: str | None) -> bytes | None:
        return value.encode() if value is not None else None

    if _libc().mount(b(source), b(target), b(fstype), flags, None) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"mount {target}: {os.strerror(code)}")


_LIBC: Any = None


def _libc():
    global _LIBC
    if _LIBC is None:
        _LIBC = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        _LIBC.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
        _LIBC.unshare.argtypes = [ctypes.c_int]
        _LIBC.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    return _LIBC

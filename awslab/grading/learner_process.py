"""The grader's side of the learner's process: start it, call functions in it, survive anything.

A learner function that raises, hangs, exits, crashes or floods the terminal becomes a
`LearnerError` with a one-line message for the check that called it; the grader goes on.
"""

from __future__ import annotations

import itertools
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import transfer

WALL_BACKSTOP = 3.0      # with a CPU clock, a call's limit is CPU time; it may wait this many times it in wall time
OUTPUT_KEPT = 64 * 1024  # the first 64 KB of what the learner prints outside calls are kept; the rest is counted
CHANNEL_BROKEN = 75      # the learner host's exit code when the learner's code broke its pipes to us


class LearnerError(Exception):
    """A learner function did not return normally. `str()` is the one-line message for the report."""

    kind = "error"


class LearnerLoadError(LearnerError):
    kind = "load"


class LearnerRaised(LearnerError):
    kind = "raised"

    def __init__(self, message: str, exc_type: str = "", where: str = "", traceback: str = "") -> None:
        super().__init__(message)
        self.exc_type = exc_type
        self.where = where
        self.traceback = traceback


class LearnerTimeout(LearnerError):
    kind = "timeout"


class LearnerExited(LearnerError):
    kind = "exit"


class LearnerCrashed(LearnerError):
    kind = "crash"


class GradeCancelled(BaseException):
    """The grade was stopped from outside (watch: the file was saved again). A BaseException, so no
    check's `except Exception` records it as the learner's failure: the whole grade ends."""


class LearnerProcess:
    """One learner file, loaded in a process of its own; `call(name, *args)` runs a function there."""

    def __init__(self, path: str | Path, env: dict[str, str], *, on_sleep: Callable[[float], object] | None = None,
                 call_timeout: float = 10.0, load_timeout: float = 30.0, memory_mb: int = 1024,
                 cpu_seconds: int = 300, workdir: str | None = None, user: int | None = None,
                 group: int | None = None, sandbox: Any = None,
                 cpu_clock: Callable[[], float] | None = None, max_tasks: int = 0) -> None:
        self.path = Path(path).resolve()
        self.env = env
        self.on_sleep: Callable[[float], object] = on_sleep or (lambda seconds: None)
        self.call_timeout = call_timeout
        self.load_timeout = load_timeout
        self.memory_mb = memory_mb
        self.cpu_seconds = cpu_seconds
        self.workdir = workdir
        # Run as another user (classroom grading as root: the learner then cannot signal the grader
        # or write its files); the working directory is handed to that user.
        self.user = user
        self.group = user if group is None and user is not None else group
        # A grading.sandbox.Bubblewrap: the learner then sees only an allow-listed filesystem.
        self.sandbox = sandbox
        # CPU seconds of the student's cgroup (all its processes): a call's limit is then counted in
        # CPU time, so a busy machine cannot make an honest function time out.
        self.cpu_clock = cpu_clock
        # RLIMIT_NPROC of the learner (its processes and threads), where no cgroup limits them.
        self.max_tasks = max_tasks
        # The scenario's virtual clock (runner: aws.clock.now on a backend with virtual time): each
        # command and each sleep's answer carries its time, and the learner's process travels there,
        # so its datetime.now() agrees with the timestamps the emulator gives (awslab.clock).
        self.clock: Callable[[], Any] | None = None
        self.functions: dict[str, str] = {}
        self.load_error: LearnerLoadError | None = None
        self._process: subprocess.Popen | None = None
        self._to_child: int | None = None
        self._from_child: int | None = None
        self._output = bytearray()
        self._output_total = 0
        self._output_lock = threading.Lock()
        self._call_output: list[str] = []  # what the learner's calls wrote, since take_call_output()
        self._ids = itertools.count(1)
        self._own_workdir: tempfile.TemporaryDirectory | None = None
        self._loaded = False
        self._late_env: dict[str, str] = {}
        self.cancelled = False
        self._calls_running = 0

    # -- life cycle -------------------------------------------------------------------------------
    @classmethod
    def spawn_early(cls, path: str | Path, *, memory_mb: int = 1024, services: list[str] | tuple[str, ...] = ()
                    ) -> "LearnerProcess":
        """Start a learner's process before any backend exists (it learns the endpoint at load
        time), so that its start overlaps the grader's own: pass it to grade_submission(learner=...).
        `services`: the lab's (lab.toml `services`), whose models the process warms while it waits."""
        from ..safety import learner_environment

        env = {k: v for k, v in learner_environment("", "").items() if k not in ("HOME", "TMPDIR")}
        if services:
            env["AWSLAB_PRELOAD_SERVICES"] = ",".join(services)
        return cls(path, env, memory_mb=memory_mb).spawn()

    def start(self) -> "LearnerProcess":
        """Start the process and load the learner's file in it (spawn, then load)."""
        return self.spawn().load()

    def spawn(self) -> "LearnerProcess":
        """Start the process; it imports boto3 while the grader gets on with its own set-up, and
        waits for load() before it runs any of the learner's code."""
        if self._process is not None or self.load_error is not None:
            return self
        if not self.path.is_file():
            self.load_error = LearnerLoadError(f"file not found: {self.path}")
            return self
        if self.workdir is None:
            self._own_workdir = tempfile.TemporaryDirectory(prefix="awslab-learner-")
            self.workdir = self._own_workdir.name
        identity: dict[str, Any] = {}
        if self.user is not None:
            os.chown(self.workdir, self.user, self.group if self.group is not None else -1)
            identity = {"user": self.user, "group": self.group, "extra_groups": []}
        parent_read, child_write = os.pipe()
        child_read, parent_write = os.pipe()
        awslab_root = str(Path(__file__).resolve().parents[2])
        env = dict(self.env)
        env["PYTHONPATH"] = awslab_root
        env.setdefault("HOME", self.workdir)
        env.setdefault("TMPDIR", self.workdir)
        host_args = ["--read-fd", str(child_read), "--write-fd", str(child_write),
                     "--memory-mb", str(self.memory_mb), "--cpu-seconds", str(self.cpu_seconds)]
        if self.max_tasks:
            host_args += ["--max-tasks", str(self.max_tasks)]
        extra_fds: tuple[int, ...] = ()
        if self.sandbox is not None:
            del env["PYTHONPATH"]
            env.update(self.sandbox.environment())
            if self._fork_from_warm(env, parent_read, parent_write, child_read, child_write):
                return self
            command, inside, extra_fds = self.sandbox.command(self.path, self.workdir, [])
            command += ["-m", "awslab_learner.learner_child", "--file", inside, *host_args]
        else:
            command = [sys.executable, "-m", "awslab.grading.learner_child", "--file", str(self.path), *host_args]
        try:
            self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                             stderr=subprocess.STDOUT, env=env, cwd=self.workdir,
                                             pass_fds=(child_read, child_write, *extra_fds),
                                             start_new_session=True, **identity)
        finally:
            for fd in extra_fds:
                os.close(fd)
        os.close(child_read)
        os.close(child_write)
        self._to_child, self._from_child = parent_write, parent_read
        threading.Thread(target=self._drain_output, args=(self._process.stdout,), daemon=True).start()
        self._loaded = False
        return self

    def _fork_from_warm(self, env: dict[str, str], parent_read: int, parent_write: int, child_read: int,
                        child_write: int) -> bool:
        """Fork the learner from the sandbox's warm learner (sandbox.Zygote), if it has one."""
        fork = getattr(self.sandbox, "fork_learner", None)
        if fork is None or not getattr(self.sandbox, "warm", False):
            return False
        output_read, output_write = os.pipe()
        try:
            child = fork(self.path, env, (child_read, child_write, output_write), user=self.user,
                         memory_mb=self.memory_mb, cpu_seconds=self.cpu_seconds, max_tasks=self.max_tasks)
        finally:
            os.close(output_write)
        if child is None:
            os.close(output_read)
            return False
        os.close(child_read)
        os.close(child_write)
        self._process = child
        self._to_child, self._from_child = parent_write, parent_read
        threading.Thread(target=self._drain_output, args=(os.fdopen(output_read, "rb"),), daemon=True).start()
        self._loaded = False
        return True

    def load(self, env: dict[str, str] | None = None) -> "LearnerProcess":
        """Import the learner's file in the spawned process and wait until it is ready.

        `env` updates the process's environment first (e.g. the endpoint, when the process was
        spawned before the gateway had a port); it is remembered for restarts."""
        if self.cancelled:
            raise GradeCancelled("load")
        if env:
            self.env = {**self.env, **env}
            self._late_env = {**self._late_env, **env}
        if self._process is None or self.load_error is not None or self._loaded:
            return self
        self._loaded = True
        message = self._exchange({"type": "load", "env": self._late_env}, time.monotonic() + self.load_timeout)
        if self.cancelled:
            self._kill()
            raise GradeCancelled("load")
        if message is None:
            self._kill()
            self.load_error = LearnerLoadError(
                f"importing {self.path.name} took longer than {self.load_timeout:.0f} s (a loop at module level?)")
        elif message is _EOF:
            code = self._reap()
            self.load_error = LearnerLoadError(
                f"{self.path.name} ended the Python process while being imported ({_learner_exit_text(code)})")
        elif message.get("type") != "ready":
            self._kill()
            self.load_error = LearnerLoadError(str(message.get("message") or "could not load the file"))
        else:
            functions = message.get("functions")
            self.functions = {str(k): str(v) for k, v in functions.items()} if isinstance(functions, dict) else {}
        return self

    def close(self) -> None:
        self._kill()
        if self._own_workdir is not None:
            self._own_workdir.cleanup()
            self._own_workdir = None
            self.workdir = None

    def __enter__(self) -> "LearnerProcess":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def take_call_output(self) -> str:
        """What the learner's calls wrote since the last time this was asked (for one check)."""
        with self._output_lock:
            text, self._call_output = "".join(self._call_output), []
        return text

    @property
    def output(self) -> str:
        """What the learner's code printed outside calls (at import, between calls: the first 64 KB),
        with a note if there was more."""
        with self._output_lock:
            text = self._output.decode("utf-8", "replace")
            if self._output_total > len(self._output):
                text += f"\n[... {self._output_total - len(self._output)} more bytes of output not kept]"
            return text

    # -- calls ----------------------------------------------------------------------------------
    def cancel(self) -> None:
        """From another thread: end the learner's process now; the grading thread's current or next
        call raises GradeCancelled. Only the process is killed here (its pipes are the grading
        thread's to close)."""
        self.cancelled = True
        process = self._process
        if process is not None:
            _kill_group(process)

    @property
    def busy(self) -> bool:
        """Whether a call is running in the learner's process now (its sleeps and callbacks are being served)."""
        return self._calls_running > 0

    def call(self, function: str, *args: Any, timeout: float | None = None,
             environment: dict[str, str] | None = None, instance: str | None = None, **kwargs: Any) -> Any:
        """Run `function(*args, **kwargs)` in the learner's process; `environment` is added to its
        os.environ for this call only (a Lambda function's configured variables).

        `instance` names an instance of the learner's file: the first call naming it imports the file
        anew, with `environment` in os.environ during the import, and later calls naming it run in
        that module (a Lambda function's execution environment: initialised once, at its cold start)."""
        if self.cancelled:
            raise GradeCancelled(function)
        if self.load_error is None:
            self.start()  # after a hang or a crash: a fresh process, the file imported again
        if self.load_error is not None:
            raise self.load_error
        callbacks: dict[int, Callable] = {}
        message = {"type": "call", "function": function, "args": transfer.encode(list(args), callbacks),
                   "kwargs": transfer.encode(kwargs, callbacks)}
        if environment:
            message["env"] = {str(k): str(v) for k, v in environment.items()}
        if instance:
            message["instance"] = str(instance)
        limit = self.call_timeout if timeout is None else timeout
        budget = _Budget(limit, self.cpu_clock)
        self._calls_running += 1
        try:
            reply = self._exchange(message, budget, callbacks)
        finally:
            self._calls_running -= 1
        if self.cancelled:
            self._kill()
            raise GradeCancelled(function)
        if reply is None:
            self._kill()
            raise LearnerTimeout(budget.explain(function))
        if reply is _EOF:
            code = self._reap()
            raise LearnerCrashed(f"{function}() ended the learner's Python process ({_learner_exit_text(code)})")
        kind = reply.get("type")
        if kind == "result":
            try:
                return transfer.decode(reply.get("value"))
            except Exception as exc:  # noqa: BLE001 - only a forged frame gets here
                raise LearnerRaised(f"{function}() returned a value awslab could not read ({type(exc).__name__})",
                                    type(exc).__name__) from None
        if kind == "exit":
            raise LearnerExited(f"{function}() called sys.exit({reply.get('code')!r}); "
                                "return a value instead of exiting")
        raise _raised(function, reply)

    def _exchange(self, message: dict, deadline: "float | _Budget", callbacks: dict[int, Callable] | None = None):
        """Send a command (load or call) and serve its sleeps and callbacks until its reply comes:
        the reply, None past the deadline, or _EOF if the process ended or broke the protocol.

        Only frames of this command count: a sleep, callback or reply carrying another id comes
        from a thread left over from an earlier call, and is ignored (that thread waits for ever)."""
        key = next(self._ids)
        if not isinstance(deadline, _Budget):
            deadline = _Budget(deadline - time.monotonic(), None)
        own_output = message["type"] == "call"
        self._send({**message, "id": key, **self._virtual_now()})
        while True:
            frame = self._receive(deadline)
            if frame is None or frame is _EOF:
                return frame
            if not isinstance(frame, dict):
                self._kill()
                return _EOF
            kind = frame.get("type")
            ours = frame.get("call") == key
            if kind in ("output", "output_dropped"):
                self._keep_output(frame, own_output and ours)
            elif kind == "sleep" and ours:
                try:
                    seconds = float(frame.get("seconds", 0))
                except (TypeError, ValueError):
                    seconds = 0.0
                self.on_sleep(seconds)
                self._send({"type": "slept", "reply_to": frame.get("id"), **self._virtual_now()})
            elif kind == "callback" and ours and callbacks is not None:
                self._answer_callback(callbacks, frame)
            elif frame.get("reply_to") == key:
                return frame

    def _keep_output(self, frame: dict, for_call: bool) -> None:
        if frame.get("type") == "output":
            text = str(frame.get("text", ""))
        else:
            text = f"\n[... {frame.get('count')} more characters of output not kept]\n"
        with self._output_lock:
            if for_call:
                self._call_output.append(text)
            else:
                self._keep_outside(text.encode("utf-8", "replace"))

    def _keep_outside(self, data: bytes) -> None:
        self._output_total += len(data)
        room = OUTPUT_KEPT - len(self._output)
        if room > 0:
            self._output += data[:room]

    def _answer_callback(self, callbacks: dict[Any, Callable], frame: dict) -> None:
        callback = callbacks.get(frame.get("callback"))
        answer = {"reply_to": frame.get("id")}
        try:
            if callback is None:
                raise LookupError("no such handler")
            args = transfer.decode(frame.get("args", []))
            value = callback(*(args if isinstance(args, list) else [args]))
            self._send({**answer, "type": "callback_result", "value": transfer.encode(value)})
        except Exception as exc:  # noqa: BLE001 - the callback's failure is the learner's to handle
            self._send({**answer, "type": "callback_error", "exc_type": type(exc).__name__, "message": str(exc)})

    def has_function(self, name: str) -> bool:
        return name in self.functions

    # -- plumbing -----------------------------------------------------------------------------
    def _virtual_now(self) -> dict[str, str]:
        return {"now": self.clock().isoformat()} if self.clock is not None else {}

    def _send(self, message: dict) -> None:
        if self._to_child is None:
            return  # the child is gone; the next receive reports it
        try:
            os.write(self._to_child, transfer.pack(message))
        except (BrokenPipeError, OSError, TypeError):
            pass  # the child is gone; the next receive reports it

    def _receive(self, deadline: "_Budget"):
        header = self._read_exact(4, deadline)
        if header is None or header is _EOF:
            return header
        length = transfer.unpack_length(header)
        if length > transfer.MAX_MESSAGE:
            self._kill()
            return _EOF
        body = self._read_exact(length, deadline)
        if body is None or body is _EOF:
            return body
        try:
            return json.loads(body)
        except ValueError:
            self._kill()
            return _EOF

    def _read_exact(self, size: int, deadline: "_Budget"):
        fd = self._from_child
        if fd is None:
            raise RuntimeError("the learner process is not running: start() it first")
        chunks = bytearray()
        while len(chunks) < size:
            remaining = deadline.remaining()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue  # the budget decides: spent, or (CPU time) more to wait
            data = os.read(fd, size - len(chunks))
            if not data:
                return _EOF
            chunks += data
        return bytes(chunks)

    def _drain_output(self, stream) -> None:
        with stream:  # closed here at the process's end: nobody else reads it
            while True:
                data = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
                if not data:
                    break
                with self._output_lock:
                    self._keep_outside(data)

    def _reap(self) -> int | None:
        if self._process is None:
            return None
        try:
            code = self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        self._kill()
        return code

    def _kill(self) -> None:
        process, self._process = self._process, None
        for fd in (self._to_child, self._from_child):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._to_child = self._from_child = None
        if process is None:
            return
        _kill_group(process)  # the whole group: children the learner forked too
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


def _kill_group(process) -> None:
    """SIGKILL to a learner's process group (a forked learner's through the warm learner)."""
    if hasattr(process, "kill_group"):
        process.kill_group()
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class _Budget:
    """A command's time limit: wall time, or with a CPU clock the CPU time its student used (a
    function that waits without computing is stopped at WALL_BACKSTOP times the limit)."""

    def __init__(self, limit: float, cpu_clock: Callable[[], float] | None) -> None:
        self.limit = limit
        self.clock = cpu_clock
        self.started = time.monotonic()
        self.deadline = self.started + limit
        self.cpu_start = cpu_clock() if cpu_clock else 0.0

    def cpu_used(self) -> float:
        return self.clock() - self.cpu_start if self.clock else 0.0

    def remaining(self) -> float:
        """Seconds to wait before asking again; 0 or less once the limit is spent."""
        now = time.monotonic()
        if now < self.deadline or self.clock is None:
            return self.deadline - now
        used, backstop = self.cpu_used(), self.started + WALL_BACKSTOP * self.limit
        if used >= self.limit or now >= backstop:
            return 0.0
        self.deadline = min(now + max(0.1, self.limit - used), backstop)
        return self.deadline - now

    def explain(self, function: str) -> str:
        if self.clock is None:
            return (f"{function}() did not return within {self.limit:g} s (an endless loop, or "
                    "waiting on something that never comes?)")
        # No measured figure in the words: the same submission gets the same message in every run.
        if self.cpu_used() >= self.limit:
            return (f"{function}() used more than {self.limit:g} s of CPU time without returning (the limit "
                    "per call; an endless loop?)")
        return (f"{function}() did not return within {WALL_BACKSTOP * self.limit:g} s while using less than "
                f"its {self.limit:g} s of CPU time (waiting on something that never comes? a call may wait "
                f"up to {WALL_BACKSTOP:g} times its limit)")


class _Eof:
    pass


_EOF = _Eof()


def _raised(function: str, reply: dict) -> LearnerError:
    kind = reply.get("kind")
    if kind in ("missing", "signature", "too_large", "setup"):
        return LearnerRaised(reply.get("message", ""), reply.get("exc_type", ""))
    if kind == "init":  # the import of a new instance of the file (its message says where)
        return LearnerRaised(reply.get("message", ""), reply.get("exc_type", ""), reply.get("where", ""),
                             reply.get("traceback", ""))
    where = f" ({reply['where']})" if reply.get("where") else ""
    message = reply.get("message", "")
    return LearnerRaised(f"{function}() raised {reply.get('exc_type')}: {message}{where}",
                         reply.get("exc_type", ""), reply.get("where", ""), reply.get("traceback", ""))


def ended_by(code: int) -> str:
    """How a process that ended with returncode `code` ended: the signal that killed it, or its exit code."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _learner_exit_text(code: int | None) -> str:
    if code is None:
        return "it did not say why"
    if code == CHANNEL_BROKEN:
        return "it closed or broke the pipes awslab talks to it through; leave file descriptors alone"
    return ended_by(code) if code < 0 else f"{ended_by(code)}; os._exit() or a crash"

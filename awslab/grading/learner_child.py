"""The learner's process: loads the learner's file and runs its functions on the grader's request.

Started by `LearnerProcess` with a scrubbed environment; talks to the grader over two pipes it
did not choose (so nothing the learner prints can be mistaken for a result). The verdict is
never computed here: this process only reports what the learner's functions returned or raised.
"""

from __future__ import annotations

import argparse
import codecs
import importlib.util
import inspect
import itertools
import json
import os
import queue
import random
import sys
import threading
import time
import traceback
from typing import Any, SupportsIndex

from . import transfer

CHANNEL_FD_FLOOR = 900  # the grader's pipes move up here, out of the way of the learner's own files
CHANNEL_BROKEN = 75     # exit code: the learner's code closed or broke the pipes to the grader
OUTPUT_FORWARDED = 64 * 1024  # per call (and for everything outside calls): the rest is only counted


class Channel:
    """The pipes to the grader, safe for the learner's threads.

    Frames go out whole under one lock; one reader thread routes what comes in: commands (load,
    call) to the main loop, answers (slept, callback_result) to the thread that asked, by id. A
    sleep or a callback carries the id of the call it happens in: the grader answers only those of
    the call it is waiting for, so a thread left over from an earlier call cannot stand in for it.
    """

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self.read_fd = _move_up(read_fd)
        self.write_fd = _move_up(write_fd)
        self.current = 0  # the id of the command being run (load or call); 0 between calls
        self._send_lock = threading.Lock()
        self._answers: dict[int, "queue.Queue[dict]"] = {}
        self._answers_lock = threading.Lock()
        self._commands: "queue.Queue[dict]" = queue.Queue()
        self._ids = itertools.count(1)
        threading.Thread(target=self._read_loop, name="awslab-channel", daemon=True).start()

    def send(self, message: dict) -> None:
        try:
            data = transfer.pack(message)
        except transfer.TooLarge as exc:
            data = transfer.pack({"type": "error", "kind": "too_large", "exc_type": "ValueError",
                                  "message": str(exc), "reply_to": message.get("reply_to")})
        with self._send_lock:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(self.write_fd, view):]
            except OSError:
                os._exit(CHANNEL_BROKEN)

    def ask(self, message: dict) -> dict:
        """Send a request (sleep, callback) and wait for the grader's answer to it."""
        key = next(self._ids)
        answer: "queue.Queue[dict]" = queue.Queue(maxsize=1)
        with self._answers_lock:
            self._answers[key] = answer
        self.send({**message, "id": key, "call": self.current})
        try:
            return answer.get()
        finally:
            with self._answers_lock:
                self._answers.pop(key, None)

    def next_command(self) -> dict:
        return self._commands.get()

    def _read_loop(self) -> None:
        while True:
            header = self._read_exactly(4)
            message = json.loads(self._read_exactly(transfer.unpack_length(header)))
            if "reply_to" in message:
                with self._answers_lock:
                    answer = self._answers.get(message["reply_to"])
                if answer is not None:
                    answer.put(message)
            else:
                self._commands.put(message)

    def _read_exactly(self, size: int) -> bytes:
        data = bytearray()
        while len(data) < size:
            try:
                chunk = os.read(self.read_fd, size - len(data))
            except OSError:
                os._exit(CHANNEL_BROKEN)
            if not chunk:
                os._exit(0)  # the grader has gone
            data += chunk
        return bytes(data)


def _move_up(fd: int) -> int:
    import fcntl

    try:
        moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, CHANNEL_FD_FLOOR)
    except OSError:
        return fd
    os.close(fd)
    return moved


class OutputCapture:
    """Everything written to file descriptors 1 and 2 (print, logging, warnings, threads, C code),
    forwarded to the grader as it comes, tagged with the call it was written during.

    fds 1 and 2 become a pipe that this process reads; at the end of a call `flush()` drains it,
    so what the function wrote before it returned is that call's, whatever thread wrote it."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self._read_fd, write_fd = os.pipe()
        os.set_blocking(self._read_fd, False)
        for target in (1, 2):
            os.dup2(write_fd, target)
        os.close(write_fd)
        self._read_fd = _move_up(self._read_fd)
        self._lock = threading.Lock()
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._context = 0
        self._forwarded = 0
        self._dropped = 0
        threading.Thread(target=self._read_loop, name="awslab-output", daemon=True).start()

    def begin(self, context: int) -> None:
        """Output from now on belongs to `context` (a call id; 0: outside calls)."""
        with self._lock:
            self._drain()
            self._finish()
            self._context = context

    def end(self) -> None:
        """Drain what the call wrote (sent before its reply) and go back outside calls."""
        for stream in filter(None, (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__)):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - the learner may have replaced or closed them
                pass
        with self._lock:
            self._drain()
            self._finish()
            self._context = 0

    def _read_loop(self) -> None:
        import select

        while True:
            try:
                select.select([self._read_fd], [], [])
            except (OSError, ValueError):
                return  # the learner closed our end: its output goes nowhere, the calls go on
            with self._lock:
                if not self._drain():
                    return

    def _drain(self) -> bool:
        """Read what is there and forward it; False once the pipe is gone."""
        while True:
            try:
                data = os.read(self._read_fd, 65536)
            except BlockingIOError:
                return True
            except OSError:
                return False
            if not data:
                return False
            self._forward(self._decoder.decode(data))

    def _forward(self, text: str) -> None:
        room = OUTPUT_FORWARDED - self._forwarded
        if room <= 0:
            self._dropped += len(text)
            return
        kept, rest = text[:room], text[room:]
        self._forwarded += len(kept)
        self._dropped += len(rest)
        if kept:
            self.channel.send({"type": "output", "call": self._context, "text": kept})

    def _finish(self) -> None:
        tail = self._decoder.decode(b"", final=True)
        if tail:
            self._forward(tail)
        self._decoder.reset()
        if self._dropped:
            self.channel.send({"type": "output_dropped", "call": self._context, "count": self._dropped})
        self._forwarded = self._dropped = 0


_channel: Channel | None = None  # the pipes to the grader, opened by main()


def _grader() -> Channel:
    if _channel is None:
        raise RuntimeError("no channel to the grader: this runs only in the learner process main() started")
    return _channel


def _safety():
    # Inside the sandbox this module is awslab_learner.learner_child, next to its own copy of safety.
    if __package__ == "awslab_learner":
        from . import safety
    else:
        from .. import safety
    return safety


def _apply_limits(memory_mb: int, cpu_seconds: int, max_tasks: int = 0) -> None:
    try:
        import resource

        if memory_mb > 0:
            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        if cpu_seconds > 0:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
        if max_tasks > 0:  # processes and threads; counted in the sandbox's own user namespace
            resource.setrlimit(resource.RLIMIT_NPROC, (max_tasks, max_tasks))
    except (ImportError, ValueError, OSError):
        pass  # not on this platform; the grader's wall-time limit still holds


def _virtual_sleep(seconds: float | SupportsIndex) -> None:
    """time.sleep on virtual time: the grader advances the clock; no real second passes."""
    length = float(seconds)
    if length < 0:
        raise ValueError("sleep length must be non-negative")
    _follow_clock(_grader().ask({"type": "sleep", "seconds": length}))


_travel: dict = {}


def _import_time_machine() -> None:
    """time-machine, imported before the grader's load command (the first command carries the
    scenario's time, and the learner's file is imported only after the travel), and without its
    pytest plugin: it imports pytest whenever pytest is installed (a tenth of a second), for a
    fixture only a pytest run can use. pytest stays importable for the learner's own code."""
    if "time_machine" in sys.modules:
        return
    hidden = "pytest" not in sys.modules
    if hidden:
        sys.modules["pytest"] = None  # type: ignore[assignment]  # `import pytest` raises ImportError
    try:
        import time_machine  # noqa: F401 - imported now so the first command does not wait for it
    except ImportError:
        pass  # without time-machine the learner keeps real time (_follow_clock)
    finally:
        if hidden:
            del sys.modules["pytest"]


def _follow_clock(message: dict) -> None:
    """Travel to the grader's virtual time, if the message names one: the learner's datetime.now()
    and time.time() then agree with the emulator's timestamps (an object's LastModified, a message's
    SentTimestamp), which carry the scenario's date, not today's. Time runs on from there at real
    speed (tick), since the learner's own code may measure how long something takes."""
    now = message.get("now") if isinstance(message, dict) else None
    if not isinstance(now, str):
        return
    try:
        import datetime as dt

        import time_machine

        when = dt.datetime.fromisoformat(now)
    except (ImportError, ValueError):
        return
    if "coordinates" in _travel:
        _travel["coordinates"].move_to(when)
    else:
        _travel["traveller"] = time_machine.travel(when, tick=True)
        _travel["coordinates"] = _travel["traveller"].start()


class HandlerError(Exception):
    """Raised in the learner's code when a grader-supplied callback (e.g. a message handler) fails."""


def _make_callback(key: int):
    def callback(*args: Any) -> Any:
        reply = _grader().ask({"type": "callback", "callback": key, "args": transfer.encode(list(args))})
        if reply.get("type") == "callback_error":
            raise HandlerError(reply.get("message", "handler failed"))
        return transfer.decode(reply.get("value"))

    return callback


def _make_client(spec: transfer.ClientSpec):
    import boto3
    from botocore.config import Config

    config = Config(s3={"addressing_style": "path"}).merge(Config(**spec.config))
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    keys = {k: v for k, v in (spec.credentials or {}).items()
            if k in ("aws_access_key_id", "aws_secret_access_key", "aws_session_token") and isinstance(v, str)}
    if spec.resource:
        return boto3.resource(spec.service, region_name=region, config=config, **keys)
    return boto3.client(spec.service, region_name=region, config=config, **keys)


def _refuse_remote_endpoints(request, **_: Any) -> None:
    from urllib.parse import urlsplit

    RealAwsRefused, is_loopback = _safety().RealAwsRefused, _safety().is_loopback

    host = urlsplit(request.url).hostname or ""
    if not is_loopback(host):
        raise RealAwsRefused(f"awslab refused a request to {host}: labs reach only the local backend "
                             "(the client you are given already points there; do not set endpoint_url)")


# The lab's own services (lab.toml `services`, passed by the grader as AWSLAB_PRELOAD_SERVICES);
# these when the process starts before its lab is known (a classroom worker's early spawn).
PRELOADED_SERVICES = ("s3", "sqs", "sns", "dynamodb", "iam", "sts")


def _preload_models(session) -> None:
    # Building a client (never used, never sent) loads and caches everything its service needs:
    # the model, endpoint rules and partitions; the learner's first real client is then cheap.
    named = [name for name in os.environ.get("AWSLAB_PRELOAD_SERVICES", "").split(",") if name]
    for service in named or PRELOADED_SERVICES:
        try:
            session.client(service, region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
                           aws_access_key_id="warm-up", aws_secret_access_key="warm-up")
        except Exception:  # noqa: BLE001 - only a warm-up; the learner's own call reports real problems
            pass


def _where(exc: BaseException, path: str) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if os.path.abspath(f.filename) == path]
    if not frames:
        return ""
    frame = frames[-1]
    return f"{os.path.basename(path)} line {frame.lineno}" + (f": {frame.line.strip()}" if frame.line else "")


def _describe_error(exc: BaseException, path: str, kind: str = "raised") -> dict:
    learner_frames = [f for f in traceback.extract_tb(exc.__traceback__) if os.path.abspath(f.filename) == path]
    return {"type": "error", "kind": kind, "exc_type": type(exc).__name__, "message": str(exc)[:2000],
            "where": _where(exc, path),
            "traceback": "".join(traceback.format_list(learner_frames[-5:]))[-4000:]}


def _load(path: str) -> tuple[Any, dict]:
    """Import the learner's file: (module, the "ready" reply) or (None, a "load_error" reply)."""
    name = os.path.basename(path)
    sys.path.insert(0, os.path.dirname(path))
    try:
        module = _import(path, "learner_solution")
    except SyntaxError as exc:
        return None, {"type": "load_error", "kind": "syntax",
                      "message": f"syntax error in {name} line {exc.lineno}: {exc.msg}"}
    except SystemExit as exc:
        return None, {"type": "load_error", "kind": "exit",
                      "message": f"{name} called sys.exit({exc.code!r}) while being imported"}
    except BaseException as exc:  # noqa: BLE001 - anything the learner's import does is reported
        detail = _describe_error(exc, path)
        where = f" ({detail['where']})" if detail["where"] else ""
        return None, {"type": "load_error", "kind": "raised",
                      "message": f"importing {name} raised {type(exc).__name__}: {exc}{where}"[:2000]}
    functions = {key: str(inspect.signature(obj)) for key, obj in vars(module).items()
                 if inspect.isfunction(obj) and not key.startswith("_")}
    return module, {"type": "ready", "functions": functions}


def _import(path: str, module_name: str) -> Any:
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{path} cannot be imported as a module", path=path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    random.seed(0)  # a learner's jitter (random backoff) is the same in every run: same verdict, same details
    spec.loader.exec_module(module)
    return module


# Instances of the learner's file, each imported on its own, e.g. one per Lambda function configuration:
# Lambda imports the handler's module once per execution environment (a cold start), with the
# function's environment variables in os.environ, and keeps it between invocations.
_instances: dict[str, Any] = {}


def _instance(path: str, key: str, environment: dict[str, str]) -> Any:
    """The module of instance `key`, imported now (with `environment` in os.environ) if it is new.
    An import that raised is not kept: the next call imports again, as Lambda retries a failed init."""
    if key not in _instances:
        saved = {name: os.environ.get(name) for name in environment}
        os.environ.update(environment)
        try:
            _instances[key] = _import(path, f"learner_solution_instance_{len(_instances) + 1}")
        finally:
            _restore(saved)
    return _instances[key]


def _restore(saved: dict[str, str | None]) -> None:
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _call(module: Any, path: str, message: dict) -> dict:
    """Run one learner function; the reply (result, error or exit)."""
    name = message.get("function", "")
    environment = {str(k): str(v) for k, v in (message.get("env") or {}).items()}
    if message.get("instance"):
        module = _import_instance(path, str(message["instance"]), environment)
        if isinstance(module, dict):
            return module
    function = getattr(module, name, None)
    if not callable(function):
        return {"type": "error", "kind": "missing", "exc_type": "AttributeError",
                "message": f"{os.path.basename(path)} has no function {name}()"}
    arguments = _call_arguments(function, name, message)
    if isinstance(arguments, dict):
        return arguments
    call_args, call_kwargs = arguments
    saved = {key: os.environ.get(key) for key in environment}
    os.environ.update(environment)
    try:
        result = function(*call_args, **call_kwargs)
    except SystemExit as exc:
        return _exit_reply(exc)
    except BaseException as exc:  # noqa: BLE001
        return _describe_error(exc, path)
    finally:
        _restore(saved)  # the call's environment was its own
    return {"type": "result", "value": transfer.encode(result)}


def _exit_reply(exc: SystemExit) -> dict:
    return {"type": "exit", "code": exc.code if isinstance(exc.code, (int, str, type(None))) else str(exc.code)}


def _import_instance(path: str, instance: str, environment: dict[str, str]) -> Any:
    """The module of an execution environment (imported anew for a new one), or the reply when its
    import exits or fails: then this call fails."""
    try:
        return _instance(path, instance, environment)
    except SystemExit as exc:
        return _exit_reply(exc)
    except BaseException as exc:  # noqa: BLE001 - the import of a new instance failed: this call fails
        reply = _describe_error(exc, path, kind="init")
        where = f" ({reply['where']})" if reply["where"] else ""
        reply["message"] = f"importing {os.path.basename(path)} raised {type(exc).__name__}: {exc}{where}"[:2000]
        return reply


def _call_arguments(function: Any, name: str, message: dict) -> tuple[list, dict] | dict:
    """The call's arguments, decoded and checked against the function's signature; or the error reply."""
    try:
        call_args = transfer.decode(message.get("args", []), _make_client, _make_callback)
        call_kwargs = transfer.decode(message.get("kwargs", {}), _make_client, _make_callback)
    except Exception as exc:  # noqa: BLE001 - e.g. a client that cannot be built
        return {"type": "error", "kind": "setup", "exc_type": type(exc).__name__, "message": str(exc)}
    try:
        inspect.signature(function).bind(*call_args, **call_kwargs)
    except TypeError as exc:
        return {"type": "error", "kind": "signature", "exc_type": "TypeError",
                "message": f"{name}{inspect.signature(function)} cannot be called with "
                           f"{len(call_args)} argument(s): {exc}"}
    except ValueError:
        pass  # no signature to check (a builtin); let the call decide
    return call_args, call_kwargs


def _arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", required=True)
    parser.add_argument("--read-fd", type=int, required=True)
    parser.add_argument("--write-fd", type=int, required=True)
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--cpu-seconds", type=int, default=0)
    parser.add_argument("--max-tasks", type=int, default=0)
    return parser.parse_args(argv)


def _prepare() -> None:
    """What comes before any learner code: the network guard, boto3 and its default session
    (which refuses remote endpoints)."""
    _safety().guard_network(loopback_only=True)
    import boto3  # imported before the limits, so a tight memory limit is the learner's alone

    _import_time_machine()
    boto3.setup_default_session()
    boto3.DEFAULT_SESSION.events.register("before-send", _refuse_remote_endpoints)


def main() -> None:
    args = _arguments()
    _prepare()
    import boto3

    # While the grader sets up, warm the service models the labs use: the learner's first client of
    # each service is then built from the session's cache instead of parsing JSON mid-call.
    threading.Thread(target=_preload_models, args=(boto3.DEFAULT_SESSION,), daemon=True).start()
    _serve(args)


def _serve(args: argparse.Namespace) -> None:
    """Talk to the grader: wait for load, import the learner's file, then run its functions."""
    global _channel
    _channel = Channel(args.read_fd, args.write_fd)
    try:  # where a memory limit is met (the student's cgroup), the kernel ends learners, not the grader
        with open("/proc/self/oom_score_adj", "w") as adj:
            adj.write("1000")
    except OSError:
        pass
    capture = OutputCapture(_channel)
    path = os.path.abspath(args.file)
    _apply_limits(args.memory_mb, args.cpu_seconds, args.max_tasks)
    time.sleep = _virtual_sleep

    # Nothing of the learner's runs before the grader says so (its set-up, e.g. a backend reset,
    # may still be going on while this process imported boto3).
    while (message := _channel.next_command()).get("type") != "load":
        pass
    # The grader may have spawned this process before its gateway had a port: the endpoint comes now.
    os.environ.update({k: str(v) for k, v in (message.get("env") or {}).items()})
    module, reply = _run(capture, message, lambda: _load(path))
    if module is None:
        return
    while True:
        message = _channel.next_command()
        if message.get("type") == "call":
            _run(capture, message, lambda message=message: (None, _call(module, path, message)))


# -- the warm learner: one per student, forking a fresh learner per lab ---------------------------
ZYGOTE_MESSAGE = 1 << 16
_PR_SET_DUMPABLE = 4
_WIPED = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")


def zygote(control_fd: int, home: str) -> None:
    """Serve the worker on `control_fd` (a socket): `spawn` forks a learner (its pipes come with
    the message), `kill` ends one learner's process group, `sweep` ends every process but this one
    (kill(-1) in this PID namespace) and empties the private temporary folders and SysV IPC.

    Never runs learner code itself, holds no thread when it forks, and is not dumpable: learner
    code (same uid) can neither read nor write its memory through /proc. It preloads boto3 and the
    models of the student's labs once, so each lab's learner starts as a fork, not a new Python."""
    _prepare()
    import boto3

    _preload_models(boto3.DEFAULT_SESSION)
    try:  # as every learner: the kernel's first choice at the student's memory limit, before the grader
        with open("/proc/self/oom_score_adj", "w") as adj:
            adj.write("1000")
    except OSError:
        pass
    _libc_call("prctl", _PR_SET_DUMPABLE, 0, 0, 0, 0)
    _WarmLearner(control_fd, home).serve()


class _WarmLearner:
    """The zygote's loop: a control socket from the worker, and SIGCHLD (through a wakeup pipe) to
    report each learner's exit."""

    def __init__(self, control_fd: int, home: str) -> None:
        import signal
        import socket

        self.home = home
        self.control = socket.socket(fileno=control_fd)
        self.wake_read, self.wake_write = os.pipe()
        os.set_blocking(self.wake_read, False)
        os.set_blocking(self.wake_write, False)
        signal.set_wakeup_fd(self.wake_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        self.children: set[int] = set()
        self._send({"ready": os.getpid()})

    def serve(self) -> None:
        import select
        import socket

        while True:
            watched: list[socket.socket | int] = [self.control, self.wake_read]
            ready, _, _ = select.select(watched, [], [])
            if self.wake_read in ready:
                try:
                    os.read(self.wake_read, 4096)
                except BlockingIOError:
                    pass
                self._reap()
            if self.control in ready:
                request, fds = self._receive()
                if request.get("spawn"):
                    self._spawn(request["spawn"], fds)
                elif request.get("kill"):
                    self._kill(int(request["kill"]))
                elif request.get("sweep"):
                    self._sweep()

    def _send(self, message: dict) -> None:
        self.control.send(json.dumps(message).encode())

    def _receive(self) -> tuple[dict, list[int]]:
        """The next request and the file descriptors it carries; the worker gone ends the zygote."""
        import array
        import socket

        fds = array.array("i")
        data, ancillary, _, _ = self.control.recvmsg(ZYGOTE_MESSAGE, socket.CMSG_SPACE(3 * fds.itemsize))
        if not data:
            os._exit(0)  # the worker has gone
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(payload[:len(payload) - len(payload) % fds.itemsize])
        return json.loads(data), list(fds)

    def _exited(self, pid: int, status: int) -> None:
        if pid in self.children:
            self.children.discard(pid)
            code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            self._send({"exit": pid, "code": code})

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self._exited(pid, status)

    def _spawn(self, spawn: dict, fds: list[int]) -> None:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the learner
            self.control.close()
            os.close(self.wake_read)
            os.close(self.wake_write)
            _become_learner(spawn, fds, self.home)
        for fd in fds:
            os.close(fd)
        self.children.add(pid)
        self._send({"spawned": pid})

    def _kill(self, group: int) -> None:
        import signal

        try:
            os.killpg(group, signal.SIGKILL)
        except OSError:
            pass

    def _sweep(self) -> None:
        import signal

        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        try:
            os.kill(-1, signal.SIGKILL)  # everything in this PID namespace but us (and its init)
        except OSError:
            pass
        while True:  # reap them: what is left of the learners is gone when the wait says so
            try:
                pid, status = os.waitpid(-1, 0)
            except ChildProcessError:
                break
            self._exited(pid, status)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        _wipe([self.home, *_WIPED])
        self._send({"swept": True})


def _become_learner(spawn: dict, fds: list[int], home: str) -> None:  # pragma: no cover - the forked learner
    import signal

    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setpgid(0, 0)  # a group of its own: the grader's kill reaches what it forks
        read_fd, write_fd, output_fd = fds[:3]
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        for fd in (null, output_fd):
            if fd > 2:
                os.close(fd)
        _libc_call("prctl", _PR_SET_DUMPABLE, 1, 0, 0, 0)  # as a process that was exec'd
        env = {str(k): str(v) for k, v in (spawn.get("env") or {}).items()}
        env["HOME"] = env["TMPDIR"] = home
        os.environ.clear()
        os.environ.update(env)
        os.chdir(home)
        sys.argv = [os.path.abspath(__file__), "--file", spawn["file"]]
        args = argparse.Namespace(file=spawn["file"], read_fd=read_fd, write_fd=write_fd,
                                  memory_mb=int(spawn.get("memory_mb", 0)), cpu_seconds=int(spawn.get("cpu_seconds", 0)),
                                  max_tasks=int(spawn.get("max_tasks", 0)))
        _serve(args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001
        traceback.print_exc()
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def _wipe(folders) -> None:
    """Empty the learner's private folders and remove its SysV IPC objects: the next lab's learner
    starts as a new sandbox would."""
    import shutil

    for folder in folders:
        try:
            entries = os.listdir(folder)
        except OSError:
            continue
        for name in entries:
            path = os.path.join(folder, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                try:
                    os.unlink(path)
                except OSError:
                    pass
    for kind, remove in (("shm", "shmctl"), ("msg", "msgctl"), ("sem", "semctl")):
        try:
            lines = open(f"/proc/sysvipc/{kind}").read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 1 and fields[1].isdigit():
                _libc_call(remove, int(fields[1]), 0, 0)  # IPC_RMID


def _libc_call(name: str, *args: int) -> int:
    import ctypes
    import ctypes.util

    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    return getattr(libc, name)(*[ctypes.c_long(a) for a in args])


def _run(capture: OutputCapture, command: dict, work) -> tuple[Any, dict]:
    """Run a command's work with its output and its sleeps tagged with the command's id; reply."""
    key = command.get("id", 0)
    _follow_clock(command)
    capture.begin(key)
    channel = _grader()
    channel.current = key
    try:
        value, reply = work()
    finally:
        channel.current = 0
    capture.end()
    channel.send({**reply, "reply_to": key})
    return value, reply


if __name__ == "__main__":
    if sys.argv[1:2] == ["--zygote"]:
        zygote(int(sys.argv[2]), sys.argv[3])
    else:
        main()

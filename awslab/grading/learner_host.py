"""The learner's process: loads the learner's file and runs its functions on the grader's request.

Started by `LearnerProcess` with a scrubbed environment; talks to the grader over two pipes it
did not choose (so nothing the learner prints can be mistaken for a result). The verdict is
never computed here: this process only reports what the learner's functions returned or raised.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import os
import sys
import threading
import time
import traceback
from typing import Any

from . import transfer

_channel: dict[str, Any] = {}


def _send(message: dict) -> None:
    try:
        data = transfer.pack(message)
    except transfer.TooLarge as exc:
        data = transfer.pack({"type": "error", "kind": "too_large", "exc_type": "ValueError", "message": str(exc)})
    _channel["out"].write(data)
    _channel["out"].flush()


def _read_exactly(size: int) -> bytes:
    """An unbuffered pipe read returns what is there (at most 64 KB at once): loop for the rest."""
    data = bytearray()
    while len(data) < size:
        chunk = _channel["in"].read(size - len(data))
        if not chunk:
            os._exit(0)  # the grader has gone
        data += chunk
    return bytes(data)


def _receive() -> dict:
    header = _channel["in"].read(4)
    if len(header) < 4:
        os._exit(0)  # the grader has gone
    import json

    return json.loads(_read_exactly(transfer.unpack_length(header)))


def _apply_limits(memory_mb: int, cpu_seconds: int) -> None:
    try:
        import resource

        if memory_mb > 0:
            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        if cpu_seconds > 0:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    except (ImportError, ValueError, OSError):
        pass  # not on this platform; the grader's wall-time limit still holds


def _virtual_sleep(seconds: float) -> None:
    """time.sleep on virtual time: the grader advances the clock; no real second passes."""
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    _send({"type": "sleep", "seconds": float(seconds)})
    while True:
        reply = _receive()
        if reply.get("type") == "slept":
            return


class HandlerError(Exception):
    """Raised in the learner's code when a grader-supplied callback (e.g. a message handler) fails."""


def _make_callback(key: int):
    def callback(*args: Any) -> Any:
        _send({"type": "callback", "id": key, "args": transfer.encode(list(args))})
        reply = _receive()
        if reply.get("type") == "callback_error":
            raise HandlerError(reply.get("message", "handler failed"))
        return transfer.decode(reply.get("value"))

    return callback


def _make_client(spec: transfer.ClientSpec):
    import boto3
    from botocore.config import Config

    config = Config(s3={"addressing_style": "path"}).merge(Config(**spec.config))
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    if spec.resource:
        return boto3.resource(spec.service, region_name=region, config=config)
    return boto3.client(spec.service, region_name=region, config=config)


def _refuse_remote_endpoints(request, **_: Any) -> None:
    from urllib.parse import urlsplit

    from ..safety import RealAwsRefused, is_loopback

    host = urlsplit(request.url).hostname or ""
    if not is_loopback(host):
        raise RealAwsRefused(f"awslab refused a request to {host}: labs reach only the local backend "
                             "(the client you are given already points there; do not set endpoint_url)")


PRELOADED_SERVICES = ("s3", "sqs", "sns", "dynamodb", "iam", "sts")


def _preload_models(session) -> None:
    # Building a client (never used, never sent) loads and caches everything its service needs:
    # the model, endpoint rules and partitions; the learner's first real client is then cheap.
    for service in PRELOADED_SERVICES:
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", required=True)
    parser.add_argument("--read-fd", type=int, required=True)
    parser.add_argument("--write-fd", type=int, required=True)
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--cpu-seconds", type=int, default=0)
    args = parser.parse_args()
    _channel["in"] = os.fdopen(args.read_fd, "rb", buffering=0)
    _channel["out"] = os.fdopen(args.write_fd, "wb", buffering=0)
    path = os.path.abspath(args.file)

    from ..safety import guard_network

    guard_network(loopback_only=True)
    import boto3  # imported before the limits, so a tight memory limit is the learner's alone

    boto3.setup_default_session()
    boto3.DEFAULT_SESSION.events.register("before-send", _refuse_remote_endpoints)
    # While the grader sets up, warm the service models the labs use: the learner's first client of
    # each service is then built from the session's cache instead of parsing JSON mid-call.
    threading.Thread(target=_preload_models, args=(boto3.DEFAULT_SESSION,), daemon=True).start()

    _apply_limits(args.memory_mb, args.cpu_seconds)
    time.sleep = _virtual_sleep

    # Nothing of the learner's runs before the grader says so (its set-up, e.g. a backend reset,
    # may still be going on while this process imported boto3).
    while (message := _receive()).get("type") != "load":
        pass
    # The grader may have spawned this process before its gateway had a port: the endpoint comes now.
    os.environ.update({k: str(v) for k, v in (message.get("env") or {}).items()})

    sys.path.insert(0, os.path.dirname(path))
    try:
        spec = importlib.util.spec_from_file_location("learner_solution", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["learner_solution"] = module
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        _send({"type": "load_error", "kind": "syntax",
               "message": f"syntax error in {os.path.basename(path)} line {exc.lineno}: {exc.msg}"})
        return
    except SystemExit as exc:
        _send({"type": "load_error", "kind": "exit",
               "message": f"{os.path.basename(path)} called sys.exit({exc.code!r}) while being imported"})
        return
    except BaseException as exc:  # noqa: BLE001 - anything the learner's import does is reported
        detail = _describe_error(exc, path)
        where = f" ({detail['where']})" if detail["where"] else ""
        _send({"type": "load_error", "kind": "raised",
               "message": f"importing {os.path.basename(path)} raised {type(exc).__name__}: {exc}{where}"[:2000]})
        return

    functions = {name: str(inspect.signature(obj)) for name, obj in vars(module).items()
                 if inspect.isfunction(obj) and not name.startswith("_")}
    _send({"type": "ready", "functions": functions})

    while True:
        message = _receive()
        if message.get("type") != "call":
            continue
        name = message["function"]
        function = getattr(module, name, None)
        if not callable(function):
            _send({"type": "error", "kind": "missing", "exc_type": "AttributeError",
                   "message": f"{os.path.basename(path)} has no function {name}()"})
            continue
        try:
            call_args = transfer.decode(message.get("args", []), _make_client, _make_callback)
            call_kwargs = transfer.decode(message.get("kwargs", {}), _make_client, _make_callback)
        except Exception as exc:  # noqa: BLE001 - e.g. a client that cannot be built
            _send({"type": "error", "kind": "setup", "exc_type": type(exc).__name__, "message": str(exc)})
            continue
        try:
            inspect.signature(function).bind(*call_args, **call_kwargs)
        except TypeError as exc:
            _send({"type": "error", "kind": "signature", "exc_type": "TypeError",
                   "message": f"{name}{inspect.signature(function)} cannot be called with "
                              f"{len(call_args)} argument(s): {exc}"})
            continue
        except ValueError:
            pass  # no signature to check (a builtin); let the call decide
        try:
            result = function(*call_args, **call_kwargs)
        except SystemExit as exc:
            _send({"type": "exit", "code": exc.code if isinstance(exc.code, (int, str, type(None))) else str(exc.code)})
            continue
        except BaseException as exc:  # noqa: BLE001
            _send(_describe_error(exc, path))
            continue
        _send({"type": "result", "value": transfer.encode(result)})


if __name__ == "__main__":
    main()

"""Values crossing between the grader and the learner's process.

JSON with a few tags, never pickle: the grader must not unpickle what untrusted code sends back.
Grader -> learner may also carry client specs (a fresh boto3 client is built on arrival) and
callbacks (a grader function the learner's code calls, answered over the pipe).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import struct
from dataclasses import dataclass, field
from typing import Any, Callable

MAX_MESSAGE = 16 * 1024 * 1024  # a learner returning 100 MB gets a clear error, not a stalled grader


@dataclass(frozen=True)
class ClientSpec:
    """Stands for "a fresh boto3 client for `service`" in a call to a learner function."""

    service: str
    resource: bool = False  # a boto3 resource instead of a client
    config: dict = field(default_factory=dict)  # botocore Config keyword arguments, e.g. {"retries": {...}}
    # Keys of an IAM user or role session created on the backend (never real ones): the client then
    # signs as that principal, {"aws_access_key_id": ..., "aws_secret_access_key": ..., "aws_session_token": ...}.
    credentials: dict | None = None


class TooLarge(ValueError):
    pass


def encode(value: Any, callbacks: dict[int, Any] | None = None) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (bytes, bytearray, memoryview, dt.date, decimal.Decimal)):
        return _encode_tagged_scalar(value)
    if isinstance(value, (tuple, set, frozenset, list, dict)):
        return _encode_collection(value, callbacks)
    return _encode_object(value, callbacks)


def _encode_tagged_scalar(value: bytes | bytearray | memoryview | dt.date | decimal.Decimal) -> dict:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$bytes": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    return {"$decimal": str(value)}


def _encode_collection(value: tuple | set | frozenset | list | dict, callbacks: dict[int, Any] | None) -> Any:
    if isinstance(value, tuple):
        return {"$tuple": [encode(v, callbacks) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {"$set": [encode(v, callbacks) for v in sorted(value, key=repr)]}
    if isinstance(value, list):
        return [encode(v, callbacks) for v in value]
    if all(isinstance(k, str) and not k.startswith("$") for k in value):
        return {k: encode(v, callbacks) for k, v in value.items()}
    return {"$dict": [[encode(k, callbacks), encode(v, callbacks)] for k, v in value.items()]}


def _encode_object(value: Any, callbacks: dict[int, Any] | None) -> dict:
    """A client spec, an object for the learner, a callback (the last two only where the receiver
    can call back), else the object's repr."""
    if isinstance(value, ClientSpec):
        spec = {"service": value.service, "resource": value.resource, "config": value.config}
        if value.credentials:
            spec["credentials"] = dict(value.credentials)
        return {"$client": spec}
    if hasattr(value, "__learner_object__") and callbacks is not None:
        # An object for the learner (a Lambda context): its attributes, and methods the grader answers.
        kind, attributes, methods = value.__learner_object__()
        return {"$object": {"type": str(kind), "attributes": {str(k): encode(v, callbacks) for k, v in attributes.items()},
                            "methods": {str(k): encode(m, callbacks) for k, m in methods.items()}}}
    if callable(value) and callbacks is not None:
        key = len(callbacks) + 1
        callbacks[key] = value
        return {"$callback": key}
    return {"$repr": _short_repr(value)}


def decode(value: Any, make_client=None, make_callback=None) -> Any:
    if isinstance(value, list):
        return [decode(v, make_client, make_callback) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (tag, inner), = value.items()
        decoded = _decode_tagged(tag, inner, make_client, make_callback)
        if decoded is not _UNTAGGED:
            return decoded
    return {k: decode(v, make_client, make_callback) for k, v in value.items()}


_UNTAGGED = object()


def _decode_tagged(tag: str, inner: Any, make_client, make_callback) -> Any:
    """The value a one-key dict stands for, or _UNTAGGED when its key is no tag (or a tag this side
    cannot act on: a client or a callback without a way to make one)."""
    leaf = _LEAF_TAGS.get(tag)
    if leaf is not None:
        return leaf(inner)
    if tag == "$tuple":
        return tuple(decode(v, make_client, make_callback) for v in inner)
    if tag == "$set":
        return set(decode(v, make_client, make_callback) for v in inner)
    if tag == "$dict":
        return {_hashable(decode(k, make_client, make_callback)): decode(v, make_client, make_callback)
                for k, v in inner}
    return _decode_grader_tag(tag, inner, make_client, make_callback)


def _decode_grader_tag(tag: str, inner: Any, make_client, make_callback) -> Any:
    """A client, a callback or an object the grader handed over, or _UNTAGGED."""
    if tag == "$client" and make_client is not None:
        return make_client(ClientSpec(inner["service"], inner.get("resource", False), inner.get("config", {}),
                                      inner.get("credentials")))
    if tag == "$callback" and make_callback is not None:
        return make_callback(inner)
    if tag == "$object" and make_callback is not None and isinstance(inner, dict):
        return LearnerObject(str(inner.get("type", "object")),
                             {str(k): decode(v, make_client, make_callback) for k, v in inner.get("attributes", {}).items()},
                             {str(k): decode(v, make_client, make_callback) for k, v in inner.get("methods", {}).items()})
    return _UNTAGGED


class LearnerObject:
    """In the learner's process: an object the grader handed over (attributes, and methods that are
    callbacks to the grader), e.g. a Lambda handler's `context`."""

    def __init__(self, kind: str, attributes: dict[str, Any], methods: dict[str, Any]) -> None:
        self.__dict__.update(attributes)
        self.__dict__.update({name: method for name, method in methods.items() if callable(method)})
        self._kind = kind
        self._attributes = sorted(attributes)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._attributes)
        return f"{self._kind}({shown})"


@dataclass(frozen=True)
class Unrepresentable:
    """A value the learner returned that has no plain-data form (an object, a generator...)."""

    text: str

    def __repr__(self) -> str:
        return self.text


_LEAF_TAGS: dict[str, Callable[[Any], Any]] = {
    "$bytes": base64.b64decode, "$datetime": dt.datetime.fromisoformat, "$date": dt.date.fromisoformat,
    "$decimal": decimal.Decimal, "$repr": Unrepresentable}


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, set):
        return frozenset(value)
    return value


def _short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a learner's __repr__ may raise
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 200 else text[:197] + "..."


# -- framing: 4-byte length, then UTF-8 JSON ---------------------------------------------------
def pack(message: dict) -> bytes:
    data = json.dumps(message, separators=(",", ":")).encode()
    if len(data) > MAX_MESSAGE:
        raise TooLarge(f"message of {len(data)} bytes exceeds {MAX_MESSAGE}")
    return struct.pack(">I", len(data)) + data


def unpack_length(header: bytes) -> int:
    (length,) = struct.unpack(">I", header)
    return length

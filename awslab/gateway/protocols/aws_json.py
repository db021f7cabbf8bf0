"""The AWS JSON protocol (DynamoDB, SQS, KMS, EventBridge, ...): `X-Amz-Target: Service.Operation`
and the parameters as one JSON document.

The document is read along the operation's input shape as botocore's `JSONSerializer` wrote it:
members by their `locationName` where they have one, blobs as base64 text, timestamps as epoch
seconds. The log gets what boto3 took (bytes, datetimes); a key the model does not know is kept.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from botocore.model import ServiceModel, Shape
from botocore.utils import parse_timestamp

from ..wire import Response, dumps


class Unreadable(Exception):
    """The body is not what the protocol says (not JSON, not XML)."""


def read_request(model: ServiceModel, target: str, body: bytes) -> tuple[str | None, dict]:
    name = target.rsplit(".", 1)[-1]
    if name not in model.operation_names:
        return None, {}
    try:
        document = json.loads(body or b"{}")
    except ValueError as exc:
        raise Unreadable from exc
    if not isinstance(document, dict):
        return name, {}
    shape = model.operation_model(name).input_shape
    return name, decode(shape, document) if shape is not None else document


def decode(shape: Shape, value: Any) -> Any:
    """A JSON value as boto3's parameter of `shape` (a value of the wrong type is kept as sent)."""
    kind = shape.type_name
    if kind == "structure":
        return _decode_structure(shape, value)
    if kind == "list":
        return [decode(shape.member, item) for item in value] if isinstance(value, list) else value
    if kind == "map":
        return {k: decode(shape.value, v) for k, v in value.items()} if isinstance(value, dict) else value
    if kind == "blob" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return value
    if kind == "timestamp":
        return timestamp(value)
    return value


def _decode_structure(shape: Shape, value: Any) -> Any:
    """Each member under its boto3 name; a key the model does not know, and a document, as sent."""
    if not isinstance(value, dict) or getattr(shape, "is_document_type", False):
        return value
    members = _members_by_wire_name(shape)
    out = {}
    for key, item in value.items():
        found = members.get(key)
        out[found[0] if found else key] = decode(found[1], item) if found else item
    return out


def timestamp(value: Any) -> Any:
    """Epoch seconds, ISO 8601 or RFC 822 as an aware UTC datetime (the value itself if none of them)."""
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return dt.datetime.fromtimestamp(value, dt.timezone.utc)
        if isinstance(value, str):
            if value.replace(".", "", 1).isdigit():
                return dt.datetime.fromtimestamp(float(value), dt.timezone.utc)
            return parse_timestamp(value).astimezone(dt.timezone.utc)
    except (ValueError, TypeError, OverflowError, OSError, RuntimeError):
        pass
    return value


def _members_by_wire_name(shape: Shape) -> dict[str, tuple[str, Shape]]:
    return {member.serialization.get("name", name): (name, member) for name, member in shape.members.items()}


# --------------------------------------------------------------------------- answers
_NAMESPACE = {"dynamodb": "com.amazonaws.dynamodb.v20120810", "sqs": "com.amazonaws.sqs"}
# SQS's JSON protocol also carries the legacy query error code (awsQueryCompatible).
_SQS_QUERY_CODES = {"AccessDenied": "AccessDenied", "QueueDoesNotExist": "AWS.SimpleQueueService.NonExistentQueue"}
_SQS_QUERY_PREFIX = "AWS.SimpleQueueService."


def content_type(model: ServiceModel) -> str:
    return f"application/x-amz-json-{model.metadata.get('jsonVersion', '1.0')}"


def write_result(model: ServiceModel, data: dict | None, request_id: str) -> Response:
    return Response(200, [("Content-Type", content_type(model)), ("x-amzn-RequestId", request_id)],
                    dumps(data or {}).encode())


def write_error(model: ServiceModel, code: str, message: str, status: int, request_id: str,
                extra: dict | None = None) -> Response:
    service = model.service_name
    namespace = _NAMESPACE.get(service, f"com.amazonaws.{service}")
    query_code = code
    if service == "sqs" and code.startswith(_SQS_QUERY_PREFIX):
        # the JSON type is the bare shape name; the legacy prefixed code rides in the header
        code = code[len(_SQS_QUERY_PREFIX):]
    body = {"__type": f"{namespace}#{code}", "message": message, **(extra or {})}
    headers = [("Content-Type", content_type(model)), ("x-amzn-RequestId", request_id)]
    if service == "sqs":
        headers.append(("x-amzn-query-error", f"{_SQS_QUERY_CODES.get(query_code, query_code)};Sender"))
    return Response(status, headers, dumps(body).encode())

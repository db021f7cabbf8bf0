"""The REST-JSON protocol (Lambda, API Gateway, ...): REST routing (rest.py) and a JSON body read
along the input shape as the JSON protocol's is (aws_json.py)."""

from __future__ import annotations

import json

from botocore.model import ServiceModel

from ..wire import Response, dumps
from . import aws_json, rest


def read_request(model: ServiceModel, method: str, raw_path: str, query: dict[str, list[str]],
                 headers: dict[str, str], body: bytes) -> tuple[str | None, dict]:
    found = rest.find_route(model, method, raw_path, query, headers)
    if found is None:
        return None, {}
    route, labels = found
    params = rest.read_outside_body(route, labels, query, headers)
    shape = route.operation.input_shape
    payload = rest.payload_member(route)
    if payload is not None:
        name, member = payload
        if body and member.type_name in ("blob", "string"):
            params[name] = rest.raw_payload(member, body)
        elif body:
            params[name] = aws_json.decode(member, _json(body))
    elif body and shape is not None:
        document = _json(body)
        if isinstance(document, dict):
            params.update(aws_json.decode(shape, document))
    return route.operation.name, params


def _json(body: bytes):
    try:
        return json.loads(body)
    except ValueError as exc:
        raise aws_json.Unreadable from exc


def write_error(code: str, message: str, status: int, request_id: str, extra: dict | None = None) -> Response:
    """Lambda's shape: the code in x-amzn-ErrorType (botocore reads it there), Type and message in the body."""
    body = {"Type": "User", "message": message, **(extra or {})}
    return Response(status, [("Content-Type", "application/json"), ("x-amzn-RequestId", request_id),
                             ("x-amzn-ErrorType", code)], dumps(body).encode())

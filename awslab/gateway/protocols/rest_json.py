"""The REST-JSON protocol (Lambda, API Gateway, ...): REST routing and reading (rest.py) and a JSON
body read along the input shape as the JSON protocol's is (aws_json.py)."""

from __future__ import annotations

import json
from typing import Any

from botocore.model import Shape

from ..wire import Response, dumps
from . import aws_json


def read_body(shape: Shape, body: bytes) -> Any:
    """A JSON body as boto3's value of `shape` (rest.read_request's body reader); a document that is
    not an object, read along the input, is kept as sent (and left out of the parameters)."""
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise aws_json.Unreadable from exc
    return aws_json.decode(shape, document)


def write_error(code: str, message: str, status: int, request_id: str, extra: dict | None = None) -> Response:
    """Lambda's shape: the code in x-amzn-ErrorType (botocore reads it there), Type and message in the body."""
    body = {"Type": "User", "message": message, **(extra or {})}
    return Response(status, [("Content-Type", "application/json"), ("x-amzn-RequestId", request_id),
                             ("x-amzn-ErrorType", code)], dumps(body).encode())

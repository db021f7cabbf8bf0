"""Throttling errors as DynamoDB sends them over the wire (R5.2, R5.6, R5.7).

Messages: the API model documents the ``message`` field as "You exceeded your maximum allowed
provisioned throughput." (R5.2), but that is the field's description; the text DynamoDB puts
in responses, as seen in SDK logs and bug reports, is the one below (one wording for the
table, one for GSI back-pressure). Checks should compare the error code, not the message.
"""

from __future__ import annotations

import base64
import json
import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .throttling import Throttle

ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"
TABLE_THROTTLED_MESSAGE = (
    "The level of configured provisioned throughput for the table was exceeded. "
    "Consider increasing your provisioning level with the UpdateTable API."
)
INDEX_THROTTLED_MESSAGE = (
    "The level of configured provisioned throughput for one or more global secondary indexes "
    "of the table was exceeded. Consider increasing your provisioning level for the "
    "under-provisioned global secondary indexes with the UpdateTable API"
)


@dataclass(frozen=True)
class ErrorResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


def throughput_exceeded_error(
    throttles: Sequence[Throttle],
    *,
    region: str = "us-east-1",
    account_id: str = "123456789012",
    request_id: str | None = None,
) -> ErrorResponse:
    """HTTP 400 ``ProvisionedThroughputExceededException`` with ``ThrottlingReasons``."""
    only_indexes = bool(throttles) and all(t.index is not None for t in throttles)
    body: dict[str, Any] = {
        "__type": ERROR_PREFIX + "ProvisionedThroughputExceededException",
        "message": INDEX_THROTTLED_MESSAGE if only_indexes else TABLE_THROTTLED_MESSAGE,
    }
    if throttles:
        body["ThrottlingReasons"] = [
            {"reason": t.reason, "resource": t.resource_arn(region, account_id)} for t in throttles
        ]
    return _response(body, request_id)


def transaction_throttled_error(
    throttled: Sequence[bool], *, request_id: str | None = None
) -> ErrorResponse:
    """HTTP 400 ``TransactionCanceledException``, one cancellation reason per action in
    request order: ``ProvisionedThroughputExceeded`` where the action's table or index could
    not pay, ``None`` elsewhere (R5.7)."""
    reasons: list[dict[str, str]] = []
    for is_throttled in throttled:
        if is_throttled:
            reasons.append({"Code": "ProvisionedThroughputExceeded", "Message": TABLE_THROTTLED_MESSAGE})
        else:
            reasons.append({"Code": "None"})
    codes = ", ".join(r["Code"] for r in reasons)
    body = {
        "__type": ERROR_PREFIX + "TransactionCanceledException",
        "Message": f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
        "CancellationReasons": reasons,
    }
    return _response(body, request_id)


def _response(body: dict[str, Any], request_id: str | None) -> ErrorResponse:
    raw = json.dumps(body, separators=(",", ":")).encode("utf-8")
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "Content-Length": str(len(raw)),
        "x-amzn-RequestId": request_id or _request_id(),
        # botocore checks this for DynamoDB and retries on a mismatch, so it must be right.
        "x-amz-crc32": str(zlib.crc32(raw)),
    }
    return ErrorResponse(400, headers, raw)


def _request_id() -> str:
    """DynamoDB request ids are 52 characters of A-Z and 2-7."""
    return base64.b32encode(os.urandom(35)).decode("ascii")[:52]

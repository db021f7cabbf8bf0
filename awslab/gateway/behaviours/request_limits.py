"""Request limits AWS enforces and the emulator may not: a call over one is refused before it is
forwarded, with AWS's own error (code, message, HTTP status) in the call's protocol.

Two sources: the constraints of botocore's service model that AWS checks server-side (maximums,
patterns, enums: awslab/gateway/model_constraints.py), then the documented limits the model does
not carry (awslab/gateway/limits.py, one row per limit citing its AWS page).

The limits are data (awslab/gateway/limits.py, one row per limit citing its AWS page). They hold
for every caller, learner and grader alike, as on AWS.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any

from ..aws_request import AwsCall
from ..core import Forward, Gateway
from ..errors import aws_error
from ..limits import Limit, limits_for
from ..model_constraints import CODES, SOURCES, refusal, violations
from ..wire import Response


class RequestLimits:
    name = "request_limits"

    def handle(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        def key_names(table: str) -> list[str]:
            schema = gateway.internal_client("dynamodb", call.region).describe_table(TableName=table)
            return [key["AttributeName"] for key in schema["Table"]["KeySchema"]]

        if call.service in CODES:
            found = violations(call.service, call.operation, call.params)
            if found:
                call.note("limit", SOURCES[call.service])
                code, message = refusal(call.service, found)
                return aws_error(call, code, message, 400)
        for limit in limits_for(call.service, call.operation):
            broken = _broken(limit, call.params, key_names)
            if broken is not None:
                call.note("limit", limit.source)
                return aws_error(call, limit.code, limit.message.format(**broken), limit.status)
        return forward(call)


def _lookup(params: dict, path: str) -> Any:
    value: Any = params
    if not path:
        return params
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _broken(limit: Limit, params: dict, key_names: Callable[[str], list[str]] | None = None) -> dict | None:
    """The message's fields when `params` break `limit`, else None.

    `key_names(table)` gives a DynamoDB table's key attributes (for `distinct_keys`)."""
    value = _lookup(params, limit.path)
    if value is None:
        return None
    fields = {"name": limit.path.rsplit(".", 1)[-1], "low": limit.low, "high": limit.high, "value": value}
    if limit.rule == "range":
        try:
            number = int(value)
        except (TypeError, ValueError):
            return None  # not a number: the emulator answers for it
        return fields if not limit.low <= number <= limit.high else None
    if limit.rule == "max_entries":
        if isinstance(value, list) and len(value) > limit.high:
            return {**fields, "count": len(value), "value": _compact(value)}
        return None
    if limit.rule == "distinct_ids":
        seen: set = set()
        for entry in value if isinstance(value, list) else []:
            entry_id = entry.get("Id") if isinstance(entry, dict) else None
            if entry_id in seen:
                return {**fields, "id": entry_id}
            seen.add(entry_id)
        return None
    if limit.rule == "max_total":
        if not isinstance(value, dict):
            return None
        lists = [(v.get(limit.entries_key) if limit.entries_key and isinstance(v, dict) else v) for v in value.values()]
        count = sum(len(entries) for entries in lists if isinstance(entries, list))
        return {**fields, "count": count, "value": _compact(value)} if count > limit.high else None
    if limit.rule == "json_range":
        try:
            number = int(json.loads(value).get(limit.field))
        except (TypeError, ValueError, AttributeError):
            return None  # not JSON or no such field: the emulator answers for it
        return {**fields, "number": number} if not limit.low <= number <= limit.high else None
    if limit.rule == "max_keys":
        if isinstance(value, dict) and len(value) > limit.high:
            return {**fields, "count": len(value)}
        return None
    if limit.rule == "message_size":
        messages = value if isinstance(value, list) else [value]
        too_big = any(isinstance(m, dict) and sqs_message_size(m) > limit.high for m in messages)
        return fields if too_big else None
    if limit.rule == "one_of":
        return fields if isinstance(value, str) and value not in limit.allowed else None
    if limit.rule == "pattern":
        return fields if isinstance(value, str) and not re.fullmatch(limit.allowed[0], value) else None
    if limit.rule == "distinct_keys":
        if not isinstance(value, dict) or key_names is None:
            return None
        for table, requests in value.items():
            keys = _batch_keys(requests)
            if len(keys) < 2:
                continue
            try:
                names = key_names(table)
            except Exception:  # no such table: the emulator answers for it
                continue
            seen = {json.dumps({n: key.get(n) for n in names}, sort_keys=True) for key in keys}
            if len(seen) < len(keys):
                return fields
        return None
    raise ValueError(f"unknown limit rule {limit.rule!r}")


def sqs_message_size(message: dict) -> int:
    """An SQS message's size as AWS counts it: the body and every attribute's name, type and value."""
    size = len(str(message.get("MessageBody", "")).encode())
    for name, attribute in (message.get("MessageAttributes") or {}).items():
        size += len(name.encode())
        if isinstance(attribute, dict):
            size += len(str(attribute.get("DataType", "")).encode())
            size += len(str(attribute.get("StringValue", "")).encode())
            binary = attribute.get("BinaryValue")
            if isinstance(binary, str):  # base64 on the JSON wire
                binary = base64.b64decode(binary + "=" * (-len(binary) % 4), validate=False)
            size += len(binary) if isinstance(binary, bytes) else 0
    return size


def _batch_keys(requests: Any) -> list[dict]:
    """The item keys a batch names for one table: BatchGetItem's Keys, BatchWriteItem's puts and deletes."""
    if isinstance(requests, dict):
        return [k for k in requests.get("Keys") or [] if isinstance(k, dict)]
    keys = []
    for request in requests if isinstance(requests, list) else []:
        if not isinstance(request, dict):
            continue
        put, delete = request.get("PutRequest"), request.get("DeleteRequest")
        item = put.get("Item") if isinstance(put, dict) else delete.get("Key") if isinstance(delete, dict) else None
        if isinstance(item, dict):
            keys.append(item)
    return keys


def _compact(value: Any, cap: int = 200) -> str:
    text = json.dumps(value, separators=(",", ":"), default=str)
    return text if len(text) <= cap else text[:cap] + "..."


BEHAVIOUR = RequestLimits

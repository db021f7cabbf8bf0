"""Request limits AWS enforces and the emulator may not: a call over one is refused before it is
forwarded, with AWS's own error (code, message, HTTP status) in the call's protocol.

Two sources: the constraints of botocore's service model that AWS checks server-side (maximums,
patterns, enums: awslab/gateway/model_constraints.py), then the documented limits the model does
not carry (awslab/gateway/limits.py, one row per limit citing its AWS page).

The limits are data (awslab/gateway/limits.py, one row per limit citing its AWS page). They hold
for every caller, learner and grader alike, as on AWS. A batch entry over a limit that SQS judges
entry by entry fails alone in the answer's Failed list while the others are sent (JSON protocol;
a query-protocol batch is left to the emulator).
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from ..aws_request import AwsCall
from ..core import Forward, Gateway
from ..errors import aws_error
from ..limits import Limit, limits_for
from ..model_constraints import CODES, SOURCES, refusal, violations
from ..queue_configuration import queue_configuration
from ..wire import Response, dumps

# The smallest MaximumMessageSize a queue can have: a message no larger fits every queue.
_SMALLEST_MAXIMUM = 1024


_KEY_NAMES = "request_limits_key_names"  # gateway.state: (region, table) -> its key attribute names


class RequestLimits:
    name = "request_limits"

    def handle(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        def key_names(table: str) -> list[str]:
            # A table's key schema never changes while it lives: described once per scenario, not on
            # every BatchWriteItem (forgotten whenever a table is created or deleted).
            known = gateway.state.setdefault(_KEY_NAMES, {})
            if (call.region, table) not in known:
                schema = gateway.internal_client("dynamodb", call.region).describe_table(TableName=table)
                known[(call.region, table)] = [key["AttributeName"] for key in schema["Table"]["KeySchema"]]
            return known[(call.region, table)]

        if call.service == "dynamodb" and call.operation in ("CreateTable", "DeleteTable"):
            gateway.state.pop(_KEY_NAMES, None)

        def queue_max_size() -> int | None:  # queue_configuration reads it once per call
            url = call.params.get("QueueUrl")
            if not isinstance(url, str):
                return None
            try:
                return int(queue_configuration(gateway, call, url)["MaximumMessageSize"])
            except Exception:  # noqa: BLE001 - no such queue, or no answer: the emulator answers for it
                return None

        if call.service in CODES:
            found = violations(call.service, call.operation, call.params)
            if found:
                call.note("limit", SOURCES[call.service])
                code, message = refusal(call.service, found, call.operation)
                return aws_error(call, code, message, 400)
        limits = limits_for(call.service, call.operation)
        for limit in (limit for limit in limits if limit.entry_path is None):
            broken = _broken(limit, call.params, key_names, queue_max_size)
            if broken is not None:
                call.note("limit", limit.source)
                return aws_error(call, limit.code, limit.message.format(**broken), limit.status)
        per_entry = [limit for limit in limits if limit.entry_path is not None]
        if per_entry and call.protocol == "json":
            return _entry_by_entry(call, forward, per_entry, queue_max_size)
        return forward(call)


def _entry_by_entry(call: AwsCall, forward: Forward, limits: list[Limit],
                    queue_max_size: Callable[[], int | None]) -> Response:
    """Send the entries within the limits; the others fail alone, in Failed[], as the batch's answer."""
    entries = call.params.get(limits[0].path)
    if not isinstance(entries, list):
        return forward(call)
    kept, failed = [], []
    for entry in entries:
        for limit in limits:
            broken = _judge(limit, _lookup(entry, limit.entry_path) if isinstance(entry, dict) else None,
                            queue_max_size=queue_max_size)
            if broken is not None:
                call.note("limit", limit.source)
                failed.append({"Id": entry.get("Id"), "SenderFault": True, "Code": limit.code,
                               "Message": limit.message.format(**broken)})
                break
        else:
            kept.append(entry)
    if not failed:
        return forward(call)
    answer: dict[str, Any] = {"Successful": [], "Failed": []}
    if kept:
        response = forward(call.with_params({**call.params, limits[0].path: kept}))
        if not response.ok:
            return response
        answer = {**answer, **response.json()}
    answer["Failed"] = [*(answer.get("Failed") or []), *failed]
    return Response(200, [("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-RequestId", str(uuid.uuid4()))],
                    json.dumps(answer).encode())


def _lookup(params: dict, path: str | None) -> Any:
    value: Any = params
    if not path:
        return params
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _broken(limit: Limit, params: dict, key_names: Callable[[str], list[str]] | None = None,
            queue_max_size: Callable[[], int | None] | None = None) -> dict | None:
    """The message's fields when `params` break `limit`, else None.

    `key_names(table)` gives a DynamoDB table's key attributes (for `distinct_keys`);
    `queue_max_size()` the MaximumMessageSize of the call's queue (for `message_size`)."""
    if limit.when is not None and params.get(limit.when[0]) != limit.when[1]:
        return None
    return _judge(limit, _lookup(params, limit.path), key_names, queue_max_size)


def _judge(limit: Limit, value: Any, key_names: Callable[[str], list[str]] | None = None,
           queue_max_size: Callable[[], int | None] | None = None) -> dict | None:
    """The message's fields when `value` (the parameter `limit` is about) breaks it, else None."""
    if value is None:
        return None
    fields = {"name": limit.path.rsplit(".", 1)[-1], "low": limit.low, "high": limit.high, "value": value}
    if limit.rule == "message_size":
        return _message_too_large(limit, value, fields, queue_max_size)
    if limit.rule == "distinct_keys":
        return _repeated_item_key(value, fields, key_names)
    rule = _RULES.get(limit.rule)
    if rule is None:
        raise ValueError(f"unknown limit rule {limit.rule!r}")
    return rule(limit, value, fields)


def _outside_range(limit: Limit, value: Any, fields: dict) -> dict | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None  # not a number: the emulator answers for it
    return fields if not limit.low <= number <= limit.high else None


def _too_many_entries(limit: Limit, value: Any, fields: dict) -> dict | None:
    if isinstance(value, list) and len(value) > limit.high:
        return {**fields, "count": len(value), "value": _compact(value)}
    return None


def _repeated_id(limit: Limit, value: Any, fields: dict) -> dict | None:
    seen: set = set()
    for entry in value if isinstance(value, list) else []:
        entry_id = entry.get("Id") if isinstance(entry, dict) else None
        if entry_id in seen:
            return {**fields, "id": entry_id}
        seen.add(entry_id)
    return None


def _too_many_in_total(limit: Limit, value: Any, fields: dict) -> dict | None:
    if not isinstance(value, dict):
        return None
    lists = [(v.get(limit.entries_key) if limit.entries_key and isinstance(v, dict) else v) for v in value.values()]
    count = sum(len(entries) for entries in lists if isinstance(entries, list))
    return {**fields, "count": count, "value": _compact(value)} if count > limit.high else None


def _json_field_outside_range(limit: Limit, value: Any, fields: dict) -> dict | None:
    try:
        number = int(json.loads(value).get(limit.field))
    except (TypeError, ValueError, AttributeError):
        return None  # not JSON or no such field: the emulator answers for it
    return {**fields, "number": number} if not limit.low <= number <= limit.high else None


def _not_a_json_object(limit: Limit, value: Any, fields: dict) -> dict | None:
    if not isinstance(value, str) or value == "":
        return None  # "" removes the attribute
    try:
        return None if isinstance(json.loads(value), dict) else fields
    except ValueError:
        return fields


def _bad_policy_sid(limit: Limit, value: Any, fields: dict) -> dict | None:
    try:
        statements = json.loads(value).get("Statement") if isinstance(value, str) else None
    except (ValueError, AttributeError):
        return None  # not a policy document: the emulator answers for it
    statements = [statements] if isinstance(statements, dict) else statements or []
    sids = [sid for s in statements if isinstance(s, dict) and isinstance(sid := s.get("Sid"), str)]
    return fields if any(not re.fullmatch(limit.allowed[0], sid) for sid in sids) else None


def _too_many_keys(limit: Limit, value: Any, fields: dict) -> dict | None:
    if isinstance(value, dict) and len(value) > limit.high:
        return {**fields, "count": len(value)}
    return None


def _message_too_large(limit: Limit, value: Any, fields: dict,
                       queue_max_size: Callable[[], int | None] | None) -> dict | None:
    if not isinstance(value, dict):
        return None
    size, high = sqs_message_size(value), limit.high
    if size > _SMALLEST_MAXIMUM and queue_max_size is not None:
        high = min(high, queue_max_size() or high)
    return {**fields, "high": high} if size > high else None


def _batch_too_large(limit: Limit, value: Any, fields: dict) -> dict | None:
    if not isinstance(value, list):
        return None
    total = sum(sqs_message_size(entry) for entry in value if isinstance(entry, dict))
    return {**fields, "count": total} if total > limit.high else None


def _not_one_of_any_case(limit: Limit, value: Any, fields: dict) -> dict | None:
    return fields if isinstance(value, str) and value.lower() not in limit.allowed else None


def _not_one_of(limit: Limit, value: Any, fields: dict) -> dict | None:
    return fields if isinstance(value, str) and value not in limit.allowed else None


def _not_matching_pattern(limit: Limit, value: Any, fields: dict) -> dict | None:
    return fields if isinstance(value, str) and not re.fullmatch(limit.allowed[0], value) else None


def _bad_table_shape(limit: Limit, value: Any, fields: dict) -> dict | None:
    reason = _TABLE_SHAPES[limit.rule](value) if isinstance(value, dict) else None
    return {**fields, "reason": reason} if reason else None


def _repeated_item_key(value: Any, fields: dict, key_names: Callable[[str], list[str]] | None) -> dict | None:
    if not isinstance(value, dict) or key_names is None:
        return None
    for table, requests in value.items():
        keys = _batch_keys(requests)
        if len(keys) < 2:
            continue
        try:
            names = key_names(table)
        except Exception:  # noqa: BLE001 - no such table: the emulator answers for it
            continue
        seen = {dumps({n: key.get(n) for n in names}, sort_keys=True) for key in keys}
        if len(seen) < len(keys):
            return fields
    return None


def _indexes(table: dict) -> list[dict]:
    indexes = [*(table.get("GlobalSecondaryIndexes") or []), *(table.get("LocalSecondaryIndexes") or [])]
    return [index for index in indexes if isinstance(index, dict)]


def _key_schema_problem(table: dict) -> str | None:
    """DynamoDB's reason for refusing a key schema: HASH first, then RANGE."""
    for schema in [table.get("KeySchema"), *(index.get("KeySchema") for index in _indexes(table))]:
        if not isinstance(schema, list) or not schema or not all(isinstance(e, dict) for e in schema):
            continue  # missing or malformed: the model and the emulator answer for it
        if schema[0].get("KeyType") != "HASH":
            return "The first KeySchemaElement is not a HASH key type"
        if len(schema) == 2 and schema[1].get("KeyType") != "RANGE":
            return "The second KeySchemaElement is not a RANGE key type"
    return None


def _projection_problem(table: dict) -> str | None:
    for index in _indexes(table):
        projection = index.get("Projection")
        if not isinstance(projection, dict):
            continue
        kind, named = projection.get("ProjectionType"), bool(projection.get("NonKeyAttributes"))
        if kind in ("ALL", "KEYS_ONLY") and named:
            return f"ProjectionType is {kind}, but NonKeyAttributes is specified"
        if kind == "INCLUDE" and not named:
            return "ProjectionType is INCLUDE, but NonKeyAttributes is not specified"
    return None


def _index_throughput_problem(table: dict) -> str | None:
    if table.get("BillingMode") == "PAY_PER_REQUEST":
        return None
    missing = [str(index.get("IndexName")) for index in table.get("GlobalSecondaryIndexes") or []
               if isinstance(index, dict) and not index.get("ProvisionedThroughput")]
    return ",".join(missing) or None


_TABLE_SHAPES: dict[str, Callable[[dict], str | None]] = {
    "key_schemas": _key_schema_problem, "projections": _projection_problem,
    "index_throughput": _index_throughput_problem}

# Limit.rule -> what breaks it; "message_size" and "distinct_keys" ask the emulator, so _judge calls them.
_RULES: dict[str, Callable[[Limit, Any, dict], dict | None]] = {
    "range": _outside_range, "max_entries": _too_many_entries, "distinct_ids": _repeated_id,
    "max_total": _too_many_in_total, "json_range": _json_field_outside_range, "json_object": _not_a_json_object,
    "policy_sids": _bad_policy_sid, "max_keys": _too_many_keys, "batch_size": _batch_too_large,
    "one_of_any_case": _not_one_of_any_case, "one_of": _not_one_of, "pattern": _not_matching_pattern,
    **{shape: _bad_table_shape for shape in _TABLE_SHAPES},
}


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
    text = dumps(value, separators=(",", ":"))
    return text if len(text) <= cap else text[:cap] + "..."


BEHAVIOUR = RequestLimits

"""Query and Scan: priced on every item read, whatever narrows the answer (R2.5-R2.7)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ....models.dynamodb_capacity import entry_sizes, query_cost
from ...wire import Response
from .request import CapacityRequest

_NAME_TOKEN = re.compile(r"#[A-Za-z0-9_]+")
_VALUE_TOKEN = re.compile(r":[A-Za-z0-9_]+")
# Parameters that narrow what a Query/Scan returns but not what it reads (R2.5, R2.6).
_NARROWING = ("FilterExpression", "QueryFilter", "ScanFilter", "ConditionalOperator", "ProjectionExpression",
              "AttributesToGet", "Select", "ReturnConsumedCapacity")


def query_or_scan(r: CapacityRequest) -> Response:
    """Query and Scan: every item read (before any filter), summed, rounded up to 4 KB (R2.5-R2.7)."""
    given = r.params.get("TableName")
    table = r.table(given)
    response = r.forward(r.call)
    if table is None or not response.ok:
        return response
    data = response.json() or {}
    items = data.get("Items")
    if items is None or any(r.params.get(name) for name in _NARROWING[:-1]):
        # Read again without what narrows the answer: same key condition, Limit and start key,
        # so the same items are read (pagination downstream narrows both calls alike).
        everything = r.forward(r.call.with_params(_reads_everything(r.params)))
        items = (everything.json() or {}).get("Items", []) if everything.ok else (items or [])
    index = None
    if r.params.get("IndexName"):
        try:
            index = table.schema.index(r.params["IndexName"])
        except KeyError:
            return response
    consistent = bool(r.params.get("ConsistentRead")) and not (index is not None and index.is_global)
    cost = query_cost(entry_sizes(table.schema, items, index), consistent, index=index)
    admission = r.admit([(table.name, cost)])
    if not admission.admitted:
        return r.throttled(admission.throttles, "read")
    return r.with_capacity(response, data, {table.given: cost}, "read")


def _reads_everything(params: Mapping[str, Any]) -> dict:
    out = {k: v for k, v in params.items() if k not in _NARROWING}
    used = " ".join(str(params.get(k) or "") for k in ("KeyConditionExpression",))
    names = {k: v for k, v in (params.get("ExpressionAttributeNames") or {}).items() if k in _NAME_TOKEN.findall(used)}
    values = {k: v for k, v in (params.get("ExpressionAttributeValues") or {}).items()
              if k in _VALUE_TOKEN.findall(used)}
    out.pop("ExpressionAttributeNames", None)
    out.pop("ExpressionAttributeValues", None)
    if names:
        out["ExpressionAttributeNames"] = names
    if values:
        out["ExpressionAttributeValues"] = values
    return out

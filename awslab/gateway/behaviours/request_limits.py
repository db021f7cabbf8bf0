"""Request limits AWS enforces and the emulator may not: a call over one is refused before it is
forwarded, with AWS's own error (code, message, HTTP status) in the call's protocol.

The limits are data (awslab/gateway/limits.py, one row per limit citing its AWS page). They hold
for every caller, learner and grader alike, as on AWS.
"""

from __future__ import annotations

import json
from typing import Any

from ..aws_request import AwsCall
from ..core import Forward, Gateway
from ..errors import aws_error
from ..limits import Limit, limits_for
from ..wire import Response


class RequestLimits:
    name = "request_limits"

    def handle(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        for limit in limits_for(call.service, call.operation):
            broken = _broken(limit, call.params)
            if broken is not None:
                call.note("limit", limit.source)
                return aws_error(call, limit.code, limit.message.format(**broken), limit.status)
        return forward(call)


def _lookup(params: dict, path: str) -> Any:
    value: Any = params
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _broken(limit: Limit, params: dict) -> dict | None:
    """The message's fields when `params` break `limit`, else None."""
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
    raise ValueError(f"unknown limit rule {limit.rule!r}")


def _compact(value: Any, cap: int = 200) -> str:
    text = json.dumps(value, separators=(",", ":"), default=str)
    return text if len(text) <= cap else text[:cap] + "..."


BEHAVIOUR = RequestLimits

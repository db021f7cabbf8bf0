"""BatchGetItem and BatchWriteItem: each entry priced and admitted on its own; what cannot be paid
for is left unprocessed, and only a batch of which nothing can be paid for fails (R2.4, R3.5, R5.6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ....dynamodb_capacity import Admission, Cost, Throttle, get_item_cost, item_size, total_cost, write_cost
from ...wire import Response
from .request import CapacityRequest, KnownTable, has_projection, key_identity, key_of


def batch_get_item(r: CapacityRequest) -> Response:
    """Each key priced as its own GetItem (R2.4); keys that cannot be paid for go to UnprocessedKeys (R5.6)."""
    request_items: Mapping[str, Any] = r.params.get("RequestItems") or {}
    tables = {given: r.table(given) for given in request_items}
    if not request_items or any(t is None for t in tables.values()):
        return r.forward(r.call)
    response = r.forward(r.call)
    if not response.ok:
        return response
    data = response.json() or {}
    returned = data.get("Responses") or {}
    plan: list[tuple[str, Mapping[str, Any], Cost]] = []
    for given, spec in request_items.items():
        table = tables[given]
        by_key = {key_identity(table.schema, item): item for item in returned.get(given, [])}
        for key in spec.get("Keys") or []:
            item = r.current(table, key) if has_projection(spec) else by_key.get(key_identity(table.schema, key))
            plan.append((given, key, get_item_cost(item_size(item) if item else None, bool(spec.get("ConsistentRead")))))
    admissions = r.admit_each([(tables[given].name, cost) for given, _, cost in plan])
    if plan and not any(a.admitted for a in admissions):
        return r.throttled(_union(admissions), "read")
    throttled_keys: dict[str, list] = {}
    costs: dict[str, list[Cost]] = {given: [] for given in request_items}
    for (given, key, cost), admission in zip(plan, admissions):
        if admission.admitted:
            costs[given].append(cost)
        else:
            throttled_keys.setdefault(given, []).append(key)
    if throttled_keys:
        data = dict(data)
        unprocessed = dict(data.get("UnprocessedKeys") or {})
        responses = dict(returned)
        for given, keys in throttled_keys.items():
            schema = tables[given].schema
            dropped = {key_identity(schema, k) for k in keys}
            responses[given] = [i for i in returned.get(given, []) if key_identity(schema, i) not in dropped]
            spec = {k: v for k, v in request_items[given].items() if k != "Keys"}
            unprocessed[given] = {**spec, "Keys": list((unprocessed.get(given) or {}).get("Keys", [])) + keys}
        data["Responses"], data["UnprocessedKeys"] = responses, unprocessed
    totals = {given: total_cost(c, "read") for given, c in costs.items()}
    thrown = sum(len(k) for k in throttled_keys.values())
    result = r.with_capacity(response, data, totals, "read", throttled_items=thrown)
    if throttled_keys and result is response:  # NONE and no emulator ConsumedCapacity: still drop the keys
        result = response.with_json(data)
    return result


def batch_write_item(r: CapacityRequest) -> Response:
    """Each put or delete priced on its own (R3.5); what cannot be paid for goes back in
    UnprocessedItems, and only when nothing can be paid for does the call fail (R5.6)."""
    request_items: Mapping[str, Any] = r.params.get("RequestItems") or {}
    tables = {given: r.table(given) for given in request_items}
    if not request_items or any(t is None for t in tables.values()):
        return r.forward(r.call)
    plan: list[tuple[str, Mapping[str, Any], Cost]] = []
    undo: list[tuple[KnownTable, Mapping[str, Any], dict | None]] = []  # per entry: how to put it back
    for given, requests in request_items.items():
        table = tables[given]
        keys = []
        for request in requests or []:
            if "PutRequest" in request:
                keys.append(key_of(table.schema, request["PutRequest"].get("Item") or {}))
            else:
                keys.append((request.get("DeleteRequest") or {}).get("Key") or {})
        ids = [key_identity(table.schema, k) for k in keys]
        if len(set(ids)) != len(ids):  # AWS rejects duplicate keys: let the emulator say so
            return r.forward(r.call)
        befores = r.current_many(table, keys)
        for request, key, key_id in zip(requests, keys, ids):
            after = request["PutRequest"].get("Item") if "PutRequest" in request else None
            plan.append((given, request, write_cost(table.schema, befores.get(key_id), after)))
            undo.append((table, key, befores.get(key_id)))
    # The whole batch goes to the emulator first: it validates the batch as a whole, as AWS does, and
    # an invalid batch costs nothing. What cannot be paid for is then undone and left unprocessed.
    response = r.forward(r.call)
    if not response.ok:
        return response
    admissions = r.admit_each([(tables[given].name, cost) for given, _, cost in plan])
    throttled: dict[str, list] = {}
    costs: dict[str, list[Cost]] = {given: [] for given in request_items}
    put_back = []
    for (given, request, cost), admission, entry in zip(plan, admissions, undo):
        if admission.admitted:
            costs[given].append(cost)
        else:
            put_back.append(entry)
            throttled.setdefault(given, []).append(request)
    r.restore_many(put_back)
    if plan and not any(a.admitted for a in admissions):
        return r.throttled(_union(admissions), "write")
    data = dict(response.json() or {})
    unprocessed = dict(data.get("UnprocessedItems") or {})
    for given, requests in throttled.items():
        unprocessed[given] = list(unprocessed.get(given, [])) + requests
    data["UnprocessedItems"] = unprocessed
    totals = {given: total_cost(c, "write") for given, c in costs.items() if c}
    thrown = sum(len(v) for v in throttled.values())
    result = r.with_capacity(response, data, totals, "write", throttled_items=thrown)
    if throttled and result is response:
        result = response.with_json(data)
    return result


def _union(admissions: Sequence[Admission]) -> list[Throttle]:
    seen: dict[Throttle, None] = {}
    for admission in admissions:
        for throttle in admission.throttles:
            seen.setdefault(throttle)
    return list(seen)

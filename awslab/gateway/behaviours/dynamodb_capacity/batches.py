"""BatchGetItem and BatchWriteItem: each entry priced and admitted on its own; what cannot be paid
for is left unprocessed, and only a batch of which nothing can be paid for fails (R2.4, R3.5, R5.6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ....models.dynamodb_capacity import (
    Admission,
    Cost,
    Throttle,
    get_item_cost,
    item_size,
    total_cost,
    write_cost,
)
from ...wire import Response
from .request import CapacityRequest, KnownTable, has_projection, key_identity, key_of

Entry = tuple[str, Any, Cost]  # (the table as given, a key or a write request, its price)


def batch_get_item(r: CapacityRequest) -> Response:
    """Each key priced as its own GetItem (R2.4); keys that cannot be paid for go to UnprocessedKeys (R5.6)."""
    request_items: Mapping[str, Any] = r.params.get("RequestItems") or {}
    tables = batch_tables(r, request_items)
    if tables is None:
        return r.forward(r.call)
    response = r.forward(r.call)
    if not response.ok:
        return response
    data = response.json() or {}
    returned = data.get("Responses") or {}
    batch = BatchAdmission(r, tables, _priced_keys(r, request_items, tables, returned))
    if batch.nothing_admitted:
        return batch.throttled_call("read")
    if batch.throttled:
        data = _keys_left_unprocessed(data, returned, batch.throttled, tables, request_items)
    totals = {given: total_cost(c, "read") for given, c in batch.costs.items()}
    return batch.answer(response, data, totals, "read")


def batch_write_item(r: CapacityRequest) -> Response:
    """Each put or delete priced on its own (R3.5); what cannot be paid for goes back in
    UnprocessedItems, and only when nothing can be paid for does the call fail (R5.6)."""
    request_items: Mapping[str, Any] = r.params.get("RequestItems") or {}
    tables = batch_tables(r, request_items)
    if tables is None:
        return r.forward(r.call)
    priced = _priced_writes(r, request_items, tables)
    if priced is None:  # AWS rejects duplicate keys: let the emulator say so
        return r.forward(r.call)
    plan, undo = priced
    # The whole batch goes to the emulator first: it validates the batch as a whole, as AWS does, and
    # an invalid batch costs nothing. What cannot be paid for is then undone and left unprocessed.
    response = r.forward(r.call)
    if not response.ok:
        return response
    batch = BatchAdmission(r, tables, plan)
    r.restore_many([undo[place] for place in batch.throttled_at])
    if batch.nothing_admitted:
        return batch.throttled_call("write")
    data = dict(response.json() or {})
    unprocessed = dict(data.get("UnprocessedItems") or {})
    for given, requests in batch.throttled.items():
        unprocessed[given] = list(unprocessed.get(given, [])) + requests
    data["UnprocessedItems"] = unprocessed
    totals = {given: total_cost(c, "write") for given, c in batch.costs.items() if c}
    return batch.answer(response, data, totals, "write")


def batch_tables(r: CapacityRequest, request_items: Mapping[str, Any]) -> dict[str, KnownTable] | None:
    """The tables of a batch by the names it gives; None for an empty batch or an unknown table,
    which the emulator refuses unpriced."""
    found = {given: r.table(given) for given in request_items}
    tables = {given: table for given, table in found.items() if table is not None}
    if not request_items or len(tables) != len(found):
        return None
    return tables


class BatchAdmission:
    """The entries of one batch, each admitted or throttled on its own (R5.6)."""

    def __init__(self, r: CapacityRequest, tables: Mapping[str, KnownTable], plan: Sequence[Entry]) -> None:
        self.r = r
        self.admissions = r.admit_each([(tables[given].name, cost) for given, _, cost in plan])
        self.costs: dict[str, list[Cost]] = {given: [] for given in tables}  # what was admitted
        self.throttled: dict[str, list] = {}  # the entries that cannot be paid for
        self.throttled_at: list[int] = []  # their places in the plan
        for place, ((given, entry, cost), admission) in enumerate(zip(plan, self.admissions)):
            if admission.admitted:
                self.costs[given].append(cost)
            else:
                self.throttled.setdefault(given, []).append(entry)
                self.throttled_at.append(place)
        self.nothing_admitted = bool(plan) and not any(a.admitted for a in self.admissions)

    def throttled_call(self, kind: str) -> Response:
        return self.r.throttled(_union(self.admissions), kind)

    def answer(self, response: Response, data: dict, totals: Mapping[str, Cost], kind: str) -> Response:
        thrown = sum(len(entries) for entries in self.throttled.values())
        result = self.r.with_capacity(response, data, totals, kind, throttled_items=thrown)
        if self.throttled and result is response:  # NONE and no emulator ConsumedCapacity: still drop the entries
            result = response.with_json(data)
        return result


def _priced_keys(r: CapacityRequest, request_items: Mapping[str, Any], tables: Mapping[str, KnownTable],
                 returned: Mapping[str, Any]) -> list[Entry]:
    plan: list[Entry] = []
    for given, spec in request_items.items():
        table = tables[given]
        by_key = {key_identity(table.schema, item): item for item in returned.get(given, [])}
        for key in spec.get("Keys") or []:
            # a projection does not lower the cost: the whole item is priced
            item = r.current(table, key) if has_projection(spec) else by_key.get(key_identity(table.schema, key))
            plan.append((given, key, get_item_cost(item_size(item) if item else None, bool(spec.get("ConsistentRead")))))
    return plan


def _keys_left_unprocessed(data: dict, returned: Mapping[str, Any], throttled_keys: Mapping[str, list],
                           tables: Mapping[str, KnownTable], request_items: Mapping[str, Any]) -> dict:
    """The answer without the items of throttled keys, and those keys in UnprocessedKeys."""
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
    return data


def _priced_writes(
    r: CapacityRequest, request_items: Mapping[str, Any], tables: Mapping[str, KnownTable]
) -> tuple[list[Entry], list[tuple[KnownTable, Mapping[str, Any], dict | None]]] | None:
    """Each put or delete at its own price, and per entry how to put its item back; None if a table's
    entries repeat a key."""
    plan: list[Entry] = []
    undo: list[tuple[KnownTable, Mapping[str, Any], dict | None]] = []
    for given, requests in request_items.items():
        table = tables[given]
        keys = [_written_key(table, request) for request in requests or []]
        ids = [key_identity(table.schema, k) for k in keys]
        if len(set(ids)) != len(ids):
            return None
        befores = r.current_many(table, keys)
        for request, key, key_id in zip(requests, keys, ids):
            after = request["PutRequest"].get("Item") if "PutRequest" in request else None
            plan.append((given, request, write_cost(table.schema, befores.get(key_id), after)))
            undo.append((table, key, befores.get(key_id)))
    return plan, undo


def _written_key(table: KnownTable, request: Mapping[str, Any]) -> Mapping[str, Any]:
    if "PutRequest" in request:
        return key_of(table.schema, request["PutRequest"].get("Item") or {})
    return (request.get("DeleteRequest") or {}).get("Key") or {}


def _union(admissions: Sequence[Admission]) -> list[Throttle]:
    seen: dict[Throttle, None] = {}
    for admission in admissions:
        for throttle in admission.throttles:
            seen.setdefault(throttle)
    return list(seen)

"""TransactGetItems and TransactWriteItems: every item at the transactional price, all or nothing
(R2.9, R3.6, R5.7)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ....models.dynamodb_capacity import (
    Cost,
    condition_check_cost,
    item_size,
    read_units,
    total_cost,
    transaction_throttled_error,
    write_cost,
)
from ....models.dynamodb_capacity.costs import Kind
from ...errors import error_of
from ...wire import Response
from .request import CapacityRequest, KnownTable, error_response, key_of


def transact_get_items(r: CapacityRequest) -> Response:
    """2 RCU per 4 KB per item (R2.9); all or nothing (R5.7)."""
    actions = [a.get("Get") or {} for a in r.params.get("TransactItems") or []]
    tables = _known_tables(r, [a.get("TableName") for a in actions])
    if not actions or tables is None:
        return r.forward(r.call)
    plan = []
    for action, table in zip(actions, tables):
        item = r.current(table, action.get("Key") or {})
        plan.append((table.name, Cost("read", read_units(item_size(item) if item else 0, "transactional"))))
    return _transaction(r, tables, plan, "read")


def transact_write_items(r: CapacityRequest) -> Response:
    """Every write doubled (R3.6), condition checks priced as transactional writes; all or nothing (R5.7)."""
    actions = r.params.get("TransactItems") or []
    kinds, specs = [], []
    for action in actions:
        ((kind, spec),) = action.items() if len(action) == 1 else (("?", {}),)
        kinds.append(kind)
        specs.append(spec or {})
    tables = _known_tables(r, [s.get("TableName") for s in specs])
    if not actions or tables is None:
        return r.forward(r.call)
    befores, plan = [], []
    for kind, spec, table in zip(kinds, specs, tables):
        key = key_of(table.schema, spec.get("Item") or {}) if kind == "Put" else spec.get("Key") or {}
        before = r.current(table, key)
        befores.append((key, before))
        plan.append((table.name, _transact_write_cost(table, kind, spec, before)))

    def priced_after_apply() -> list[tuple[str, Cost]]:
        out = []
        for (name, cost), kind, table, (key, before) in zip(plan, kinds, tables, befores):
            if kind == "Update":
                cost = write_cost(table.schema, before, r.current(table, key), transactional=True)
            out.append((name, cost))
        return out

    def undo() -> None:
        for kind, table, (key, before) in zip(kinds, tables, befores):
            if kind in ("Put", "Update", "Delete"):
                r.restore(table, key, before)

    return _transaction(r, tables, plan, "write", priced_after_apply, undo)


def _transact_write_cost(table: KnownTable, kind: str, spec: Mapping[str, Any], before: dict | None) -> Cost:
    """One action's price before the emulator applies it: an Update is priced again once its
    after-image exists."""
    if kind == "Put":
        return write_cost(table.schema, before, spec.get("Item"), transactional=True)
    if kind == "Delete":
        return write_cost(table.schema, before, None, transactional=True)
    if kind == "Update":
        return write_cost(table.schema, before, before, transactional=True)
    return condition_check_cost(before)


def _known_tables(r: CapacityRequest, names: list[Any]) -> list[KnownTable] | None:
    """The table of each action, or None if one is unknown: the emulator refuses the call, unpriced."""
    found = [r.table(name) for name in names]
    known = [table for table in found if table is not None]
    return known if len(known) == len(found) else None


def _transaction(r: CapacityRequest, tables: Sequence[KnownTable],
                 plan: list[tuple[str, Cost]], kind: Kind,
                 reprice: Callable[[], list[tuple[str, Cost]]] | None = None,
                 undo: Callable[[], None] | None = None) -> Response:
    throttles = r.throttles(plan)
    response = r.forward(r.call)  # the emulator validates first, as AWS does
    if throttles:
        if response.ok:
            if undo is not None:
                undo()
        elif error_of(response)[0] != "TransactionCanceledException":
            return response  # invalid: AWS says so, and charges nothing
        r.meter.admit_transaction(plan)  # records the throttles on the timeline
        short = {(t.table) for t in throttles}
        r.call.note("throttled", True)
        r.call.note("capacity_kind", kind)
        r.call.note("consumed_capacity", {})
        return error_response(transaction_throttled_error([t.name in short for t in tables]))
    if not response.ok:
        return response
    if reprice is not None:
        plan = reprice()
    for name, cost in plan:
        r.charge(name, cost)
    per_table: dict[str, list[Cost]] = {}
    for table, (_, cost) in zip(tables, plan):
        per_table.setdefault(table.given, []).append(cost)
    totals = {given: total_cost(costs, kind) for given, costs in per_table.items()}
    return r.with_capacity(response, response.json() or {}, totals, kind)

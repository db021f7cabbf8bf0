"""GetItem, PutItem, UpdateItem, DeleteItem: one item read or written (R2.1-R2.3, R3.2-R3.4, R3.7, R3.8)."""

from __future__ import annotations

from ....models.dynamodb_capacity import failed_condition_cost, get_item_cost, item_size, write_cost
from ...wire import Response
from .request import CapacityRequest, KnownTable, boto_item, has_projection, is_condition_failure, key_of


def get_item(r: CapacityRequest) -> Response:
    given = r.params.get("TableName")
    table = r.table(given)
    response = r.forward(r.call)
    if table is None or not response.ok:
        return response
    data = response.json() or {}
    item = data.get("Item")
    if item is not None and has_projection(r.params):
        item = r.current(table, r.params.get("Key") or {})  # a projection does not lower the cost
    cost = get_item_cost(item_size(item) if item else None, bool(r.params.get("ConsistentRead")))
    admission = r.admit([(table.name, cost)])
    if not admission.admitted:  # reads have no side effects: the answer is dropped
        return r.throttled(admission.throttles, "read")
    return r.with_capacity(response, data, {table.given: cost}, "read")


def write_item(r: CapacityRequest) -> Response:
    """PutItem, UpdateItem, DeleteItem: the larger of before and after, plus affected GSIs (R3.2-R3.4, R3.8)."""
    table = r.table(r.params.get("TableName"))
    if table is None:
        return r.forward(r.call)
    operation = r.call.operation
    after = (r.params.get("Item") or {}) if operation == "PutItem" else None
    key = key_of(table.schema, after) if after is not None else r.params.get("Key") or {}
    response, data, before, added = _write_learning_before(r, table, key)
    # UpdateItem's after-image exists only once the emulator has applied it: estimated as the before
    estimate = write_cost(table.schema, before, before if operation == "UpdateItem" else after)
    if r.throttles([(table.name, estimate)]):
        if response.ok:
            r.restore(table, key, before)
        elif not is_condition_failure(response):
            return response  # invalid: AWS says so, and charges nothing
        admission = r.meter.admit(table.name, estimate)  # records the throttle on the timeline
        return r.throttled(admission.throttles, "write")
    if not response.ok:
        if is_condition_failure(response):  # R3.7: still costs, and the error carries no ConsumedCapacity
            cost = failed_condition_cost(before)
            r.charge(table.name, cost)
            r.call.note("consumed_capacity", {table.given: cost.total})
            r.call.note("capacity_kind", "write")
        return response
    cost = write_cost(table.schema, before, r.current(table, key)) if operation == "UpdateItem" else estimate
    r.charge(table.name, cost)
    return r.with_capacity(response, data, {table.given: cost}, "write", body_changed=added)


def _write_learning_before(r: CapacityRequest, table: KnownTable, key: dict) -> tuple[Response, dict, dict | None, bool]:
    """Forward the write and learn the item before it: (the emulator's answer, its JSON body as the
    caller will see it, the before-image, whether that body differs from the emulator's)."""
    asked = r.params.get("ReturnValues")
    if asked not in (None, "NONE", "ALL_OLD"):  # UPDATED_OLD, ALL_NEW, UPDATED_NEW or invalid: read first
        before = r.current(table, key)
        response = r.forward(r.call)
        return response, (response.json() or {}) if response.ok else {}, before, False
    # The before-image comes back with the write itself (ReturnValues=ALL_OLD), not from a read
    # ahead of it: one call to the emulator fewer. The emulator still validates first, as AWS does.
    rewritten = asked != "ALL_OLD"
    response = r.forward(r.call.with_params({**r.params, "ReturnValues": "ALL_OLD"}) if rewritten else r.call)
    if rewritten and not response.ok and not is_condition_failure(response):
        # Refused, so nothing was written: the caller gets the emulator's answer to the call it
        # made (moto's ALL_OLD path reads the item before it validates the key, and words it otherwise).
        response = r.forward(r.call)
    if not response.ok:  # a failed condition still costs by the item's size (R3.7); another error costs nothing
        return response, {}, r.current(table, key) if is_condition_failure(response) else None, False
    data = response.json() or {}
    before = boto_item(data.get("Attributes"))
    if rewritten:
        data = {k: v for k, v in data.items() if k != "Attributes"}  # the caller asked for none
    return response, data, before, rewritten

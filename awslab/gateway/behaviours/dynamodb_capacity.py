"""DynamoDB capacity in the gateway: ConsumedCapacity as AWS computes it, throttling of provisioned
tables on the virtual clock, and a capacity timeline per table.

Neither moto nor DynamoDB Local throttles, and moto's ConsumedCapacity is a constant. This behaviour
prices every data-plane call with the pure model in `awslab.dynamodb_capacity` (rules in
shared/aws-rules/dynamodb_capacity.md), admits or throttles it with a token bucket per table and per
GSI on `gateway.clock`, and rewrites the response's `ConsumedCapacity` (TOTAL / INDEXES, or removed
for NONE). What it needs beyond the call itself (before-images of writes, the full item behind a
projection, the items a FilterExpression dropped) it reads from the emulator without metering.

Validation comes first, as in AWS: a request the emulator refuses (a key that does not match the
schema, a bad expression) gets the emulator's error and costs nothing, even on a table out of
capacity. So writes are forwarded before they are admitted; a valid write that must be throttled is
undone (its item put back as it was) and answered with the throttle.

Who pays: every request that hits a table is priced and its `ConsumedCapacity` reported, as in AWS.
The grader's own traffic (source "grader": set-up and verification) is neither throttled nor charged
to the buckets or the timeline, so a check's look at the table never changes what the learner sees;
`settings["dynamodb_capacity_meter_grader"] = True` meters it too. `settings["dynamodb_capacity"] =
False` turns the behaviour off (the emulator's own numbers come back).
`settings["dynamodb_capacity_initial_seconds"]` sets a new table's starting fill (default 2: the
current second and one of burst, awslab.dynamodb_capacity.throttling); it applies to the meter the
first call of a scenario creates.

Request-log notes: `consumed_capacity` ({table as given: units, the top-level CapacityUnits}),
`capacity_kind` ("read" | "write"), `throttled` (bool), and for batches `throttled_items`.

Not modelled: LSI queries that fetch non-projected attributes (the extra base-table reads), Query
and Scan spanning several partitions (one partition's minimum), on-demand limits (R5.5).
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...dynamodb_capacity import (
    INITIAL_SECONDS,
    Admission,
    CapacityMeter,
    Cost,
    TableSchema,
    Throttle,
    condition_check_cost,
    consumed_capacity_shape,
    entry_sizes,
    failed_condition_cost,
    get_item_cost,
    item_size,
    query_cost,
    read_units,
    throughput_exceeded_error,
    total_cost,
    transaction_throttled_error,
    write_cost,
)
from ...dynamodb_capacity.errors import ErrorResponse
from ..aws_request import AwsCall
from ..core import Forward, Gateway
from ..errors import error_of
from ..wire import Response

STATE_KEY = "dynamodb_capacity"
SETTING_ON = "dynamodb_capacity"
SETTING_METER_GRADER = "dynamodb_capacity_meter_grader"
SETTING_INITIAL_SECONDS = "dynamodb_capacity_initial_seconds"  # a new table's starting fill, in seconds of rate

_NAME_TOKEN = re.compile(r"#[A-Za-z0-9_]+")
_VALUE_TOKEN = re.compile(r":[A-Za-z0-9_]+")
# Parameters that narrow what a Query/Scan returns but not what it reads (R2.5, R2.6).
_NARROWING = ("FilterExpression", "QueryFilter", "ScanFilter", "ConditionalOperator", "ProjectionExpression",
              "AttributesToGet", "Select", "ReturnConsumedCapacity")


@dataclass
class CapacityState:
    """Per-scenario memory: the meter (buckets and timeline) and what is known of each table."""

    meter: CapacityMeter
    schemas: dict[str, TableSchema] = field(default_factory=dict)


def capacity_state(gateway: Gateway) -> CapacityState:
    state = gateway.state.get(STATE_KEY)
    if state is None:
        initial = gateway.settings.get(SETTING_INITIAL_SECONDS, INITIAL_SECONDS)
        state = gateway.state[STATE_KEY] = CapacityState(CapacityMeter(gateway.clock.timestamp,
                                                                       initial_seconds=initial))
    return state


def meter_of(gateway: Gateway) -> CapacityMeter:
    """The scenario's capacity meter: `meter_of(aws.gateway).timeline` for charts after a check."""
    return capacity_state(gateway).meter


def table_name(name_or_arn: str) -> str:
    """A TableName parameter may be the table's ARN (arn:aws:dynamodb:...:table/NAME)."""
    if name_or_arn.startswith("arn:") and ":table/" in name_or_arn:
        return name_or_arn.split(":table/", 1)[1].split("/", 1)[0]
    return name_or_arn


class DynamoDBCapacity:
    name = "dynamodb_capacity"
    services = frozenset({"dynamodb"})

    def __init__(self) -> None:
        # Buckets are shared state: one request is priced and admitted at a time.
        self._lock = threading.RLock()

    def handle(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        if call.service != "dynamodb" or call.protocol != "json" or gateway.settings.get(SETTING_ON) is False:
            return forward(call)
        operation = _OPERATIONS.get(call.operation)
        if operation is None:
            return forward(call)
        with self._lock:
            request = _Request(call, forward, gateway)
            try:
                return operation(request)
            except ValueError:
                # A value the cost model cannot read (a number such as "foo", binary that is not
                # base64): DynamoDB refuses the request before it costs anything, so the emulator
                # gives its ValidationException, unpriced (or its answer, if it already has one).
                if request.answered is not None:
                    return request.answered
                return forward(call)

    def meter(self, gateway: Gateway) -> CapacityMeter:
        """This scenario's capacity meter (checks: `ctx.meter("dynamodb_capacity").timeline`)."""
        return meter_of(gateway)


BEHAVIOUR = DynamoDBCapacity


# --------------------------------------------------------------------------------------------------
@dataclass
class _Table:
    name: str
    schema: TableSchema


class _Request:
    """One call being priced: the call, the rest of the chain, and the scenario's capacity state."""

    def __init__(self, call: AwsCall, forward: Forward, gateway: Gateway) -> None:
        self.call = call
        self.params = call.params
        self.answered: Response | None = None  # the emulator's last answer to this call
        self.gateway = gateway

        def forward_and_keep(call: AwsCall) -> Response:
            self.answered = forward(call)
            return self.answered

        self.forward = forward_and_keep
        self.state = capacity_state(gateway)
        self.meter = self.state.meter
        source = gateway.sources.get(call.access_key or "", "other")
        self.exempt = source == "grader" and not gateway.settings.get(SETTING_METER_GRADER)

    # -- tables ------------------------------------------------------------------------------------
    def table(self, given: Any) -> _Table | None:
        """What the meter knows of a table, described once from the emulator; None if unknown."""
        if not isinstance(given, str):
            return None
        name = table_name(given)
        schema = self.state.schemas.get(name)
        if schema is None:
            try:
                description = self.internal.describe_table(TableName=name)["Table"]
            except Exception:  # noqa: BLE001 - a missing table: the forwarded call reports it
                return None
            schema = self.learn(description)
        return _Table(name, schema)

    def learn(self, description: Mapping[str, Any]) -> TableSchema:
        """CreateTable / UpdateTable / first sight: the key schema and the provisioned throughput."""
        name = description["TableName"]
        schema = TableSchema.from_description(description)
        self.state.schemas[name] = schema
        billing = (description.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
        read, write = _throughput(description)
        if billing == "PAY_PER_REQUEST" or not (read or write):
            self.meter.set_on_demand(name)
        else:
            indexes = {}
            for index in description.get("GlobalSecondaryIndexes") or ():
                index_read, index_write = _throughput(index)
                if index_read or index_write:
                    indexes[index["IndexName"]] = (index_read, index_write)
            self.meter.provision(name, read, write, global_indexes=indexes)
        return schema

    def forget(self, given: str) -> None:
        name = table_name(given)
        self.state.schemas.pop(name, None)
        self.meter.forget(name)

    @property
    def internal(self):
        return self.gateway.internal_client("dynamodb", self.call.region)

    # -- unmetered reads ---------------------------------------------------------------------------
    def current(self, table: _Table, key: Mapping[str, Any]) -> dict | None:
        """The item under `key` now, read strongly from the emulator (not metered, not logged)."""
        try:
            return self.internal.get_item(TableName=table.name, Key=_boto_key(key), ConsistentRead=True).get("Item")
        except Exception:  # noqa: BLE001 - an invalid key: the forwarded call reports it
            return None

    def current_many(self, table: _Table, keys: Sequence[Mapping[str, Any]]) -> dict[tuple, dict]:
        """Items under `keys` (distinct), by key identity, in as few BatchGetItem calls as possible."""
        found: dict[tuple, dict] = {}
        pending = [_boto_key(k) for k in keys]
        for start in range(0, len(pending), 100):
            request = {table.name: {"Keys": pending[start:start + 100], "ConsistentRead": True}}
            while request:
                try:
                    answer = self.internal.batch_get_item(RequestItems=request)
                except Exception:  # noqa: BLE001 - an invalid key: the forwarded call reports it
                    return found
                for item in answer.get("Responses", {}).get(table.name, []):
                    found[_key_id(table.schema, item)] = item
                request = answer.get("UnprocessedKeys") or {}
        return found

    def restore(self, table: _Table, key: Mapping[str, Any], before: Mapping[str, Any] | None) -> None:
        """Put an item back as it was before a write the emulator applied but AWS would have throttled."""
        if before is None:
            self.internal.delete_item(TableName=table.name, Key=_boto_key(key))
        else:
            self.internal.put_item(TableName=table.name, Item=dict(before))

    def restore_many(self, undo: Sequence[tuple[_Table, Mapping[str, Any], Mapping[str, Any] | None]]) -> None:
        """`restore` for the entries of one batch (distinct keys), in as few BatchWriteItem calls as
        possible: a throttled batch of 25 is put back in one call to the emulator, not 25."""
        requests: dict[str, list[dict]] = {}
        for table, key, before in undo:
            requests.setdefault(table.name, []).append(
                {"DeleteRequest": {"Key": _boto_key(key)}} if before is None else {"PutRequest": {"Item": dict(before)}})
        pending = [(name, entry) for name, entries in requests.items() for entry in entries]
        for start in range(0, len(pending), 25):
            chunk: dict[str, list[dict]] = {}
            for name, entry in pending[start:start + 25]:
                chunk.setdefault(name, []).append(entry)
            while chunk:
                chunk = self.internal.batch_write_item(RequestItems=chunk).get("UnprocessedItems") or {}

    # -- metering ----------------------------------------------------------------------------------
    def admit(self, requests: Sequence[tuple[str, Cost]]) -> Admission:
        if self.exempt:
            return Admission()
        return self.meter.admit_transaction(requests)

    def admit_each(self, requests: Sequence[tuple[str, Cost]]) -> list[Admission]:
        if self.exempt:
            return [Admission() for _ in requests]
        return self.meter.admit_batch(requests)

    def throttles(self, requests: Sequence[tuple[str, Cost]]) -> tuple[Throttle, ...]:
        if self.exempt:
            return ()
        combined: dict[str, Cost] = {}
        for name, cost in requests:
            combined[name] = combined[name] + cost if name in combined else cost
        return tuple(t for name, cost in combined.items() for t in self.meter.throttles(name, cost))

    def charge(self, name: str, cost: Cost) -> None:
        if not self.exempt:
            self.meter.charge(name, cost)

    # -- answers -----------------------------------------------------------------------------------
    def throttled(self, throttles: Sequence[Throttle], kind: str) -> Response:
        self.call.note("throttled", True)
        self.call.note("capacity_kind", kind)
        self.call.note("consumed_capacity", {})
        return _response(throughput_exceeded_error(throttles, region=self.call.region,
                                                   account_id=self.gateway.account_id))

    def with_capacity(self, response: Response, data: dict, costs: Mapping[str, Cost], kind: str,
                      **notes: Any) -> Response:
        """The response with awslab's ConsumedCapacity in place of the emulator's."""
        self.call.note("consumed_capacity", {name: cost.total for name, cost in costs.items()})
        self.call.note("capacity_kind", kind)
        self.call.note("throttled", False)
        for key, value in notes.items():
            self.call.note(key, value)
        try:
            shape = consumed_capacity_shape(self.call.operation, costs, self.params.get("ReturnConsumedCapacity"))
        except ValueError:  # an invalid ReturnConsumedCapacity: leave the emulator's answer alone
            return response
        if shape is None and "ConsumedCapacity" not in data:
            return response
        data = dict(data)
        if shape is None:
            data.pop("ConsumedCapacity", None)
        else:
            data["ConsumedCapacity"] = shape
        return response.with_json(data)


def _throughput(description: Mapping[str, Any]) -> tuple[float, float]:
    throughput = description.get("ProvisionedThroughput") or {}
    return float(throughput.get("ReadCapacityUnits") or 0), float(throughput.get("WriteCapacityUnits") or 0)


def _response(error: ErrorResponse) -> Response:
    return Response(error.status, list(error.headers.items()), error.body)


def _boto_key(key: Mapping[str, Any]) -> dict:
    """A key as the wire carries it (binary as base64 text) in boto3's terms (binary as bytes)."""
    out = {}
    for name, value in key.items():
        if isinstance(value, Mapping) and isinstance(value.get("B"), str):
            out[name] = {"B": base64.b64decode(value["B"])}
        else:
            out[name] = dict(value)
    return out


def _key_id(schema: TableSchema, item: Mapping[str, Any]) -> tuple:
    """The identity of an item's key, whether binary values are bytes or base64 text."""
    out = []
    for name in schema.key_attributes:
        value = item.get(name) or {}
        ((kind, data),) = value.items() if len(value) == 1 else (("?", None),)
        if kind == "B" and isinstance(data, str):
            data = base64.b64decode(data)
        out.append((name, kind, bytes(data) if isinstance(data, (bytearray, memoryview)) else data))
    return tuple(out)


def _key_of(schema: TableSchema, item: Mapping[str, Any]) -> dict:
    return {name: item[name] for name in schema.key_attributes if name in item}


def _projects(spec: Mapping[str, Any]) -> bool:
    return bool(spec.get("ProjectionExpression") or spec.get("AttributesToGet"))


def _is_condition_failure(response: Response) -> bool:
    return error_of(response)[0] == "ConditionalCheckFailedException"


# -------------------------------------------------------------------------------------- operations
def _get_item(r: _Request) -> Response:
    given = r.params.get("TableName")
    table = r.table(given)
    response = r.forward(r.call)
    if table is None or not response.ok:
        return response
    data = response.json() or {}
    item = data.get("Item")
    if item is not None and _projects(r.params):
        item = r.current(table, r.params.get("Key") or {})  # a projection does not lower the cost
    cost = get_item_cost(item_size(item) if item else None, bool(r.params.get("ConsistentRead")))
    admission = r.admit([(table.name, cost)])
    if not admission.admitted:  # reads have no side effects: the answer is dropped
        return r.throttled(admission.throttles, "read")
    return r.with_capacity(response, data, {given: cost}, "read")


def _write_item(r: _Request) -> Response:
    """PutItem, UpdateItem, DeleteItem: the larger of before and after, plus affected GSIs (R3.2-R3.4, R3.8)."""
    given = r.params.get("TableName")
    table = r.table(given)
    if table is None:
        return r.forward(r.call)
    operation = r.call.operation
    if operation == "PutItem":
        after = r.params.get("Item") or {}
        key = _key_of(table.schema, after)
    else:
        key = r.params.get("Key") or {}
    before = r.current(table, key)
    if operation == "PutItem":
        estimate = write_cost(table.schema, before, after)
    elif operation == "DeleteItem":
        estimate = write_cost(table.schema, before, None)
    else:  # UpdateItem: the after-image exists only once the emulator has applied it
        estimate = write_cost(table.schema, before, before)
    throttled = bool(r.throttles([(table.name, estimate)]))
    response = r.forward(r.call)  # the emulator validates first, as AWS does
    if throttled:
        if response.ok:
            r.restore(table, key, before)
        elif not _is_condition_failure(response):
            return response  # invalid: AWS says so, and charges nothing
        admission = r.meter.admit(table.name, estimate)  # records the throttle on the timeline
        return r.throttled(admission.throttles, "write")
    if not response.ok:
        if _is_condition_failure(response):  # R3.7: still costs, and the error carries no ConsumedCapacity
            cost = failed_condition_cost(before)
            r.charge(table.name, cost)
            r.call.note("consumed_capacity", {given: cost.total})
            r.call.note("capacity_kind", "write")
        return response
    cost = write_cost(table.schema, before, r.current(table, key)) if operation == "UpdateItem" else estimate
    r.charge(table.name, cost)
    return r.with_capacity(response, response.json() or {}, {given: cost}, "write")


def _query_or_scan(r: _Request) -> Response:
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
    return r.with_capacity(response, data, {given: cost}, "read")


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


def _batch_get_item(r: _Request) -> Response:
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
        by_key = {_key_id(table.schema, item): item for item in returned.get(given, [])}
        for key in spec.get("Keys") or []:
            item = r.current(table, key) if _projects(spec) else by_key.get(_key_id(table.schema, key))
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
            dropped = {_key_id(schema, k) for k in keys}
            responses[given] = [i for i in returned.get(given, []) if _key_id(schema, i) not in dropped]
            spec = {k: v for k, v in request_items[given].items() if k != "Keys"}
            unprocessed[given] = {**spec, "Keys": list((unprocessed.get(given) or {}).get("Keys", [])) + keys}
        data["Responses"], data["UnprocessedKeys"] = responses, unprocessed
    totals = {given: total_cost(c, "read") for given, c in costs.items()}
    thrown = sum(len(k) for k in throttled_keys.values())
    result = r.with_capacity(response, data, totals, "read", throttled_items=thrown)
    if throttled_keys and result is response:  # NONE and no emulator ConsumedCapacity: still drop the keys
        result = response.with_json(data)
    return result


def _batch_write_item(r: _Request) -> Response:
    """Each put or delete priced on its own (R3.5); what cannot be paid for goes back in
    UnprocessedItems, and only when nothing can be paid for does the call fail (R5.6)."""
    request_items: Mapping[str, Any] = r.params.get("RequestItems") or {}
    tables = {given: r.table(given) for given in request_items}
    if not request_items or any(t is None for t in tables.values()):
        return r.forward(r.call)
    plan: list[tuple[str, Mapping[str, Any], Cost]] = []
    undo: list[tuple[_Table, Mapping[str, Any], dict | None]] = []  # per entry: how to put it back
    for given, requests in request_items.items():
        table = tables[given]
        keys = []
        for request in requests or []:
            if "PutRequest" in request:
                keys.append(_key_of(table.schema, request["PutRequest"].get("Item") or {}))
            else:
                keys.append((request.get("DeleteRequest") or {}).get("Key") or {})
        ids = [_key_id(table.schema, k) for k in keys]
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


def _transact_get_items(r: _Request) -> Response:
    """2 RCU per 4 KB per item (R2.9); all or nothing (R5.7)."""
    actions = [a.get("Get") or {} for a in r.params.get("TransactItems") or []]
    tables = [r.table(a.get("TableName")) for a in actions]
    if not actions or any(t is None for t in tables):
        return r.forward(r.call)
    plan = []
    for action, table in zip(actions, tables):
        item = r.current(table, action.get("Key") or {})
        plan.append((table.name, Cost("read", read_units(item_size(item) if item else 0, "transactional"))))
    return _transaction(r, actions, tables, plan, "read")


def _transact_write_items(r: _Request) -> Response:
    """Every write doubled (R3.6), condition checks priced as transactional writes; all or nothing (R5.7)."""
    actions = r.params.get("TransactItems") or []
    kinds, specs = [], []
    for action in actions:
        ((kind, spec),) = action.items() if len(action) == 1 else (("?", {}),)
        kinds.append(kind)
        specs.append(spec or {})
    tables = [r.table(s.get("TableName")) for s in specs]
    if not actions or any(t is None for t in tables):
        return r.forward(r.call)
    befores, plan = [], []
    for kind, spec, table in zip(kinds, specs, tables):
        key = _key_of(table.schema, spec.get("Item") or {}) if kind == "Put" else spec.get("Key") or {}
        before = r.current(table, key)
        befores.append((key, before))
        if kind == "Put":
            cost = write_cost(table.schema, before, spec.get("Item"), transactional=True)
        elif kind == "Delete":
            cost = write_cost(table.schema, before, None, transactional=True)
        elif kind == "Update":
            cost = write_cost(table.schema, before, before, transactional=True)
        else:
            cost = condition_check_cost(before)
        plan.append((table.name, cost))

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

    return _transaction(r, specs, tables, plan, "write", priced_after_apply, undo)


def _transaction(r: _Request, specs: Sequence[Mapping[str, Any]], tables: Sequence[_Table],
                 plan: list[tuple[str, Cost]], kind: str,
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
        return _response(transaction_throttled_error([t.name in short for t in tables]))
    if not response.ok:
        return response
    if reprice is not None:
        plan = reprice()
    for name, cost in plan:
        r.charge(name, cost)
    per_table: dict[str, list[Cost]] = {}
    for spec, (_, cost) in zip(specs, plan):
        per_table.setdefault(spec.get("TableName"), []).append(cost)
    totals = {given: total_cost(costs, kind) for given, costs in per_table.items()}
    return r.with_capacity(response, response.json() or {}, totals, kind)


def _union(admissions: Sequence[Admission]) -> list[Throttle]:
    seen: dict[Throttle, None] = {}
    for admission in admissions:
        for throttle in admission.throttles:
            seen.setdefault(throttle)
    return list(seen)


# ------------------------------------------------------------------------------------ table life
def _create_table(r: _Request) -> Response:
    response = r.forward(r.call)
    if response.ok:
        description = (response.json() or {}).get("TableDescription")
        if description:
            r.learn(description)
    return response


def _update_table(r: _Request) -> Response:
    response = r.forward(r.call)
    if response.ok and isinstance(r.params.get("TableName"), str):
        r.state.schemas.pop(table_name(r.params["TableName"]), None)
        r.table(r.params["TableName"])  # described afresh; existing buckets keep their balance
    return response


def _delete_table(r: _Request) -> Response:
    response = r.forward(r.call)
    if response.ok and isinstance(r.params.get("TableName"), str):
        r.forget(r.params["TableName"])
    return response


_OPERATIONS: dict[str, Callable[[_Request], Response]] = {
    "GetItem": _get_item,
    "PutItem": _write_item,
    "UpdateItem": _write_item,
    "DeleteItem": _write_item,
    "Query": _query_or_scan,
    "Scan": _query_or_scan,
    "BatchGetItem": _batch_get_item,
    "BatchWriteItem": _batch_write_item,
    "TransactGetItems": _transact_get_items,
    "TransactWriteItems": _transact_write_items,
    "CreateTable": _create_table,
    "UpdateTable": _update_table,
    "DeleteTable": _delete_table,
}

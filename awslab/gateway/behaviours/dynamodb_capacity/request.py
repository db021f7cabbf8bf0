"""One DynamoDB call being priced: the scenario's capacity state, what is known of each table, the
unmetered reads and restores a call needs, and the answers (throttled, or with ConsumedCapacity)."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ....models.dynamodb_capacity import (
    INITIAL_SECONDS,
    Admission,
    CapacityMeter,
    Cost,
    TableSchema,
    Throttle,
    consumed_capacity_shape,
    throughput_exceeded_error,
)
from ....models.dynamodb_capacity.errors import ErrorResponse
from ...aws_request import AwsCall
from ...core import Forward, Gateway
from ...errors import error_of
from ...wire import Response

STATE_KEY = "dynamodb_capacity"
SETTING_ON = "dynamodb_capacity"
SETTING_METER_GRADER = "dynamodb_capacity_meter_grader"
SETTING_INITIAL_SECONDS = "dynamodb_capacity_initial_seconds"  # a new table's starting fill, in seconds of rate


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


@dataclass
class KnownTable:
    name: str
    schema: TableSchema
    given: str  # as the call named it (a name or an ARN): ConsumedCapacity reports it so


class CapacityRequest:
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
    def table(self, given: Any) -> KnownTable | None:
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
        return KnownTable(name, schema, given)

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
    def current(self, table: KnownTable, key: Mapping[str, Any]) -> dict | None:
        """The item under `key` now, read strongly from the emulator (not metered, not logged)."""
        try:
            return self.internal.get_item(TableName=table.name, Key=boto_key(key), ConsistentRead=True).get("Item")
        except Exception:  # noqa: BLE001 - an invalid key: the forwarded call reports it
            return None

    def current_many(self, table: KnownTable, keys: Sequence[Mapping[str, Any]]) -> dict[tuple, dict]:
        """Items under `keys` (distinct), by key identity, in as few BatchGetItem calls as possible."""
        found: dict[tuple, dict] = {}
        pending = [boto_key(k) for k in keys]
        for start in range(0, len(pending), 100):
            request = {table.name: {"Keys": pending[start:start + 100], "ConsistentRead": True}}
            while request:
                try:
                    answer = self.internal.batch_get_item(RequestItems=request)
                except Exception:  # noqa: BLE001 - an invalid key: the forwarded call reports it
                    return found
                for item in answer.get("Responses", {}).get(table.name, []):
                    found[key_identity(table.schema, item)] = item
                request = answer.get("UnprocessedKeys") or {}
        return found

    def restore(self, table: KnownTable, key: Mapping[str, Any], before: Mapping[str, Any] | None) -> None:
        """Put an item back as it was before a write the emulator applied but AWS would have throttled."""
        if before is None:
            self.internal.delete_item(TableName=table.name, Key=boto_key(key))
        else:
            self.internal.put_item(TableName=table.name, Item=dict(before))

    def restore_many(self, undo: Sequence[tuple[KnownTable, Mapping[str, Any], Mapping[str, Any] | None]]) -> None:
        """`restore` for the entries of one batch (distinct keys), in as few BatchWriteItem calls as
        possible: a throttled batch of 25 is put back in one call to the emulator, not 25."""
        requests: dict[str, list[dict]] = {}
        for table, key, before in undo:
            requests.setdefault(table.name, []).append(
                {"DeleteRequest": {"Key": boto_key(key)}} if before is None else {"PutRequest": {"Item": dict(before)}})
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
        return error_response(throughput_exceeded_error(throttles, region=self.call.region,
                                                   account_id=self.gateway.account_id))

    def with_capacity(self, response: Response, data: dict, costs: Mapping[str, Cost], kind: str,
                      body_changed: bool = False, **notes: Any) -> Response:
        """The response with awslab's ConsumedCapacity in place of the emulator's (`data` is its
        body, changed by the caller if `body_changed`)."""
        self.call.note("consumed_capacity", {name: cost.total for name, cost in costs.items()})
        self.call.note("capacity_kind", kind)
        self.call.note("throttled", False)
        for key, value in notes.items():
            self.call.note(key, value)
        try:
            shape = consumed_capacity_shape(self.call.operation, costs, self.params.get("ReturnConsumedCapacity"))
        except ValueError:  # an invalid ReturnConsumedCapacity: leave the emulator's answer alone
            return response
        if shape is None and "ConsumedCapacity" not in data and not body_changed:
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


def error_response(error: ErrorResponse) -> Response:
    return Response(error.status, list(error.headers.items()), error.body)


def boto_key(key: Mapping[str, Any]) -> dict:
    """A key as the wire carries it (binary as base64 text) in boto3's terms (binary as bytes)."""
    out = {}
    for name, value in key.items():
        if isinstance(value, Mapping) and isinstance(value.get("B"), str):
            out[name] = {"B": base64.b64decode(value["B"])}
        else:
            out[name] = dict(value)
    return out


def boto_item(item: Mapping[str, Any] | None) -> dict | None:
    """An item as the wire carries it (binary as base64 text, in maps and lists too) in boto3's
    terms, as the internal client reads and writes it; None stays None."""
    if item is None:
        return None
    return {name: _boto_value(value) for name, value in item.items()}


def _boto_value(value: Any) -> Any:
    if not isinstance(value, Mapping) or len(value) != 1:
        return value
    ((kind, data),) = value.items()
    if kind == "B" and isinstance(data, str):
        return {"B": base64.b64decode(data)}
    if kind == "BS" and isinstance(data, list):
        return {"BS": [base64.b64decode(b) if isinstance(b, str) else b for b in data]}
    if kind == "M" and isinstance(data, Mapping):
        return {"M": {k: _boto_value(v) for k, v in data.items()}}
    if kind == "L" and isinstance(data, list):
        return {"L": [_boto_value(v) for v in data]}
    return dict(value)


def key_identity(schema: TableSchema, item: Mapping[str, Any]) -> tuple:
    """The identity of an item's key, whether binary values are bytes or base64 text."""
    out = []
    for name in schema.key_attributes:
        value = item.get(name) or {}
        ((kind, data),) = value.items() if len(value) == 1 else (("?", None),)
        if kind == "B" and isinstance(data, str):
            data = base64.b64decode(data)
        out.append((name, kind, bytes(data) if isinstance(data, (bytearray, memoryview)) else data))
    return tuple(out)


def key_of(schema: TableSchema, item: Mapping[str, Any]) -> dict:
    return {name: item[name] for name in schema.key_attributes if name in item}


def has_projection(spec: Mapping[str, Any]) -> bool:
    return bool(spec.get("ProjectionExpression") or spec.get("AttributesToGet"))


def is_condition_failure(response: Response) -> bool:
    return error_of(response)[0] == "ConditionalCheckFailedException"

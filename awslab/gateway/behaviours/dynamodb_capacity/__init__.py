"""DynamoDB capacity in the gateway: ConsumedCapacity as AWS computes it, throttling of provisioned
tables on the virtual clock, and a capacity timeline per table.

Neither moto nor DynamoDB Local throttles, and moto's ConsumedCapacity is a constant. This behaviour
prices every data-plane call with the pure model in `awslab.models.dynamodb_capacity` (rules in
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
current second and one of burst, awslab.models.dynamodb_capacity.throttling); it applies to the meter the
first call of a scenario creates.

Request-log notes: `consumed_capacity` ({table as given: units, the top-level CapacityUnits}),
`capacity_kind` ("read" | "write"), `throttled` (bool), and for batches `throttled_items`.

Not modelled: LSI queries that fetch non-projected attributes (the extra base-table reads), Query
and Scan spanning several partitions (one partition's minimum), on-demand limits (R5.5).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ....models.dynamodb_capacity import CapacityMeter
from ...aws_request import AwsCall
from ...core import Forward, Gateway
from ...wire import Response
from . import batches, items, queries, tables, transactions
from .request import (
    SETTING_INITIAL_SECONDS,
    SETTING_METER_GRADER,
    SETTING_ON,
    STATE_KEY,
    CapacityRequest,
    CapacityState,
    capacity_state,
    meter_of,
    table_name,
)

__all__ = [
    "BEHAVIOUR", "SETTING_INITIAL_SECONDS", "SETTING_METER_GRADER", "SETTING_ON", "STATE_KEY", "CapacityState", "DynamoDBCapacity",
    "capacity_state", "meter_of", "table_name",
]


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
            request = CapacityRequest(call, forward, gateway)
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



_OPERATIONS: dict[str, Callable[[CapacityRequest], Response]] = {
    "GetItem": items.get_item,
    "PutItem": items.write_item,
    "UpdateItem": items.write_item,
    "DeleteItem": items.write_item,
    "Query": queries.query_or_scan,
    "Scan": queries.query_or_scan,
    "BatchGetItem": batches.batch_get_item,
    "BatchWriteItem": batches.batch_write_item,
    "TransactGetItems": transactions.transact_get_items,
    "TransactWriteItems": transactions.transact_write_items,
    "CreateTable": tables.create_table,
    "UpdateTable": tables.update_table,
    "DeleteTable": tables.delete_table,
}

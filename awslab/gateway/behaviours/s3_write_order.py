"""S3 writes in one virtual instant keep their order.

Virtual time stands still between advances, so two PutObject calls of one key without a sleep in
between would carry the same Last-Modified, and the emulator, which orders a key's versions by it
(moto sorts ListObjectVersions by Last-Modified and marks the first one IsLatest), could put the
older version first. In AWS, each write lands later than the one before. So a write that would
share the previous write's instant moves the virtual clock on by one millisecond first: the
newest version is listed first and is the latest, as in AWS, and runs stay deterministic.

DynamoDB's PutResourcePolicy is one more such write: moto makes a policy's RevisionId of the
instant in milliseconds, so two policies put in one virtual instant would share a revision id, and
a put against the older revision would pass; in AWS every revision has its own id.
"""

from __future__ import annotations

import threading

from ..aws_request import AwsCall
from ..core import Forward, Gateway
from ..wire import Response

# The calls that add an object version or a delete marker.
WRITES = frozenset({"PutObject", "CopyObject", "CompleteMultipartUpload", "DeleteObject", "DeleteObjects",
                    "RestoreObject"})
# Writes elsewhere whose identity the emulator takes from the instant.
INSTANT_IDS = frozenset({("dynamodb", "PutResourcePolicy")})
TICK_SECONDS = 0.001
STATE_KEY = "s3_last_write"


class S3WriteOrder:
    name = "s3_write_order"
    services = frozenset({"s3", "dynamodb"})
    operations = {"s3": WRITES, "dynamodb": frozenset(op for service, op in INSTANT_IDS if service == "dynamodb")}

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def handle(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        # A backend on real time (LocalStack) moves on by itself.
        ordered = (call.service == "s3" and call.operation in WRITES) or (call.service, call.operation) in INSTANT_IDS
        if not ordered or "virtual_time" not in gateway.features:
            return forward(call)
        with self._lock:
            last = gateway.state.get(STATE_KEY)
            if last is not None and gateway.clock.now() <= last:
                gateway.clock.advance(seconds=TICK_SECONDS)
            gateway.state[STATE_KEY] = gateway.clock.now()
        return forward(call)


BEHAVIOUR = S3WriteOrder

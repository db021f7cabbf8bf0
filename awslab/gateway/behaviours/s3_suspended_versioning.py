"""Writes to a versioning-suspended bucket as S3 makes them (aws-rules/s3_lifecycle.md R4.2).

S3: on a Suspended bucket, PutObject and DeleteObject without a version id replace the key's null
version: a put stores the object with version id "null", a delete adds a delete marker with version
id "null"; versions with real ids (from while versioning was Enabled) stay
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/VersioningSuspendedBehavior.html,
https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectsfromVersioningSuspendedBuckets.html).
moto treats a Suspended bucket as unversioned: a put or delete removes every version of the key,
real ids included, and a delete adds no marker.

On a backend that can edit moto's state (feature moto_state), the write is made with the bucket
Enabled for that one call, then its new version or marker becomes the null one.

A bucket's versioning status is read from the emulator once per scenario and bucket, and forgotten
when a call that may change it (PutBucketVersioning, CreateBucket, DeleteBucket) passes: every such
call passes this chain (the grader's clients too), and before, each write cost the emulator a
GetBucketVersioning.
"""

from __future__ import annotations

import threading

from ..aws_request import AwsCall
from ..core import Forward, Gateway
from ..wire import Response

FEATURE = "moto_state"
WRITES = frozenset({"PutObject", "DeleteObject", "CopyObject"})
# The calls after which a bucket's remembered status may be wrong.
STATUS_CHANGES = frozenset({"PutBucketVersioning", "CreateBucket", "DeleteBucket"})
MEMORY = "s3_versioning_status"


class S3SuspendedVersioning:
    name = "s3_suspended_versioning"
    services = frozenset({"s3"})

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def handle(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        bucket, key = call.params.get("Bucket"), call.params.get("Key")
        if call.service != "s3" or FEATURE not in gateway.features or not isinstance(bucket, str):
            return forward(call)
        if call.operation in STATUS_CHANGES:
            try:
                return forward(call)
            finally:
                gateway.memory(MEMORY).pop(bucket, None)
        if call.operation not in WRITES or not isinstance(key, str) or call.params.get("VersionId"):
            return forward(call)
        status = self._status(bucket, gateway)
        if status != "Suspended":
            return forward(call)
        edit = gateway.backend.edit_moto_state
        account = gateway.account_id
        with self._lock:
            edit("s3-versioning-status", account_id=account, bucket=bucket, status="Enabled")
            try:
                response = forward(call)
            finally:
                edit("s3-versioning-status", account_id=account, bucket=bucket, status="Suspended")
            if not response.ok or not edit("s3-latest-null", account_id=account, bucket=bucket, key=key):
                return response
        call.note("moto_deviation", "write to a versioning-suspended bucket replaces only the null version")
        return response.with_headers({"x-amz-version-id": "null"})

    @staticmethod
    def _status(bucket: str, gateway: Gateway) -> str | None:
        """The bucket's versioning status (None: never set, or no such bucket: the forwarded call says so)."""
        known = gateway.memory(MEMORY)
        if bucket not in known:
            try:
                known[bucket] = gateway.internal_client("s3").get_bucket_versioning(Bucket=bucket).get("Status")
            except Exception:  # noqa: BLE001 - no such bucket: not remembered, the forwarded call says so
                return None
        return known[bucket]


BEHAVIOUR = S3SuspendedVersioning

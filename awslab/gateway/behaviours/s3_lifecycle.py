"""S3 lifecycle, executed on virtual time: emulators store lifecycle rules, awslab runs them.

- PutBucketLifecycleConfiguration is validated as S3 does (awslab.models.s3_lifecycle); a rejected
  configuration gets S3's error and never reaches the emulator. An accepted one is remembered as the
  learner sent it: moto's stored copy drops NewerNoncurrentVersions and the object-size filters, so
  GetBucketLifecycleConfiguration is answered from the copy as sent.
- Lifecycle runs at every midnight UTC the virtual clock crosses (R1.5). The clock halts at each
  midnight where something is due (a `stops` finder), so delete markers added then carry that
  midnight as Last-Modified, as in S3. Each run snapshots the bucket through the internal client,
  asks `plan` what is due, and applies it: DeleteObject for expirations (S3's delete semantics then
  add the delete marker), AbortMultipartUpload, and an in-place storage-class change for transitions
  (a backend capability; S3's API has none).
- moto reports a constant Initiated date for multipart uploads; the gateway remembers when each
  upload was created on virtual time instead.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field, replace
from typing import Any

from ...models.s3_lifecycle import (
    ABORT_MULTIPART,
    EXPIRE_CURRENT,
    EXPIRE_NONCURRENT,
    NONCURRENT_TRANSITION,
    REMOVE_EXPIRED_DELETE_MARKER,
    TRANSITION,
    BucketSnapshot,
    Event,
    LifecycleConfig,
    LifecycleError,
    MultipartUpload,
    Timeline,
    abort_date,
    midnights_between,
    parse_config,
    plan,
    simulate,
)
from ...models.s3_lifecycle.bucket import NULL_VERSION
from ..aws_request import AwsCall
from ..core import Forward, Gateway
from ..errors import aws_error
from ..protocols import rest_xml
from ..wire import Response

STORAGE_CLASS_FEATURE = "s3_storage_class_in_place"
_MINIMUM_SIZE_HEADER = "x-amz-transition-default-minimum-object-size"


@dataclass
class BucketLifecycle:
    """One bucket's configuration as sent, and what lifecycle has done to the bucket so far."""

    sent: dict[str, Any]  # the PutBucketLifecycleConfiguration params, as the learner sent them
    config: LifecycleConfig
    since: dt.datetime  # lifecycle has run every midnight up to here
    previous: BucketSnapshot | None = None  # keeps the times versions became noncurrent (R1.3)
    events: list[Event] = field(default_factory=list)
    seen: dict[tuple[str, str], Any] = field(default_factory=dict)  # (key, version id) -> ObjectVersion
    skipped: list[str] = field(default_factory=list)  # actions the backend could not carry out
    # What the model predicted at the start of the current advance: (from, until, midnights with actions).
    predicted: tuple[dt.datetime, dt.datetime, tuple[dt.datetime, ...]] | None = None


class S3Lifecycle:
    name = "s3_lifecycle"
    services = frozenset({"s3"})

    def __init__(self) -> None:
        self._gateway: Gateway | None = None
        self._lock = threading.RLock()

    @property
    def gateway(self) -> Gateway:
        if self._gateway is None:
            raise RuntimeError("s3_lifecycle is not attached to a gateway (Gateway.add attaches it)")
        return self._gateway

    # -- wiring ------------------------------------------------------------------------------------
    def attach(self, gateway: Gateway) -> None:
        self._gateway = gateway
        gateway.on_advance(self._on_clock, services=self.services, stops=self._due_midnights)

    def _memory(self) -> dict[str, Any]:
        return self.gateway.state.setdefault("s3_lifecycle", {"buckets": {}, "uploads": {}})

    @property
    def _buckets(self) -> dict[str, BucketLifecycle]:
        return self._memory()["buckets"]

    # -- what checks and commands read ----------------------------------------------------------------
    def configuration(self, bucket: str) -> dict[str, Any] | None:
        """The lifecycle configuration of `bucket` as it was sent ({"Rules": [...]}), or None."""
        state = self._buckets.get(bucket)
        return state.sent.get("LifecycleConfiguration") if state else None

    def lifecycle(self, bucket: str) -> LifecycleConfig | None:
        """The configuration of `bucket` as awslab runs it (parsed from what was sent), or None."""
        state = self._buckets.get(bucket)
        return state.config if state else None

    def events(self, bucket: str) -> list[Event]:
        """What lifecycle did to `bucket`, oldest first (the midnight, the action, a new delete marker)."""
        state = self._buckets.get(bucket)
        return list(state.events) if state else []

    def timeline(self, bucket: str) -> Timeline | None:
        """What lifecycle did to `bucket` as a Timeline (awslab.pictures.lifecycle_timeline draws it):
        every version lifecycle has seen, with the events that happened to it."""
        state = self._buckets.get(bucket)
        if state is None:
            return None
        added = {event.new_version_id for event in state.events if event.new_version_id}
        versions = tuple(replace(v, is_latest=None, noncurrent_since=None)
                         for (key, version_id), v in state.seen.items() if version_id not in added)
        final = state.previous or BucketSnapshot(bucket=bucket)
        initial = BucketSnapshot(versioning=final.versioning, versions=versions,
                                 uploads=self._seen_uploads(bucket, state), bucket=bucket)
        start = min([v.last_modified for v in versions] + [u.initiated for u in initial.uploads] + [state.since])
        return Timeline(start=start, until=self.gateway.clock.now(), initial=initial, final=final,
                        events=tuple(state.events))

    def _seen_uploads(self, bucket: str, state: BucketLifecycle) -> tuple[MultipartUpload, ...]:
        aborted = {e.upload_id: e for e in state.events if e.kind == ABORT_MULTIPART and e.upload_id is not None}
        uploads = [MultipartUpload(key=e.key, upload_id=upload_id, initiated=self._initiated(bucket, upload_id)
                                   or e.at) for upload_id, e in aborted.items()]
        if state.previous is not None:
            uploads += [u for u in state.previous.uploads if u.upload_id not in aborted]
        return tuple(uploads)

    # -- requests ----------------------------------------------------------------------------------------
    def handle(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        if call.service != "s3":
            return forward(call)
        operation = call.operation
        if operation == "PutBucketLifecycleConfiguration":
            return self._put(call, forward, gateway)
        if operation == "GetBucketLifecycleConfiguration":
            return self._get(call, forward)
        response = forward(call)
        if not response.ok:
            return response
        bucket = call.params.get("Bucket") or ""
        state = self._buckets.get(bucket)
        if state is not None:
            state.predicted = None  # the bucket may have changed: the next run looks again
        if operation in ("DeleteBucketLifecycle", "DeleteBucket"):
            with self._lock:
                self._buckets.pop(bucket, None)
        elif operation == "CreateMultipartUpload":
            return self._upload_created(call, response, gateway)
        return response

    def _put(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        try:
            config = parse_config(call.params)
        except LifecycleError as error:
            call.note("lifecycle_rejected", f"{error.code}: {error.message}")
            return aws_error(call, error.code, error.message, error.http_status)
        response = forward(call)
        if not response.ok:
            return response
        bucket = call.params["Bucket"]
        with self._lock:
            known = self._buckets.get(bucket)
            now = gateway.clock.now()
            self._buckets[bucket] = BucketLifecycle(
                sent=call.params, config=config, since=now,
                previous=known.previous if known else None, events=known.events if known else [],
                seen=known.seen if known else {})
        call.note("lifecycle_rules", [rule.id for rule in config.rules])
        return response.with_headers({_MINIMUM_SIZE_HEADER: config.minimum_object_size})

    def _get(self, call: AwsCall, forward: Forward) -> Response:
        response = forward(call)
        state = self._buckets.get(call.params.get("Bucket") or "")
        if not response.ok or state is None:
            return response
        # Answer with what the learner sent: moto's copy has lost NewerNoncurrentVersions and size filters.
        body = rest_xml.write_payload(_lifecycle_shape(), state.sent.get("LifecycleConfiguration", {}))
        return response.with_body(body).with_headers({_MINIMUM_SIZE_HEADER: state.config.minimum_object_size})

    def _upload_created(self, call: AwsCall, response: Response, gateway: Gateway) -> Response:
        upload_id = (call.answer_of(response) or {}).get("UploadId")
        if not upload_id:
            return response
        bucket, key = call.params.get("Bucket") or "", call.params.get("Key", "")
        now = gateway.clock.now()
        with self._lock:
            self._memory()["uploads"][(bucket, upload_id)] = now
        state = self._buckets.get(bucket)
        due = abort_date(state.config, key, now) if state else None
        if due is not None:  # R4.9: S3 tells the uploader when the upload will be aborted
            response = response.with_headers({"x-amz-abort-date": _rfc1123(due[0]), "x-amz-abort-rule-id": due[1]})
        return response

    def _initiated(self, bucket: str, upload_id: str) -> dt.datetime | None:
        return self._memory()["uploads"].get((bucket, upload_id))

    # -- virtual time --------------------------------------------------------------------------------
    def _due_midnights(self, old: dt.datetime, new: dt.datetime) -> list[dt.datetime]:
        """The midnights in (old, new] where lifecycle will act, as the model predicts from the buckets now."""
        if self._gateway is None or new <= old:
            return []
        stops: set[dt.datetime] = set()
        with self._lock:
            for bucket, state in list(self._buckets.items()):
                start = max(old, state.since)
                if next(midnights_between(start, new), None) is None:
                    continue
                snapshot = self._snapshot(bucket, state)
                if snapshot is None:
                    continue
                due = sorted({event.at for event in simulate(state.config, snapshot, new, start=start).events})
                state.predicted = (start, new, tuple(due))
                stops.update(due)
        return sorted(stops)

    def _on_clock(self, now: dt.datetime) -> None:
        if self._gateway is None:
            return
        with self._lock:
            for bucket, state in list(self._buckets.items()):
                if now < state.since:  # the clock was rewound: a new scenario
                    state.since, state.previous = now, None
                    continue
                self._run(bucket, state, now)

    def _run(self, bucket: str, state: BucketLifecycle, now: dt.datetime) -> None:
        """Run lifecycle at every midnight in (state.since, now]. The clock normally halts at each
        midnight where something is due, so `now` is that midnight and the stamps are right; if it did
        not, what is due is still applied, late, rather than lost."""
        predicted = self._predicted_midnights(state, now)
        if predicted == []:
            state.since = now
            return
        while next(midnights_between(state.since, now), None) is not None:
            snapshot = self._snapshot(bucket, state)
            if snapshot is None:
                return
            if predicted:
                midnight = next((m for m in predicted if m > state.since), None)
            else:
                due = simulate(state.config, snapshot, now, start=state.since).events
                midnight = due[0].at if due else None
            actions = plan(state.config, snapshot, midnight) if midnight is not None else []
            if midnight is None or not actions:
                state.since, state.previous = now, snapshot
                return
            for action in actions:
                self._apply(bucket, state, action, midnight)
            state.since, state.previous = midnight, snapshot

    @staticmethod
    def _predicted_midnights(state: BucketLifecycle, now: dt.datetime) -> list[dt.datetime] | None:
        """The midnights in (since, now] where the model, asked at the start of this advance, saw
        actions due; None when there is no prediction for this stretch of time. Nothing but lifecycle
        changes a bucket during an advance, so the prediction holds and spares a snapshot per midnight."""
        if state.predicted is None:
            return None
        start, until, due = state.predicted
        if not (start <= state.since and now <= until):
            return None
        return [midnight for midnight in due if state.since < midnight <= now]

    def _snapshot(self, bucket: str, state: BucketLifecycle) -> BucketSnapshot | None:
        s3 = self.gateway.internal_client("s3")
        try:
            versioning = s3.get_bucket_versioning(Bucket=bucket)
            listing = list(s3.get_paginator("list_object_versions").paginate(Bucket=bucket))
            aborts = any(rule.abort_incomplete_upload_days is not None for rule in state.config.enabled_rules)
            uploads = list(s3.get_paginator("list_multipart_uploads").paginate(Bucket=bucket)) if aborts else []
        except s3.exceptions.NoSuchBucket:
            return None
        for page in uploads:  # moto's Initiated is a constant: use the virtual time the gateway saw
            for upload in page.get("Uploads", []):
                upload["Initiated"] = self._initiated(bucket, upload["UploadId"]) or state.since
        tags = self._tags(s3, bucket, state.config, listing)
        snapshot = BucketSnapshot.from_boto3(versioning=versioning, listing=listing, uploads=uploads, tags=tags,
                                             bucket=bucket)
        if state.previous is not None:
            snapshot = snapshot.with_noncurrent_times_from(state.previous)
        for version in snapshot.versions:
            state.seen.setdefault((version.key, version.version_id), version)
        return snapshot

    @staticmethod
    def _tags(s3, bucket: str, config: LifecycleConfig, listing: list[dict]) -> dict[tuple[str, str], dict]:
        """Object tags, fetched only when a rule filters on them (ListObjectVersions does not return them)."""
        prefixes = [rule.filter.prefix for rule in config.enabled_rules if rule.filter.has_tags]
        if not prefixes:
            return {}
        tags = {}
        for page in listing:
            for item in page.get("Versions", []):
                if any(item["Key"].startswith(prefix) for prefix in prefixes):
                    version_id = item.get("VersionId") or NULL_VERSION
                    found = s3.get_object_tagging(Bucket=bucket, Key=item["Key"], VersionId=version_id)
                    tags[(item["Key"], version_id)] = {t["Key"]: t["Value"] for t in found.get("TagSet", [])}
        return tags

    def _apply(self, bucket: str, state: BucketLifecycle, action, midnight: dt.datetime) -> None:
        s3 = self.gateway.internal_client("s3")
        new_version_id = None
        if action.kind in (TRANSITION, NONCURRENT_TRANSITION):
            if STORAGE_CLASS_FEATURE not in self.gateway.features or not self.gateway.has_backend:
                state.skipped.append(f"{midnight:%Y-%m-%d} {action.key} {action.version_id}: "
                                     f"not moved to {action.storage_class} (the backend cannot change it in place)")
                return
            self.gateway.backend.set_storage_class(bucket, action.key, action.version_id, action.storage_class)
        elif action.kind == EXPIRE_CURRENT:
            response = s3.delete_object(Bucket=bucket, Key=action.key)
            if response.get("DeleteMarker"):
                new_version_id = response.get("VersionId") or NULL_VERSION
        elif action.kind in (EXPIRE_NONCURRENT, REMOVE_EXPIRED_DELETE_MARKER):
            s3.delete_object(Bucket=bucket, Key=action.key, VersionId=action.version_id)
        elif action.kind == ABORT_MULTIPART:
            try:
                s3.abort_multipart_upload(Bucket=bucket, Key=action.key, UploadId=action.upload_id)
            except s3.exceptions.NoSuchUpload:
                return
        state.events.append(Event(at=midnight, action=action, new_version_id=new_version_id))


def _rfc1123(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")


def _lifecycle_shape():
    """The LifecycleConfiguration document's shape: GET answers with the XML the PUT carried."""
    from ..aws_request import service_model

    operation = service_model("s3").operation_model("PutBucketLifecycleConfiguration")
    return operation.input_shape.members["LifecycleConfiguration"]


BEHAVIOUR = S3Lifecycle

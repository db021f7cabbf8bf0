"""Small builders so each lifecycle test reads as its rule: a config, a bucket, a moment."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from awslab.models.s3_lifecycle import Action, BucketSnapshot, MultipartUpload, ObjectVersion

UTC = timezone.utc
BIG = 200 * 1024  # above the 128 KB transition minimum
CREATED = datetime(2025, 1, 1, 10, 30, tzinfo=UTC)  # never on a midnight (R1.1's open point)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def rule(rule_id: str = "r1", *, filter: Any = None, prefix: str | None = None,
         status: str = "Enabled", **actions: Any) -> dict[str, Any]:
    """A rule dict in boto3's shape; `filter` defaults to the empty Filter (whole bucket)."""
    body: dict[str, Any] = {"ID": rule_id, "Status": status}
    if prefix is not None:
        body["Prefix"] = prefix
    else:
        body["Filter"] = {} if filter is None else filter
    body.update(actions)
    return body


def lifecycle(*rules: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"Rules": list(rules), **extra}


def version(key: str = "doc.txt", version_id: str = "null", created: datetime = CREATED, *,
            size: int = BIG, **fields: Any) -> ObjectVersion:
    return ObjectVersion(key=key, version_id=version_id, last_modified=created, size=size, **fields)


def marker(key: str = "doc.txt", version_id: str = "dm", created: datetime = CREATED) -> ObjectVersion:
    return ObjectVersion(key=key, version_id=version_id, last_modified=created, is_delete_marker=True)


def bucket(*versions: ObjectVersion, versioning: str = "Unversioned",
           uploads: tuple[MultipartUpload, ...] = ()) -> BucketSnapshot:
    return BucketSnapshot(versioning=versioning, versions=versions, uploads=uploads, bucket="lab-bucket")


def summary(actions: list[Action]) -> list[tuple[Any, ...]]:
    """(kind, key, version or upload, storage class, rule) per action: what a table compares."""
    return [
        (a.kind, a.key, a.version_id or a.upload_id, a.storage_class, a.rule_id) for a in actions
    ]

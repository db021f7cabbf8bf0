"""What lifecycle looks at: a snapshot of one bucket's versions and incomplete multipart uploads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from .dates import as_utc

VERSIONING_STATES = ("Unversioned", "Enabled", "Suspended")
NULL_VERSION = "null"


@dataclass(frozen=True)
class ObjectVersion:
    """One version of one key: an object or a delete marker (what ListObjectVersions lists).

    `is_latest` may be left None: the newest version of the key is then the current one.
    `noncurrent_since` may be left None: it is then the Last-Modified of the next newer version (R1.3).
    Set it when that successor is gone but the time this version became noncurrent is known.
    """

    key: str
    version_id: str
    last_modified: datetime
    is_delete_marker: bool = False
    size: int = 0
    storage_class: str = "STANDARD"
    tags: Mapping[str, str] = field(default_factory=dict)
    is_latest: bool | None = None
    noncurrent_since: datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "last_modified", as_utc(self.last_modified))
        if self.noncurrent_since is not None:
            object.__setattr__(self, "noncurrent_since", as_utc(self.noncurrent_since))


@dataclass(frozen=True)
class MultipartUpload:
    key: str
    upload_id: str
    initiated: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "initiated", as_utc(self.initiated))


@dataclass(frozen=True)
class BucketSnapshot:
    """A bucket as lifecycle sees it at one moment. Immutable: applying an action makes a new one."""

    versioning: str = "Unversioned"
    versions: tuple[ObjectVersion, ...] = ()
    uploads: tuple[MultipartUpload, ...] = ()
    bucket: str = ""

    def __post_init__(self) -> None:
        if self.versioning not in VERSIONING_STATES:
            raise ValueError(f"versioning must be one of {VERSIONING_STATES}, got {self.versioning!r}")
        object.__setattr__(self, "versions", tuple(self.versions))
        object.__setattr__(self, "uploads", tuple(self.uploads))

    def keys(self) -> list[str]:
        return sorted({version.key for version in self.versions})

    def histories(self) -> dict[str, list[ObjectVersion]]:
        """Every key's versions, newest (current) first, each with is_latest and noncurrent_since set."""
        by_key: dict[str, list[tuple[int, ObjectVersion]]] = {}
        for index, version in enumerate(self.versions):
            by_key.setdefault(version.key, []).append((index, version))
        return {key: _resolve(entries) for key, entries in sorted(by_key.items())}

    def history(self, key: str) -> list[ObjectVersion]:
        entries = [(index, v) for index, v in enumerate(self.versions) if v.key == key]
        return _resolve(entries) if entries else []

    def latest_time(self) -> datetime | None:
        """The newest Last-Modified or upload initiation in the snapshot (None if it is empty)."""
        times = [v.last_modified for v in self.versions] + [u.initiated for u in self.uploads]
        return max(times) if times else None

    def with_noncurrent_times_from(self, previous: BucketSnapshot) -> BucketSnapshot:
        """Keep the time each version became noncurrent as `previous` knew it.

        A version's noncurrent clock starts when it first became noncurrent. Deriving it from the
        next newer version is exact until that successor is deleted; carrying the times from the
        previous snapshot keeps them right after such a delete. Versions are matched by key, version
        id and Last-Modified (a null version overwritten in a suspended bucket is a new object).
        """
        known = {
            (v.key, v.version_id, v.last_modified): v.noncurrent_since
            for history in previous.histories().values()
            for v in history
            if v.noncurrent_since is not None
        }
        versions = tuple(
            replace(v, noncurrent_since=known.get((v.key, v.version_id, v.last_modified), v.noncurrent_since))
            for v in self.versions
        )
        return replace(self, versions=versions)

    @classmethod
    def from_boto3(
        cls,
        *,
        versioning: str | Mapping[str, Any] | None,
        listing: Mapping[str, Any] | Iterable[Mapping[str, Any]],
        uploads: Mapping[str, Any] | Iterable[Mapping[str, Any]] = (),
        tags: Mapping[tuple[str, str], Mapping[str, str]] | None = None,
        bucket: str = "",
    ) -> BucketSnapshot:
        """Build a snapshot from boto3 responses.

        `versioning`: a GetBucketVersioning response (no Status means Unversioned) or the state name.
        `listing`: one ListObjectVersions response or its pages. `uploads`: ListMultipartUploads
        response(s). `tags`: {(key, version_id): {tag key: value}} from GetObjectTagging, which
        ListObjectVersions does not return.
        """
        state = _versioning_state(versioning)
        tags = tags or {}
        versions: list[ObjectVersion] = []
        for page in _pages(listing):
            for item in page.get("Versions", []):
                version_id = item.get("VersionId") or NULL_VERSION
                versions.append(
                    ObjectVersion(
                        key=item["Key"],
                        version_id=version_id,
                        last_modified=item["LastModified"],
                        size=int(item.get("Size", 0)),
                        storage_class=item.get("StorageClass") or "STANDARD",
                        tags=dict(tags.get((item["Key"], version_id), {})),
                        is_latest=item.get("IsLatest"),
                    )
                )
            for item in page.get("DeleteMarkers", []):
                versions.append(
                    ObjectVersion(
                        key=item["Key"],
                        version_id=item.get("VersionId") or NULL_VERSION,
                        last_modified=item["LastModified"],
                        is_delete_marker=True,
                        is_latest=item.get("IsLatest"),
                    )
                )
        upload_list = [
            MultipartUpload(key=item["Key"], upload_id=item["UploadId"], initiated=item["Initiated"])
            for page in _pages(uploads)
            for item in page.get("Uploads", [])
        ]
        return cls(versioning=state, versions=tuple(versions), uploads=tuple(upload_list), bucket=bucket)


def _resolve(entries: list[tuple[int, ObjectVersion]]) -> list[ObjectVersion]:
    # Newest first; equal Last-Modified keeps the listing's order (ListObjectVersions lists newest first).
    ordered = [v for _, v in sorted(entries, key=lambda entry: (-entry[1].last_modified.timestamp(), entry[0]))]
    latest = [v for v in ordered if v.is_latest]
    if latest:
        ordered.remove(latest[0])
        ordered.insert(0, latest[0])
    resolved = []
    for position, version in enumerate(ordered):
        if position == 0:
            resolved.append(replace(version, is_latest=True, noncurrent_since=None))
        else:
            since = version.noncurrent_since or ordered[position - 1].last_modified
            resolved.append(replace(version, is_latest=False, noncurrent_since=since))
    return resolved


def _versioning_state(versioning: str | Mapping[str, Any] | None) -> str:
    if versioning is None:
        return "Unversioned"
    if isinstance(versioning, Mapping):
        return versioning.get("Status") or "Unversioned"
    return versioning


def _pages(value: Mapping[str, Any] | Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        return [value]
    return list(value)

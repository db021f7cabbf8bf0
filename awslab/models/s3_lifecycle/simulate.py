"""Lifecycle over time: run `plan` at every midnight and apply its actions to an in-memory bucket."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from .bucket import NULL_VERSION, BucketSnapshot, ObjectVersion
from .dates import as_utc, midnights_between
from .plan import (
    ABORT_MULTIPART,
    EXPIRE_CURRENT,
    EXPIRE_NONCURRENT,
    NONCURRENT_TRANSITION,
    REMOVE_EXPIRED_DELETE_MARKER,
    TRANSITION,
    Action,
    plan,
)
from .rules import LifecycleConfig, as_config


@dataclass(frozen=True)
class Event:
    """One action lifecycle took: when it ran, to what, and what came of it."""

    at: datetime
    action: Action
    # The delete marker an expiration added, if any (its version id in the simulated bucket).
    new_version_id: str | None = None

    @property
    def key(self) -> str:
        return self.action.key

    @property
    def version_id(self) -> str | None:
        return self.action.version_id

    @property
    def upload_id(self) -> str | None:
        return self.action.upload_id

    @property
    def kind(self) -> str:
        return self.action.kind

    @property
    def rule_id(self) -> str:
        return self.action.rule_id

    @property
    def what(self) -> str:
        return self.action.result


@dataclass(frozen=True)
class Timeline:
    """What lifecycle did between `start` and `until`, and the bucket before and after."""

    start: datetime
    until: datetime
    initial: BucketSnapshot
    final: BucketSnapshot
    events: tuple[Event, ...]

    def events_for(self, key: str, version_id: str | None = None) -> list[Event]:
        return [
            event
            for event in self.events
            if event.key == key and (version_id is None or event.version_id == version_id)
        ]


def simulate(
    config: LifecycleConfig | Mapping[str, Any],
    snapshot: BucketSnapshot,
    until: datetime,
    start: datetime | None = None,
) -> Timeline:
    """Run lifecycle at every midnight UTC in (start, until] and record what it does.

    `start` defaults to the newest time in the snapshot. Delete markers that expirations add get
    Last-Modified = the midnight of the run and version ids `marker-1`, `marker-2`, ... (`null` in a
    suspended bucket).
    """
    lifecycle = as_config(config)
    until = as_utc(until)
    start = as_utc(start) if start is not None else (snapshot.latest_time() or until)
    state = snapshot
    events: list[Event] = []
    markers_added = 0
    for midnight in midnights_between(start, until):
        for action in plan(lifecycle, state, midnight):
            new_version_id = None
            if action.kind == EXPIRE_CURRENT and state.versioning != "Unversioned":
                if state.versioning == "Enabled":
                    markers_added += 1
                    new_version_id = f"marker-{markers_added}"
                else:
                    new_version_id = NULL_VERSION
            state = apply_action(state, action, at=midnight, new_version_id=new_version_id)
            events.append(Event(at=midnight, action=action, new_version_id=new_version_id))
    return Timeline(start=start, until=until, initial=snapshot, final=state, events=tuple(events))


def apply_action(
    snapshot: BucketSnapshot, action: Action, *, at: datetime, new_version_id: str | None = None
) -> BucketSnapshot:
    """The bucket after one action, taken at `at`. The snapshot passed in is left unchanged.

    For expire_current in a versioned bucket, `new_version_id` names the delete marker added
    (S3 picks a fresh id when versioning is Enabled, `null` when Suspended).
    """
    at = as_utc(at)
    if action.kind == ABORT_MULTIPART:
        uploads = tuple(u for u in snapshot.uploads if u.upload_id != action.upload_id)
        return replace(snapshot, uploads=uploads)

    # Fix the noncurrent times of this key's versions first, so removing or adding a version
    # does not restart another version's noncurrent clock.
    history = snapshot.history(action.key)
    others = tuple(v for v in snapshot.versions if v.key != action.key)
    history = [replace(v, is_latest=None) for v in history]

    if action.kind in (TRANSITION, NONCURRENT_TRANSITION):
        history = [
            replace(v, storage_class=action.storage_class or v.storage_class) if v.version_id == action.version_id else v
            for v in history
        ]
    elif action.kind in (EXPIRE_NONCURRENT, REMOVE_EXPIRED_DELETE_MARKER):
        history = [v for v in history if v.version_id != action.version_id]
    elif action.kind == EXPIRE_CURRENT:
        history = _expire_current(history, snapshot.versioning, action, at, new_version_id)
    else:
        raise ValueError(f"unknown action kind {action.kind!r}")
    return replace(snapshot, versions=(*history, *others))


def _expire_current(history: list[ObjectVersion], versioning: str, action: Action, at: datetime,
                    new_version_id: str | None) -> list[ObjectVersion]:
    """Expiration of the current version: removed where the bucket is unversioned, else a delete
    marker becomes current."""
    if versioning == "Unversioned":  # R4.3
        return [v for v in history if v.version_id != action.version_id]
    marker_id = new_version_id or NULL_VERSION
    if versioning == "Suspended":  # R4.2 / R4.5: the null marker replaces any null version
        marker_id = NULL_VERSION
        history = [v for v in history if v.version_id != NULL_VERSION]
    marker = ObjectVersion(
        key=action.key, version_id=marker_id, last_modified=at, is_delete_marker=True
    )
    return [marker, *history]  # R4.4: the old current version is noncurrent from `at`

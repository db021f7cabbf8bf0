"""What lifecycle does at one moment: the actions due at `now`, after conflict resolution (R4.x, R5.x)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .bucket import NULL_VERSION, BucketSnapshot, MultipartUpload, ObjectVersion
from .dates import as_utc, due_after_days, next_midnight
from .rules import LifecycleConfig, Rule, as_config
from .storage_classes import (
    MINIMUM_TRANSITION_SIZE,
    SMALL_OBJECT_TARGETS,
    can_transition,
    preference_rank,
)

TRANSITION = "transition"
NONCURRENT_TRANSITION = "noncurrent_transition"
EXPIRE_CURRENT = "expire_current"
EXPIRE_NONCURRENT = "expire_noncurrent"
REMOVE_EXPIRED_DELETE_MARKER = "remove_expired_delete_marker"
ABORT_MULTIPART = "abort_multipart"

ACTION_KINDS = (
    TRANSITION,
    NONCURRENT_TRANSITION,
    EXPIRE_CURRENT,
    EXPIRE_NONCURRENT,
    REMOVE_EXPIRED_DELETE_MARKER,
    ABORT_MULTIPART,
)


@dataclass(frozen=True)
class Action:
    """One thing lifecycle does to one version (or upload).

    How to carry it out against S3 (or an emulator):
    - transition / noncurrent_transition: change the storage class of `version_id` in place
      (a CopyObject onto itself would add a version and reset Last-Modified, which S3 does not do);
    - expire_current: DeleteObject on `key` WITHOUT a version id: S3's own delete semantics then do
      what expiration does in every versioning state (R4.3, R4.4, R4.5);
    - expire_noncurrent / remove_expired_delete_marker: DeleteObject on `key` with `version_id`;
    - abort_multipart: AbortMultipartUpload on `key` with `upload_id`.
    """

    kind: str
    key: str
    rule_id: str
    due: datetime
    reason: str
    result: str
    version_id: str | None = None
    upload_id: str | None = None
    storage_class: str | None = None


def plan(
    config: LifecycleConfig | Mapping[str, Any], snapshot: BucketSnapshot, now: datetime
) -> list[Action]:
    """The actions lifecycle takes when it runs at `now` (normally a midnight UTC, R1.5).

    Every action whose due time is at or before `now` is included, once conflicts are resolved:
    at most one action per version and one per upload. Apply them in the order returned; version-
    specific deletes come before a key's expire_current, so a suspended bucket's null version is
    never deleted twice. Actions that S3 postpones (a delete marker losing to a transition, R5.2)
    come back on a later run, so call `plan` again at every midnight, on a fresh snapshot.
    """
    lifecycle = as_config(config)
    now = as_utc(now)
    rules = lifecycle.enabled_rules
    actions: list[Action] = []
    for key, history in snapshot.histories().items():
        actions += _plan_key(lifecycle, rules, snapshot.versioning, key, history, now)
    for upload in sorted(snapshot.uploads, key=lambda u: (u.key, u.initiated, u.upload_id)):
        action = _plan_upload(rules, upload, now)
        if action is not None:
            actions.append(action)
    return actions


def next_expiration(
    config: LifecycleConfig | Mapping[str, Any], version: ObjectVersion
) -> tuple[datetime, str] | None:
    """(expiry date, rule id) of the earliest Expiration rule for a current object, as S3 reports it
    in `x-amz-expiration` (R4.10); None when no Expiration rule applies."""
    candidates = []
    for rule in as_config(config).enabled_rules:
        due = _expiration_due(rule, version)
        if due is not None:
            candidates.append((due, rule.id))
    return min(candidates, key=lambda c: c[0]) if candidates else None


def abort_date(
    config: LifecycleConfig | Mapping[str, Any], key: str, initiated: datetime
) -> tuple[datetime, str] | None:
    """(abort date, rule id) for a new multipart upload, as S3 returns in `x-amz-abort-date` and
    `x-amz-abort-rule-id` (R4.9); None when no rule aborts it."""
    upload = MultipartUpload(key=key, upload_id="", initiated=initiated)
    candidates = [c for c in (_abort_due(rule, upload) for rule in as_config(config).enabled_rules) if c]
    return min(candidates, key=lambda c: c[0]) if candidates else None


# --- one key --------------------------------------------------------------------------------------


def _plan_key(
    lifecycle: LifecycleConfig,
    rules: tuple[Rule, ...],
    versioning: str,
    key: str,
    history: list[ObjectVersion],
    now: datetime,
) -> list[Action]:
    actions: list[Action] = []
    current, noncurrent = history[0], history[1:]
    if versioning != "Unversioned":  # R4.6: noncurrent actions do nothing in an unversioned bucket
        for rank, version in enumerate(noncurrent, start=1):
            action = _plan_noncurrent(lifecycle, rules, version, rank, now)
            if action is not None:
                actions.append(action)
    if current.is_delete_marker:
        action = _plan_current_delete_marker(rules, versioning, current, len(history), now)
    else:
        action = _plan_current_object(lifecycle, rules, versioning, current, now)
    if action is not None:
        actions.append(action)
    return actions


def _plan_current_object(
    lifecycle: LifecycleConfig,
    rules: tuple[Rule, ...],
    versioning: str,
    version: ObjectVersion,
    now: datetime,
) -> Action | None:
    expirations = []
    for rule in rules:
        due = _expiration_due(rule, version)
        if due is not None and due <= now:
            expirations.append((due, rule))
    transitions = []
    for rule in rules:
        if not _matches(rule, version):
            continue
        for step in rule.transitions:
            if step.days is not None:
                due = due_after_days(version.last_modified, step.days)
                timing = _days_reason(version.last_modified, step.days, "created")
            elif step.date is not None:
                due = max(step.date, next_midnight(version.last_modified))
                timing = f"on and after {step.date:%Y-%m-%d} (R1.4)"
            else:
                continue  # neither Days nor Date: parse_config refuses such a rule
            if due <= now and _may_transition(lifecycle, rule, version, step.storage_class):
                transitions.append((due, rule, step.storage_class, timing))

    expiration = _earliest(expirations)
    transition = _cheapest(transitions)
    if expiration is not None:
        due, rule = expiration
        permanent, result = _expiration_result(versioning, version)
        # R5.1: permanent deletion beats a transition; R5.2: a transition beats adding a delete
        # marker, which then waits for the next run.
        if permanent or transition is None:
            return Action(
                kind=EXPIRE_CURRENT,
                key=version.key,
                version_id=version.version_id,
                rule_id=rule.id,
                due=due,
                reason=_expiration_reason(rule, version),
                result=result,
            )
    if transition is not None:
        moves_at, rule, storage_class, timing = transition
        return Action(
            kind=TRANSITION,
            key=version.key,
            version_id=version.version_id,
            storage_class=storage_class,
            rule_id=rule.id,
            due=moves_at,
            reason=f"{timing}; rule {rule.id!r}",
            result=f"moved to {storage_class}",
        )
    return None


def _plan_current_delete_marker(
    rules: tuple[Rule, ...], versioning: str, marker: ObjectVersion, versions_of_key: int, now: datetime
) -> Action | None:
    # R4.4 / R4.8: only a delete marker with no noncurrent versions left ("expired") is removed.
    if versioning == "Unversioned" or versions_of_key > 1:
        return None
    candidates = []
    for rule in rules:
        expiration = rule.expiration
        if expiration is None or not _matches(rule, marker):
            continue
        if expiration.expired_object_delete_marker:
            due = next_midnight(marker.last_modified)
            candidates.append((due, rule, "ExpiredObjectDeleteMarker: no noncurrent versions left (R4.8)"))
        elif expiration.days is not None:
            # R4.4: with Days, the cleanup waits until the marker itself is old enough.
            due = due_after_days(marker.last_modified, expiration.days)
            candidates.append(
                (due, rule, "no noncurrent versions left and "
                 + _days_reason(marker.last_modified, expiration.days, "marker created") + " (R4.4)")
            )
    due_now = [c for c in candidates if c[0] <= now]
    if not due_now:
        return None
    due, rule, why = min(due_now, key=lambda c: c[0])
    return Action(
        kind=REMOVE_EXPIRED_DELETE_MARKER,
        key=marker.key,
        version_id=marker.version_id,
        rule_id=rule.id,
        due=due,
        reason=f"{why}; rule {rule.id!r}",
        result="expired delete marker removed",
    )


def _plan_noncurrent(
    lifecycle: LifecycleConfig, rules: tuple[Rule, ...], version: ObjectVersion, rank: int, now: datetime
) -> Action | None:
    """`rank` is 1 for the newest noncurrent version of the key, 2 for the next, and so on."""
    since = version.noncurrent_since
    assert since is not None
    expirations = []
    transitions = []
    for rule in rules:
        if not _matches(rule, version):
            continue
        expiration = rule.noncurrent_expiration
        if expiration is not None and _beyond_retained(rank, expiration.newer_noncurrent_versions):
            due = due_after_days(since, expiration.noncurrent_days)
            if due <= now:
                expirations.append((due, rule, _noncurrent_reason(since, expiration.noncurrent_days,
                                                                  rank, expiration.newer_noncurrent_versions)))
        if version.is_delete_marker:
            continue
        for transition in rule.noncurrent_transitions:
            if not _beyond_retained(rank, transition.newer_noncurrent_versions):
                continue
            due = due_after_days(since, transition.noncurrent_days)
            if due <= now and _may_transition(lifecycle, rule, version, transition.storage_class):
                transitions.append(
                    (due, rule, transition.storage_class,
                     _noncurrent_reason(since, transition.noncurrent_days, rank,
                                        transition.newer_noncurrent_versions))
                )
    if expirations:  # R5.1: permanent deletion beats a transition
        due, rule, why = min(expirations, key=lambda c: c[0])
        return Action(
            kind=EXPIRE_NONCURRENT,
            key=version.key,
            version_id=version.version_id,
            rule_id=rule.id,
            due=due,
            reason=f"{why}; rule {rule.id!r}",
            result="noncurrent delete marker removed" if version.is_delete_marker else "permanently deleted",
        )
    chosen = _cheapest(transitions)
    if chosen is None:
        return None
    due, rule, storage_class, why = chosen
    return Action(
        kind=NONCURRENT_TRANSITION,
        key=version.key,
        version_id=version.version_id,
        storage_class=storage_class,
        rule_id=rule.id,
        due=due,
        reason=f"{why}; rule {rule.id!r}",
        result=f"moved to {storage_class}",
    )


def _plan_upload(rules: tuple[Rule, ...], upload: MultipartUpload, now: datetime) -> Action | None:
    candidates = [c for c in (_abort_due(rule, upload) for rule in rules) if c and c[0] <= now]
    if not candidates:
        return None
    due, rule_id = min(candidates, key=lambda c: c[0])
    days = next(r.abort_incomplete_upload_days or 0 for r in rules if r.id == rule_id)  # set: it was due
    return Action(
        kind=ABORT_MULTIPART,
        key=upload.key,
        upload_id=upload.upload_id,
        rule_id=rule_id,
        due=due,
        reason=f"{_days_reason(upload.initiated, days, 'initiated')} (R4.9); rule {rule_id!r}",
        result="incomplete multipart upload aborted, parts deleted",
    )


# --- pieces -----------------------------------------------------------------------------------------


def _matches(rule: Rule, version: ObjectVersion) -> bool:
    return rule.filter.matches(
        version.key, size=version.size, tags=version.tags, is_delete_marker=version.is_delete_marker
    )


def _expiration_due(rule: Rule, version: ObjectVersion) -> datetime | None:
    expiration = rule.expiration
    if expiration is None or version.is_delete_marker or not _matches(rule, version):
        return None
    if expiration.days is not None:
        return due_after_days(version.last_modified, expiration.days)
    if expiration.date is not None:
        # R1.4: every matching object, including those created after the Date (at the next run).
        return max(expiration.date, next_midnight(version.last_modified))
    return None


def _abort_due(rule: Rule, upload: MultipartUpload) -> tuple[datetime, str] | None:
    if rule.abort_incomplete_upload_days is None or not rule.filter.matches_key(upload.key):
        return None
    return due_after_days(upload.initiated, rule.abort_incomplete_upload_days), rule.id


def _may_transition(lifecycle: LifecycleConfig, rule: Rule, version: ObjectVersion, target: str) -> bool:
    if not can_transition(version.storage_class, target):  # R2.10: never up, never to the same class
        return False
    if rule.filter.has_size_bounds:  # R3.3: the rule's own size filter decides
        return True
    if version.size >= MINIMUM_TRANSITION_SIZE:
        return True
    if lifecycle.minimum_object_size == "varies_by_storage_class":  # R3.2
        return target in SMALL_OBJECT_TARGETS
    return False  # R3.1


def _beyond_retained(rank: int, newer_noncurrent_versions: int | None) -> bool:
    # R4.7: keep the N newest noncurrent versions; only older ones may be acted on.
    return newer_noncurrent_versions is None or rank > newer_noncurrent_versions


def _expiration_result(versioning: str, version: ObjectVersion) -> tuple[bool, str]:
    """(is it a permanent deletion, what happens) when a current object expires."""
    if versioning == "Unversioned":
        return True, "permanently deleted"  # R4.3
    if versioning == "Suspended" and version.version_id == NULL_VERSION:
        return True, "null version permanently deleted, replaced by a null delete marker"  # R4.5
    if versioning == "Suspended":
        return False, "null delete marker added; this version becomes noncurrent"  # R4.5
    return False, "delete marker added; this version becomes noncurrent"  # R4.4


def _expiration_reason(rule: Rule, version: ObjectVersion) -> str:
    expiration = rule.expiration
    assert expiration is not None
    if expiration.days is not None:
        return f"{_days_reason(version.last_modified, expiration.days, 'created')}; rule {rule.id!r}"
    assert expiration.date is not None
    return f"on and after {expiration.date:%Y-%m-%d} (R1.4); rule {rule.id!r}"


def _days_reason(start: datetime, days: int, what: str) -> str:
    return f"{what} {start:%Y-%m-%d %H:%M} UTC + {days} days, rounded up to midnight UTC"


def _noncurrent_reason(since: datetime, days: int, rank: int, keep: int | None) -> str:
    text = _days_reason(since, days, "noncurrent since")
    if keep is not None:
        text += f", and {rank - 1} newer noncurrent versions exist (keeps {keep}, R4.7)"
    return text


def _earliest(candidates: list[tuple[datetime, Rule]]) -> tuple[datetime, Rule] | None:
    # R5.4: the shorter expiration wins; on a tie, the first rule in the configuration.
    return min(candidates, key=lambda c: c[0]) if candidates else None


def _cheapest(candidates: list[tuple[Any, ...]]) -> tuple[Any, ...] | None:
    # R5.3 / R5.4: the cheaper class wins; on a tie, the earliest due, then the first rule.
    if not candidates:
        return None
    return min(candidates, key=lambda c: (preference_rank(c[2]), c[0]))

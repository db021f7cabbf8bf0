"""Why a lifecycle timeline shows no transition for a small object: the notes beside each version
(the picture is awslab.pictures.s3_lifecycle)."""

from __future__ import annotations

from typing import Any

from .bucket import BucketSnapshot, ObjectVersion
from .rules import LifecycleConfig
from .storage_classes import MINIMUM_TRANSITION_SIZE, SMALL_OBJECT_TARGETS

SMALL_OBJECTS_PAGE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html"


def small_object_notes(lifecycle: LifecycleConfig, snapshot: BucketSnapshot) -> dict[tuple[str, str], list[str]]:
    """Per version: the transitions a rule names that S3 skips because the object is under 128 KiB
    (R3.1, R3.2: the default since September 2024), so the timeline says why nothing moved."""
    notes: dict[tuple[str, str], list[str]] = {}
    for version in (v for history in snapshot.histories().values() for v in history):
        if version.is_delete_marker or version.size >= MINIMUM_TRANSITION_SIZE:
            continue
        for rule in lifecycle.enabled_rules:
            if rule.filter.has_size_bounds or not rule.filter.matches(version.key, size=version.size, tags=version.tags):
                continue
            skipped = _skipped_targets(lifecycle, rule, version)
            if not skipped:
                continue
            setting = _minimum_size_setting(lifecycle)
            notes.setdefault((version.key, version.version_id), []).append(
                f"not moved to {', '.join(skipped)} by rule {rule.id!r}: {size_text(version.size)} is under 128 KiB, and "
                f"{setting} ({SMALL_OBJECTS_PAGE})")
    return notes


def _skipped_targets(lifecycle: LifecycleConfig, rule: Any, version: ObjectVersion) -> list[str]:
    """The storage classes the rule would move this small version to and S3 does not."""
    targets = [t.storage_class for t in rule.transitions] if version.is_latest else []
    targets += [t.storage_class for t in rule.noncurrent_transitions]
    return [t for t in dict.fromkeys(targets)
            if lifecycle.minimum_object_size != "varies_by_storage_class" or t not in SMALL_OBJECT_TARGETS]


def _minimum_size_setting(lifecycle: LifecycleConfig) -> str:
    if lifecycle.minimum_object_size == "varies_by_storage_class":
        return ("TransitionDefaultMinimumObjectSize is varies_by_storage_class: objects under 128 KiB "
                "may go only to GLACIER or DEEP_ARCHIVE")
    return ("since September 2024 S3 does not transition objects under 128 KiB (131,072 bytes) by "
            "default (TransitionDefaultMinimumObjectSize all_storage_classes_128K); a size filter "
            "(ObjectSizeGreaterThan) on the rule decides instead")


def size_text(size: int) -> str:
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GB"
    if size >= 1024**2:
        return f"{size / 1024**2:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


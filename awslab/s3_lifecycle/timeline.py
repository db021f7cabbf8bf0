"""A lifecycle timeline a person reads at a glance: per key, per version, what happens on which day."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from rich.text import Text
from rich.tree import Tree

from .bucket import BucketSnapshot, ObjectVersion
from .dates import as_utc, start_of_day
from .plan import ABORT_MULTIPART, EXPIRE_CURRENT
from .rules import LifecycleConfig, parse_config
from .simulate import Event, Timeline, simulate
from .storage_classes import MINIMUM_TRANSITION_SIZE, SMALL_OBJECT_TARGETS

_STYLE = {
    "transition": "cyan",
    "noncurrent_transition": "cyan",
    "expire_current": "red",
    "expire_noncurrent": "red",
    "remove_expired_delete_marker": "magenta",
    "abort_multipart": "yellow",
}


def explain(
    config: LifecycleConfig | Mapping[str, Any],
    snapshot: BucketSnapshot,
    days: int,
    start: datetime | None = None,
) -> Tree:
    """Simulate `days` days of lifecycle from `start` (default: the newest time in the snapshot) and
    render the timeline: what `awslab s3 lifecycle explain --bucket B --days N` prints."""
    begin = as_utc(start) if start is not None else snapshot.latest_time()
    if begin is None:
        begin = start_of_day(datetime.now().astimezone())
    lifecycle = config if isinstance(config, LifecycleConfig) else parse_config(config)
    return render_timeline(simulate(lifecycle, snapshot, begin + timedelta(days=days), start=begin),
                           notes=small_object_notes(lifecycle, snapshot))


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
                f"not moved to {', '.join(skipped)} by rule {rule.id!r}: {_size(version.size)} is under 128 KiB, and "
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


def render_timeline(timeline: Timeline, notes: Mapping[tuple[str, str], list[str]] | None = None) -> Tree:
    """A rich Tree: bucket → key → version → "day 31 · 2025-02-01 → moved to STANDARD_IA (rule r1)".

    Day numbers count from the start of the simulation (day 0 = the start date).
    """
    origin = start_of_day(timeline.start)
    bucket = f"bucket {timeline.initial.bucket!r}" if timeline.initial.bucket else "bucket"
    root = Tree(
        Text.assemble(
            (f"Lifecycle of {bucket}", "bold"),
            f" ({timeline.initial.versioning.lower()}), "
            f"{timeline.start:%Y-%m-%d %H:%M} UTC → {timeline.until:%Y-%m-%d %H:%M} UTC; "
            f"day 0 = {origin:%Y-%m-%d}",
        )
    )
    version_nodes = _version_nodes(timeline, root, origin)
    upload_nodes = _upload_nodes(timeline, root)
    # An expiration in a versioned bucket adds a delete marker: later events on it hang under it.
    for event in timeline.events:
        line = _event_line(event, origin)
        if event.kind == ABORT_MULTIPART:
            upload_nodes[event.upload_id].add(line)
            continue
        node = version_nodes[(event.key, event.version_id)]
        node.add(line)
        if event.kind == EXPIRE_CURRENT and event.new_version_id is not None:
            key_node = version_nodes[(event.key, None)]
            version_nodes[(event.key, event.new_version_id)] = key_node.add(
                Text.assemble(
                    ("delete marker ", "magenta"),
                    (event.new_version_id, "bold"),
                    f" · added {_day(event.at, origin)} ({event.at:%Y-%m-%d}) by rule {event.rule_id!r}",
                )
            )
    _mark_quiet(root)
    for (key, version_id), lines in (notes or {}).items():
        noted = version_nodes.get((key, version_id))
        if noted is None:
            continue
        for note in lines:
            noted.add(Text(note, style="yellow"))
    if not timeline.initial.versions and not timeline.initial.uploads:
        root.add(Text("no objects and no incomplete multipart uploads", style="dim"))
    return root


def _version_nodes(timeline: Timeline, root: Tree, origin: datetime) -> dict[tuple[str, str | None], Tree]:
    nodes: dict[tuple[str, str | None], Tree] = {}
    for key, history in timeline.initial.histories().items():
        key_node = root.add(Text(key, style="bold"))
        nodes[(key, None)] = key_node
        for version in history:
            nodes[(key, version.version_id)] = key_node.add(_version_label(version, origin))
    return nodes


def _upload_nodes(timeline: Timeline, root: Tree) -> dict[str | None, Tree]:
    nodes: dict[str | None, Tree] = {}
    if not timeline.initial.uploads:
        return nodes
    uploads_node = root.add(Text("incomplete multipart uploads", style="bold"))
    for upload in sorted(timeline.initial.uploads, key=lambda u: (u.key, u.initiated)):
        nodes[upload.upload_id] = uploads_node.add(
            Text.assemble(
                (upload.key, "bold"),
                f" · upload {upload.upload_id} · initiated {upload.initiated:%Y-%m-%d %H:%M} UTC",
            )
        )
    return nodes


def _version_label(version: ObjectVersion, origin: datetime) -> Text:
    if version.is_delete_marker:
        head = Text.assemble(("delete marker ", "magenta"), (version.version_id, "bold"))
    else:
        head = Text.assemble("version ", (version.version_id, "bold"))
        head.append(f" · {version.storage_class} · {_size(version.size)}")
        if version.tags:
            head.append(" · tags " + ", ".join(f"{k}={v}" for k, v in sorted(version.tags.items())))
    head.append(f" · created {version.last_modified:%Y-%m-%d %H:%M} UTC")
    if version.is_latest:
        head.append(" · current", style="green")
    else:
        head.append(f" · noncurrent since {version.noncurrent_since:%Y-%m-%d %H:%M} UTC", style="dim")
    return head


def _event_line(event: Event, origin: datetime) -> Text:
    return Text.assemble(
        (f"{_day(event.at, origin):<8}", "bold"),
        f"{event.at:%Y-%m-%d}  → ",
        (event.what, _STYLE.get(event.kind, "")),
        (f"  (rule {event.rule_id})", "dim"),
    )


def _mark_quiet(root: Tree) -> None:
    """Say so when nothing happens to a version in the window, rather than leave it bare."""
    for key_node in root.children:
        for node in key_node.children:
            if not node.children:
                node.add(Text("nothing happens in this window", style="dim"))


def _day(moment: datetime, origin: datetime) -> str:
    return f"day {(start_of_day(moment) - origin).days}"


def _size(size: int) -> str:
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GB"
    if size >= 1024**2:
        return f"{size / 1024**2:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


"""The S3 lifecycle timeline a person reads at a glance: per key, per version, what happens on which day."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from rich.text import Text
from rich.tree import Tree

from ..models.s3_lifecycle.bucket import BucketSnapshot, ObjectVersion
from ..models.s3_lifecycle.dates import as_utc, start_of_day
from ..models.s3_lifecycle.plan import ABORT_MULTIPART, EXPIRE_CURRENT
from ..models.s3_lifecycle.rules import LifecycleConfig, parse_config
from ..models.s3_lifecycle.simulate import Event, Timeline, simulate
from ..models.s3_lifecycle.timeline import size_text as _size, small_object_notes

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



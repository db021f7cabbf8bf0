"""`awslab s3 lifecycle explain`: what a lifecycle configuration does to a bucket, day by day.

Offline, from files: the configuration as sent to PutBucketLifecycleConfiguration (JSON in boto3's
shape, or S3's XML body) and the objects (a ListObjectVersions response saved as JSON, or a list of
{"key", "last_modified", "size", ...}). awslab's model simulates the days and draws the timeline.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Optional

import typer

from .common import UsageError

lifecycle_app = typer.Typer(help="S3 lifecycle with awslab's own engine.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    s3_app = typer.Typer(help="S3 tools: lifecycle timelines.", no_args_is_help=True)
    s3_app.add_typer(lifecycle_app, name="lifecycle")
    app.add_typer(s3_app, name="s3")


MAX_DAYS = 36_500


@lifecycle_app.command("explain")
def explain_command(
    config: Path = typer.Option(..., "--config", help="Lifecycle configuration: JSON ({\"Rules\": [...]}) or XML."),
    objects: Optional[Path] = typer.Option(None, "--objects", help="Objects: a ListObjectVersions response as "
                                           "JSON, or a list of {key, last_modified, size, storage_class, ...}."),
    days: int = typer.Option(400, "--days", help="How many days to simulate (1 to 36500)."),
    versioning: str = typer.Option("Enabled", "--versioning", help="Enabled, Suspended or Unversioned."),
    start: Optional[str] = typer.Option(None, "--start", help="Day 0 (ISO 8601); default: the newest object."),
    bucket: str = typer.Option("", "--bucket", help="The bucket's name, for the title."),
) -> None:
    """Per object version, what lifecycle does on which day."""
    from rich.console import Console

    from ..models.s3_lifecycle import BucketSnapshot, LifecycleError, parse_config, parse_lifecycle_xml
    from ..models.s3_lifecycle.dates import parse_date
    from ..pictures.s3_lifecycle import explain

    if days < 1:
        raise UsageError(f"--days must be at least 1, not {days}")
    if days > MAX_DAYS:
        raise UsageError(f"--days must be at most {MAX_DAYS} (100 years), not {days}")
    if versioning not in ("Enabled", "Suspended", "Unversioned"):
        raise UsageError(f"--versioning must be Enabled, Suspended or Unversioned, not {versioning!r}")
    text = _read(config, "lifecycle configuration")
    try:
        raw = parse_lifecycle_xml(text) if text.lstrip().startswith("<") else _json(text, config)
        lifecycle = parse_config(raw)
    except LifecycleError as error:
        raise UsageError(f"{config}: S3 would reject this configuration: {error.code}: {error.message}") from None
    listing = _json(_read(objects, "objects"), objects) if objects else {"Versions": []}
    try:
        snapshot = BucketSnapshot.from_boto3(versioning=versioning, listing=_as_listing(listing), bucket=bucket)
        begin = parse_date(start) if start else None
    except (KeyError, TypeError, ValueError) as error:
        raise UsageError(f"{objects or '--start'}: cannot read it ({type(error).__name__}: {error})") from None
    Console().print(explain(lifecycle, snapshot, days, start=begin))


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text()
    except FileNotFoundError:
        raise UsageError(f"{what} file not found: {path}") from None
    except OSError as error:
        raise UsageError(f"cannot read {what} file {path}: {error.strerror}") from None


def _json(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(f"{path} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})") from None


def _as_listing(value: Any) -> dict[str, list[dict]]:
    """A ListObjectVersions response as it is, or a plain list of objects turned into one."""
    if isinstance(value, dict) and ("Versions" in value or "DeleteMarkers" in value):
        return value
    if not isinstance(value, list):
        raise TypeError("expected a ListObjectVersions response or a list of objects")
    listing: dict[str, list[dict]] = {"Versions": [], "DeleteMarkers": []}
    for number, item in enumerate(value, start=1):
        entry = {"Key": item["key"], "VersionId": item.get("version_id") or f"v{number}",
                 "LastModified": _when(item["last_modified"])}
        if "is_latest" in item:
            entry["IsLatest"] = item["is_latest"]
        if item.get("is_delete_marker"):
            listing["DeleteMarkers"].append(entry)
        else:
            entry.update(Size=int(item.get("size", 0)), StorageClass=item.get("storage_class", "STANDARD"))
            listing["Versions"].append(entry)
    return listing


def _when(value: Any) -> dt.datetime:
    from ..models.s3_lifecycle.dates import parse_date

    return parse_date(value)

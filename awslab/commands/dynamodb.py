"""`awslab dynamodb item-size|capacity`: what an item weighs and what an operation on it costs."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Optional

import typer

from .common import UsageError


def _load_item(item: str) -> dict:
    text = Path(item).read_text() if Path(item).is_file() else item
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"not a file nor JSON: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError("an item is a JSON object in low-level form, e.g. {\"pk\": {\"S\": \"a\"}}")
    return data.get("Item", data)


MAX_ITEM_BYTES = 400 * 1024  # DynamoDB's item size limit, names and values together
MAX_TABLE_UNITS = 40_000  # the default per-table read (and write) throughput quota, units per second


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="DynamoDB capacity: item sizes and the RCU/WCU an operation costs.",
                        no_args_is_help=True)

    @group.command("item-size")
    def item_size_command(item: str = typer.Argument(..., help="A JSON file or JSON text: an item in low-level form.")):
        """Bytes an item counts for capacity units, attribute by attribute."""
        from ..models.dynamodb_capacity import attribute_value_size, item_size

        data = _load_item(item)
        try:
            for name, value in data.items():
                typer.echo(f"  {name:<24} {len(name.encode()) + attribute_value_size(value):>8} B")
            typer.echo(f"item size: {item_size(data)} B")
        except (ValueError, TypeError, AttributeError) as exc:
            raise UsageError(f"not an item in low-level form: {exc}") from None

    @group.command("capacity")
    def capacity_command(
        item: Optional[str] = typer.Argument(None, help="A JSON file or JSON text (an item); or give --size."),
        size: Optional[int] = typer.Option(None, "--size", help="Item size in bytes instead of an item."),
        rate: float = typer.Option(1.0, "--per-second", help="Operations per second."),
    ):
        """RCU and WCU of reading and writing one item (or a size), per consistency."""
        from ..models.dynamodb_capacity import item_size, read_units, write_units

        if (item is None) == (size is None):
            raise UsageError("give an item or --size, not both" if item is not None else "give an item or --size")
        try:
            nbytes = size if size is not None else item_size(_load_item(item or ""))  # one was given
        except (ValueError, TypeError, AttributeError) as exc:
            raise UsageError(f"not an item in low-level form: {exc}") from None
        if nbytes < 0:
            raise UsageError("--size must not be negative")
        if nbytes > MAX_ITEM_BYTES:
            raise UsageError(f"an item of {nbytes} B is over DynamoDB's limit of 400 KB ({MAX_ITEM_BYTES} B): "
                             "PutItem would refuse it with ValidationException")
        if not math.isfinite(rate) or rate <= 0 or rate > MAX_TABLE_UNITS:
            raise UsageError(f"--per-second must be above 0 and at most {MAX_TABLE_UNITS} (a table's default "
                             f"throughput quota), not {rate:g}")
        typer.echo(f"item size {nbytes} B, {rate:g} per second")
        for consistency in ("strong", "eventual", "transactional"):
            typer.echo(f"  read  {consistency:<14} {read_units(nbytes, consistency) * rate:>10g} RCU")
        typer.echo(f"  write {'standard':<14} {write_units(nbytes) * rate:>10g} WCU")
        typer.echo(f"  write {'transactional':<14} {write_units(nbytes, True) * rate:>10g} WCU")
        typer.echo("(per 1 KB written and 4 KB read, rounded up; a GSI that indexes the item adds its own writes)")

    app.add_typer(group, name="dynamodb")

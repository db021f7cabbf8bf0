"""The ``ConsumedCapacity`` part of a response, for ReturnConsumedCapacity TOTAL or INDEXES (R4.x)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .costs import Cost

MODES = ("NONE", "TOTAL", "INDEXES")  # R4.1

# R4.4: these return a list with one element per table; the others a single object.
LIST_OPERATIONS = frozenset({"BatchGetItem", "BatchWriteItem", "TransactGetItems", "TransactWriteItems"})

# The aws-cli examples for transactions also carry Read/WriteCapacityUnits (equal to
# CapacityUnits, R4.2); the single-item examples do not.
_SPLIT_UNIT_OPERATIONS = frozenset({"TransactGetItems", "TransactWriteItems"})


def consumed_capacity(
    table_name: str, cost: Cost, mode: str | None, *, with_read_write_units: bool = False
) -> dict[str, Any] | None:
    """One table's ``ConsumedCapacity`` object, or None when the learner did not ask (NONE)."""
    mode = _mode(mode)
    if mode == "NONE":
        return None
    out: dict[str, Any] = {"TableName": table_name}
    out.update(_units(cost.total, cost.kind, with_read_write_units))
    if mode == "INDEXES":
        out["Table"] = _units(cost.table, cost.kind, with_read_write_units)
        if cost.global_indexes:
            out["GlobalSecondaryIndexes"] = {
                name: _units(units, cost.kind, with_read_write_units)
                for name, units in cost.global_indexes.items()
            }
        if cost.local_indexes:
            out["LocalSecondaryIndexes"] = {
                name: _units(units, cost.kind, with_read_write_units)
                for name, units in cost.local_indexes.items()
            }
    return out


def consumed_capacity_shape(
    operation: str, costs: Mapping[str, Cost], mode: str | None
) -> dict[str, Any] | list[dict[str, Any]] | None:
    """The response's ``ConsumedCapacity`` value for ``operation``.

    ``costs`` maps the table name *as the request gave it* (name or ARN) to its cost.
    Batch and transaction operations get a list, one element per table; the rest a single
    object and exactly one table. None means: leave the key out of the response.
    """
    if _mode(mode) == "NONE":
        return None
    split = operation in _SPLIT_UNIT_OPERATIONS
    if operation in LIST_OPERATIONS:
        return [
            consumed_capacity(name, cost, mode, with_read_write_units=split)  # type: ignore[misc]
            for name, cost in costs.items()
        ]
    if len(costs) != 1:
        raise ValueError(f"{operation} reads or writes one table, got {len(costs)}")
    ((name, cost),) = costs.items()
    return consumed_capacity(name, cost, mode, with_read_write_units=split)


def _units(units: float, kind: str, with_read_write_units: bool) -> dict[str, float]:
    out = {"CapacityUnits": float(units)}
    if with_read_write_units:
        out["ReadCapacityUnits" if kind == "read" else "WriteCapacityUnits"] = float(units)
    return out


def _mode(mode: str | None) -> str:
    mode = mode or "NONE"
    if mode not in MODES:
        raise ValueError(f"ReturnConsumedCapacity must be one of {MODES}, got {mode!r}")
    return mode

"""A capacity timeline per table: consumed vs provisioned per virtual second, and throttles.

The meter records into it; after a check a learner sees it as a terminal chart or an HTML/SVG page
(awslab.pictures.dynamodb_capacity).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

Kind = Literal["read", "write"]
Resource = tuple[str, "str | None"]  # (table, GSI/LSI name or None)


@dataclass(frozen=True)
class SecondStats:
    """One virtual second (or, once bucketed, a run of seconds: ``second`` .. ``last``)."""

    second: int
    consumed_read: float = 0.0
    consumed_write: float = 0.0
    provisioned_read: float | None = None  # None: on-demand or not known
    provisioned_write: float | None = None
    throttled_read: int = 0
    throttled_write: int = 0
    last: int | None = None

    def consumed(self, kind: Kind) -> float:
        return self.consumed_read if kind == "read" else self.consumed_write

    def provisioned(self, kind: Kind) -> float | None:
        return self.provisioned_read if kind == "read" else self.provisioned_write

    def throttled(self, kind: Kind) -> int:
        return self.throttled_read if kind == "read" else self.throttled_write


class CapacityTimeline:
    def __init__(self) -> None:
        self._seconds: dict[Resource, dict[int, SecondStats]] = {}
        self._provisioned: dict[Resource, list[tuple[float, float | None, float | None]]] = {}

    def record_provisioned(
        self, t: float, table: str, read: float | None, write: float | None, index: str | None = None
    ) -> None:
        self._provisioned.setdefault((table, index), []).append((t, read, write))

    def record_consumed(
        self, t: float, table: str, kind: Kind, units: float, index: str | None = None
    ) -> None:
        stats = self._at(t, table, index)
        field = "consumed_read" if kind == "read" else "consumed_write"
        self._put(t, table, index, replace(stats, **{field: getattr(stats, field) + units}))

    def record_throttled(self, t: float, table: str, kind: Kind, index: str | None = None) -> None:
        stats = self._at(t, table, index)
        field = "throttled_read" if kind == "read" else "throttled_write"
        self._put(t, table, index, replace(stats, **{field: getattr(stats, field) + 1}))

    def resources(self) -> list[Resource]:
        return sorted(set(self._seconds) | set(self._provisioned), key=lambda r: (r[0], r[1] or ""))

    def seconds(self, table: str, index: str | None = None) -> list[SecondStats]:
        """Every second from the first to the last with traffic, idle ones included.

        Indexes: a GSI has its own provisioned capacity; an LSI's units are the table's.
        """
        recorded = self._seconds.get((table, index), {})
        if not recorded:
            return []
        changes = sorted(self._provisioned.get((table, index), []), key=lambda c: c[0])
        out = []
        for second in range(min(recorded), max(recorded) + 1):
            read, write = _provisioned_at(changes, second)
            stats = recorded.get(second, SecondStats(second))
            out.append(replace(stats, provisioned_read=read, provisioned_write=write))
        return out

    def _at(self, t: float, table: str, index: str | None) -> SecondStats:
        second = math.floor(t)
        return self._seconds.get((table, index), {}).get(second, SecondStats(second))

    def _put(self, t: float, table: str, index: str | None, stats: SecondStats) -> None:
        self._seconds.setdefault((table, index), {})[math.floor(t)] = stats


def _provisioned_at(
    changes: list[tuple[float, float | None, float | None]], second: int
) -> tuple[float | None, float | None]:
    read = write = None
    for t, r, w in changes:
        if t >= second + 1:
            break
        read, write = r, w
    return read, write


def bucketed(stats: list[SecondStats], max_rows: int) -> list[SecondStats]:
    """Group seconds so at most ``max_rows`` remain: consumption is the busiest second of the
    group (a spike must stay visible), provisioned the lowest, throttles summed."""
    if len(stats) <= max_rows:
        return stats
    size = math.ceil(len(stats) / max_rows)
    out = []
    for start in range(0, len(stats), size):
        group = stats[start : start + size]
        out.append(
            SecondStats(
                second=group[0].second,
                last=group[-1].second,
                consumed_read=max(s.consumed_read for s in group),
                consumed_write=max(s.consumed_write for s in group),
                provisioned_read=_lowest(s.provisioned_read for s in group),
                provisioned_write=_lowest(s.provisioned_write for s in group),
                throttled_read=sum(s.throttled_read for s in group),
                throttled_write=sum(s.throttled_write for s in group),
            )
        )
    return out


def _lowest(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return min(known) if known else None

"""Capacity units from sizes (rules R2.1, R2.3, R3.1, R3.6)."""

from __future__ import annotations

import math
from typing import Literal

Consistency = Literal["eventual", "strong", "transactional"]

READ_BLOCK = 4096  # R2.1: reads round up to 4 KB
WRITE_BLOCK = 1024  # R3.1: writes round up to 1 KB

_READ_FACTOR: dict[str, float] = {"eventual": 0.5, "strong": 1.0, "transactional": 2.0}


def read_blocks(size: int) -> int:
    """4 KB blocks a read of ``size`` bytes touches; at least one (R2.3: a miss costs the minimum)."""
    return max(1, math.ceil(size / READ_BLOCK))


def write_blocks(size: int) -> int:
    """1 KB blocks a write of ``size`` bytes touches; at least one (R3.1, R3.4)."""
    return max(1, math.ceil(size / WRITE_BLOCK))


def read_units(size: int, consistency: Consistency = "eventual") -> float:
    """RCU for reading ``size`` bytes in one rounding: SC 1 per 4 KB, EC half, TX double (R2.1)."""
    return read_blocks(size) * consistency_factor(consistency)


def write_units(size: int, transactional: bool = False) -> float:
    """WCU for writing ``size`` bytes: 1 per KB, at least 1; transactional doubles (R3.1, R3.6)."""
    return float(write_blocks(size) * (2 if transactional else 1))


def consistency_factor(consistency: Consistency) -> float:
    try:
        return _READ_FACTOR[consistency]
    except KeyError:
        raise ValueError(
            f"consistency must be one of {sorted(_READ_FACTOR)}, got {consistency!r}"
        ) from None


def consistency_of(consistent_read: bool | None) -> Consistency:
    """The request flag ``ConsistentRead`` as a consistency; absent means eventual (R2.2)."""
    return "strong" if consistent_read else "eventual"

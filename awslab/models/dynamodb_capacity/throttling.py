"""Throttling of provisioned tables on the virtual clock (rules R5.1-R5.7).

AWS documents the rate (R5.1) and that up to 300 seconds of unused capacity is retained
as burst (R5.3), but not the algorithm. awslab's model, a design choice:

* One token bucket per table and per GSI, separately for reads and writes. LSIs have
  no bucket: they spend the table's capacity.
* A bucket refills continuously at the provisioned rate (units per second of the injected
  clock) and holds at most ``burst_seconds`` (300) x rate tokens.
* A new bucket starts with ``initial_seconds`` (2) x rate tokens: the current second's
  allowance and one second of burst. So a fresh 5-WCU table takes ten 1-KB writes at once
  and throttles the eleventh; more burst has to be earned by idling, deterministically.
  Why two: AWS documents no starting state, and moto's tests marked aws_verified, which
  passed against AWS, spend a put and then a 10-WCU transaction at once on a fresh 5-WCU
  table; with one second that transaction is cancelled (docs/dynamodb.md, issue 16).
* A request is admitted when the bucket holds its cost. A request costing more than one
  second of rate (a large item on a small table) is admitted once the bucket holds one
  second's worth, and the balance goes negative until refills pay it back. Without this, an
  item costing more than 300 x rate could never be written; AWS does accept such items.
  Admission and spending happen together: a throttled request spends nothing.
* A write is admitted only if the table and every GSI it touches can pay (R3.8).
  GSI reads spend only the GSI's bucket (R2.7).
* On-demand tables never throttle: R5.5's limits (4,000 WRU/12,000 RRU for a new table)
  are far above lab loads and are not modelled. Per-partition limits (R5.4) are not modelled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .costs import Cost, Kind
from .timeline import CapacityTimeline

Clock = Callable[[], float]

BURST_SECONDS = 300.0  # R5.3
INITIAL_SECONDS = 2.0
_EPSILON = 1e-9  # float refills such as 0.2 s x 5/s must count as one whole unit


class TokenBucket:
    """Units available to one provisioned resource, refilled at ``rate`` per second."""

    def __init__(
        self,
        rate: float,
        clock: Clock,
        *,
        burst_seconds: float = BURST_SECONDS,
        initial_seconds: float = INITIAL_SECONDS,
    ) -> None:
        if rate < 0 or burst_seconds <= 0 or initial_seconds < 0:
            raise ValueError("rate, burst_seconds and initial_seconds must be non-negative")
        self._clock = clock
        self._rate = float(rate)
        self.burst_seconds = float(burst_seconds)
        self._tokens = min(initial_seconds, burst_seconds) * self._rate
        self._updated = clock()

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def capacity(self) -> float:
        return self._rate * self.burst_seconds

    @property
    def tokens(self) -> float:
        self._refill()
        return self._tokens

    def can_spend(self, units: float) -> bool:
        if units <= 0:
            return True
        if self._rate <= 0:
            return False
        return self.tokens + _EPSILON >= min(units, self._rate)

    def spend(self, units: float) -> None:
        """Take units unconditionally (may go negative); for charges known only afterwards."""
        self._refill()
        self._tokens -= units

    def try_consume(self, units: float) -> bool:
        if not self.can_spend(units):
            return False
        self.spend(units)
        return True

    def set_rate(self, rate: float) -> None:
        """UpdateTable: what accrued so far accrued at the old rate; the cap follows the new one."""
        self._refill()
        self._rate = float(rate)
        self._tokens = min(self._tokens, self.capacity)

    def _refill(self) -> None:
        now = self._clock()
        if now > self._updated:
            self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self._rate)
        # A clock that moves backwards (a reset virtual clock) refills nothing.
        self._updated = now


@dataclass(frozen=True)
class Throttle:
    """One resource that could not pay: the table itself (index None) or a GSI."""

    table: str
    index: str | None
    kind: Kind

    @property
    def reason(self) -> str:
        """The ``ThrottlingReasons[].reason`` value (R5.2)."""
        resource = "Table" if self.index is None else "Index"
        operation = "Read" if self.kind == "read" else "Write"
        return f"{resource}{operation}ProvisionedThroughputExceeded"

    def resource_arn(self, region: str, account_id: str) -> str:
        arn = f"arn:aws:dynamodb:{region}:{account_id}:table/{self.table}"
        return arn if self.index is None else f"{arn}/index/{self.index}"


@dataclass(frozen=True)
class Admission:
    """The meter's answer to one request: admitted, or which resources throttled it."""

    throttles: tuple[Throttle, ...] = ()

    @property
    def admitted(self) -> bool:
        return not self.throttles


@dataclass
class _Throughput:
    read: TokenBucket
    write: TokenBucket

    def bucket(self, kind: Kind) -> TokenBucket:
        return self.read if kind == "read" else self.write


class CapacityMeter:
    """Provisioned capacity of every table in one account, on one clock.

    Tables the meter was never told about, and on-demand tables, are metered (for the
    timeline) but never throttled.
    """

    def __init__(
        self,
        clock: Clock,
        *,
        burst_seconds: float = BURST_SECONDS,
        initial_seconds: float = INITIAL_SECONDS,
        timeline: CapacityTimeline | None = None,
    ) -> None:
        self._clock = clock
        self.burst_seconds = burst_seconds
        self.initial_seconds = initial_seconds
        self.timeline = timeline if timeline is not None else CapacityTimeline()
        self._resources: dict[tuple[str, str | None], _Throughput] = {}

    # Table lifecycle (CreateTable, UpdateTable, DeleteTable) ------------------------

    def provision(
        self,
        table: str,
        read: float,
        write: float,
        *,
        global_indexes: Mapping[str, tuple[float, float]] | None = None,
    ) -> None:
        """Set a table's provisioned RCU/WCU and its GSIs' ``{name: (read, write)}``.

        Calling it again (UpdateTable) keeps the balances of existing buckets.
        """
        self._set(table, None, read, write)
        for index, (index_read, index_write) in (global_indexes or {}).items():
            self._set(table, index, index_read, index_write)

    def set_on_demand(self, table: str) -> None:
        self.forget(table)
        self.timeline.record_provisioned(self._clock(), table, None, None)

    def forget(self, table: str) -> None:
        for key in [k for k in self._resources if k[0] == table]:
            del self._resources[key]

    def is_provisioned(self, table: str) -> bool:
        return (table, None) in self._resources

    def tokens(self, table: str, kind: Kind, index: str | None = None) -> float:
        return self._resources[(table, index)].bucket(kind).tokens

    # Requests --------------------------------------------------------------------------

    def throttles(self, table: str, cost: Cost) -> tuple[Throttle, ...]:
        """Which resources could not pay ``cost`` now; spends nothing."""
        return self._throttles([(table, cost)])

    def admit(self, table: str, cost: Cost) -> Admission:
        """Admit and charge one request, or throttle it and charge nothing."""
        return self.admit_transaction([(table, cost)])

    def admit_batch(self, requests: Sequence[tuple[str, Cost]]) -> list[Admission]:
        """BatchWriteItem/BatchGetItem: each item admitted on its own, in order (R5.6).

        The not-admitted ones go back in UnprocessedItems/UnprocessedKeys; when none is
        admitted the whole call fails with ProvisionedThroughputExceededException.
        """
        return [self.admit(table, cost) for table, cost in requests]

    def admit_transaction(self, requests: Sequence[tuple[str, Cost]]) -> Admission:
        """All or nothing (R5.7): every resource must be able to pay its combined share."""
        throttles = self._throttles(requests)
        now = self._clock()
        if throttles:
            for throttle in throttles:
                self.timeline.record_throttled(now, throttle.table, throttle.kind, throttle.index)
            return Admission(throttles)
        for table, cost in requests:
            self.charge(table, cost)
        return Admission()

    def charge(self, table: str, cost: Cost) -> None:
        """Spend ``cost`` unconditionally, e.g. a failed conditional write (R3.7), or an
        UpdateItem whose after-image is known only once the emulator has applied it."""
        now = self._clock()
        for index, units in cost.charges().items():
            if units <= 0:
                continue
            resource = self._resources.get((table, index))
            if resource is not None:
                resource.bucket(cost.kind).spend(units)
            self.timeline.record_consumed(now, table, cost.kind, units, index)

    # ------------------------------------------------------------------------------------

    def _set(self, table: str, index: str | None, read: float, write: float) -> None:
        existing = self._resources.get((table, index))
        if existing is not None:
            existing.read.set_rate(read)
            existing.write.set_rate(write)
        else:
            self._resources[(table, index)] = _Throughput(self._bucket(read), self._bucket(write))
        self.timeline.record_provisioned(self._clock(), table, read, write, index)

    def _bucket(self, rate: float) -> TokenBucket:
        return TokenBucket(
            rate,
            self._clock,
            burst_seconds=self.burst_seconds,
            initial_seconds=self.initial_seconds,
        )

    def _throttles(self, requests: Sequence[tuple[str, Cost]]) -> tuple[Throttle, ...]:
        needed: dict[tuple[str, str | None, Kind], float] = {}
        for table, cost in requests:
            for index, units in cost.charges().items():
                key = (table, index, cost.kind)
                needed[key] = needed.get(key, 0.0) + units
        throttles = []
        for (table, index, kind), units in needed.items():
            resource = self._resources.get((table, index))
            if resource is not None and not resource.bucket(kind).can_spend(units):
                throttles.append(Throttle(table, index, kind))
        return tuple(throttles)

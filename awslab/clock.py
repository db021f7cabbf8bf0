"""The virtual clock: scenarios advance days in milliseconds.

Virtual time moves only when told to. Two ways for an emulator to follow it:
- follow_process=True: the whole grader process travels in time (time-machine patches
  datetime.now, time.time, ...), so an in-process emulator (embedded moto) follows the clock
  without knowing it. moto's own long-poll loop would wait forever for frozen time to pass, so
  the gateway never lets a long poll reach it (see gateway/behaviours/sqs_long_poll.py).
- follow_process=False: backends in other processes are told the new time through `on_advance`
  listeners (moto server) or cannot follow (LocalStack, which lacks the virtual_time feature).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from time_machine import Traveller, travel as Travel


def _import_time_machine():
    """time-machine without its pytest plugin: it imports pytest (a third of a second) whenever pytest
    is installed, to offer a fixture only pytest itself can use. Outside a pytest run, pytest is
    hidden from that one import; under pytest (already imported) nothing changes."""
    import sys

    if "pytest" in sys.modules or "time_machine" in sys.modules:
        import time_machine
    else:
        sys.modules["pytest"] = None  # `import pytest` raises ImportError
        try:
            import time_machine
        finally:
            del sys.modules["pytest"]
    return time_machine


time_machine = _import_time_machine()

UTC = dt.timezone.utc

# A fixed start makes every run identical: due dates rounded to midnight, receive timestamps and
# gradebooks do not depend on the hour a grader happens to run. 10:30 keeps away from midnight,
# where AWS leaves lifecycle rounding undefined (s3_lifecycle.md R1.1).
DEFAULT_START = dt.datetime(2026, 1, 5, 10, 30, 0, tzinfo=UTC)


class VirtualClock:
    """Virtual time for one scenario: `now()`, `advance(days=31)`, and listeners that follow it.

    Time stands still between advances: the same scenario gives the same timestamps, receive
    counts and capacity figures on every run, however fast the machine. Waiting is explicit:
    a scenario's advance(), a learner's time.sleep(), or a long poll on an empty queue.
    """

    def __init__(self, start: dt.datetime | None = DEFAULT_START, *, follow_process: bool = False) -> None:
        self.start_time = start or dt.datetime.fromtimestamp(time.time(), UTC)
        self.follow_process = follow_process
        self.advanced_seconds = 0.0  # virtual time skipped: the waiting that cost nothing
        self._traveller: Travel | None = None
        self._coordinates: Traveller | None = None
        self._listeners: list[Callable[[dt.datetime], None]] = []
        self._stop_finders: list[Callable[[dt.datetime, dt.datetime], Iterable[dt.datetime]]] = []
        self._replanning_finders: list[Callable[[dt.datetime, dt.datetime], Iterable[dt.datetime]]] = []
        self._lock = threading.RLock()

    # -- life cycle -------------------------------------------------------------------------
    def start(self) -> "VirtualClock":
        if self.follow_process and self._traveller is None:
            self._traveller = time_machine.travel(self.now(), tick=False)
            self._coordinates = self._traveller.start()
        return self

    def stop(self) -> None:
        if self._traveller is not None:
            self._traveller.stop()
            self._traveller = None
            self._coordinates = None

    def __enter__(self) -> "VirtualClock":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- reading and moving time --------------------------------------------------------------
    def now(self) -> dt.datetime:
        """The current virtual time, timezone-aware UTC."""
        return self.start_time + dt.timedelta(seconds=self.advanced_seconds)

    def timestamp(self) -> float:
        """Virtual seconds since the epoch (for models that want a number, e.g. token buckets)."""
        return self.now().timestamp()

    def advance(self, seconds: float = 0, *, minutes: float = 0, hours: float = 0, days: float = 0) -> dt.datetime:
        """Move virtual time forward; returns the new time. Negative steps are refused: AWS time only goes on."""
        delta = dt.timedelta(seconds=seconds, minutes=minutes, hours=hours, days=days)
        if delta < dt.timedelta(0):
            raise ValueError("the virtual clock only moves forward")
        with self._lock:
            target_seconds = self.advanced_seconds + delta.total_seconds()
            target = self.start_time + dt.timedelta(seconds=target_seconds)
            planned = self._stops(self._stop_finders, self.now(), target)
            # Finders that plan as they go are asked again after each stop: what a stop's listeners
            # did (a poller's receive) may call for a stop of its own before the target. A listener
            # may itself move the clock (a handler's sleep) past a stop or the target: time never goes back.
            while True:
                now = self.now()
                coming = [stop for stop in planned if stop > now] + self._stops(self._replanning_finders, now, target)
                if not coming:
                    break
                self.advanced_seconds = (min(coming) - self.start_time).total_seconds()
                self._moved()
            self.advanced_seconds = max(self.advanced_seconds, target_seconds)
            return self._moved()

    def advance_to(self, when: dt.datetime) -> dt.datetime:
        """Advance to an absolute virtual time (no-op if it is already past)."""
        gap = (when - self.now()).total_seconds()
        return self.advance(seconds=gap) if gap > 0 else self.now()

    def rewind(self) -> dt.datetime:
        """Back to the start (a fresh scenario); listeners follow like after an advance."""
        with self._lock:
            self.advanced_seconds = 0.0
            return self._moved()

    def _moved(self) -> dt.datetime:
        now = self.now()
        if self._coordinates is not None:
            self._coordinates.move_to(now)
        for listener in list(self._listeners):
            listener(now)
        return now

    def on_advance(self, listener: Callable[[dt.datetime], None], *,
                   stops: Callable[[dt.datetime, dt.datetime], Iterable[dt.datetime]] | None = None,
                   replan: bool = False) -> None:
        """Call `listener(new_now)` after every move (backends in other processes, simulations).

        `stops(old, new)`, if given, names instants strictly between old and new where an advance
        halts on its way: the clock moves there and calls every listener, in order, before going on.
        S3 lifecycle needs this: it runs at midnight, and what the emulator stamps while it runs
        (a delete marker's Last-Modified) must carry that midnight, not the end of the advance.
        With `replan=True` the finder is asked again after every stop, so a stop may lead to
        another (Lambda's poller receives a message at one stop; it comes back at a later one).
        """
        self._listeners.append(listener)
        if stops is not None:
            (self._replanning_finders if replan else self._stop_finders).append(stops)

    @staticmethod
    def _stops(finders, old: dt.datetime, new: dt.datetime) -> list[dt.datetime]:
        found = {stop for finder in list(finders) for stop in finder(old, new)}
        return sorted(stop for stop in found if old < stop < new)

    def elapsed(self) -> dt.timedelta:
        """Virtual time since the scenario started."""
        return self.now() - self.start_time

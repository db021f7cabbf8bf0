"""Lifecycle time: every due time is a midnight UTC (R1.1, R1.3, R1.4)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone

DAY = timedelta(days=1)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def start_of_day(moment: datetime) -> datetime:
    return as_utc(moment).replace(hour=0, minute=0, second=0, microsecond=0)


def next_midnight(moment: datetime) -> datetime:
    """The first midnight UTC strictly after `moment` (R1.1: always rounds up a whole day)."""
    return start_of_day(moment) + DAY


def due_after_days(start: datetime, days: int) -> datetime:
    """R1.1 / R1.3: `start + days`, rounded up to the next midnight UTC.

    AWS's example: created 2014-01-15 10:30 with Days=3 is due 2014-01-19 00:00. A start exactly on
    midnight is not documented; this keeps the same formula (it is what a start a moment after
    midnight gives, which is what S3's asynchronous run produces for delete markers it adds).
    """
    return next_midnight(as_utc(start) + timedelta(days=days))


def midnights_between(after: datetime, until: datetime) -> Iterator[datetime]:
    """The lifecycle runs (R1.5) in the interval (after, until]: every midnight UTC crossed."""
    midnight = next_midnight(after)
    until = as_utc(until)
    while midnight <= until:
        yield midnight
        midnight += DAY


def parse_date(value: object) -> datetime:
    """A lifecycle Date as boto3 or XML gives it: datetime, date, or an ISO 8601 string."""
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=timezone.utc)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        parsed = datetime.fromisoformat(text)
        return as_utc(parsed)
    raise TypeError(f"not a date: {value!r}")

from __future__ import annotations

import datetime as dt

import pytest

from awslab.clock import DEFAULT_START, VirtualClock


def test_clock_starts_at_a_fixed_instant_and_stands_still():
    clock = VirtualClock()
    assert clock.now() == DEFAULT_START
    assert clock.now() == clock.now()


def test_advance_moves_by_days_hours_minutes_seconds():
    clock = VirtualClock()
    clock.advance(days=1, hours=2, minutes=3, seconds=4)
    assert clock.elapsed() == dt.timedelta(days=1, hours=2, minutes=3, seconds=4)


def test_clock_never_goes_back():
    with pytest.raises(ValueError):
        VirtualClock().advance(seconds=-1)


def test_advance_to_a_past_instant_is_a_no_op():
    clock = VirtualClock()
    clock.advance(days=2)
    assert clock.advance_to(DEFAULT_START) == DEFAULT_START + dt.timedelta(days=2)


def test_listeners_follow_every_move_and_rewind():
    seen = []
    clock = VirtualClock()
    clock.on_advance(seen.append)
    clock.advance(days=1)
    clock.rewind()
    assert seen == [DEFAULT_START + dt.timedelta(days=1), DEFAULT_START]


def test_following_the_process_moves_datetime_now_for_in_process_emulators():
    with VirtualClock(follow_process=True) as clock:
        clock.advance(days=31)
        assert dt.datetime.now(dt.timezone.utc) == DEFAULT_START + dt.timedelta(days=31)
    assert dt.datetime.now(dt.timezone.utc).year >= 2026


def test_the_clock_does_not_import_pytest_outside_a_pytest_run():
    """time-machine imports pytest (a third of a second) for a fixture; `awslab check` never uses it."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "import sys, awslab.clock, time_machine; "
                           "print('pytest' in sys.modules, time_machine.HAVE_PYTEST)"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]


def test_under_pytest_time_machine_keeps_its_pytest_plugin():
    import time_machine

    assert time_machine.HAVE_PYTEST


def test_a_replanning_finder_is_asked_again_after_each_stop():
    clock = VirtualClock()
    due = [clock.now() + dt.timedelta(seconds=10)]
    seen = []

    def listener(now):
        seen.append((now - clock.start_time).total_seconds())
        if due and now >= due[-1] and len(due) < 3:
            due.append(now + dt.timedelta(seconds=10))  # what happened at this stop calls for another

    clock.on_advance(listener, stops=lambda old, new: [t for t in due if old < t < new], replan=True)
    clock.advance(seconds=100)
    assert seen == [10.0, 20.0, 30.0, 100.0]


def test_a_listener_moving_the_clock_past_the_target_is_not_undone():
    clock = VirtualClock()
    clock.on_advance(lambda now: clock.advance(seconds=50) if clock.elapsed().total_seconds() == 5 else None,
                     stops=lambda old, new: [clock.start_time + dt.timedelta(seconds=5)], replan=True)
    clock.advance(seconds=10)
    assert clock.elapsed().total_seconds() == 55

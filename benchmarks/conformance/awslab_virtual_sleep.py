"""pytest plugin for moto's tests run through `awslab serve` (benchmarks/conformance/run.py).

A learner's code graded by awslab sleeps on virtual time: its `time.sleep(n)` advances the virtual
clock by n seconds and costs nothing (awslab/grading/learner_child.py). moto's tests sleep in real time
to let a visibility timeout or a delay run out; against awslab's clock, which stands still between
advances, that wait would never pass. This plugin gives moto's test process the learner's sleep:
`time.sleep(n)` becomes `POST /_awslab/control/clock/advance {"seconds": n}` with the token
`awslab serve` wrote. Loaded only for awslab targets (AWSLAB_CONFORMANCE_CONTROL set); plain moto and
the bare target keep real sleeps.

The test process also reads the time the emulator keeps, as a learner's process does: it travels to
the virtual clock (time-machine) when it starts, after each `POST /moto-api/reset` (which rewinds the
clock) and after each sleep. Unlike the learner's process (which ticks on from there, since a learner
may time their own code), the test process stands still between those points as the emulator's clock
does: moto's tests compare the emulator's timestamps with `utcnow()` to the second (an object lock
retained until `utcnow() + 2 s` and a 2 s sleep before the delete; `IfUnmodifiedSince=utcnow() - 1 h`),
which against a clock ~11 months ahead of the emulator's, or ticking ahead of it, would not hold. A
clock that ticked would also let real seconds into what a sleep refills (botocore's back-off after a
throttled write), and a test's outcome would depend on the machine's load.

A test in a `test_server.py` file talks to moto's app in its own process, not to awslab (moto's
`create_backend_app`), and waits on that app in real time (test_sqs/test_server.py long-polls an empty
queue): it runs on the process's own clock and real sleeps.
"""

from __future__ import annotations

import json
import os
import random
import time
import urllib.request
import zlib

_REAL_SLEEP = time.sleep


def _control(endpoint: str, token: str, route: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(f"{endpoint}/_awslab/control/{route}", method="GET" if body is None else "POST",
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"X-Awslab-Token": token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"{}")


_travel: dict = {}
_own_time: dict = {}  # {"on": True} while a test runs on the process's own clock (test_server.py)


def _follow(answer: dict) -> None:
    """Travel to the virtual time in a control answer ({"now": ISO}), standing still there."""
    import datetime as dt

    import time_machine

    if _own_time:
        return
    when = dt.datetime.fromisoformat(answer["now"])
    if "coordinates" in _travel:
        _travel["coordinates"].move_to(when)
    else:
        _travel["traveller"] = time_machine.travel(when, tick=False)
        _travel["coordinates"] = _travel["traveller"].start()


def stop_following() -> None:
    """Back to the process's own time (for a test of this plugin that shares its process)."""
    traveller = _travel.pop("traveller", None)
    _travel.pop("coordinates", None)
    if traveller is not None:
        traveller.stop()


def virtual_sleep_for(endpoint: str, token: str):
    def sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        if _own_time:
            _REAL_SLEEP(seconds)
        elif seconds:
            _follow(_control(endpoint, token, "clock/advance", {"seconds": float(seconds)}))

    return sleep


def _follow_after_reset(endpoint: str, token: str) -> None:
    from moto.core.models import ServerModeMockAWS

    reset = ServerModeMockAWS.reset

    def reset_and_follow(self) -> None:
        reset(self)
        _follow(_control(endpoint, token, "clock"))

    ServerModeMockAWS.reset = reset_and_follow


def pytest_configure(config) -> None:
    control = os.environ.get("AWSLAB_CONFORMANCE_CONTROL", "")
    endpoint, _, token = control.partition(" ")
    if endpoint and token:
        # boto3 first, then the sleep, in the order the learner's runner does it: botocore's retry
        # back-off after a throttled write then waits as it does in graded code, on virtual time.
        import boto3  # noqa: F401

        time.sleep = virtual_sleep_for(endpoint, token)
        _follow_after_reset(endpoint, token)
        _follow(_control(endpoint, token, "clock"))
        config._awslab_virtual_sleep = True


def pytest_runtest_setup(item) -> None:
    # botocore's back-off is random (standard retry mode's jitter), and how much capacity it refills
    # decides whether a throttled test passes: a seed of the test's own makes every run decide the
    # same, whichever files run before it (the core files in CI, --all on demand, one file alone).
    if getattr(item.config, "_awslab_virtual_sleep", False):
        random.seed(zlib.crc32(item.nodeid.encode()))
        if item.path.name == "test_server.py":
            stop_following()
            _own_time["on"] = True


def pytest_runtest_teardown(item) -> None:
    if getattr(item.config, "_awslab_virtual_sleep", False) and _own_time:
        _own_time.clear()
        endpoint, _, token = os.environ["AWSLAB_CONFORMANCE_CONTROL"].partition(" ")
        _follow(_control(endpoint, token, "clock"))

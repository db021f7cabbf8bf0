"""pytest plugin for moto's tests run through `awslab serve` (benchmarks/conformance/run.py).

A learner's code graded by awslab sleeps on virtual time: its `time.sleep(n)` advances the virtual
clock by n seconds and costs nothing (awslab/grading/learner_host.py). moto's tests sleep in real time
to let a visibility timeout or a delay run out; against awslab's clock, which stands still between
advances, that wait would never pass. This plugin gives moto's test process the learner's sleep:
`time.sleep(n)` becomes `POST /_awslab/control/clock/advance {"seconds": n}` with the token
`awslab serve` wrote. Loaded only for awslab targets (AWSLAB_CONFORMANCE_CONTROL set); plain moto and
the bare target keep real sleeps.

The test process also reads the time the emulator keeps, as a learner's process does: it travels to
the virtual clock (time-machine) when it starts, after each `POST /moto-api/reset` (which rewinds the
clock) and after each sleep, and ticks on from there at real speed, as the learner's does (a test that
polls moto in its own process waits on real seconds). A sleep ends `n` seconds after it began: the
served clock goes to the test process's time when it called sleep, plus n (or n past the served
clock, if that is later). moto's tests compare the emulator's timestamps with `utcnow()` (an object
lock retained until `utcnow() + 2 s` and a 2 s sleep before the delete; `IfUnmodifiedSince=utcnow() -
1 h`), which against a clock ~11 months ahead of the emulator's would not hold.
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


def _follow(answer: dict) -> None:
    """Travel to the virtual time in a control answer ({"now": ISO}), standing still there."""
    import datetime as dt

    import time_machine

    when = dt.datetime.fromisoformat(answer["now"])
    if "coordinates" in _travel:
        _travel["coordinates"].move_to(when)
    else:
        _travel["traveller"] = time_machine.travel(when, tick=True)
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
        if not seconds:
            return
        if "coordinates" not in _travel:
            _follow(_control(endpoint, token, "clock/advance", {"seconds": float(seconds)}))
            return
        import datetime as dt

        began = max(dt.datetime.now(dt.timezone.utc),
                    dt.datetime.fromisoformat(_control(endpoint, token, "clock")["now"]))
        _follow(_control(endpoint, token, "clock/set",
                         {"time": (began + dt.timedelta(seconds=float(seconds))).isoformat()}))

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

"""pytest plugin for moto's tests run through `awslab serve` (benchmarks/conformance/run.py).

A learner's code graded by awslab sleeps on virtual time: its `time.sleep(n)` advances the virtual
clock by n seconds and costs nothing (awslab/grading/learner_host.py). moto's tests sleep in real time
to let a visibility timeout or a delay run out; against awslab's clock, which stands still between
advances, that wait would never pass. This plugin gives moto's test process the learner's sleep:
`time.sleep(n)` becomes `POST /_awslab/control/clock/advance {"seconds": n}` with the token
`awslab serve` wrote. Loaded only for awslab targets (AWSLAB_CONFORMANCE_CONTROL set); plain moto and
the bare target keep real sleeps.
"""

from __future__ import annotations

import json
import os
import random
import time
import urllib.request
import zlib

_REAL_SLEEP = time.sleep


def _advance(endpoint: str, token: str, seconds: float) -> None:
    request = urllib.request.Request(f"{endpoint}/_awslab/control/clock/advance", method="POST",
                                     data=json.dumps({"seconds": seconds}).encode(),
                                     headers={"X-Awslab-Token": token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()


def virtual_sleep_for(endpoint: str, token: str):
    def sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        if seconds:
            _advance(endpoint, token, float(seconds))

    return sleep


def pytest_configure(config) -> None:
    control = os.environ.get("AWSLAB_CONFORMANCE_CONTROL", "")
    endpoint, _, token = control.partition(" ")
    if endpoint and token:
        # boto3 first, then the sleep, in the order the learner's runner does it: botocore's retry
        # back-off after a throttled write then waits as it does in graded code, on virtual time.
        import boto3  # noqa: F401

        time.sleep = virtual_sleep_for(endpoint, token)
        config._awslab_virtual_sleep = True


def pytest_runtest_setup(item) -> None:
    # botocore's back-off is random (standard retry mode's jitter), and how much capacity it refills
    # decides whether a throttled test passes: a seed of the test's own makes every run decide the
    # same, whichever files run before it (the core files in CI, --all on demand, one file alone).
    if getattr(item.config, "_awslab_virtual_sleep", False):
        random.seed(zlib.crc32(item.nodeid.encode()))

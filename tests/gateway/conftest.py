"""Fixtures of the gateway tests: one LocalAWS per moto backend, for tests that must hold on both."""

from __future__ import annotations

import pytest

from awslab.local_aws import LocalAWS


@pytest.fixture(scope="module", params=["moto", "moto-server"])
def moto_backend(request):
    """Embedded moto and moto server in turn, one LocalAWS per test module."""
    local = LocalAWS(request.param).start()
    yield local
    local.stop()


@pytest.fixture
def either_moto(moto_backend):
    """A fresh account on each moto backend (the gateway's behaviours in front, as a learner meets them)."""
    moto_backend.reset()
    moto_backend.settings.clear()
    return moto_backend

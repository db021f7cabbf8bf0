"""Fixtures of the backend tests: one host-mode LocalStack for this package (stopped after it), or a skip with the reason."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="package")
def host_localstack():
    """LocalStack 4.14.0 in host mode on a free loopback port (installed on first use, then cached)."""
    from awslab.backends import BackendError
    from awslab.backends.localstack_host import HostLocalStack, HostModeUnavailable

    server = HostLocalStack(port=0)
    try:
        server.start()
    except HostModeUnavailable as exc:
        pytest.skip(f"host-mode LocalStack cannot run here: {exc}")
    except BackendError as exc:
        pytest.skip(f"host-mode LocalStack did not start: {exc}")
    yield server
    server.stop()


@pytest.fixture(scope="package")
def localstack_aws(host_localstack):
    """A LocalAWS (gateway, clock, log) in front of the session's LocalStack."""
    from awslab.backends.localstack import LocalStackBackend
    from awslab.local_aws import LocalAWS

    aws = LocalAWS(LocalStackBackend(url=host_localstack.url)).start()
    yield aws
    aws.stop()


@pytest.fixture
def fresh_localstack(localstack_aws):
    localstack_aws.reset()
    localstack_aws.settings.clear()
    return localstack_aws

"""Fixtures of the backend tests: one host-mode LocalStack for this package (stopped after it), or a skip with the reason."""

from __future__ import annotations

import os

import pytest


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _cannot_run(exc: Exception) -> None:
    """CI installs every prerequisite: there a LocalStack that does not install or start is a failure.
    Elsewhere only a missing prerequisite (HostModeUnavailable names it) is a reason to skip."""
    from awslab.backends.localstack_host import HostModeUnavailable

    if under_ci() or not isinstance(exc, HostModeUnavailable):
        pytest.fail(f"host-mode LocalStack did not start: {exc}", pytrace=False)
    pytest.skip(f"host-mode LocalStack cannot run here: {exc}")


@pytest.fixture(scope="package")
def host_prerequisites():
    """LocalStack 4.14.0 installed for host mode (on first use: a Python that runs it, the release,
    DynamoDB Local), or a skip naming what is missing (a failure under CI)."""
    from awslab.backends import BackendError
    from awslab.backends.localstack_host import install, install_dynamodb_local

    try:
        install()
        install_dynamodb_local()
    except BackendError as exc:
        _cannot_run(exc)


@pytest.fixture(scope="package")
def host_localstack(host_prerequisites):
    """LocalStack 4.14.0 in host mode on a free loopback port (installed on first use, then cached)."""
    from awslab.backends import BackendError
    from awslab.backends.localstack_host import HostLocalStack

    server = HostLocalStack(port=0)
    try:
        server.start()
    except BackendError as exc:
        _cannot_run(exc)
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

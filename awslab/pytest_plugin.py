"""pytest plugin (`pytest -p awslab`, or automatic once awslab is installed): awslab's local AWS in tests.

Fixtures:
- `local_aws`: a started LocalAWS (backend from `--awslab-backend`, default the embedded moto),
  fresh for each test: clients via `local_aws.client("s3")`, the request log via `local_aws.log`.
- `aws_clock`: its virtual clock (`aws_clock.advance(days=31)`).
- `aws_client`: a factory, `aws_client("sqs")`.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("awslab")
    group.addoption("--awslab-backend", default="moto", choices=["moto", "moto-server", "localstack"],
                    help="backend for awslab's local_aws fixture (default: moto, embedded)")


@pytest.fixture(scope="session")
def _awslab_session(request: pytest.FixtureRequest):
    from .local_aws import LocalAWS

    aws = LocalAWS(request.config.getoption("--awslab-backend")).start()
    yield aws
    aws.stop()


@pytest.fixture
def local_aws(_awslab_session):
    _awslab_session.reset()
    return _awslab_session


@pytest.fixture
def aws_clock(local_aws):
    return local_aws.clock


@pytest.fixture
def aws_client(local_aws):
    return local_aws.client

"""pytest plugin: awslab's local AWS, request log and virtual clock in your own tests.

Load it with `pytest -p awslab` (it is also loaded automatically once awslab is installed, unless
PYTEST_DISABLE_PLUGIN_AUTOLOAD is set). Nothing reaches real AWS.

    def test_my_queue_hides_messages(aws_client, aws_clock):
        sqs = aws_client("sqs")
        url = sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="hi")
        assert sqs.receive_message(QueueUrl=url)["Messages"]
        aws_clock.advance(seconds=61)                     # milliseconds of real time
        assert sqs.receive_message(QueueUrl=url)["Messages"]

    def test_my_code_makes_its_own_clients(aws_environment):
        import my_module                                  # boto3.client("s3") inside lands locally
        my_module.archive("report.csv")

Fixtures (each test gets a fresh account; one backend serves the whole session):
- `local_aws`: the started LocalAWS, reset for this test (`.client(s)`, `.log`, `.clock`, `.settings`).
- `aws_backend`: its backend (`.name`, `.features`); `aws_backend_name`: "moto", "moto-server", ...
- `aws_client`: a factory, `aws_client("sqs")` (awslab's admin credentials; cached per service).
- `aws_clock`: the virtual clock: `advance(days=31)`, `now()`.
- `aws_log`: the request log: `aws_log.calls("sqs", "ReceiveMessage", source=None)`.
- `aws_environment`: AWS_ENDPOINT_URL, fake credentials and a region in os.environ for the test,
  so code that builds its own boto3 clients reaches the local AWS (its calls log as "learner").
- `awslab_grade`: `awslab_grade("sqs_dlq", "path/to/file.py")` grades a file like `awslab check`
  and returns the LabResult (`.score`, `.max_score`, `.full_marks`, `.checks`).

Options: `--awslab-backend moto|moto-server|localstack` (default moto, embedded in the test process).
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
    """The started LocalAWS, reset for this test (a fresh account, settings cleared): .client(service),
    .log, .clock, .settings, .backend."""
    _awslab_session.reset()
    _awslab_session.settings.clear()
    return _awslab_session


@pytest.fixture
def aws_backend(local_aws):
    """The backend serving this session (--awslab-backend): .name, .features (what it can simulate)."""
    return local_aws.backend


@pytest.fixture
def aws_backend_name(local_aws) -> str:
    """The backend's name: "moto" (embedded, the default), "moto-server" or "localstack"."""
    return local_aws.backend.name


@pytest.fixture
def aws_clock(local_aws):
    """The virtual clock every request sees: advance(days=31), advance(seconds=61), now()."""
    return local_aws.clock


@pytest.fixture
def aws_client(local_aws):
    """A factory of boto3 clients on the local AWS: aws_client("sqs") (admin credentials, cached per service)."""
    return local_aws.client


@pytest.fixture
def aws_log(local_aws):
    """The request log: aws_log.calls("sqs", "ReceiveMessage", source=None) lists what was called, with
    which parameters (source=None: every caller; the default counts only the learner's calls)."""
    return local_aws.log


@pytest.fixture
def aws_environment(local_aws, monkeypatch: pytest.MonkeyPatch, tmp_path):
    """os.environ as the learner's code sees it under `awslab check`: the local endpoint, fake keys."""
    for name, value in local_aws.learner_environment(str(tmp_path)).items():
        if name.startswith("AWS_") or name == "NO_PROXY":
            monkeypatch.setenv(name, value)
    return local_aws


@pytest.fixture
def awslab_grade(_awslab_session):
    """Grade a file as `awslab check` does: awslab_grade("sqs_dlq", "path/to/file.py") returns the
    LabResult (.score, .max_score, .full_marks, .checks)."""
    from .grading import get_lab, grade_submission

    def grade(lab_id: str, path):
        return grade_submission(get_lab(lab_id), path, _awslab_session)

    return grade

"""Nothing reaches real AWS; no real credential reaches learner code."""

from __future__ import annotations

import socket

import pytest

from awslab import safety
from awslab.grading import LearnerProcess


def test_learner_environment_holds_only_fake_credentials_and_the_local_endpoint(tmp_path):
    env = safety.learner_environment("http://127.0.0.1:1234", str(tmp_path))
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:1234"
    assert env["AWS_ACCESS_KEY_ID"] == safety.LEARNER_ACCESS_KEY
    assert env["AWS_SHARED_CREDENTIALS_FILE"] == env["AWS_CONFIG_FILE"]
    assert not any(name in env for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE"))


def test_real_credentials_in_the_graders_environment_never_reach_the_learner(tmp_path, monkeypatch, fresh_aws):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "REAL-SECRET")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    learner_file = tmp_path / "peek.py"
    learner_file.write_text("import os\n\ndef peek():\n    return dict(os.environ)\n")
    with LearnerProcess(learner_file, fresh_aws.learner_environment(str(tmp_path))) as learner:
        seen = learner.call("peek")
    assert "REAL-SECRET" not in seen.values() and "GITHUB_TOKEN" not in seen
    assert seen["AWS_SECRET_ACCESS_KEY"] == safety.FAKE_SECRET


def test_learner_code_cannot_reach_an_aws_host(tmp_path, fresh_aws):
    learner_file = tmp_path / "escape.py"
    learner_file.write_text(
        "import boto3, socket\n\n"
        "def via_boto3():\n"
        "    boto3.client('s3', endpoint_url='https://s3.amazonaws.com').list_buckets()\n\n"
        "def via_socket():\n"
        "    socket.create_connection(('sts.amazonaws.com', 443), timeout=2)\n")
    from awslab.grading.learner_process import LearnerRaised

    with LearnerProcess(learner_file, fresh_aws.learner_environment(str(tmp_path))) as learner:
        for function in ("via_boto3", "via_socket"):
            with pytest.raises(LearnerRaised, match="awslab refused"):
                learner.call(function)


def test_grader_process_refuses_aws_hosts():
    safety.guard_network(loopback_only=False)
    with pytest.raises(safety.RealAwsRefused):
        socket.getaddrinfo("s3.amazonaws.com", 443)
    assert socket.getaddrinfo("127.0.0.1", 80)


@pytest.mark.parametrize("host, aws", [("s3.amazonaws.com", True), ("sqs.us-east-1.amazonaws.com", True),
                                       ("169.254.169.254", True), ("127.0.0.1", False), ("example.org", False)])
def test_aws_hosts_are_recognised(host, aws):
    assert safety.is_aws_host(host) is aws

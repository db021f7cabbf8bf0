"""`pytest -p awslab`: a learner's (or CI's) own tests with awslab's backend, clients, log and clock."""

from __future__ import annotations

import os
import subprocess
import textwrap

from learner_helpers import PYTHON

LEARNER_TESTS = textwrap.dedent('''
    import boto3


    def test_visibility_timeout_costs_no_real_time(aws_client, aws_clock, aws_log):
        sqs = aws_client("sqs")
        url = sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="hi")
        assert sqs.receive_message(QueueUrl=url).get("Messages")
        assert not sqs.receive_message(QueueUrl=url).get("Messages")
        aws_clock.advance(seconds=61)
        assert sqs.receive_message(QueueUrl=url).get("Messages")
        assert len(aws_log.calls("sqs", "ReceiveMessage", source=None)) == 3


    def test_each_test_gets_a_fresh_account(aws_client):
        assert aws_client("sqs").list_queues().get("QueueUrls", []) == []


    def test_code_making_its_own_clients_lands_locally(aws_environment, aws_log):
        boto3.client("s3").create_bucket(Bucket="mine")
        assert [c.operation for c in aws_log.calls("s3")] == ["CreateBucket"]


    def test_the_backend_is_named(aws_backend, aws_backend_name):
        assert aws_backend_name == "moto" and "virtual_time" in aws_backend.features


    def test_grading_a_file(awslab_grade):
        result = awslab_grade("tiny_lab", SOLUTION)
        assert result.full_marks, result.to_dict()
''')


def test_pytest_p_awslab_gives_learners_the_fixtures(labs_env, tmp_path):
    solution = os.path.join(labs_env["AWSLAB_SOLUTIONS_DIR"], "tiny_lab.py")
    (tmp_path / "test_mine.py").write_text(f"SOLUTION = {solution!r}\n" + LEARNER_TESTS)
    env = {**os.environ, **labs_env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    result = subprocess.run([PYTHON, "-m", "pytest", "-p", "awslab", "-q", "-p", "no:cacheprovider", "test_mine.py"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout


def test_without_the_plugin_the_fixtures_are_missing(tmp_path):
    (tmp_path / "test_mine.py").write_text("def test_x(aws_clock):\n    pass\n")
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    result = subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_mine.py"], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "fixture 'aws_clock' not found" in result.stdout

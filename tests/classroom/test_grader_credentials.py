"""The grader's key is random per process and never handed to the learner; a learner signing with
any key other than its own (the old fixed grader key, a made-up one) is still metered and logged
as the learner."""

from __future__ import annotations

import subprocess
import sys

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from awslab import safety
from awslab.local_aws import LocalAWS

OLD_FIXED_GRADER_KEY = "AKIDAWSLABGRADER0000"
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


@pytest.fixture(scope="module")
def aws():
    local = LocalAWS("moto", serve_http=False).start()
    yield local
    local.stop()


def test_grader_key_differs_between_runs():
    code = "from awslab import safety; print(safety.GRADER_ACCESS_KEY)"
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
            for _ in range(2)}
    assert len(keys) == 2
    assert OLD_FIXED_GRADER_KEY not in keys


def test_grader_key_never_reaches_the_learner_environment():
    env = safety.learner_environment("http://127.0.0.1:1", "/tmp")
    assert safety.GRADER_ACCESS_KEY not in repr(env)


@pytest.mark.parametrize("key", [OLD_FIXED_GRADER_KEY, "AKIAMADEUPKEY0000000"])
def test_learner_signing_with_another_key_is_throttled_and_logged_as_learner(aws, key):
    aws.reset()
    aws.client("dynamodb").create_table(
        TableName="t", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    since = aws.log.mark()
    client = aws.client_as("dynamodb", key, safety.FAKE_SECRET, config=NO_RETRIES)
    with pytest.raises(ClientError) as raised:
        for n in range(20):
            client.put_item(TableName="t", Item={"pk": {"S": f"k{n}"}})
    assert raised.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    puts = aws.log.calls("dynamodb", "PutItem", since=since)
    # a fresh 5-WCU table holds two seconds of its rate (docs/dynamodb.md): ten puts, the eleventh throttled
    assert len(puts) == 11 and all(call.source != "grader" for call in puts)

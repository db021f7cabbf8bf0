"""awslab's GetQueueAttributes for moto (awslab/backends/moto_sqs_attributes.py) answers what moto's own
does, name by name, for every kind of queue, while computing only the names asked for."""

from __future__ import annotations

import json
from itertools import combinations

import boto3
import pytest
from moto import mock_aws

from awslab.backends import moto_sqs_attributes


@pytest.fixture
def queues():
    moto_sqs_attributes.install()
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sqs.create_queue(QueueName="plain")
        busy = sqs.create_queue(QueueName="busy", Attributes={
            "VisibilityTimeout": "120", "DelaySeconds": "0", "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5}),
            "Policy": json.dumps({"Version": "2012-10-17", "Statement": []})})["QueueUrl"]
        for i in range(6):
            sqs.send_message(QueueUrl=busy, MessageBody=f"m{i}", DelaySeconds=60 if i == 5 else 0)
        sqs.receive_message(QueueUrl=busy, MaxNumberOfMessages=2)  # two in flight, three visible, one delayed
        sqs.create_queue(QueueName="orders.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})
        sqs.create_queue(QueueName="secret", Attributes={"KmsMasterKeyId": "alias/aws/sqs"})
        from moto.sqs.models import sqs_backends

        yield sqs_backends["123456789012"]["us-east-1"]


def test_each_attribute_and_pair_answers_as_moto_does(queues):
    own = queues.get_queue_attributes.__wrapped__
    for name in ("dlq", "plain", "busy", "orders.fifo", "secret"):
        queue = queues.get_queue(name)
        names = queue.BASE_ATTRIBUTES + queue.FIFO_ATTRIBUTES + queue.KMS_ATTRIBUTES
        for asked in [[n] for n in names] + [list(pair) for pair in combinations(names, 2)] + [["All"], names]:
            assert queues.get_queue_attributes(name, asked) == own(queues, name, asked), (name, asked)


def test_the_counts_are_the_queues_own(queues):
    counts = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
              "ApproximateNumberOfMessagesDelayed"]
    assert queues.get_queue_attributes("busy", counts) == {counts[0]: 3, counts[1]: 2, counts[2]: 1}


def test_an_unknown_name_is_moto_s_own_error(queues):
    from moto.sqs.exceptions import InvalidAttributeName

    with pytest.raises(InvalidAttributeName):
        queues.get_queue_attributes("plain", ["VisibilityTimeout", "Colour"])

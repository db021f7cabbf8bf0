"""A queue's configuration is read once per call, shared by the behaviours of the call's chain, and
read again by the next call (awslab/gateway/queue_configuration.py). Over a fake SQS upstream that
counts the GetQueueAttributes requests the behaviours send it."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from awslab.clock import VirtualClock
from awslab.gateway import Gateway, Response, identify
from awslab.gateway.behaviours import default_behaviours
from awslab.gateway.clients import make_client
from awslab.gateway.queue_configuration import BY_NAME, CONFIGURATION, queue_configuration

DEFAULTS = {"VisibilityTimeout": "30", "MaximumMessageSize": "1048576", "ReceiveMessageWaitTimeSeconds": "0",
            "DelaySeconds": "0", "MessageRetentionPeriod": "345600"}


class FakeSqs:
    """An SQS of queues and messages, enough for the behaviours of a send and a receive."""

    def __init__(self) -> None:
        self.queues: dict[str, dict[str, str]] = {}
        self.messages: dict[str, list[str]] = {}
        self.operations: list[str] = []
        self.attribute_names: list[list[str]] = []  # of each GetQueueAttributes

    def __call__(self, http):
        call = identify(http)
        self.operations.append(call.operation)
        params = call.params
        url = params.get("QueueUrl")
        if call.operation == "CreateQueue":
            url = f"http://127.0.0.1:4566/123456789012/{params['QueueName']}"
            self.queues[url] = {**DEFAULTS, **params.get("Attributes", {}),
                                "QueueArn": f"arn:aws:sqs:us-east-1:123456789012:{params['QueueName']}"}
            self.messages[url] = []
            return _json({"QueueUrl": url})
        if url not in self.queues:
            return _json({"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "no such queue"}, 400)
        if call.operation == "GetQueueAttributes":
            everything = {**self.queues[url], "ApproximateNumberOfMessages": str(len(self.messages[url]))}
            names = params.get("AttributeNames", [])
            self.attribute_names.append(names)
            return _json({"Attributes": {k: v for k, v in everything.items() if "All" in names or k in names}})
        if call.operation == "SetQueueAttributes":
            self.queues[url].update(params["Attributes"])
            return _json({})
        if call.operation == "SendMessage":
            self.messages[url].append(params["MessageBody"])
            return _json({"MessageId": f"m-{len(self.messages[url])}", "MD5OfMessageBody": "x"})
        if call.operation == "ReceiveMessage":
            return _json({"Messages": [{"MessageId": f"m-{i + 1}", "ReceiptHandle": f"h-{i + 1}", "Body": body,
                                        "MD5OfBody": "x"} for i, body in enumerate(self.messages[url])]})
        return _json({})

    def attribute_reads(self) -> int:
        return self.operations.count("GetQueueAttributes")


def _json(body: dict, status: int = 200) -> Response:
    return Response(status, [("Content-Type", "application/x-amz-json-1.0")], json.dumps(body).encode())


class FakeMotoState:
    """The backend's moto-state edits (sqs_visibility sets when a received message comes back)."""

    def edit_moto_state(self, edit, **arguments):
        return []


@pytest.fixture
def upstream():
    return FakeSqs()


@pytest.fixture(params=["All", "by name"])
def gateway(upstream, request):
    """A gateway whose backend computes every attribute for each name asked (moto's own), or only the
    names asked (awslab's moto)."""
    features = {"virtual_time", "moto_state"} | ({BY_NAME} if request.param == "by name" else set())
    gateway = Gateway(upstream, VirtualClock(), features=frozenset(features), backend=FakeMotoState())
    for behaviour in default_behaviours():
        gateway.add(behaviour)
    return gateway


@pytest.fixture
def sqs(gateway):
    return make_client(gateway, "sqs")


@pytest.fixture
def queue(sqs):
    return sqs.create_queue(QueueName="orders")["QueueUrl"]


def test_a_receive_reads_its_queue_configuration_once_for_every_behaviour(sqs, queue, upstream):
    sqs.send_message(QueueUrl=queue, MessageBody="hello")
    before = upstream.attribute_reads()
    # the long poll (the queue's wait), the visibility timer (its timeout), dead letters (its redrive policy)
    (message,) = sqs.receive_message(QueueUrl=queue)["Messages"]
    assert message["Body"] == "hello"
    assert upstream.attribute_reads() - before == 1


def test_each_call_reads_the_configuration_again(sqs, queue, upstream):
    sqs.send_message(QueueUrl=queue, MessageBody="hello")
    first = upstream.attribute_reads()
    sqs.receive_message(QueueUrl=queue)
    second = upstream.attribute_reads()
    sqs.receive_message(QueueUrl=queue)
    assert (second - first, upstream.attribute_reads() - second) == (1, 1)


def test_a_lowered_maximum_message_size_refuses_the_next_send(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="x" * 2000)
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"MaximumMessageSize": "1024"})
    with pytest.raises(ClientError) as raised:
        sqs.send_message(QueueUrl=queue, MessageBody="x" * 2000)
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_a_behaviour_after_set_queue_attributes_reads_the_new_value_in_the_same_call(gateway, sqs, queue):
    seen = []

    class BeforeAndAfter:
        def handle(self, call, forward, gateway):
            if call.operation != "SetQueueAttributes":
                return forward(call)
            seen.append(queue_configuration(gateway, call, queue)["VisibilityTimeout"])
            response = forward(call)
            seen.append(queue_configuration(gateway, call, queue)["VisibilityTimeout"])
            return response

    gateway.add(BeforeAndAfter())
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"VisibilityTimeout": "60"})
    assert seen == ["30", "60"]


def test_message_counts_are_not_kept_for_the_call(gateway, sqs, queue):
    seen = []

    class Look:
        def handle(self, call, forward, gateway):
            seen.append(queue_configuration(gateway, call, queue))
            return forward(call)

    gateway.add(Look())
    sqs.send_message(QueueUrl=queue, MessageBody="hello")
    (configuration,) = seen
    assert configuration["VisibilityTimeout"] == "30" and "ApproximateNumberOfMessages" not in configuration
    assert set(configuration) <= set(CONFIGURATION)


def test_a_backend_that_computes_only_what_is_asked_is_asked_for_the_configuration(gateway, sqs, queue, upstream):
    sqs.send_message(QueueUrl=queue, MessageBody="x" * 2000)  # request limits read MaximumMessageSize
    expected = list(CONFIGURATION) if BY_NAME in gateway.features else ["All"]
    assert upstream.attribute_names == [expected]


def test_a_missing_queue_is_read_once_and_refused_by_the_emulator(sqs, upstream):
    gone = "http://127.0.0.1:4566/123456789012/gone"
    with pytest.raises(ClientError) as raised:
        sqs.receive_message(QueueUrl=gone)
    assert raised.value.response["Error"]["Code"] == "QueueDoesNotExist"
    assert upstream.operations == ["GetQueueAttributes", "ReceiveMessage"]

"""The gateway's chain of behaviours over a fake upstream: no emulator, only what the gateway does.

The upstream is a function of the request (as httpx's MockTransport takes a handler); the clients are
real boto3 clients made by the gateway, so every request is the one boto3 sends.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from awslab.clock import VirtualClock
from awslab.gateway import AwsCall, Gateway, HttpRequest, Response, aws_error, identify
from awslab.gateway.behaviours import ORDER, default_behaviours
from awslab.gateway.clients import make_client

QUEUE = "http://127.0.0.1:4566/123456789012/orders"


class FakeSqs:
    """Answers every SQS JSON call with an empty success, or the error it is told to give."""

    def __init__(self) -> None:
        self.requests = []
        self.error: tuple[int, str] | None = None

    def __call__(self, http):
        self.requests.append(http)
        if self.error:
            status, code = self.error
            body = {"__type": f"com.amazonaws.sqs#{code}", "message": "told to fail"}
            return Response(status, [("Content-Type", "application/x-amz-json-1.0")], json.dumps(body).encode())
        return Response(200, [("Content-Type", "application/x-amz-json-1.0")],
                        json.dumps({"MessageId": "m-1", "MD5OfMessageBody": "x"}).encode())

    def calls(self):
        return [identify(http) for http in self.requests]


class Recorder:
    def __init__(self, label: str, seen: list, services=None) -> None:
        self.name, self.seen = label, seen
        if services is not None:
            self.services = frozenset(services)

    def handle(self, call, forward, gateway):
        self.seen.append((self.name, call.operation))
        return forward(call)


@pytest.fixture
def upstream():
    return FakeSqs()


@pytest.fixture
def gateway(upstream):
    return Gateway(upstream, VirtualClock())


@pytest.fixture
def sqs(gateway):
    return make_client(gateway, "sqs")


def test_a_call_is_forwarded_once_and_logged_with_its_parameters(gateway, upstream, sqs):
    sqs.send_message(QueueUrl=QUEUE, MessageBody="hello", DelaySeconds=5)
    assert [(c.operation, c.params) for c in upstream.calls()] == [
        ("SendMessage", {"QueueUrl": QUEUE, "MessageBody": "hello", "DelaySeconds": 5})]
    (logged,) = gateway.log.calls(source=None)
    assert (logged.operation, logged.params, logged.status) == (
        "SendMessage", {"QueueUrl": QUEUE, "MessageBody": "hello", "DelaySeconds": 5}, 200)
    assert logged.response == {"MessageId": "m-1", "MD5OfMessageBody": "x"}


def test_behaviours_run_in_the_order_they_were_added(gateway, sqs):
    seen: list = []
    gateway.add(Recorder("first", seen))
    gateway.add(Recorder("second", seen))
    sqs.send_message(QueueUrl=QUEUE, MessageBody="hello")
    assert seen == [("first", "SendMessage"), ("second", "SendMessage")]


def test_a_behaviour_that_answers_keeps_the_call_from_the_upstream(gateway, upstream, sqs):
    class Refuse:
        def handle(self, call, forward, gateway):
            return aws_error(call, "AccessDenied", "refused by the chain", 403)

    gateway.add(Refuse())
    with pytest.raises(ClientError) as raised:
        sqs.send_message(QueueUrl=QUEUE, MessageBody="hello")
    assert raised.value.response["Error"]["Code"] == "AccessDenied"
    assert upstream.requests == []
    assert gateway.log.calls(source=None)[0].error_code == "AccessDenied"


def test_a_rewritten_call_reaches_the_upstream_while_the_log_keeps_what_was_sent(gateway, upstream, sqs):
    class Delay:
        def handle(self, call, forward, gateway):
            return forward(call.with_params({**call.params, "DelaySeconds": 9,
                                             "MessageAttributes": {"k": {"DataType": "Binary", "BinaryValue": b"\x00"}}}))

    gateway.add(Delay())
    sqs.send_message(QueueUrl=QUEUE, MessageBody="hello")
    assert upstream.calls()[0].params == {"QueueUrl": QUEUE, "MessageBody": "hello", "DelaySeconds": 9,
                                          "MessageAttributes": {"k": {"DataType": "Binary", "BinaryValue": b"\x00"}}}
    assert gateway.log.calls(source=None)[0].params == {"QueueUrl": QUEUE, "MessageBody": "hello"}


def test_an_upstream_error_is_logged_with_its_code(gateway, upstream, sqs):
    upstream.error = (400, "QueueDoesNotExist")
    with pytest.raises(ClientError):
        sqs.send_message(QueueUrl=QUEUE, MessageBody="hello")
    (logged,) = gateway.log.calls(source=None)
    assert (logged.status, logged.error_code, logged.error_message) == (400, "QueueDoesNotExist", "told to fail")


def test_a_behaviour_meets_only_the_services_it_declares(gateway, sqs):
    seen: list = []
    gateway.add(Recorder("s3 only", seen, services={"s3"}))
    gateway.add(Recorder("sqs only", seen, services={"sqs"}))
    gateway.add(Recorder("everything", seen))
    sqs.send_message(QueueUrl=QUEUE, MessageBody="hello")
    assert seen == [("sqs only", "SendMessage"), ("everything", "SendMessage")]


def test_a_behaviour_may_name_its_operations_per_service(gateway, sqs):
    seen: list = []
    recorder = gateway.add(Recorder("queue changes", seen, services={"sns", "sqs"}))
    recorder.operations = {"sqs": frozenset({"DeleteQueue"})}  # every SNS operation, one of SQS's
    sqs.send_message(QueueUrl=QUEUE, MessageBody="hello")
    sqs.delete_queue(QueueUrl=QUEUE)
    assert seen == [("queue changes", "DeleteQueue")]
    assert _handles(recorder, "sns", "Publish") and not _handles(recorder, "sqs", "ReceiveMessage")


def test_an_sqs_call_meets_no_s3_dynamodb_or_sns_behaviour(gateway):
    for behaviour in default_behaviours():
        gateway.add(behaviour)
    names = [b for b in ORDER if gateway.behaviour(b) is not None]
    met = [name for name in names if _handles(gateway.behaviour(name), "sqs", "ReceiveMessage")]
    assert not [name for name in met if name.startswith(("s3_", "dynamodb_", "sns_", "kms_"))]
    assert "sqs_long_poll" in met


def test_every_behaviour_is_found_by_its_module_name(gateway):
    for behaviour in default_behaviours():
        gateway.add(behaviour)
    assert [name for name in ORDER if gateway.behaviour(name) is None] == []
    assert type(gateway.behaviour("pagination")).__name__ == "SmallPages"


def test_an_internal_client_goes_straight_to_the_upstream_unlogged(gateway, upstream):
    seen: list = []
    gateway.add(Recorder("any", seen))
    gateway.internal_client("sqs").send_message(QueueUrl=QUEUE, MessageBody="from a behaviour")
    assert len(upstream.requests) == 1 and seen == [] and len(gateway.log) == 0


def test_internal_clients_outlive_a_reset(gateway):
    client = gateway.internal_client("sqs")
    gateway.reset()
    assert gateway.internal_client("sqs") is client


def test_memory_is_per_scenario(gateway):
    gateway.memory("counts")["a"] = 1
    assert gateway.memory("counts") == {"a": 1}
    gateway.reset()
    assert gateway.memory("counts") == {}


def test_a_clock_listener_of_one_service_waits_out_another_services_advance(gateway):
    moves: list = []
    gateway.on_advance(lambda now: moves.append(("s3", now)), services={"s3"})
    gateway.on_advance(lambda now: moves.append(("any", now)))
    gateway.advance_for(_call("sqs", "ReceiveMessage"), seconds=1)
    assert [who for who, _ in moves] == ["any"]
    gateway.clock.advance(seconds=1)
    assert [who for who, _ in moves] == ["any", "s3", "any"]


def test_a_waiting_listener_catches_up_before_its_services_next_call(gateway, sqs):
    moves: list = []
    gateway.on_advance(lambda now: moves.append(now), services={"sqs"})
    gateway.advance_for(_call("s3", "ListBuckets"), seconds=5)
    assert moves == []
    sqs.send_message(QueueUrl=QUEUE, MessageBody="hello")
    assert moves == [gateway.clock.now()]


def test_control_routes_are_refused_without_reaching_the_upstream(gateway, upstream):
    response = gateway.handle_http(HttpRequest("POST", "/moto-api/reset", "/moto-api/reset", "", {}, b""))
    assert response.status == 403 and upstream.requests == []


def _call(service: str, operation: str) -> AwsCall:
    return AwsCall(service, operation, {}, "us-east-1", None, "json", HttpRequest("POST", "/", "/", "", {}, b""))


def _handles(behaviour, service, operation):
    from awslab.gateway.core import _handles as handles

    return handles(behaviour, service, operation)

"""SQS on virtual time, through the gateway: visibility timeouts, receive counts, the moment a
message moves to its DLQ (aws-rules/sqs.md R2, R3, R5), and long polls that cost no real time.

Every test runs on embedded moto (which follows the clock by time travel) and on moto server
(which follows it through a control route).
"""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError

from awslab.local_aws import LocalAWS


@pytest.fixture(scope="module", params=["moto", "moto-server"])
def backend(request):
    local = LocalAWS(request.param).start()
    yield local
    local.stop()


@pytest.fixture
def aws(backend):
    backend.reset()
    return backend


@pytest.fixture
def sqs(aws):
    return aws.client("sqs")


def make_queue(sqs, name: str, **attributes) -> str:
    return sqs.create_queue(QueueName=name, Attributes={k: str(v) for k, v in attributes.items()})["QueueUrl"]


def queue_with_dlq(sqs, max_receive_count: int, visibility_timeout: int = 60) -> tuple[str, str]:
    dlq = make_queue(sqs, "orders-dlq")
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count})
    return make_queue(sqs, "orders", VisibilityTimeout=visibility_timeout, RedrivePolicy=redrive), dlq


def receive(sqs, url: str, **params) -> list[dict]:
    params.setdefault("WaitTimeSeconds", 0)
    return sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["All"], MessageAttributeNames=["All"],
                               **params).get("Messages", [])


def visible(sqs, url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def elapsed(aws) -> float:
    return aws.clock.elapsed().total_seconds()


# -- visibility (R2) -------------------------------------------------------------------------------
def test_received_message_stays_hidden_for_the_queue_visibility_timeout(aws, sqs):
    url = make_queue(sqs, "orders", VisibilityTimeout=60)
    sqs.send_message(QueueUrl=url, MessageBody="order-1")
    assert receive(sqs, url)
    aws.clock.advance(seconds=59)
    assert receive(sqs, url) == [] and visible(sqs, url) == 0
    aws.clock.advance(seconds=2)
    assert [m["Body"] for m in receive(sqs, url)] == ["order-1"]


def test_receive_visibility_timeout_overrides_the_queue_default(aws, sqs):
    url = make_queue(sqs, "orders", VisibilityTimeout=60)
    sqs.send_message(QueueUrl=url, MessageBody="order-1")
    receive(sqs, url, VisibilityTimeout=5)
    aws.clock.advance(seconds=6)
    assert visible(sqs, url) == 1


def test_change_message_visibility_counts_from_the_call_not_from_the_receive(aws, sqs):
    # The AWS guide's example: queue timeout 60 s; 15 s after the receive, CMV(10): visible at +25 s.
    url = make_queue(sqs, "orders", VisibilityTimeout=60)
    sqs.send_message(QueueUrl=url, MessageBody="order-1")
    handle = receive(sqs, url)[0]["ReceiptHandle"]
    aws.clock.advance(seconds=15)
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=10)
    aws.clock.advance(seconds=9)
    assert visible(sqs, url) == 0
    aws.clock.advance(seconds=2)
    assert visible(sqs, url) == 1


def test_a_heartbeat_extends_past_the_queue_timeout_and_then_lapses(aws, sqs):
    url = make_queue(sqs, "orders", VisibilityTimeout=60)
    sqs.send_message(QueueUrl=url, MessageBody="slow")
    handle = receive(sqs, url)[0]["ReceiptHandle"]
    aws.clock.advance(seconds=50)
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=120)
    aws.clock.advance(seconds=119)  # +169 s: long past the queue's 60 s
    assert visible(sqs, url) == 0
    aws.clock.advance(seconds=2)  # +171 s
    [again] = receive(sqs, url)
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"


def test_change_visibility_to_zero_releases_the_message_on_the_next_tick(aws, sqs):
    url = make_queue(sqs, "orders", VisibilityTimeout=60)
    sqs.send_message(QueueUrl=url, MessageBody="order-1")
    handle = receive(sqs, url)[0]["ReceiptHandle"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    aws.clock.advance(seconds=0.001)
    assert [m["Body"] for m in receive(sqs, url)] == ["order-1"]


# -- receive counts and the DLQ (R3) ---------------------------------------------------------------
def test_receive_count_includes_the_current_receive(aws, sqs):
    url = make_queue(sqs, "orders", VisibilityTimeout=60)
    sqs.send_message(QueueUrl=url, MessageBody="order-1")
    seen = []
    for _ in range(3):
        seen.append(receive(sqs, url)[0]["Attributes"]["ApproximateReceiveCount"])
        aws.clock.advance(seconds=61)
    assert seen == ["1", "2", "3"]


def test_message_is_delivered_max_receive_count_times_then_moves_to_the_dlq(aws, sqs):
    url, dlq = queue_with_dlq(sqs, max_receive_count=3)
    sqs.send_message(QueueUrl=url, MessageBody="poison")
    counts = []
    for _ in range(5):
        counts += [m["Attributes"]["ApproximateReceiveCount"] for m in receive(sqs, url)]
        aws.clock.advance(seconds=61)
    assert counts == ["1", "2", "3"]
    assert [m["Body"] for m in receive(sqs, dlq)] == ["poison"]


def test_the_move_happens_at_the_receive_attempt_after_the_last_timeout(aws, sqs):
    # R3.2, validated with maxReceiveCount=1: receive 1 returns it; the next attempt moves it.
    url, dlq = queue_with_dlq(sqs, max_receive_count=1)
    sqs.send_message(QueueUrl=url, MessageBody="poison", MessageAttributes={
        "customer": {"DataType": "String", "StringValue": "c-1"}})
    [first] = receive(sqs, url)
    aws.clock.advance(seconds=61)
    assert visible(sqs, dlq) == 0, "nothing moves while no one receives"
    assert receive(sqs, url) == []
    [moved] = receive(sqs, dlq)
    assert moved["Attributes"]["ApproximateReceiveCount"] == "2", "the count goes on in the DLQ"
    assert (moved["MessageId"], moved["Body"], moved["MessageAttributes"]) == (
        first["MessageId"], first["Body"], first["MessageAttributes"])
    assert moved["Attributes"]["SentTimestamp"] == first["Attributes"]["SentTimestamp"]


def test_no_move_while_the_last_receive_is_still_in_flight(aws, sqs):
    url, dlq = queue_with_dlq(sqs, max_receive_count=1)
    sqs.send_message(QueueUrl=url, MessageBody="slow")
    handle = receive(sqs, url)[0]["ReceiptHandle"]
    aws.clock.advance(seconds=30)
    assert receive(sqs, url) == [] and visible(sqs, dlq) == 0
    sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)  # handled in time after all
    aws.clock.advance(seconds=61)
    assert receive(sqs, url) == [] and visible(sqs, dlq) == 0


# -- long polls on virtual time (R5) ---------------------------------------------------------------
def test_long_poll_on_an_empty_queue_returns_at_once_while_virtual_time_waits_20_s(aws, sqs):
    url = make_queue(sqs, "orders")
    mark = aws.log.mark()
    started = time.perf_counter()
    response = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20)
    real = time.perf_counter() - started
    assert "Messages" not in response
    assert elapsed(aws) == 20
    assert real < 3, f"a 20 s long poll took {real:.2f} s of real time"
    [call] = aws.log.calls("sqs", "ReceiveMessage", source=None, since=mark)
    assert (call.notes["wait_seconds"], call.notes["wait_origin"], call.notes["virtual_wait"]) == (20, "request", 20)


def test_long_poll_wait_can_come_from_the_queue_attribute(aws, sqs):
    url = make_queue(sqs, "orders", ReceiveMessageWaitTimeSeconds=20)
    mark = aws.log.mark()
    sqs.receive_message(QueueUrl=url)
    assert elapsed(aws) == 20
    [call] = aws.log.calls("sqs", "ReceiveMessage", source=None, since=mark)
    assert (call.notes["wait_seconds"], call.notes["wait_origin"]) == (20, "queue")


def test_short_poll_costs_no_virtual_time(aws, sqs):
    url = make_queue(sqs, "orders", ReceiveMessageWaitTimeSeconds=20)
    mark = aws.log.mark()
    sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)
    assert elapsed(aws) == 0
    [call] = aws.log.calls("sqs", "ReceiveMessage", source=None, since=mark)
    assert (call.notes["wait_seconds"], call.notes["wait_origin"]) == (0, "request")


def test_long_poll_returns_as_soon_as_a_hidden_message_comes_back(aws, sqs):
    url = make_queue(sqs, "orders", VisibilityTimeout=60)
    sqs.send_message(QueueUrl=url, MessageBody="order-1")
    receive(sqs, url, VisibilityTimeout=5)
    [again] = receive(sqs, url, WaitTimeSeconds=20)
    assert again["Body"] == "order-1"
    assert 5 <= elapsed(aws) <= 6  # seconds of virtual time, not 20


def test_long_poll_returns_at_once_when_a_message_is_waiting(aws, sqs):
    url = make_queue(sqs, "orders")
    sqs.send_message(QueueUrl=url, MessageBody="order-1")
    assert receive(sqs, url, WaitTimeSeconds=20)
    assert elapsed(aws) == 0


# -- where moto differs from AWS, corrected by the gateway (sqs_visibility, sqs_dead_letters) -------------
def test_change_visibility_to_zero_makes_the_message_visible_at_once(aws, sqs):
    """R2.3. moto makes a message visible only when now > visible_at; on virtual time, which stands
    still between advances, CMV(0) would leave it hidden until the clock next moves."""
    url = make_queue(sqs, "orders", VisibilityTimeout=60)
    sqs.send_message(QueueUrl=url, MessageBody="order-1")
    handle = receive(sqs, url)[0]["ReceiptHandle"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    assert visible(sqs, url) == 1
    assert [m["Body"] for m in receive(sqs, url)] == ["order-1"]


def test_a_message_is_visible_again_exactly_when_its_visibility_timeout_ends(aws, sqs):
    """R2.1: hidden for the timeout, no longer (moto: hidden at the end instant too)."""
    url = make_queue(sqs, "orders", VisibilityTimeout=60)
    sqs.send_message(QueueUrl=url, MessageBody="order-1")
    receive(sqs, url)
    aws.clock.advance(seconds=60)
    assert [m["Body"] for m in receive(sqs, url)] == ["order-1"]


def test_a_changed_timeout_ends_exactly_at_the_call_plus_the_new_timeout(aws, sqs):
    url = make_queue(sqs, "orders", VisibilityTimeout=60)
    sqs.send_message(QueueUrl=url, MessageBody="order-1")
    handle = receive(sqs, url)[0]["ReceiptHandle"]
    aws.clock.advance(seconds=15)
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=10)
    aws.clock.advance(seconds=10)
    assert visible(sqs, url) == 1


def test_long_poll_returns_the_message_at_the_second_its_timeout_ends(aws, sqs):
    url = make_queue(sqs, "orders", VisibilityTimeout=60)
    sqs.send_message(QueueUrl=url, MessageBody="order-1")
    receive(sqs, url, VisibilityTimeout=5)
    [again] = receive(sqs, url, WaitTimeSeconds=20)
    assert again["Body"] == "order-1" and elapsed(aws) == 5


def test_the_move_to_the_dlq_happens_exactly_when_the_last_timeout_ends(aws, sqs):
    url, dlq = queue_with_dlq(sqs, max_receive_count=1, visibility_timeout=30)
    sqs.send_message(QueueUrl=url, MessageBody="poison")
    receive(sqs, url)
    aws.clock.advance(seconds=30)
    assert receive(sqs, url) == []
    assert [m["Body"] for m in receive(sqs, dlq)] == ["poison"]


def test_the_12_hour_visibility_cap_counts_from_the_receive(aws, sqs):
    """R2.4. moto measures the 43,200 s cap from the message's SentTimestamp instead of from the
    receive that started the timer, so a message that waited an hour before its receive could not be
    extended to 43,140 s."""
    url = make_queue(sqs, "orders")
    sqs.send_message(QueueUrl=url, MessageBody="order-1")
    aws.clock.advance(hours=1)
    handle = receive(sqs, url)[0]["ReceiptHandle"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=43_200 - 60)
    aws.clock.advance(seconds=43_200 - 61)
    assert visible(sqs, url) == 0
    aws.clock.advance(seconds=1)
    assert visible(sqs, url) == 1


def test_the_12_hour_cap_starts_again_at_the_next_receive(aws, sqs):
    url = make_queue(sqs, "orders", VisibilityTimeout=30)
    sqs.send_message(QueueUrl=url, MessageBody="order-1")
    receive(sqs, url)
    aws.clock.advance(hours=2)
    handle = receive(sqs, url)[0]["ReceiptHandle"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=43_200)


def test_an_extension_past_12_hours_from_the_receive_is_refused(aws, sqs):
    """R2.4: extending does not restart the cap; (now - receive) + timeout may not pass 43,200 s."""
    url = make_queue(sqs, "orders")
    sqs.send_message(QueueUrl=url, MessageBody="order-1")
    handle = receive(sqs, url)[0]["ReceiptHandle"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=40_000)
    aws.clock.advance(seconds=10_000)
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=33_200)  # exactly 12 h
    with pytest.raises(ClientError) as refused:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=33_201)
    error = refused.value.response["Error"]
    assert error["Code"] == "InvalidParameterValue"
    assert "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]" in error["Message"]


def test_a_visibility_batch_answers_each_entry_on_its_own(aws, sqs):
    """A batch entry over the cap fails alone (moto refuses the whole batch, counting from the send)."""
    url = make_queue(sqs, "orders")
    for body in ("a", "b"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    aws.clock.advance(hours=1)
    handles = [m["ReceiptHandle"] for m in receive(sqs, url, MaxNumberOfMessages=2)]
    assert len(handles) == 2
    aws.clock.advance(seconds=100)
    answer = sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
        {"Id": "fits", "ReceiptHandle": handles[0], "VisibilityTimeout": 43_100},
        {"Id": "over", "ReceiptHandle": handles[1], "VisibilityTimeout": 43_101}])
    assert [e["Id"] for e in answer["Successful"]] == ["fits"]
    assert [(e["Id"], e["Code"]) for e in answer["Failed"]] == [("over", "InvalidParameterValue")]
    aws.clock.advance(seconds=43_099)
    assert visible(sqs, url) == 1  # "over" kept its first timeout and came back; "fits" is still hidden


def test_a_message_moved_to_the_dlq_names_its_source_queue(aws, sqs):
    """R3.2. AWS adds the system attribute DeadLetterQueueSourceArn to a message it moved; moto does not."""
    url, dlq = queue_with_dlq(sqs, max_receive_count=1)
    source_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.send_message(QueueUrl=url, MessageBody="poison")
    receive(sqs, url)
    aws.clock.advance(seconds=61)
    receive(sqs, url)
    [moved] = receive(sqs, dlq)
    assert moved["Attributes"].get("DeadLetterQueueSourceArn") == source_arn
    aws.clock.advance(seconds=31)
    [again] = receive(sqs, dlq)
    assert again["Attributes"].get("DeadLetterQueueSourceArn") == source_arn, "it keeps naming its source"


def test_a_message_sent_straight_to_the_dlq_names_no_source(aws, sqs):
    url, dlq = queue_with_dlq(sqs, max_receive_count=1)
    sqs.send_message(QueueUrl=dlq, MessageBody="direct")
    [message] = receive(sqs, dlq)
    assert "DeadLetterQueueSourceArn" not in message["Attributes"]


def test_list_dead_letter_source_queues_pages_with_max_results(aws, sqs):
    dlq = make_queue(sqs, "orders-dlq")
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})
    sources = {make_queue(sqs, f"orders-{n}", RedrivePolicy=redrive) for n in range(3)}
    first = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2)
    assert len(first["queueUrls"]) == 2 and "NextToken" in first
    second = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2, NextToken=first["NextToken"])
    assert "NextToken" not in second
    assert set(first["queueUrls"] + second["queueUrls"]) == sources
    paged = [url for page in sqs.get_paginator("list_dead_letter_source_queues").paginate(
        QueueUrl=dlq, PaginationConfig={"PageSize": 1}) for url in page["queueUrls"]]
    assert set(paged) == sources and len(paged) == 3

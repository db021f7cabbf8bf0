"""SNS to SQS delivery through the gateway, as a learner's boto3 sees it (embedded moto behind it)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

ORDER_PLACED = {"event_type": {"DataType": "String", "StringValue": "OrderPlaced"},
                "amount": {"DataType": "Number", "StringValue": "1500"}}


def queue_policy(queue_arn: str, topic_arn: str, principal=None) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": principal or {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": queue_arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}}}]})


class Fanout:
    """A topic and queues made with the grader's clients; `subscribe` wires one queue."""

    def __init__(self, aws) -> None:
        self.aws = aws
        self.sns, self.sqs = aws.client("sns"), aws.client("sqs")
        self.topic = self.sns.create_topic(Name="orders")["TopicArn"]
        self.queues: dict[str, tuple[str, str]] = {}

    def queue(self, name: str, policy_for: str | None = "topic", principal=None) -> tuple[str, str]:
        url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        if policy_for is not None:
            source = self.topic if policy_for == "topic" else policy_for
            self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": queue_policy(arn, source, principal)})
        self.queues[name] = (url, arn)
        return url, arn

    def subscribe(self, name: str, **attributes: str) -> str:
        _, arn = self.queues[name]
        return self.sns.subscribe(TopicArn=self.topic, Protocol="sqs", Endpoint=arn, Attributes=attributes,
                                  ReturnSubscriptionArn=True)["SubscriptionArn"]

    def received(self, name: str) -> list[dict]:
        url, _ = self.queues[name]
        messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                            MessageAttributeNames=["All"]).get("Messages", [])
        return messages

    def last_deliveries(self) -> list[dict]:
        publishes = self.aws.log.calls("sns", None, source="grader")
        return [c for c in publishes if c.operation in ("Publish", "PublishBatch")][-1].notes["deliveries"]


@pytest.fixture
def fanout(fresh_aws):
    return Fanout(fresh_aws)


# -- the queue policy decides --------------------------------------------------------------------
def test_queue_without_policy_receives_nothing_and_the_log_says_why(fanout):
    fanout.queue("inventory", policy_for=None)
    fanout.subscribe("inventory")
    fanout.sns.publish(TopicArn=fanout.topic, Message="order 1")
    assert fanout.received("inventory") == []
    (delivery,) = fanout.last_deliveries()
    assert delivery["delivered"] is False and delivery["dropped_by"] == "queue policy"
    assert delivery["policy_decision"] == "ImplicitlyDenied"
    assert "no resource policy" in delivery["why"]


def test_policy_for_another_topic_refuses_this_one(fanout):
    other = fanout.sns.create_topic(Name="returns")["TopicArn"]
    fanout.queue("inventory", policy_for=other)
    fanout.subscribe("inventory")
    fanout.sns.publish(TopicArn=fanout.topic, Message="order 1")
    assert fanout.received("inventory") == []
    (delivery,) = fanout.last_deliveries()
    assert delivery["dropped_by"] == "queue policy"
    assert "aws:SourceArn" in delivery["explanation"] and fanout.topic in delivery["explanation"]


# {"AWS": "*"} with aws:SourceArn is the queue policy the SQS console long wrote, and it works in AWS;
# awslab.models.iam does not let {"AWS": "*"} name a service principal yet (reported to its owner).
AWS_STAR = pytest.param({"AWS": "*"}, id="aws-star")


@pytest.mark.parametrize("principal", [{"Service": "sns.amazonaws.com"}, "*", AWS_STAR])
def test_policy_allowing_the_topic_delivers_once(fanout, principal):
    fanout.queue("inventory", principal=principal)
    fanout.subscribe("inventory")
    message_id = fanout.sns.publish(TopicArn=fanout.topic, Message="order 1")["MessageId"]
    (message,) = fanout.received("inventory")  # exactly one: the emulator did not deliver as well
    body = json.loads(message["Body"])
    assert body["Type"] == "Notification" and body["MessageId"] == message_id
    assert body["Message"] == "order 1" and body["TopicArn"] == fanout.topic
    (delivery,) = fanout.last_deliveries()
    assert delivery["delivered"] is True and delivery["policy_decision"] == "Allowed"
    assert delivery["sqs_message_id"] == message["MessageId"]


def test_publish_to_a_missing_topic_is_not_found(fanout):
    with pytest.raises(ClientError) as raised:
        fanout.sns.publish(TopicArn=fanout.topic + "-gone", Message="x")
    assert raised.value.response["Error"]["Code"] == "NotFound"
    assert raised.value.response["Error"]["Message"] == "Topic does not exist"


def test_empty_message_is_invalid_parameter(fanout):
    fanout.queue("inventory")
    fanout.subscribe("inventory")
    with pytest.raises(ClientError) as raised:
        fanout.sns.publish(TopicArn=fanout.topic, Message="")
    assert raised.value.response["Error"]["Code"] == "InvalidParameter"


def test_string_number_attribute_that_is_not_a_number_is_refused(fanout):
    fanout.queue("inventory")
    fanout.subscribe("inventory")
    with pytest.raises(ClientError, match="Could not cast message attribute 'amount' value to number"):
        fanout.sns.publish(TopicArn=fanout.topic, Message="x",
                           MessageAttributes={"amount": {"DataType": "Number", "StringValue": "lots"}})


# -- delivery formats -------------------------------------------------------------------------------
def test_raw_delivery_sends_the_message_and_its_attributes(fanout):
    fanout.queue("analytics")
    fanout.subscribe("analytics", RawMessageDelivery="true")
    fanout.sns.publish(TopicArn=fanout.topic, Message='{"order_id": 1}', MessageAttributes=ORDER_PLACED)
    (message,) = fanout.received("analytics")
    assert message["Body"] == '{"order_id": 1}'
    assert message["MessageAttributes"]["amount"] == {"DataType": "Number", "StringValue": "1500"}
    assert fanout.last_deliveries()[0]["raw"] is True


def test_envelope_carries_attributes_with_number_values_as_strings(fanout):
    fanout.queue("inventory")
    fanout.subscribe("inventory")
    fanout.sns.publish(TopicArn=fanout.topic, Message="m", Subject="New order", MessageAttributes=ORDER_PLACED)
    body = json.loads(fanout.received("inventory")[0]["Body"])
    assert body["Subject"] == "New order"
    assert body["MessageAttributes"]["amount"] == {"Type": "Number", "Value": "1500"}


# -- filter policies ---------------------------------------------------------------------------------
def publish_and_count(fanout, name: str, **publish) -> int:
    fanout.sns.publish(TopicArn=fanout.topic, **publish)
    return len(fanout.received(name))


@pytest.mark.parametrize(("policy", "scope", "publish", "delivered"), [
    ({"event_type": ["OrderPlaced"]}, None, {"Message": "m", "MessageAttributes": ORDER_PLACED}, 1),
    ({"event_type": ["OrderCancelled"]}, None, {"Message": "m", "MessageAttributes": ORDER_PLACED}, 0),
    # moto compares equals-ignore-case against the policy value as written; AWS ignores case on both sides.
    ({"event_type": [{"equals-ignore-case": "ORDERPLACED"}]}, None,
     {"Message": "m", "MessageAttributes": ORDER_PLACED}, 1),
    ({"amount": [{"numeric": [">=", 1000]}]}, None, {"Message": "m", "MessageAttributes": ORDER_PLACED}, 1),
    ({"amount": [{"numeric": [">=", 1000]}]}, None,
     {"Message": "m", "MessageAttributes": {"amount": {"DataType": "String", "StringValue": "1500"}}}, 0),
    ({"amount": [{"numeric": [">=", 1000]}]}, "MessageBody", {"Message": '{"amount": 1500}'}, 1),
    ({"amount": [{"numeric": [">=", 1000]}]}, "MessageBody", {"Message": '{"amount": "1500"}'}, 0),
    ({"order": {"status": ["placed"]}}, "MessageBody", {"Message": '{"order": {"status": "placed"}}'}, 1),
    ({"event_type": ["OrderPlaced"]}, "MessageBody", {"Message": "not json"}, 0),
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, None,
     {"Message": "m", "MessageAttributes": {"ip": {"DataType": "String", "StringValue": "10.0.0.9"}}}, 1),
    # A String.Array value that is a JSON scalar is one value (moto's test of what SNS does, and
    # LocalStack's AWS-recorded Publish validation, accept it); text that is not JSON matches nothing.
    ({"price": [100, 500]}, None,
     {"Message": "m", "MessageAttributes": {"price": {"DataType": "String.Array", "StringValue": "100"}}}, 1),
    ({"price": [100]}, None,
     {"Message": "m", "MessageAttributes": {"price": {"DataType": "String.Array", "StringValue": "one hundred"}}}, 0),
    # An empty policy filters nothing, in either scope (R1.1).
    ({}, "MessageBody", {"Message": '{"store": "another_corp"}'}, 1),
    ({}, None, {"Message": "m"}, 1),
])
def test_filter_policy_decides_as_aws(fanout, policy, scope, publish, delivered):
    fanout.queue("fraud")
    attributes = {"FilterPolicy": json.dumps(policy)}
    if scope:
        attributes["FilterPolicyScope"] = scope
    fanout.subscribe("fraud", **attributes)
    assert publish_and_count(fanout, "fraud", **publish) == delivered
    (delivery,) = fanout.last_deliveries()
    assert delivery["filter_matched"] is bool(delivered)
    assert bool(delivery["filter"]) is bool(policy)  # an empty policy filters nothing


def test_filtered_out_message_note_says_which_key(fanout):
    fanout.queue("fraud")
    fanout.subscribe("fraud", FilterPolicy=json.dumps({"amount": [{"numeric": [">=", 1000]}]}))
    fanout.sns.publish(TopicArn=fanout.topic, Message="m", MessageAttributes={
        "amount": {"DataType": "String", "StringValue": "1500"}})
    (delivery,) = fanout.last_deliveries()
    assert delivery["dropped_by"] == "filter"
    assert "amount" in delivery["why"] and "Number" in delivery["why"]


@pytest.mark.parametrize(("attributes", "message"), [
    ({"FilterPolicy": '{"key": []}'}, "Invalid parameter: Attributes Reason: FilterPolicy: Empty arrays are not allowed"),
    ({"FilterPolicy": '{"key": "value"}'},
     'Invalid parameter: Attributes Reason: FilterPolicy: "key" must be an object or an array'),
    ({"FilterPolicy": '{"a": {"b": ["x"]}}'},
     "Invalid parameter: Attributes Reason: Filter policy scope MessageAttributes does not support nested "
     "filter policy"),
    ({"FilterPolicy": '{"k": ["v"]}', "FilterPolicyScope": "RandomValue"},
     "Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value [RandomValue]. "
     "Please use either MessageBody or MessageAttributes"),
])
def test_invalid_filter_policy_on_subscribe_is_invalid_parameter(fanout, attributes, message):
    fanout.queue("fraud")
    with pytest.raises(ClientError) as raised:
        fanout.subscribe("fraud", **attributes)
    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidParameter"
    assert error["Message"] == message
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_invalid_filter_policy_on_set_subscription_attributes(fanout):
    fanout.queue("fraud")
    arn = fanout.subscribe("fraud")
    with pytest.raises(ClientError) as raised:
        fanout.sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="FilterPolicy",
                                               AttributeValue='{"amount": [{"numeric": [">", 3, "<", 1]}]}')
    assert raised.value.response["Error"]["Code"] == "InvalidParameter"
    assert raised.value.response["Error"]["Message"] == (
        "Invalid parameter: FilterPolicy: Bottom must be less than top")


def test_scope_change_that_leaves_a_nested_policy_under_attributes_is_refused(fanout):
    fanout.queue("fraud")
    arn = fanout.subscribe("fraud", FilterPolicy='{"a": {"b": ["x"]}}', FilterPolicyScope="MessageBody")
    with pytest.raises(ClientError, match="does not support nested filter policy"):
        fanout.sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="FilterPolicyScope",
                                               AttributeValue="MessageAttributes")


def test_policy_the_emulator_refuses_is_kept_and_shown(fanout):
    fanout.queue("fraud")
    arn = fanout.subscribe("fraud", FilterPolicy='{"ip": [{"cidr": "10.0.0.0/24"}]}')
    attributes = fanout.sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert json.loads(attributes["FilterPolicy"]) == {"ip": [{"cidr": "10.0.0.0/24"}]}
    assert attributes["FilterPolicyScope"] == "MessageAttributes"


# -- batches and what awslab leaves to the emulator -----------------------------------------------------
def test_publish_batch_delivers_each_entry_and_reports_bad_ones(fanout):
    fanout.queue("inventory")
    fanout.subscribe("inventory", FilterPolicy=json.dumps({"event_type": ["OrderPlaced"]}))
    answer = fanout.sns.publish_batch(TopicArn=fanout.topic, PublishBatchRequestEntries=[
        {"Id": "a", "Message": "one", "MessageAttributes": ORDER_PLACED},
        {"Id": "b", "Message": "two"},
        {"Id": "c", "Message": ""},
    ])
    assert [s["Id"] for s in answer["Successful"]] == ["a", "b"]
    assert [f["Id"] for f in answer["Failed"]] == ["c"]
    assert [json.loads(m["Body"])["Message"] for m in fanout.received("inventory")] == ["one"]
    notes = fanout.last_deliveries()
    assert [(n["entry"], n["delivered"]) for n in notes] == [("a", True), ("b", False)]


def test_topic_without_sqs_subscriptions_is_left_to_the_emulator(fanout):
    answer = fanout.sns.publish(TopicArn=fanout.topic, Message="nobody listens")
    assert answer["MessageId"]
    publish = fanout.aws.log.calls("sns", "Publish", source="grader")[-1]
    assert "emulator" in publish.notes["deliveries_by"]


# -- what Publish looks up is remembered only while nothing can change it --------------------------
def _internal_calls(aws, service: str, operation: str) -> list[str]:
    seen: list[str] = []
    aws.gateway.internal_client(service).meta.events.register(
        f"before-call.{service}.{operation}", lambda model, **_: seen.append(model.name))
    return seen


def test_a_run_of_publishes_looks_up_subscriptions_and_queues_once(fanout):
    fanout.queue("inventory")
    fanout.subscribe("inventory")
    subscription_reads = _internal_calls(fanout.aws, "sns", "GetSubscriptionAttributes")
    queue_lookups = _internal_calls(fanout.aws, "sqs", "GetQueueUrl")
    for n in range(4):
        fanout.sns.publish(TopicArn=fanout.topic, Message=f"order {n}")
        fanout.received("inventory")  # receives between publishes change none of it
    assert len(subscription_reads) == 1 and len(queue_lookups) == 1
    assert all(d["delivered"] for d in fanout.last_deliveries())


def test_a_queue_policy_changed_between_publishes_decides_the_next_one(fanout):
    url, arn = fanout.queue("inventory")
    fanout.subscribe("inventory")
    fanout.sns.publish(TopicArn=fanout.topic, Message="order 1")
    assert fanout.last_deliveries()[0]["delivered"] is True
    fanout.sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": queue_policy(arn, "arn:aws:sns:us-east-1:123456789012:other")})
    fanout.sns.publish(TopicArn=fanout.topic, Message="order 2")
    assert fanout.last_deliveries()[0]["dropped_by"] == "queue policy"


def test_a_subscription_added_between_publishes_gets_the_next_one(fanout):
    fanout.queue("inventory")
    fanout.queue("analytics")
    fanout.subscribe("inventory")
    fanout.sns.publish(TopicArn=fanout.topic, Message="order 1")
    fanout.subscribe("analytics", RawMessageDelivery="true")
    fanout.sns.publish(TopicArn=fanout.topic, Message="order 2")
    assert [d["queue"] for d in fanout.last_deliveries()] == ["inventory", "analytics"]
    assert [m["Body"] for m in fanout.received("analytics")] == ["order 2"]

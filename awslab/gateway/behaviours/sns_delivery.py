"""SNS to SQS delivery as AWS does it: filter policies, queue policies, raw or enveloped bodies.

moto and LocalStack deliver SNS messages to SQS inside the emulator, whatever the queue policy
says, and their filter policies differ from AWS's. So awslab answers Publish and PublishBatch
itself for every topic with an SQS subscription:

1. the topic must exist (the emulator is asked);
2. per SQS subscription, the filter policy decides (awslab.models.sns_delivery, both scopes);
3. the queue policy decides, with awslab.models.iam: principal sns.amazonaws.com, sqs:SendMessage on the
   queue, aws:SourceArn = the topic, aws:SourceAccount = the topic's account. A refused delivery
   is dropped, as in AWS, where the queue just stays empty;
4. the message is sent to the queue in SNS's format (raw, or the JSON envelope).

The emulator never sees those Publish calls, so it cannot deliver twice. Each outcome is noted on
the Publish in the request log: `notes["deliveries"]`, one dict per subscription with `queue`,
`delivered`, `dropped_by` ("filter", "queue policy", ...) and `why` (the filter's or the IAM
decision's explanation), so a learner can see why a queue stayed empty.

What awslab does not simulate is left to the emulator: a topic without SQS subscriptions (email,
HTTP, Lambda, ...) is published by the emulator; on a topic that has both, the other protocols get
nothing (noted). Filter policies are validated on Subscribe and SetSubscriptionAttributes with
AWS's InvalidParameter messages; one that AWS accepts and the emulator refuses (moto has no cidr)
is kept by awslab and shown in GetSubscriptionAttributes.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import botocore.exceptions

from awslab.models.iam import PolicyError, Request, evaluate
from awslab.models.sns_delivery import (
    FilterPolicyError,
    explain_match,
    message_for_protocol,
    sqs_delivery,
    validate_filter_policy,
    validate_scope,
)

from ..aws_request import AwsCall, region_of_arn
from ..core import Forward, Gateway
from ..errors import aws_error
from ..wire import Response

SNS_XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/"
SNS_PRINCIPAL = "sns.amazonaws.com"
MAX_MESSAGE_BYTES = 256 * 1024
MAX_BATCH_ENTRIES = 10
_OVERRIDES = "sns_filter_overrides"  # gateway.state key: subscription ARN -> FilterPolicy text
# gateway.state key: subscription ARN -> FilterPolicyScope as the caller set it. The emulator keeps it
# but shows none while it holds no policy (before the policy is set, or when awslab keeps the policy).
_SCOPES = "sns_filter_scopes"


class PublishRejected(Exception):
    """A Publish AWS refuses: code, message and HTTP status of AWS's error."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


# gateway.state key: what Publish looked up in the emulator (topics with their subscriptions,
# subscription attributes, queues with their policies), kept while only calls that cannot change
# any of it pass: a run of publishes, and the receives and deletes between them (SQS calls that
# cannot change a queue do not meet this behaviour), ask the emulator once instead of four times
# per subscription per message. Any other SNS call, or an SQS call that may change a queue, forgets it all.
_LOOKUPS = "sns_delivery_lookups"
_KEEP_LOOKUPS = frozenset({"Publish", "PublishBatch", "GetTopicAttributes", "ListTopics", "ListSubscriptions",
                           "ListSubscriptionsByTopic", "GetSubscriptionAttributes"})


def _remembered(gateway: Gateway, kind: str, key: str, look_up):
    lookups = gateway.state.setdefault(_LOOKUPS, {})
    if (kind, key) not in lookups:
        lookups[(kind, key)] = look_up()
    return lookups[(kind, key)]


class SnsDelivery:
    name = "sns_delivery"
    services = frozenset({"sns", "sqs"})
    # Of SQS, the calls that may change what Publish remembers of a queue (its URL, policy, existence):
    # they make it forget its lookups. A receive or a send never meets this behaviour.
    operations = {"sqs": frozenset({"CreateQueue", "DeleteQueue", "SetQueueAttributes", "AddPermission",
                                    "RemovePermission"})}

    def handle(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        if call.service == "sns" and call.operation in _KEEP_LOOKUPS:
            return self._handle(call, forward, gateway)
        gateway.state.pop(_LOOKUPS, None)
        try:
            return self._handle(call, forward, gateway)
        finally:  # and again once it is done: a publish meanwhile may have looked up the state before it
            gateway.state.pop(_LOOKUPS, None)

    def _handle(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        if call.service != "sns":
            return forward(call)
        operation = call.operation
        if operation == "Publish":
            return self._publish(call, forward, gateway)
        if operation == "PublishBatch":
            return self._publish_batch(call, forward, gateway)
        if operation == "Subscribe":
            return self._subscribe(call, forward, gateway)
        if operation == "SetSubscriptionAttributes":
            return self._set_subscription_attributes(call, forward, gateway)
        if operation == "GetSubscriptionAttributes":
            return self._get_subscription_attributes(call, forward, gateway)
        return forward(call)

    # -- Publish ----------------------------------------------------------------------------------
    def _publish(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        topic_arn = _topic_of(call.params)
        if topic_arn is None:
            return forward(call)  # SMS or a platform endpoint: not simulated
        topic = _remembered(gateway, "topic", topic_arn, lambda: _Topic.load(gateway, topic_arn))
        if topic is None:
            return aws_error(call, "NotFound", "Topic does not exist", 404)
        if not topic.has_sqs:
            call.note("deliveries_by", "emulator (the topic has no SQS subscription)")
            return forward(call)
        try:
            entry = _validated_entry(call.params, topic)
        except PublishRejected as rejected:
            return aws_error(call, rejected.code, rejected.message, rejected.status)
        message_id = str(uuid.uuid4())
        deliveries = topic.deliver(gateway, message_id, entry)
        call.note("message_id", message_id)
        call.note("deliveries", deliveries)
        result = {"MessageId": message_id}
        if topic.fifo:
            result["SequenceNumber"] = topic.sequence_number(gateway)
        return call.answer(result)

    def _publish_batch(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        topic_arn = call.params.get("TopicArn")
        entries = call.params.get("PublishBatchRequestEntries") or []
        topic = _remembered(gateway, "topic", topic_arn, lambda: _Topic.load(gateway, topic_arn)) if topic_arn else None
        if topic is None:
            return aws_error(call, "NotFound", "Topic does not exist", 404)
        if not entries:
            return aws_error(call, "EmptyBatchRequest", "The batch request doesn't contain any entries.")
        if len(entries) > MAX_BATCH_ENTRIES:
            return aws_error(call, "TooManyEntriesInBatchRequest",
                             "The batch request contains more entries than permissible.")
        if len({e.get("Id") for e in entries}) != len(entries):
            return aws_error(call, "BatchEntryIdsNotDistinct",
                             "Two or more batch entries in the request have the same Id.")
        if not topic.has_sqs:
            call.note("deliveries_by", "emulator (the topic has no SQS subscription)")
            return forward(call)
        successful, failed, deliveries, message_ids = [], [], [], {}
        for raw_entry in entries:
            try:
                entry = _validated_entry(raw_entry, topic)
            except PublishRejected as rejected:
                failed.append({"Id": raw_entry.get("Id"), "Code": rejected.code, "Message": rejected.message,
                               "SenderFault": True})
                continue
            message_id = str(uuid.uuid4())
            message_ids[raw_entry.get("Id")] = message_id
            deliveries += [dict(d, entry=raw_entry.get("Id"))
                           for d in topic.deliver(gateway, message_id, entry)]
            item = {"Id": raw_entry.get("Id"), "MessageId": message_id}
            if topic.fifo:
                item["SequenceNumber"] = topic.sequence_number(gateway)
            successful.append(item)
        call.note("message_ids", message_ids)
        call.note("deliveries", deliveries)
        return call.answer({"Successful": successful, "Failed": failed})

    # -- filter policies ---------------------------------------------------------------------------
    def _subscribe(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        attributes = dict(call.params.get("Attributes") or {})
        policy = attributes.get("FilterPolicy")
        try:
            if "FilterPolicyScope" in attributes:
                validate_scope(attributes["FilterPolicyScope"], call="Subscribe")
            if policy:
                validate_filter_policy(policy, attributes.get("FilterPolicyScope"), call="Subscribe")
        except FilterPolicyError as error:
            return aws_error(call, error.code, error.message, error.http_status)
        response = forward(call)
        if response.ok:
            _remember_scope(gateway, _result_field(call, response, "SubscriptionArn"), attributes)
        if response.ok or not policy:
            return response
        # AWS accepts this policy but the emulator does not: keep it in awslab.
        stripped = {k: v for k, v in attributes.items() if k != "FilterPolicy"}
        params = dict(call.params, Attributes=stripped) if stripped else {
            k: v for k, v in call.params.items() if k != "Attributes"}
        retried = forward(call.with_params(params))
        if not retried.ok:
            return response
        arn = _result_field(call, retried, "SubscriptionArn")
        if arn:
            _remember_scope(gateway, arn, attributes)
            gateway.state.setdefault(_OVERRIDES, {})[arn] = policy
            call.note("filter_policy_kept_by_awslab", "the emulator refused a filter policy AWS accepts")
        return retried

    def _set_subscription_attributes(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        name = call.params.get("AttributeName")
        if name not in ("FilterPolicy", "FilterPolicyScope"):
            return forward(call)
        arn = call.params.get("SubscriptionArn", "")
        value = call.params.get("AttributeValue") or ""
        current = _subscription_attributes(gateway, arn)
        if current is None:
            return forward(call)  # unknown subscription: the emulator says NotFound
        try:
            if name == "FilterPolicyScope":
                scope = validate_scope(value)
                if current.get("FilterPolicy"):
                    validate_filter_policy(current["FilterPolicy"], scope)
            elif value:
                validate_filter_policy(value, current.get("FilterPolicyScope"))
        except FilterPolicyError as error:
            return aws_error(call, error.code, error.message, error.http_status)
        overrides = gateway.state.setdefault(_OVERRIDES, {})
        response = forward(call)
        if name == "FilterPolicyScope" and response.ok:
            _remember_scope(gateway, arn, {"FilterPolicyScope": value})
        if name == "FilterPolicy":
            if response.ok:
                overrides.pop(arn, None)
            elif value and response.status == 400:
                overrides[arn] = value  # valid in AWS, refused by the emulator
                call.note("filter_policy_kept_by_awslab", "the emulator refused a filter policy AWS accepts")
                return call.answer()
        return response

    def _get_subscription_attributes(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        response = forward(call)
        arn = call.params.get("SubscriptionArn")
        policy = gateway.state.get(_OVERRIDES, {}).get(arn)
        if not response.ok or policy is None:
            return response  # the emulator holds the policy, and so shows the scope that goes with it
        scope = gateway.state.get(_SCOPES, {}).get(arn, "MessageAttributes")
        return _with_attributes(call, response, {"FilterPolicy": policy, "FilterPolicyScope": scope})


# --------------------------------------------------------------------------- one topic's fan-out
class _Topic:
    """A topic as one Publish sees it: its attributes and its subscriptions."""

    def __init__(self, arn: str, attributes: dict[str, str], subscriptions: list[dict[str, Any]]) -> None:
        self.arn = arn
        self.attributes = attributes
        self.subscriptions = subscriptions
        self.account = arn.split(":")[4] if arn.count(":") >= 5 else ""
        self.fifo = attributes.get("FifoTopic", "false").lower() == "true" or arn.endswith(".fifo")

    @classmethod
    def load(cls, gateway: Gateway, arn: str) -> "_Topic | None":
        sns = gateway.internal_client("sns", region_of_arn(arn, gateway.region))
        try:
            attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        except botocore.exceptions.ClientError:
            return None
        subscriptions = []
        for page in sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=arn):
            subscriptions += page.get("Subscriptions", [])
        return cls(arn, attributes, subscriptions)

    @property
    def has_sqs(self) -> bool:
        return any(s.get("Protocol") == "sqs" for s in self.subscriptions)

    def sequence_number(self, gateway: Gateway) -> str:
        counters = gateway.state.setdefault("sns_sequence_numbers", {})
        counters[self.arn] = counters.get(self.arn, 0) + 1
        return f"{counters[self.arn]:020d}"

    def deliver(self, gateway: Gateway, message_id: str, entry: dict[str, Any]) -> list[dict[str, Any]]:
        """Deliver one message to every subscription; one note per subscription."""
        policies: dict[str, Any] = {}  # queue ARN -> (url, policy) looked up once per Publish
        return [self._deliver_one(gateway, subscription, message_id, entry, policies)
                for subscription in self.subscriptions]

    def _deliver_one(self, gateway: Gateway, subscription: dict[str, Any], message_id: str,
                     entry: dict[str, Any], queues: dict[str, Any]) -> dict[str, Any]:
        arn = subscription.get("SubscriptionArn", "")
        protocol = subscription.get("Protocol", "")
        endpoint = subscription.get("Endpoint", "")
        note: dict[str, Any] = {"subscription": arn, "protocol": protocol, "endpoint": endpoint,
                                "delivered": False, "dropped_by": None, "why": ""}
        if protocol != "sqs":
            return dict(note, dropped_by="not simulated",
                        why=f"awslab delivers SNS messages to SQS only; this {protocol} subscription "
                            "shares a topic with SQS subscriptions, so it gets nothing")
        note["queue"] = endpoint.rsplit(":", 1)[-1]
        if not arn.startswith("arn:"):
            return dict(note, dropped_by="pending confirmation", why="the subscription is not confirmed")
        settings = dict(_remembered(gateway, "subscription", arn, lambda: _subscription_attributes(gateway, arn)) or {})
        raw = settings.get("RawMessageDelivery", "false").lower() == "true"
        note["raw"] = raw
        # Filter policy (rules R1, R2), on the text the SQS endpoint would receive.
        text = message_for_protocol(entry["Message"], entry.get("MessageStructure"), "sqs")
        try:
            match = explain_match(settings.get("FilterPolicy") or None, entry.get("MessageAttributes"), text,
                                  settings.get("FilterPolicyScope") or "MessageAttributes")
        except FilterPolicyError as error:
            return dict(note, filter_matched=False, dropped_by="filter", why=f"invalid filter policy: {error}")
        note["filter_matched"] = match.matched
        note["filter"] = match.reason
        if not match.matched:
            return dict(note, dropped_by="filter", why=match.reason)
        # The queue and its policy.
        if endpoint not in queues:
            queues[endpoint] = _remembered(gateway, "queue", endpoint, lambda: _queue(gateway, endpoint))
        url, policy, fifo = queues[endpoint]
        if url is None:
            return dict(note, dropped_by="queue", why=f"the queue {endpoint} does not exist")
        decision, explanation = self._queue_policy_decision(endpoint, policy)
        note["policy_decision"] = decision
        if decision != "Allowed":
            return dict(note, dropped_by="queue policy", why=explanation.splitlines()[0] if explanation else "",
                        explanation=explanation)
        # The message in SNS's format (R4).
        delivery = sqs_delivery(
            topic_arn=self.arn, subscription_arn=arn, message_id=message_id, message=entry["Message"],
            timestamp=gateway.clock.now(), raw=raw, subject=entry.get("Subject"),
            message_attributes=entry.get("MessageAttributes"), message_structure=entry.get("MessageStructure"),
            signature_version=self.attributes.get("SignatureVersion", "1"))
        if not delivery.delivered:
            return dict(note, dropped_by="format", why=delivery.dropped_reason)
        send = _send_message_params(url, delivery, entry, fifo)
        try:
            sent = gateway.internal_client("sqs", region_of_arn(endpoint, gateway.region)).send_message(**send)
        except botocore.exceptions.ClientError as error:
            info = error.response.get("Error", {})
            return dict(note, dropped_by="queue", why=f"SQS refused the message: {info.get('Code')}: "
                                                      f"{info.get('Message')}")
        return dict(note, delivered=True, why=match.reason, sqs_message_id=sent.get("MessageId"))

    @property
    def content_dedup(self) -> bool:
        return self.attributes.get("ContentBasedDeduplication", "false").lower() == "true"

    def _queue_policy_decision(self, queue_arn: str, policy: str | None) -> tuple[str, str]:
        request = Request(action="sqs:SendMessage", resource=queue_arn, principal=SNS_PRINCIPAL,
                          context={"aws:SourceArn": self.arn, "aws:SourceAccount": self.account})
        try:
            decision = evaluate(request, identity_policies=[], resource_policy=policy or None)
        except PolicyError as error:
            return "ImplicitlyDenied", f"the queue policy is not valid, so it allows nothing: {error}"
        if decision.allowed:
            return decision.decision, decision.reason
        return decision.decision, f"the queue policy refuses the topic: {decision.reason}\n{decision.explain()}"


def _queue(gateway: Gateway, queue_arn: str) -> tuple[str | None, str | None, bool]:
    """(URL, Policy, is FIFO) of the queue with this ARN, or (None, None, False) if it is gone."""
    parts = queue_arn.split(":")
    if len(parts) < 6:
        return None, None, False
    sqs = gateway.internal_client("sqs", parts[3] or gateway.region)
    try:
        url = sqs.get_queue_url(QueueName=parts[5], QueueOwnerAWSAccountId=parts[4])["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {})
    except botocore.exceptions.ClientError:
        return None, None, False
    return url, attributes.get("Policy"), parts[5].endswith(".fifo")


def _subscription_attributes(gateway: Gateway, arn: str) -> dict[str, str] | None:
    try:
        attributes = dict(gateway.internal_client("sns", region_of_arn(arn, gateway.region)).get_subscription_attributes(
            SubscriptionArn=arn)["Attributes"])
    except (botocore.exceptions.ClientError, botocore.exceptions.ParamValidationError):
        return None
    policy = gateway.state.get(_OVERRIDES, {}).get(arn)
    if policy is not None:
        attributes["FilterPolicy"] = policy
    scope = gateway.state.get(_SCOPES, {}).get(arn)
    if scope is not None:
        attributes["FilterPolicyScope"] = scope
    return attributes


def _remember_scope(gateway: Gateway, arn: str | None, attributes: dict[str, Any]) -> None:
    if arn and attributes.get("FilterPolicyScope"):
        gateway.state.setdefault(_SCOPES, {})[arn] = attributes["FilterPolicyScope"]


def _topic_of(params: dict[str, Any]) -> str | None:
    if params.get("TopicArn"):
        return params["TopicArn"]
    target = params.get("TargetArn") or ""
    parts = target.split(":")
    if len(parts) == 6 and parts[2] == "sns" and "/" not in parts[5]:
        return target  # a topic given as TargetArn; platform endpoints have a "/" path
    return None


def _send_message_params(url: str, delivery: Any, entry: dict[str, Any], fifo: bool) -> dict[str, Any]:
    """SendMessage's parameters for a delivery in SNS's format to the queue at `url`."""
    send: dict[str, Any] = {"QueueUrl": url, "MessageBody": delivery.body}
    if delivery.message_attributes:
        send["MessageAttributes"] = delivery.message_attributes
    if fifo:
        send["MessageGroupId"] = entry.get("MessageGroupId") or "default"
        # Publish validation made sure there is an id or content-based deduplication.
        send["MessageDeduplicationId"] = entry.get("MessageDeduplicationId") or hashlib.sha256(
            entry["Message"].encode()).hexdigest()
    return send


# --------------------------------------------------------------------------- Publish validation
def _validated_entry(params: dict[str, Any], topic: _Topic) -> dict[str, Any]:
    """Publish's (or a batch entry's) fields, checked as AWS checks them."""
    message = params.get("Message")
    if message is None or message == "":
        raise PublishRejected("InvalidParameter", "Invalid parameter: Empty message")
    attributes = dict(params.get("MessageAttributes") or {})
    if _message_size(message, attributes) > MAX_MESSAGE_BYTES:
        raise PublishRejected("InvalidParameter", "Invalid parameter: Message too long")
    subject = params.get("Subject")
    if subject is not None and (subject == "" or len(subject) >= 100 or not subject.isascii()
                                or "\n" in subject or "\r" in subject):
        raise PublishRejected("InvalidParameter", "Invalid parameter: Subject")
    structure = params.get("MessageStructure")
    if structure is not None:
        _check_message_structure(structure, message)
    for name, attribute in attributes.items():
        _check_attribute(name, attribute)
    if topic.fifo:
        _check_fifo_entry(params, topic)
    return {"Message": message, "Subject": subject, "MessageStructure": structure,
            "MessageAttributes": attributes, "MessageGroupId": params.get("MessageGroupId"),
            "MessageDeduplicationId": params.get("MessageDeduplicationId")}


def _message_size(message: str, attributes: dict[str, Any]) -> int:
    """The message and every attribute's name, type and value, in bytes."""
    return len(message.encode()) + sum(
        len(name.encode()) + len(str(a.get("DataType", "")).encode())
        + len(a.get("StringValue", "").encode() if "StringValue" in a else bytes(a.get("BinaryValue") or b""))
        for name, a in attributes.items())


def _check_message_structure(structure: Any, message: str) -> None:
    """MessageStructure "json": the message is a JSON object with a "default" text."""
    if structure != "json":
        raise PublishRejected("InvalidParameter", "Invalid parameter: MessageStructure")
    try:
        texts = json.loads(message)
    except ValueError:
        raise PublishRejected("InvalidParameter",
                              "Invalid parameter: Message Structure - JSON message body failed to parse") from None
    if not isinstance(texts, dict) or "default" not in texts:
        raise PublishRejected("InvalidParameter",
                              "Invalid parameter: Message Structure - No default entry in JSON message body")


def _check_fifo_entry(params: dict[str, Any], topic: _Topic) -> None:
    if not params.get("MessageGroupId"):
        raise PublishRejected("InvalidParameter",
                              "Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
    if not params.get("MessageDeduplicationId") and not topic.content_dedup:
        raise PublishRejected("InvalidParameter",
                              "Invalid parameter: The topic should either have ContentBasedDeduplication "
                              "enabled or MessageDeduplicationId provided explicitly")


def _check_attribute(name: str, attribute: dict[str, Any]) -> None:
    data_type = attribute.get("DataType") or ""
    if data_type.split(".")[0] not in ("String", "Number", "Binary"):
        raise PublishRejected("ParameterValueInvalid",
                              f"The message attribute '{name}' has an invalid message attribute type, the set "
                              "of supported type prefixes is Binary, Number, and String.")
    value = attribute.get("StringValue") if "StringValue" in attribute else attribute.get("BinaryValue")
    if value is None or value in ("", b""):
        raise PublishRejected("ParameterValueInvalid",
                              f"The message attribute '{name}' must contain non-empty message attribute value "
                              f"for message attribute type '{data_type.split('.')[0]}'.")
    if data_type.startswith("Number"):
        try:
            float(value)
        except (TypeError, ValueError):
            raise PublishRejected("ParameterValueInvalid",
                                  f"Could not cast message attribute '{name}' value to number.") from None
    # A String.Array value that is not a JSON array is accepted, as SNS does: filtering reads a JSON
    # scalar as one value and text that is not JSON as none (sns_delivery/message_fields.py).


# --------------------------------------------------------------------------- responses
def _result_field(call: AwsCall, response: Response, name: str) -> str | None:
    return (call.answer_of(response) or {}).get(name)


def _with_attributes(call: AwsCall, response: Response, extra: dict[str, str]) -> Response:
    """GetSubscriptionAttributes' answer with awslab's own attributes put in."""
    data = call.answer_of(response)
    if data is None:
        return response
    return call.answer(dict(data, Attributes={**(data.get("Attributes") or {}), **extra}))


BEHAVIOUR = SnsDelivery

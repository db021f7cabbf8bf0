"""What an SQS queue receives from an SNS subscription (rules R4.1, R4.3, R4.4).

RawMessageDelivery=false (the default): the body is SNS's JSON notification (the envelope).
RawMessageDelivery=true: the body is the published message itself and the message attributes become
SQS message attributes (at most 10; with more, SNS discards the message).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

MAX_RAW_SQS_ATTRIBUTES = 10
# Not a real certificate: awslab cannot sign as SNS. The name has SNS's shape (R4.1).
SIGNING_CERT_NAME = "SimpleNotificationService-6aad65c2f9911b05cd53efda11f913f9.pem"


def format_timestamp(moment: datetime) -> str:
    """GMT ISO 8601 with milliseconds, e.g. "2012-05-02T00:54:06.655Z" (R4.1). A naive datetime is
    taken as UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _region(topic_arn: str) -> str:
    parts = topic_arn.split(":")
    return parts[3] if len(parts) > 5 else "us-east-1"


def string_to_sign(fields: dict[str, str]) -> str:
    """R4.1: the signed fields, in this order, each as "Name\\nvalue\\n": Message, MessageId,
    Subject (if present), Timestamp, TopicArn, Type."""
    names = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
    return "".join(f"{name}\n{fields[name]}\n" for name in names if name in fields)


def _signature(text: str, signature_version: str) -> str:
    # A digest of the string to sign, not an RSA signature: it has the right shape (base64) and
    # changes with every signed field, but no SNS certificate can verify it.
    digest = hashlib.sha256 if signature_version == "2" else hashlib.sha1
    return base64.b64encode(digest(text.encode("utf-8")).digest()).decode("ascii")


def _attribute_value(attribute: dict[str, Any]) -> str:
    if "StringValue" in attribute:
        return str(attribute["StringValue"])
    binary = attribute.get("BinaryValue", b"")
    if isinstance(binary, (bytes, bytearray)):
        return base64.b64encode(binary).decode("ascii")
    return str(binary)  # already base64, as it travels on the wire


def envelope_attributes(message_attributes: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Publish's {"n": {"DataType": "Number", "StringValue": "99"}} as the envelope shows it:
    {"n": {"Type": "Number", "Value": "99"}}. Binary values are base64 (R4.1)."""
    return {
        name: {"Type": attribute["DataType"], "Value": _attribute_value(attribute)}
        for name, attribute in message_attributes.items()
    }


def sns_envelope(
    topic_arn: str,
    message_id: str,
    message: str,
    subject: str | None = None,
    message_attributes: dict[str, Any] | None = None,
    timestamp: datetime | None = None,
    *,
    subscription_arn: str,
    signature_version: str = "1",
) -> str:
    """The JSON notification SNS puts in an SQS body when RawMessageDelivery is false (R4.1).

    Subject and MessageAttributes appear only when published. Pass no attributes for a Publish with
    MessageStructure="json" (R4.4; sqs_delivery does this). The text is laid out as SNS lays it
    out: two-space indent, " : " between name and value, each attribute on one line.
    """
    region = _region(topic_arn)
    fields: dict[str, str] = {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": topic_arn,
    }
    if subject is not None:
        fields["Subject"] = subject
    fields["Message"] = message
    fields["Timestamp"] = format_timestamp(timestamp or datetime.now(UTC))
    fields["SignatureVersion"] = signature_version
    fields["Signature"] = _signature(string_to_sign(fields), signature_version)
    fields["SigningCertURL"] = f"https://sns.{region}.amazonaws.com/{SIGNING_CERT_NAME}"
    fields["UnsubscribeURL"] = (
        f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={subscription_arn}"
    )
    lines = [f"  {_dumps(name)} : {_dumps(value)}" for name, value in fields.items()]
    if message_attributes:
        attributes = envelope_attributes(message_attributes)
        inner = ",\n".join(
            f"    {_dumps(name)} : {_dumps(value, compact=True)}"
            for name, value in attributes.items()
        )
        lines.append(f'  "MessageAttributes" : {{\n{inner}\n  }}')
    return "{\n" + ",\n".join(lines) + "\n}"


def _dumps(value: Any, compact: bool = False) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":") if compact else None)


def raw_sqs_message_attributes(message_attributes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """R4.3: SNS message attributes as SQS message attributes (DataType with StringValue or
    BinaryValue), for a raw delivery. The caller checks the limit of 10 (sqs_delivery does)."""
    mapped: dict[str, dict[str, Any]] = {}
    for name, attribute in message_attributes.items():
        value_key = "StringValue" if "StringValue" in attribute else "BinaryValue"
        mapped[name] = {"DataType": attribute["DataType"], value_key: attribute[value_key]}
    return mapped


def message_for_protocol(message: str, message_structure: str | None, protocol: str = "sqs") -> str:
    """With MessageStructure="json" the Message is an object of per-protocol texts: the endpoint
    gets its protocol's text, else "default". Otherwise the Message itself."""
    if message_structure != "json":
        return message
    texts = json.loads(message)
    return texts.get(protocol, texts["default"])


@dataclass(frozen=True)
class SqsDelivery:
    body: str
    message_attributes: dict[str, dict[str, Any]] = field(default_factory=dict)
    dropped_reason: str | None = None  # set when SNS discards the message instead

    @property
    def delivered(self) -> bool:
        return self.dropped_reason is None


def sqs_delivery(
    *,
    topic_arn: str,
    subscription_arn: str,
    message_id: str,
    message: str,
    timestamp: datetime,
    raw: bool = False,
    subject: str | None = None,
    message_attributes: dict[str, Any] | None = None,
    message_structure: str | None = None,
    signature_version: str = "1",
) -> SqsDelivery:
    """The SQS message one SQS subscription receives for one Publish (after filtering).

    `raw` is the subscription's RawMessageDelivery; the other arguments are Publish's, with
    `message_attributes` in Publish's shape.
    """
    text = message_for_protocol(message, message_structure, "sqs")
    # R4.4: attributes travel only when MessageStructure is not "json".
    attributes = {} if message_structure == "json" else dict(message_attributes or {})
    if not raw:
        body = sns_envelope(
            topic_arn,
            message_id,
            text,
            subject,
            attributes,
            timestamp,
            subscription_arn=subscription_arn,
            signature_version=signature_version,
        )
        return SqsDelivery(body)
    if len(attributes) > MAX_RAW_SQS_ATTRIBUTES:
        return SqsDelivery(
            text,
            dropped_reason=(
                f"the message has {len(attributes)} message attributes; a raw delivery to SQS "
                f"carries at most {MAX_RAW_SQS_ATTRIBUTES}, so SNS discards it"
            ),
        )
    return SqsDelivery(text, raw_sqs_message_attributes(attributes))

"""What SQS receives from SNS: the JSON envelope and raw delivery (rules R4.1, R4.3, R4.4)."""

import base64
import json
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from awslab.models.sns_delivery import (
    MAX_RAW_SQS_ATTRIBUTES,
    format_timestamp,
    message_for_protocol,
    sns_envelope,
    sqs_delivery,
    string_to_sign,
)

TOPIC = "arn:aws:sns:eu-west-1:123456789012:orders"
SUBSCRIPTION = f"{TOPIC}:8a21d249-4329-4871-acc6-7be709c6ea7f"
MOMENT = datetime(2012, 5, 2, 0, 54, 6, 655999, tzinfo=UTC)
ATTRIBUTES = {
    "event_type": {"DataType": "String", "StringValue": "OrderPlaced"},
    "amount": {"DataType": "Number", "StringValue": "99"},
}


def envelope(**overrides):
    arguments = dict(
        topic_arn=TOPIC,
        message_id="5b8c1f0e-9d7a-4a39-9c39-1b1b1b1b1b1b",
        message='{"order": 1}',
        subject=None,
        message_attributes=None,
        timestamp=MOMENT,
        subscription_arn=SUBSCRIPTION,
    )
    arguments.update(overrides)
    return json.loads(sns_envelope(**arguments))


def test_R4_1_envelope_fields():
    body = envelope(subject="New order", message_attributes=ATTRIBUTES)
    assert list(body) == [
        "Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion",
        "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes",
    ]
    assert body["Type"] == "Notification"
    assert body["MessageId"] == "5b8c1f0e-9d7a-4a39-9c39-1b1b1b1b1b1b"
    assert body["TopicArn"] == TOPIC
    assert body["Subject"] == "New order"
    assert body["Message"] == '{"order": 1}'
    assert body["SignatureVersion"] == "1"
    base64.b64decode(body["Signature"], validate=True)
    assert re.fullmatch(
        r"https://sns\.eu-west-1\.amazonaws\.com/SimpleNotificationService-[0-9a-f]+\.pem",
        body["SigningCertURL"],
    )
    assert body["UnsubscribeURL"] == (
        f"https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={SUBSCRIPTION}"
    )


def test_R4_1_timestamp_is_gmt_iso8601_with_milliseconds():
    assert envelope()["Timestamp"] == "2012-05-02T00:54:06.655Z"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        pytest.param(datetime(2024, 1, 2, 3, 4, 5), "2024-01-02T03:04:05.000Z", id="R4.1-naive-is-utc"),
        pytest.param(
            datetime(2024, 1, 2, 5, 4, 5, 1000, tzinfo=timezone(timedelta(hours=2))),
            "2024-01-02T03:04:05.001Z",
            id="R4.1-converted-to-gmt",
        ),
    ],
)
def test_R4_1_timestamp_format(moment, expected):
    assert format_timestamp(moment) == expected


def test_R4_1_subject_absent_when_not_published():
    assert "Subject" not in envelope()


def test_R4_1_message_attributes_absent_when_none_published():
    assert "MessageAttributes" not in envelope()
    assert "MessageAttributes" not in envelope(message_attributes={})


def test_R4_1_message_attributes_type_and_string_value():
    assert envelope(message_attributes=ATTRIBUTES)["MessageAttributes"] == {
        "event_type": {"Type": "String", "Value": "OrderPlaced"},
        "amount": {"Type": "Number", "Value": "99"},
    }


def test_R4_1_string_array_and_binary_attributes():
    attributes = {
        "tags": {"DataType": "String.Array", "StringValue": '["a", "b"]'},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01\x02"},
    }
    assert envelope(message_attributes=attributes)["MessageAttributes"] == {
        "tags": {"Type": "String.Array", "Value": '["a", "b"]'},
        "blob": {"Type": "Binary", "Value": "AAEC"},
    }


def test_R4_1_message_is_kept_verbatim():
    text = 'line one\nline "two" ünïcode'
    assert envelope(message=text)["Message"] == text


def test_R4_1_signature_version_2():
    assert envelope(signature_version="2")["SignatureVersion"] == "2"


def test_R4_1_string_to_sign_order():
    fields = {"Type": "Notification", "MessageId": "m", "TopicArn": "t", "Subject": "s",
              "Message": "hello", "Timestamp": "ts"}
    assert string_to_sign(fields) == (
        "Message\nhello\nMessageId\nm\nSubject\ns\nTimestamp\nts\nTopicArn\nt\nType\nNotification\n"
    )
    del fields["Subject"]
    assert "Subject" not in string_to_sign(fields)


def test_envelope_layout_follows_sns():
    text = sns_envelope(TOPIC, "m", "hi", None, ATTRIBUTES, MOMENT, subscription_arn=SUBSCRIPTION)
    assert text.startswith('{\n  "Type" : "Notification",\n  "MessageId" : "m",\n')
    assert '    "amount" : {"Type":"Number","Value":"99"}\n  }\n}' in text


def delivery(**overrides):
    arguments = dict(
        topic_arn=TOPIC,
        subscription_arn=SUBSCRIPTION,
        message_id="m-1",
        message="hello",
        timestamp=MOMENT,
        message_attributes=ATTRIBUTES,
    )
    arguments.update(overrides)
    return sqs_delivery(**arguments)


def test_R4_1_default_delivery_is_the_envelope():
    result = delivery()
    assert result.delivered
    assert json.loads(result.body)["Message"] == "hello"
    assert json.loads(result.body)["MessageAttributes"]["amount"] == {"Type": "Number", "Value": "99"}
    assert result.message_attributes == {}


def test_R4_3_raw_delivery_is_the_message_with_sqs_attributes():
    result = delivery(raw=True, subject="ignored in raw")
    assert result.body == "hello"
    assert result.message_attributes == ATTRIBUTES


def test_R4_3_raw_delivery_keeps_binary_attributes():
    attributes = {"blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}}
    assert delivery(raw=True, message_attributes=attributes).message_attributes == attributes


def _numbered_attributes(count):
    return {f"a{i}": {"DataType": "String", "StringValue": str(i)} for i in range(count)}


def test_R4_3_raw_delivery_with_10_attributes_is_delivered():
    result = delivery(raw=True, message_attributes=_numbered_attributes(MAX_RAW_SQS_ATTRIBUTES))
    assert result.delivered
    assert len(result.message_attributes) == 10


def test_R4_3_raw_delivery_with_11_attributes_is_discarded():
    result = delivery(raw=True, message_attributes=_numbered_attributes(11))
    assert not result.delivered
    assert "11 message attributes" in result.dropped_reason


def test_R4_3_the_limit_is_for_raw_delivery_only():
    result = delivery(message_attributes=_numbered_attributes(11))
    assert result.delivered
    assert len(json.loads(result.body)["MessageAttributes"]) == 11


STRUCTURED = json.dumps({"default": "for everyone", "sqs": "for queues", "email": "for people"})


def test_R4_4_message_structure_json_sends_no_attributes():
    envelope_body = json.loads(delivery(message=STRUCTURED, message_structure="json").body)
    assert "MessageAttributes" not in envelope_body
    raw = delivery(message=STRUCTURED, message_structure="json", raw=True)
    assert raw.message_attributes == {}


def test_message_structure_json_gives_the_sqs_text():
    assert json.loads(delivery(message=STRUCTURED, message_structure="json").body)["Message"] == "for queues"
    assert message_for_protocol(json.dumps({"default": "d"}), "json") == "d"
    assert message_for_protocol(STRUCTURED, None) == STRUCTURED

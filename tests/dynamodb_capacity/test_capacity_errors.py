"""Throttling errors on the wire, read back by a real boto3 client (R5.2, R5.6, R5.7)."""

import zlib

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config

from awslab.models.dynamodb_capacity import (
    INDEX_THROTTLED_MESSAGE,
    TABLE_THROTTLED_MESSAGE,
    Throttle,
    throughput_exceeded_error,
    transaction_throttled_error,
)


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_kwargs):
        yield self._body


def client_answering(error):
    """A boto3 DynamoDB client whose every request gets ``error`` back, without retries."""
    client = boto3.client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url="http://localhost:1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    )

    def answer(request, **_kwargs):
        return AWSResponse(request.url, error.status, error.headers, _Raw(error.body))

    client.meta.events.register("before-send.dynamodb", answer)
    return client


def test_table_throttle_reaches_boto3_as_provisioned_throughput_exceeded():
    error = throughput_exceeded_error([Throttle("orders", None, "write")], region="eu-west-1", account_id="111122223333")
    client = client_answering(error)
    with pytest.raises(client.exceptions.ProvisionedThroughputExceededException) as caught:
        client.put_item(TableName="orders", Item={"pk": {"S": "a"}})
    response = caught.value.response
    assert response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    assert response["Error"]["Message"] == TABLE_THROTTLED_MESSAGE
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["ThrottlingReasons"] == [
        {"reason": "TableWriteProvisionedThroughputExceeded", "resource": "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"}
    ]


def test_gsi_back_pressure_names_the_index():
    error = throughput_exceeded_error([Throttle("orders", "by_customer", "write")])
    body = error.json()
    assert body["__type"] == "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"
    assert body["message"] == INDEX_THROTTLED_MESSAGE
    assert body["ThrottlingReasons"][0]["reason"] == "IndexWriteProvisionedThroughputExceeded"
    assert body["ThrottlingReasons"][0]["resource"].endswith(":table/orders/index/by_customer")


def test_error_headers_are_what_botocore_checks():
    error = throughput_exceeded_error([Throttle("t", None, "read")], request_id="REQ")
    assert error.status == 400
    assert error.headers["Content-Type"] == "application/x-amz-json-1.0"
    assert error.headers["x-amzn-RequestId"] == "REQ"
    assert error.headers["x-amz-crc32"] == str(zlib.crc32(error.body))
    assert len(throughput_exceeded_error([]).headers["x-amzn-RequestId"]) == 52


def test_throttled_transaction_is_cancelled_with_a_reason_per_action():
    client = client_answering(transaction_throttled_error([False, True]))
    with pytest.raises(client.exceptions.TransactionCanceledException) as caught:
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "a", "Item": {"pk": {"S": "1"}}}},
                {"Put": {"TableName": "b", "Item": {"pk": {"S": "1"}}}},
            ]
        )
    reasons = caught.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "ProvisionedThroughputExceeded"]
    assert "[None, ProvisionedThroughputExceeded]" in caught.value.response["Error"]["Message"]

"""The gateway reads every request into boto3 terms, logs it, and runs the simulated behaviours."""

from __future__ import annotations

import time

import boto3
import pytest
from botocore.exceptions import ClientError

from awslab.gateway import aws_error
from awslab.safety import FAKE_SECRET, LEARNER_ACCESS_KEY


def last(aws, operation, source="grader"):
    return aws.log.calls(operation=operation, source=source)[-1]


def test_s3_rest_call_is_read_with_its_xml_payload(fresh_aws):
    s3 = fresh_aws.client("s3")
    s3.create_bucket(Bucket="logs-bucket")
    rules = {"Rules": [{"ID": "r1", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
                        "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}],
                        "NoncurrentVersionExpiration": {"NoncurrentDays": 30, "NewerNoncurrentVersions": 2}}]}
    s3.put_bucket_lifecycle_configuration(Bucket="logs-bucket", LifecycleConfiguration=rules)
    call = last(fresh_aws, "PutBucketLifecycleConfiguration")
    assert call.service == "s3"
    rule = call.params["LifecycleConfiguration"]["Rules"][0]
    assert rule["Transitions"] == [{"Days": 30, "StorageClass": "STANDARD_IA"}]
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30, "NewerNoncurrentVersions": 2}
    assert rule["Filter"] == {"Prefix": "logs/"}


@pytest.mark.parametrize("call, operation", [
    (lambda s3: s3.put_object(Bucket="ops-bucket", Key="a/b.txt", Body=b"x"), "PutObject"),
    (lambda s3: s3.copy_object(Bucket="ops-bucket", Key="c", CopySource="ops-bucket/a/b.txt"), "CopyObject"),
    (lambda s3: s3.list_object_versions(Bucket="ops-bucket", Prefix="a/"), "ListObjectVersions"),
    (lambda s3: s3.list_objects_v2(Bucket="ops-bucket"), "ListObjectsV2"),
    (lambda s3: s3.get_object(Bucket="ops-bucket", Key="a/b.txt"), "GetObject"),
    (lambda s3: s3.create_multipart_upload(Bucket="ops-bucket", Key="big"), "CreateMultipartUpload"),
    (lambda s3: s3.delete_object(Bucket="ops-bucket", Key="a/b.txt"), "DeleteObject"),
])
def test_s3_operations_are_told_apart(fresh_aws, call, operation):
    s3 = fresh_aws.client("s3")
    s3.create_bucket(Bucket="ops-bucket")
    s3.put_object(Bucket="ops-bucket", Key="a/b.txt", Body=b"x")
    call(s3)
    assert fresh_aws.log.calls(source="grader")[-1].operation == operation


def test_object_key_with_slashes_is_one_parameter(fresh_aws):
    s3 = fresh_aws.client("s3")
    s3.create_bucket(Bucket="keys-bucket")
    s3.put_object(Bucket="keys-bucket", Key="home/alice/notes.txt", Body=b"hi")
    assert last(fresh_aws, "PutObject").params["Key"] == "home/alice/notes.txt"


def test_sns_query_call_unflattens_message_attributes(fresh_aws):
    sns = fresh_aws.client("sns")
    topic = sns.create_topic(Name="orders")["TopicArn"]
    sns.publish(TopicArn=topic, Message="{}", MessageAttributes={
        "amount": {"DataType": "Number", "StringValue": "1200"},
        "event_type": {"DataType": "String", "StringValue": "OrderPlaced"}})
    call = last(fresh_aws, "Publish")
    assert call.params["MessageAttributes"]["amount"] == {"DataType": "Number", "StringValue": "1200"}
    assert call.params["TopicArn"] == topic


def test_json_call_keeps_its_body_and_response(fresh_aws):
    ddb = fresh_aws.client("dynamodb")
    ddb.create_table(TableName="t", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    ddb.put_item(TableName="t", Item={"pk": {"S": "a"}, "n": {"N": "12"}})
    call = last(fresh_aws, "PutItem")
    assert call.params["Item"] == {"pk": {"S": "a"}, "n": {"N": "12"}}
    assert isinstance(call.response, dict)


def test_errors_are_logged_with_their_code(fresh_aws):
    with pytest.raises(ClientError):
        fresh_aws.client("s3").get_object(Bucket="missing-bucket", Key="k")
    call = last(fresh_aws, "GetObject")
    assert call.error_code == "NoSuchBucket" and call.failed


def learner_client(aws, service):
    return boto3.client(service, endpoint_url=aws.endpoint_url, region_name="us-east-1",
                        aws_access_key_id=LEARNER_ACCESS_KEY, aws_secret_access_key=FAKE_SECRET)


def test_learner_calls_over_http_are_logged_as_learner(fresh_aws):
    learner_client(fresh_aws, "sqs").create_queue(QueueName="mine")
    assert [c.operation for c in fresh_aws.log.calls("sqs")] == ["CreateQueue"]
    assert fresh_aws.log.calls("sqs", source="grader") == []


def test_long_poll_on_empty_queue_returns_at_once_in_real_time(fresh_aws):
    sqs = learner_client(fresh_aws, "sqs")
    url = sqs.create_queue(QueueName="empty")["QueueUrl"]
    before_virtual = fresh_aws.clock.now()
    started = time.perf_counter()
    response = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20)
    assert time.perf_counter() - started < 5
    assert "Messages" not in response
    assert (fresh_aws.clock.now() - before_virtual).total_seconds() == 20
    call = fresh_aws.log.calls("sqs", "ReceiveMessage")[-1]
    assert call.notes["wait_seconds"] == 20 and call.notes["wait_origin"] == "request"
    assert call.params["WaitTimeSeconds"] == 20, "the log keeps what the learner asked for"


def test_long_poll_wait_can_come_from_the_queue_attribute(fresh_aws):
    sqs = learner_client(fresh_aws, "sqs")
    url = sqs.create_queue(QueueName="waits", Attributes={"ReceiveMessageWaitTimeSeconds": "20"})["QueueUrl"]
    sqs.receive_message(QueueUrl=url)
    call = fresh_aws.log.calls("sqs", "ReceiveMessage")[-1]
    assert call.notes["wait_seconds"] == 20 and call.notes["wait_origin"] == "queue"


def test_long_poll_returns_a_message_that_becomes_visible_during_the_wait(fresh_aws):
    sqs = fresh_aws.client("sqs")
    url = sqs.create_queue(QueueName="slow", Attributes={"VisibilityTimeout": "5"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="m")
    sqs.receive_message(QueueUrl=url)
    start = fresh_aws.clock.now()
    again = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20, AttributeNames=["ApproximateReceiveCount"])
    assert again["Messages"][0]["Attributes"]["ApproximateReceiveCount"] == "2"
    assert 5 <= (fresh_aws.clock.now() - start).total_seconds() <= 6


def test_short_poll_costs_no_virtual_time(fresh_aws):
    sqs = fresh_aws.client("sqs")
    url = sqs.create_queue(QueueName="short")["QueueUrl"]
    before = fresh_aws.clock.now()
    sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)
    assert fresh_aws.clock.now() == before
    assert fresh_aws.log.calls("sqs", "ReceiveMessage", source="grader")[-1].notes["wait_seconds"] == 0


def test_small_pages_make_list_calls_paginate(fresh_aws):
    s3 = fresh_aws.client("s3")
    s3.create_bucket(Bucket="paged-bucket")
    for index in range(7):
        s3.put_object(Bucket="paged-bucket", Key=f"k{index}", Body=b"x")
    fresh_aws.settings["page_size"] = 3
    page = s3.list_objects_v2(Bucket="paged-bucket")
    assert page["KeyCount"] == 3 and page["IsTruncated"]
    keys = [o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket="paged-bucket")
            for o in p["Contents"]]
    assert len(keys) == 7


@pytest.mark.parametrize("service, operation, expected_code", [
    ("sqs", "SendMessage", "AccessDenied"),
    ("s3", "PutObject", "AccessDenied"),
    ("sns", "Publish", "AuthorizationError"),
    ("dynamodb", "PutItem", "ProvisionedThroughputExceededException"),
])
def test_aws_error_shapes_parse_in_boto3(fresh_aws, service, operation, expected_code):
    class Refuse:
        name = "refuse"

        def handle(self, call, forward, gateway):
            if call.service == service and call.operation == operation:
                return aws_error(call, expected_code, "refused by a test", 400)
            return forward(call)

    fresh_aws.gateway.behaviours.insert(0, Refuse())
    try:
        client = fresh_aws.client(service)
        calls = {
            "sqs": lambda: client.send_message(QueueUrl=f"{fresh_aws.endpoint_url}/123456789012/q", MessageBody="x"),
            "s3": lambda: client.put_object(Bucket="any-bucket", Key="k", Body=b"x"),
            "sns": lambda: client.publish(TopicArn="arn:aws:sns:us-east-1:123456789012:t", Message="x"),
            "dynamodb": lambda: client.put_item(TableName="t", Item={"pk": {"S": "a"}}),
        }
        with pytest.raises(ClientError) as raised:
            calls[service]()
        assert raised.value.response["Error"]["Code"] == expected_code
        assert raised.value.response["Error"]["Message"] == "refused by a test"
    finally:
        fresh_aws.gateway.behaviours.pop(0)


def test_reset_forgets_resources_log_and_time(fresh_aws):
    fresh_aws.client("sqs").create_queue(QueueName="gone")
    fresh_aws.clock.advance(days=3)
    fresh_aws.reset()
    assert fresh_aws.client("sqs").list_queues().get("QueueUrls", []) == []
    assert len(fresh_aws.log.calls(source="grader")) == 1  # only the ListQueues above
    assert fresh_aws.clock.elapsed().total_seconds() == 0


@pytest.mark.parametrize("path", ["/moto-api/reset", "/_awslab/clock", "/_localstack/state/reset"])
def test_backend_control_routes_are_refused_through_the_gateway(fresh_aws, path):
    import urllib3

    fresh_aws.client("sqs").create_queue(QueueName="survives")
    response = urllib3.PoolManager().request("POST", fresh_aws.endpoint_url + path, body=b"{}")
    assert response.status == 403
    assert fresh_aws.client("sqs").list_queues()["QueueUrls"], "the backend was not reset"

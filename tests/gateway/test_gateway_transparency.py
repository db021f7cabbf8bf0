"""The gateway is transparent: apart from what awslab simulates on purpose, a request gets the answer
the emulator would give (issue 16). One test per bug found by running moto's own suite through it.

Every test runs on embedded moto and on moto server, with the grader's in-process client and with a
client over HTTP on the loopback port (what a learner's code uses).
"""

from __future__ import annotations

import json
import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from awslab.local_aws import LocalAWS
from awslab.safety import FAKE_SECRET, LEARNER_ACCESS_KEY


@pytest.fixture(scope="module", params=["moto", "moto-server"])
def backend(request):
    local = LocalAWS(request.param).start()
    yield local
    local.stop()


@pytest.fixture
def aws(backend):
    backend.reset()
    backend.settings.clear()
    return backend


def over_http(aws, service: str, region: str = "us-east-1", **config):
    """A client of the loopback endpoint, as the learner's code makes it."""
    base = Config(retries={"max_attempts": 0}, s3={"addressing_style": "path"}, read_timeout=10)
    return boto3.client(service, endpoint_url=aws.endpoint_url, region_name=region,
                        aws_access_key_id=LEARNER_ACCESS_KEY, aws_secret_access_key=FAKE_SECRET,
                        config=base.merge(Config(**config)) if config else base)


@pytest.fixture(params=["in-process", "http"])
def s3(request, aws):
    return aws.client("s3") if request.param == "in-process" else over_http(aws, "s3")


# -- 1. HEAD keeps the emulator's Content-Length ------------------------------------------------
def test_head_object_reports_the_object_size(s3):
    s3.create_bucket(Bucket="sizes")
    s3.put_object(Bucket="sizes", Key="k", Body=b"x" * 1234)
    assert s3.head_object(Bucket="sizes", Key="k")["ContentLength"] == 1234


def test_ranged_head_object_reports_the_range_length(s3):
    s3.create_bucket(Bucket="sizes")
    s3.put_object(Bucket="sizes", Key="k", Body=b"x" * 1234)
    assert s3.head_object(Bucket="sizes", Key="k", Range="bytes=0-99")["ContentLength"] == 100


def test_managed_copy_copies_every_byte(s3):
    s3.create_bucket(Bucket="sizes")
    s3.put_object(Bucket="sizes", Key="src", Body=b"abc" * 1000)
    s3.copy({"Bucket": "sizes", "Key": "src"}, "sizes", "dst")  # boto3's managed copy heads the source first
    assert s3.get_object(Bucket="sizes", Key="dst")["Body"].read() == b"abc" * 1000


# -- 2. behaviours follow the caller's region ----------------------------------------------------
REGION = "eu-west-1"


def test_publish_in_another_region_reaches_its_queue(aws):
    sns, sqs = over_http(aws, "sns", REGION), over_http(aws, "sqs", REGION)
    topic = sns.create_topic(Name="orders")["TopicArn"]
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
        "Resource": queue_arn}]})})
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
    sns.publish(TopicArn=topic, Message="hello")
    sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": "1", "Message": "again"}])
    bodies = sorted(m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"])
    assert bodies == ["again", "hello"]


def test_batch_write_in_another_region_is_metered(aws):
    dynamodb = over_http(aws, "dynamodb", REGION)
    dynamodb.create_table(TableName="orders", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                          ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    answer = dynamodb.batch_write_item(RequestItems={"orders": [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}]},
                                       ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"] == [{"TableName": "orders", "CapacityUnits": 1.0}]


def test_receive_in_another_region_uses_the_queue_wait_in_virtual_time(aws):
    sqs = over_http(aws, "sqs", REGION, read_timeout=5)
    url = sqs.create_queue(QueueName="slow", Attributes={"ReceiveMessageWaitTimeSeconds": "20"})["QueueUrl"]
    started = time.monotonic()
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []
    assert time.monotonic() - started < 3
    assert aws.log.calls("sqs", "ReceiveMessage", source="learner")[-1].notes["wait_seconds"] == 20


# -- 3. writes in one virtual instant keep their order -------------------------------------------
def test_two_puts_of_one_key_in_one_virtual_second_keep_their_order(s3):
    s3.create_bucket(Bucket="versions")
    s3.put_bucket_versioning(Bucket="versions", VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket="versions", Key="k", Body=b"one")["VersionId"]
    second = s3.put_object(Bucket="versions", Key="k", Body=b"two")["VersionId"]
    listed = s3.list_object_versions(Bucket="versions")["Versions"]
    assert [(v["VersionId"], v["IsLatest"]) for v in listed] == [(second, True), (first, False)]
    assert s3.get_object(Bucket="versions", Key="k")["Body"].read() == b"two"
    s3.copy_object(Bucket="versions", Key="copy", CopySource={"Bucket": "versions", "Key": "k", "VersionId": first})
    assert s3.get_object(Bucket="versions", Key="copy")["Body"].read() == b"one"


def test_two_resource_policies_put_in_one_virtual_instant_have_their_own_revision_ids(aws):
    # moto's RevisionId is the instant in milliseconds; the virtual clock stands still between advances
    ddb = over_http(aws, "dynamodb")
    arn = ddb.create_table(TableName="guarded", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                           AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                           BillingMode="PAY_PER_REQUEST")["TableDescription"]["TableArn"]

    def policy(action: str) -> str:
        return json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": action,
            "Resource": arn}]})

    first = ddb.put_resource_policy(ResourceArn=arn, Policy=policy("dynamodb:GetItem"))["RevisionId"]
    second = ddb.put_resource_policy(ResourceArn=arn, Policy=policy("dynamodb:PutItem"),
                                     ExpectedRevisionId=first)["RevisionId"]
    assert second != first
    with pytest.raises(ClientError) as raised:
        ddb.put_resource_policy(ResourceArn=arn, Policy=policy("dynamodb:Query"), ExpectedRevisionId=first)
    assert raised.value.response["Error"]["Code"] == "PolicyNotFoundException"


def test_s3_access_log_holds_the_learners_requests_not_awslabs_own(s3, aws):
    # behaviours read a bucket's versioning on each PutObject, the grader reads too: not the learner's
    s3.create_bucket(Bucket="logged")
    s3.create_bucket(Bucket="logs")
    s3.put_bucket_acl(Bucket="logs", GrantWrite='uri="http://acs.amazonaws.com/groups/s3/LogDelivery"',
                      GrantReadACP='uri="http://acs.amazonaws.com/groups/s3/LogDelivery"')
    s3.put_bucket_logging(Bucket="logged", BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": "logs", "TargetPrefix": "logged/"}})
    s3.put_object(Bucket="logged", Key="a", Body=b"1")
    s3.put_object(Bucket="logged", Key="b", Body=b"2")
    aws.gateway.internal_client("s3").get_bucket_versioning(Bucket="logged")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="logs", Prefix="logged/").get("Contents", [])]
    assert len(keys) == 2


# -- 4. FilterPolicyScope is awslab's to remember ------------------------------------------------
@pytest.fixture
def subscription(aws):
    sns, sqs = over_http(aws, "sns"), over_http(aws, "sqs")
    topic = sns.create_topic(Name="orders")["TopicArn"]
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
        "Resource": queue_arn}]})})

    def subscribe(**attributes):
        arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True,
                            Attributes={"RawMessageDelivery": "true", **attributes})["SubscriptionArn"]
        return arn

    def delivered(*bodies):
        for body in bodies:
            sns.publish(TopicArn=topic, Message=json.dumps(body))
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        return sorted(json.loads(m["Body"])["id"] for m in got)

    return sns, subscribe, delivered


NESTED = {"order": {"kind": ["big"]}}


def test_filter_policy_scope_set_before_a_nested_policy_is_kept(subscription):
    sns, subscribe, delivered = subscription
    arn = subscribe()
    sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="FilterPolicyScope", AttributeValue="MessageBody")
    sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="FilterPolicy", AttributeValue=json.dumps(NESTED))
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert attributes["FilterPolicyScope"] == "MessageBody"
    assert delivered({"id": 1, "order": {"kind": "big"}}, {"id": 2, "order": {"kind": "small"}}) == [1]


@pytest.mark.parametrize("policy", [
    {"source": {"ip": [{"cidr": "10.0.0.0/24"}]}},
    {"source": {"$or": [{"ip": ["10.0.0.1"]}, {"zone": ["a"]}]}},
], ids=["cidr", "nested-or"])
def test_message_body_scope_is_kept_with_a_policy_the_emulator_refuses(subscription, policy):
    sns, subscribe, delivered = subscription
    arn = subscribe(FilterPolicyScope="MessageBody", FilterPolicy=json.dumps(policy))
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert (attributes["FilterPolicyScope"], json.loads(attributes["FilterPolicy"])) == ("MessageBody", policy)
    assert delivered({"id": 1, "source": {"ip": "10.0.0.1"}}, {"id": 2, "source": {"ip": "192.168.0.1"}}) == [1]


def test_message_body_scope_set_after_a_refused_policy_is_kept(subscription):
    sns, subscribe, delivered = subscription
    policy = {"source": {"ip": [{"cidr": "10.0.0.0/24"}]}}
    arn = subscribe()
    sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="FilterPolicyScope", AttributeValue="MessageBody")
    sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="FilterPolicy", AttributeValue=json.dumps(policy))
    assert sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["FilterPolicyScope"] == "MessageBody"
    assert delivered({"id": 1, "source": {"ip": "10.0.0.9"}}, {"id": 2, "source": {"ip": "10.0.1.9"}}) == [1]


# -- 5. the queue URL names the endpoint the caller used -----------------------------------------
def test_queue_url_names_the_endpoint_the_caller_used(aws):
    sqs = over_http(aws, "sqs")
    url = sqs.create_queue(QueueName="where")["QueueUrl"]
    assert url.startswith(aws.endpoint_url + "/")
    assert sqs.get_queue_url(QueueName="where")["QueueUrl"] == url
    assert sqs.list_queues()["QueueUrls"] == [url]


# -- 6. keys outside Latin-1 ---------------------------------------------------------------------
@pytest.mark.parametrize("key", ["☃.txt", "emoji/😀 face.txt", "café/naïve"])
def test_object_key_outside_latin1_round_trips(s3, key):
    s3.create_bucket(Bucket="unicode")
    s3.put_object(Bucket="unicode", Key=key, Body=b"snow")
    assert s3.get_object(Bucket="unicode", Key=key)["Body"].read() == b"snow"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="unicode")["Contents"]] == [key]


# -- 7. user metadata keeps underscores ----------------------------------------------------------
def test_user_metadata_keeps_underscores_and_dashes_apart(s3):
    s3.create_bucket(Bucket="meta")
    s3.put_object(Bucket="meta", Key="k", Body=b"x", Metadata={"has_underscore": "1", "has-dash": "2"})
    assert s3.head_object(Bucket="meta", Key="k")["Metadata"] == {"has_underscore": "1", "has-dash": "2"}
    assert s3.get_object(Bucket="meta", Key="k")["Metadata"] == {"has_underscore": "1", "has-dash": "2"}


# -- 8. an out-of-range long poll is refused as AWS refuses it -----------------------------------
@pytest.mark.parametrize("wait", [21, -1])
def test_wait_time_seconds_out_of_range_is_refused(aws, wait):
    sqs = over_http(aws, "sqs")
    url = sqs.create_queue(QueueName="waits")["QueueUrl"]
    with pytest.raises(ClientError) as raised:
        sqs.receive_message(QueueUrl=url, WaitTimeSeconds=wait)
    assert raised.value.response["Error"]["Code"] in ("InvalidParameterValue", "InvalidParameterValueException")


# -- 9. DynamoDB validates before it charges capacity --------------------------------------------
@pytest.fixture
def exhausted(aws):
    """A 1 WCU / 1 RCU table whose write and read capacity (burst included) the learner has used up."""
    dynamodb = over_http(aws, "dynamodb")
    dynamodb.create_table(TableName="tiny", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                          ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    dynamodb.put_item(TableName="tiny", Item={"pk": {"S": "kept"}, "v": {"N": "1"}})
    for _ in range(400):
        try:
            dynamodb.put_item(TableName="tiny", Item={"pk": {"S": "filler"}})
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
            break
    else:
        pytest.fail("the table never throttled writes")
    for _ in range(400):
        try:
            dynamodb.transact_get_items(TransactItems=[{"Get": {"TableName": "tiny", "Key": {"pk": {"S": "kept"}}}}])
        except ClientError as error:
            assert error.response["Error"]["Code"] in ("ProvisionedThroughputExceededException",
                                                       "TransactionCanceledException")
            break
    else:
        pytest.fail("the table never throttled reads")
    return dynamodb


# Requests AWS (and moto) refuse with ValidationException: a key that does not match the schema,
# an update of a key attribute, two actions of one transaction on one item.
INVALID_REQUESTS = {
    "PutItem": lambda d: d.put_item(TableName="tiny", Item={"v": {"S": "no key"}}),
    "UpdateItem": lambda d: d.update_item(TableName="tiny", Key={"pk": {"S": "kept"}}, UpdateExpression="SET pk = :v",
                                          ExpressionAttributeValues={":v": {"S": "x"}}),
    "DeleteItem": lambda d: d.delete_item(TableName="tiny", Key={"other": {"S": "1"}}),
    "BatchWriteItem": lambda d: d.batch_write_item(RequestItems={"tiny": [{"PutRequest": {"Item": {"v": {"S": "x"}}}}]}),
    "TransactWriteItems": lambda d: d.transact_write_items(TransactItems=[
        {"Put": {"TableName": "tiny", "Item": {"pk": {"S": "kept"}}}},
        {"Delete": {"TableName": "tiny", "Key": {"pk": {"S": "kept"}}}}]),
    "TransactGetItems": lambda d: d.transact_get_items(TransactItems=[
        {"Get": {"TableName": "tiny", "Key": {"other": {"S": "1"}}}}]),
    "BatchGetItem": lambda d: d.batch_get_item(RequestItems={"tiny": {"Keys": [{"other": {"S": "1"}}]}}),
    "GetItem": lambda d: d.get_item(TableName="tiny", Key={"other": {"S": "1"}}),
    "Query": lambda d: d.query(TableName="tiny", KeyConditionExpression="pk = :v"),
}


@pytest.mark.parametrize("operation", list(INVALID_REQUESTS))
def test_invalid_request_on_an_exhausted_table_is_a_validation_error(exhausted, operation):
    with pytest.raises(ClientError) as raised:
        INVALID_REQUESTS[operation](exhausted)
    assert raised.value.response["Error"]["Code"] == "ValidationException"


def test_throttled_write_leaves_the_item_as_it_was(aws, exhausted):
    with pytest.raises(ClientError) as raised:
        exhausted.update_item(TableName="tiny", Key={"pk": {"S": "kept"}}, UpdateExpression="SET v = :v",
                              ExpressionAttributeValues={":v": {"N": "2"}})
    assert raised.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    item = aws.client("dynamodb").get_item(TableName="tiny", Key={"pk": {"S": "kept"}})["Item"]
    assert item == {"pk": {"S": "kept"}, "v": {"N": "1"}}

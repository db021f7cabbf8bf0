"""AWS's request limits, enforced by the gateway (issue 17; table in awslab/gateway/limits.py).

Each case is one AWS limit: through the gateway boto3 raises AWS's error (code, HTTP status); the
same call sent straight to the emulator (no behaviours), where moto accepts it, shows why the gateway
must step in. Every test runs on embedded moto and on moto server.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from botocore.exceptions import ClientError

from awslab.gateway.limits import LIMITS


@pytest.fixture
def fresh_aws(either_moto):
    return either_moto


@pytest.fixture
def world(fresh_aws):
    sqs = fresh_aws.client("sqs")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    receipt = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)["Messages"][0]["ReceiptHandle"]
    fresh_aws.client("dynamodb").create_table(
        TableName="items", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    dlq = sqs.get_queue_attributes(QueueUrl=sqs.create_queue(QueueName="orders-dlq")["QueueUrl"],
                                   AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    small = sqs.create_queue(QueueName="small", Attributes={"MaximumMessageSize": "1024"})["QueueUrl"]
    topic = fresh_aws.client("sns").create_topic(Name="news")["TopicArn"]
    fresh_aws.client("s3").create_bucket(Bucket="limits-bucket")
    return {"aws": fresh_aws, "url": url, "receipt": receipt, "dlq": dlq, "topic": topic, "small": small}


def _redrive(arn: str, count: int) -> dict:
    return {"RedrivePolicy": json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": count})}


def _attributes(n: int, size: int = 1) -> dict:
    return {f"a{i}": {"DataType": "String", "StringValue": "v" * size} for i in range(n)}


def _puts(n: int) -> list[dict]:
    return [{"PutRequest": {"Item": {"pk": {"S": f"item-{i}"}}}} for i in range(n)]


def _messages(n: int, same_id: bool = False) -> list[dict]:
    return [{"Id": "same" if same_id else f"m{i}", "MessageBody": "x"} for i in range(n)]


def _table(name: str, keys=("pk", "sk"), index: dict | None = None, **extra) -> dict:
    throughput = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
    index = {"IndexName": "by_customer", "KeySchema": [{"AttributeName": "customer_id", "KeyType": "HASH"}],
             "Projection": {"ProjectionType": "ALL"}, "ProvisionedThroughput": throughput, **(index or {})}
    index = {k: v for k, v in index.items() if v is not None}
    kinds = {"pk": "HASH", "sk": "RANGE"}
    return {"TableName": name, "BillingMode": "PROVISIONED", "ProvisionedThroughput": throughput,
            "KeySchema": [{"AttributeName": k, "KeyType": kinds[k]} for k in keys],
            "AttributeDefinitions": [{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "customer_id")],
            "GlobalSecondaryIndexes": [index], **extra}


Call = Callable[[object, dict], object]
# (AWS behaviour, service, call, code boto3 raises, HTTP status, plain moto accepts it)
CASES: list[tuple[str, str, Call, str, int, bool]] = [
    ("receive_wait_time_seconds_over_20", "sqs",
     lambda c, w: c.receive_message(QueueUrl=w["url"], WaitTimeSeconds=25), "InvalidParameterValue", 400, False),
    ("create_queue_receive_wait_time_seconds_over_20", "sqs",
     lambda c, w: c.create_queue(QueueName="slow", Attributes={"ReceiveMessageWaitTimeSeconds": "25"}),
     "InvalidAttributeValue", 400, True),
    ("set_queue_attributes_receive_wait_time_seconds_over_20", "sqs",
     lambda c, w: c.set_queue_attributes(QueueUrl=w["url"], Attributes={"ReceiveMessageWaitTimeSeconds": "21"}),
     "InvalidAttributeValue", 400, True),
    ("create_queue_visibility_timeout_over_12_hours", "sqs",
     lambda c, w: c.create_queue(QueueName="long", Attributes={"VisibilityTimeout": "43201"}),
     "InvalidAttributeValue", 400, True),
    ("set_queue_attributes_delay_seconds_over_900", "sqs",
     lambda c, w: c.set_queue_attributes(QueueUrl=w["url"], Attributes={"DelaySeconds": "901"}),
     "InvalidAttributeValue", 400, True),
    ("create_queue_message_retention_period_under_60", "sqs",
     lambda c, w: c.create_queue(QueueName="brief", Attributes={"MessageRetentionPeriod": "59"}),
     "InvalidAttributeValue", 400, True),
    ("set_queue_attributes_message_retention_period_over_14_days", "sqs",
     lambda c, w: c.set_queue_attributes(QueueUrl=w["url"], Attributes={"MessageRetentionPeriod": "1209601"}),
     "InvalidAttributeValue", 400, True),
    ("change_message_visibility_over_12_hours", "sqs",
     lambda c, w: c.change_message_visibility(QueueUrl=w["url"], ReceiptHandle=w["receipt"], VisibilityTimeout=43201),
     "InvalidParameterValue", 400, False),
    ("set_queue_attributes_policy_that_is_not_json", "sqs",
     lambda c, w: c.set_queue_attributes(QueueUrl=w["url"], Attributes={"Policy": "allow sns"}),
     "InvalidAttributeValue", 400, False),
    ("iam_policy_sid_with_a_space", "iam",
     lambda c, w: c.create_policy(PolicyName="home", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
         {"Sid": "home dir", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})),
     "MalformedPolicyDocument", 400, True),
    ("iam_inline_policy_sid_with_a_hyphen", "iam",
     lambda c, w: (c.create_user(UserName="dev"), c.put_user_policy(
         UserName="dev", PolicyName="home", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
             {"Sid": "own-home", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))),
     "MalformedPolicyDocument", 400, True),
    ("send_message_batch_over_10_entries", "sqs",
     lambda c, w: c.send_message_batch(QueueUrl=w["url"], Entries=_messages(11)),
     "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400, False),
    ("delete_message_batch_over_10_entries", "sqs",
     lambda c, w: c.delete_message_batch(QueueUrl=w["url"], Entries=[
         {"Id": f"m{i}", "ReceiptHandle": w["receipt"]} for i in range(11)]),
     "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400, False),
    ("send_message_batch_ids_not_distinct", "sqs",
     lambda c, w: c.send_message_batch(QueueUrl=w["url"], Entries=_messages(2, same_id=True)),
     "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400, False),
    ("batch_write_item_over_25_requests", "dynamodb",
     lambda c, w: c.batch_write_item(RequestItems={"items": _puts(30)}), "ValidationException", 400, True),
    ("batch_get_item_over_100_keys", "dynamodb",
     lambda c, w: c.batch_get_item(RequestItems={"items": {"Keys": [{"pk": {"S": str(i)}} for i in range(101)]}}),
     "ValidationException", 400, False),
    ("transact_write_items_over_100_actions", "dynamodb",
     lambda c, w: c.transact_write_items(TransactItems=[
         {"Put": {"TableName": "items", "Item": {"pk": {"S": f"t{i}"}}}} for i in range(101)]),
     "ValidationException", 400, False),
    ("set_queue_attributes_max_receive_count_0", "sqs",
     lambda c, w: c.set_queue_attributes(QueueUrl=w["url"], Attributes=_redrive(w["dlq"], 0)),
     "InvalidParameterValue", 400, True),
    ("create_queue_max_receive_count_over_1000", "sqs",
     lambda c, w: c.create_queue(QueueName="patient", Attributes=_redrive(w["dlq"], 1001)),
     "InvalidParameterValue", 400, True),
    ("set_queue_attributes_maximum_message_size_under_1_kib", "sqs",
     lambda c, w: c.set_queue_attributes(QueueUrl=w["url"], Attributes={"MaximumMessageSize": "1023"}),
     "InvalidAttributeValue", 400, True),
    ("set_queue_attributes_maximum_message_size_over_1_mib", "sqs",
     lambda c, w: c.set_queue_attributes(QueueUrl=w["url"], Attributes={"MaximumMessageSize": "1048577"}),
     "InvalidAttributeValue", 400, True),
    ("send_message_over_1_mib", "sqs",
     lambda c, w: c.send_message(QueueUrl=w["url"], MessageBody="x" * 1048577), "InvalidParameterValue", 400, False),
    ("send_message_over_1_mib_counting_attributes", "sqs",
     lambda c, w: c.send_message(QueueUrl=w["url"], MessageBody="x" * 1048000, MessageAttributes=_attributes(1, 600)),
     "InvalidParameterValue", 400, True),
    ("send_message_batch_over_1_mib_in_total", "sqs",
     lambda c, w: c.send_message_batch(QueueUrl=w["url"], Entries=[
         {"Id": f"m{i}", "MessageBody": "x" * 300000} for i in range(4)]),
     "AWS.SimpleQueueService.BatchRequestTooLong", 400, False),
    ("send_message_over_its_queues_maximum_message_size_counting_attributes", "sqs",
     lambda c, w: c.send_message(QueueUrl=w["small"], MessageBody="x" * 1000, MessageAttributes=_attributes(1, 100)),
     "InvalidParameterValue", 400, True),
    ("send_message_batch_over_1_mib_in_total_counting_attributes", "sqs",
     lambda c, w: c.send_message_batch(QueueUrl=w["url"], Entries=[
         {"Id": f"m{i}", "MessageBody": "x" * 250000, "MessageAttributes": _attributes(1, 20000)} for i in range(4)]),
     "AWS.SimpleQueueService.BatchRequestTooLong", 400, True),
    ("send_message_over_10_message_attributes", "sqs",
     lambda c, w: c.send_message(QueueUrl=w["url"], MessageBody="x", MessageAttributes=_attributes(11)),
     "InvalidParameterValue", 400, True),
    ("sns_publish_over_256_kib", "sns",
     lambda c, w: c.publish(TopicArn=w["topic"], Message="x" * 262145), "InvalidParameter", 400, False),
    ("sns_publish_subject_with_a_line_break", "sns",
     lambda c, w: c.publish(TopicArn=w["topic"], Message="x", Subject="Order\nshipped"), "InvalidParameter", 400, True),
    ("sns_publish_subject_starting_with_a_space", "sns",
     lambda c, w: c.publish(TopicArn=w["topic"], Message="x", Subject=" Order"), "InvalidParameter", 400, True),
    ("sns_publish_subject_over_100_characters", "sns",
     lambda c, w: c.publish(TopicArn=w["topic"], Message="x", Subject="s" * 101), "InvalidParameter", 400, False),
    ("sns_subscribe_raw_message_delivery_neither_true_nor_false", "sns",
     lambda c, w: c.subscribe(TopicArn=w["topic"], Protocol="sqs", Endpoint=w["dlq"],
                              Attributes={"RawMessageDelivery": "yes"}), "InvalidParameter", 400, True),
    ("sns_set_raw_message_delivery_neither_true_nor_false", "sns",
     lambda c, w: c.set_subscription_attributes(
         SubscriptionArn=c.subscribe(TopicArn=w["topic"], Protocol="sqs", Endpoint=w["dlq"],
                                     ReturnSubscriptionArn=True)["SubscriptionArn"],
         AttributeName="RawMessageDelivery", AttributeValue="1"), "InvalidParameter", 400, True),
    ("s3_delete_objects_over_1000_keys", "s3",
     lambda c, w: c.delete_objects(Bucket="limits-bucket", Delete={"Objects": [{"Key": f"k{i}"} for i in range(1001)]}),
     "MalformedXML", 400, True),
    ("s3_lifecycle_over_1000_rules", "s3",
     lambda c, w: c.put_bucket_lifecycle_configuration(Bucket="limits-bucket", LifecycleConfiguration={"Rules": [
         {"ID": f"r{i}", "Status": "Enabled", "Filter": {"Prefix": f"p{i}/"}, "Expiration": {"Days": 1}}
         for i in range(1001)]}),
     "MalformedXML", 400, True),
    ("s3_bucket_over_50_tags", "s3",
     lambda c, w: c.put_bucket_tagging(Bucket="limits-bucket", Tagging={"TagSet": [
         {"Key": f"k{i}", "Value": "v"} for i in range(51)]}),
     "BadRequest", 400, True),
    ("s3_object_over_10_tags", "s3",
     lambda c, w: (c.put_object(Bucket="limits-bucket", Key="k", Body=b"x"), c.put_object_tagging(
         Bucket="limits-bucket", Key="k", Tagging={"TagSet": [{"Key": f"k{i}", "Value": "v"} for i in range(11)]})),
     "BadRequest", 400, False),
    ("s3_versioning_status_disabled", "s3",
     lambda c, w: c.put_bucket_versioning(Bucket="limits-bucket", VersioningConfiguration={"Status": "Disabled"}),
     "MalformedXML", 400, True),
    ("batch_write_item_duplicate_keys", "dynamodb",
     lambda c, w: c.batch_write_item(RequestItems={"items": [
         {"PutRequest": {"Item": {"pk": {"S": "a"}}}}, {"PutRequest": {"Item": {"pk": {"S": "a"}, "n": {"N": "1"}}}}]}),
     "ValidationException", 400, True),
    ("batch_write_item_put_and_delete_of_one_key", "dynamodb",
     lambda c, w: c.batch_write_item(RequestItems={"items": [
         {"PutRequest": {"Item": {"pk": {"S": "a"}}}}, {"DeleteRequest": {"Key": {"pk": {"S": "a"}}}}]}),
     "ValidationException", 400, True),
    ("batch_get_item_duplicate_keys", "dynamodb",
     lambda c, w: c.batch_get_item(RequestItems={"items": {"Keys": [{"pk": {"S": "a"}}, {"pk": {"S": "a"}}]}}),
     "ValidationException", 400, False),
    ("create_table_key_schema_listing_the_range_key_first", "dynamodb",
     lambda c, w: c.create_table(**_table("range-first", keys=("sk", "pk"))), "ValidationException", 400, True),
    ("create_table_gsi_without_its_own_throughput_on_a_provisioned_table", "dynamodb",
     lambda c, w: c.create_table(**_table("no-gsi-throughput", index={"ProvisionedThroughput": None})),
     "ValidationException", 400, True),
    ("create_table_projection_all_naming_non_key_attributes", "dynamodb",
     lambda c, w: c.create_table(**_table("all-and-some", index={
         "Projection": {"ProjectionType": "ALL", "NonKeyAttributes": ["amount"]}})), "ValidationException", 400, True),
    ("create_table_projection_include_naming_no_attributes", "dynamodb",
     lambda c, w: c.create_table(**_table("include-none", index={"Projection": {"ProjectionType": "INCLUDE"}})),
     "ValidationException", 400, True),
    ("put_item_over_400_kb_counting_attribute_names", "dynamodb",
     lambda c, w: c.put_item(TableName="items", Item={"pk": {"S": "a"}, "d" * 1000: {"S": "x" * 409000}}),
     "ValidationException", 400, False),
]
IDS = [case[0] for case in CASES]


@pytest.mark.parametrize("behaviour, service, call, code, status, moto_accepts", CASES, ids=IDS)
def test_aws_refuses_a_request_over_its_limit(world, behaviour, service, call, code, status, moto_accepts):
    with pytest.raises(ClientError) as raised:
        call(world["aws"].client(service), world)
    assert raised.value.response["Error"]["Code"] == code
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


@pytest.mark.parametrize("behaviour, service, call, code, status, moto_accepts",
                         [case for case in CASES if case[5]], ids=[case[0] for case in CASES if case[5]])
def test_plain_moto_accepts_what_aws_refuses(world, behaviour, service, call, code, status, moto_accepts):
    call(world["aws"].gateway.internal_client(service), world)  # no error: the gateway is what refuses it


def test_receive_wait_time_seconds_over_20_reads_as_aws_words_it(world):
    with pytest.raises(ClientError) as raised:
        world["aws"].client("sqs").receive_message(QueueUrl=world["url"], WaitTimeSeconds=25)
    assert raised.value.response["Error"]["Message"] == (
        "Value 25 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.")


def test_batch_write_item_over_25_names_the_constraint(world):
    with pytest.raises(ClientError) as raised:
        world["aws"].client("dynamodb").batch_write_item(RequestItems={"items": _puts(26)})
    message = raised.value.response["Error"]["Message"]
    assert message.startswith("1 validation error detected: Value '")
    assert "Member must have length less than or equal to 25" in message


def test_requests_within_the_limits_go_through(world):
    sqs, dynamodb = world["aws"].client("sqs"), world["aws"].client("dynamodb")
    sqs.receive_message(QueueUrl=world["url"], WaitTimeSeconds=0)
    sqs.set_queue_attributes(QueueUrl=world["url"], Attributes={"ReceiveMessageWaitTimeSeconds": "20",
                                                                 "MessageRetentionPeriod": "60"})
    assert not sqs.send_message_batch(QueueUrl=world["url"], Entries=_messages(10)).get("Failed")
    assert not dynamodb.batch_write_item(RequestItems={"items": _puts(25)})["UnprocessedItems"]


def test_every_limit_cites_its_aws_page():
    assert all(limit.source.startswith("https://docs.aws.amazon.com/") for limit in LIMITS)


def test_max_receive_count_out_of_range_reads_as_aws_words_it(world):
    with pytest.raises(ClientError) as raised:
        world["aws"].client("sqs").set_queue_attributes(QueueUrl=world["url"], Attributes=_redrive(world["dlq"], 0))
    assert raised.value.response["Error"]["Message"].endswith(
        "Reason: Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both inclusive.")


def test_batch_write_item_duplicate_keys_reads_as_aws_words_it(world):
    with pytest.raises(ClientError) as raised:
        world["aws"].client("dynamodb").batch_write_item(RequestItems={"items": [
            {"DeleteRequest": {"Key": {"pk": {"S": "a"}}}}, {"DeleteRequest": {"Key": {"pk": {"S": "a"}}}}]})
    assert raised.value.response["Error"]["Message"] == "Provided list of item keys contains duplicates"


def test_duplicate_keys_are_judged_by_a_re_created_tables_new_key_schema(world):
    """The key schema is remembered per table: a table deleted and re-created under its name with
    another key is judged by the new one (pk alone was the key; now pk and sk are)."""
    ddb = world["aws"].client("dynamodb")
    two = [{"PutRequest": {"Item": {"pk": {"S": "a"}, "sk": {"S": s}}}} for s in ("1", "2")]
    with pytest.raises(ClientError, match="duplicates"):
        ddb.batch_write_item(RequestItems={"items": two})
    ddb.delete_table(TableName="items")
    ddb.create_table(TableName="items", BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                     AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk")])
    assert ddb.batch_write_item(RequestItems={"items": two})["UnprocessedItems"] == {}


def test_the_key_schema_is_described_once_per_table_not_per_batch(world):
    calls = []
    ddb = world["aws"].client("dynamodb")
    internal = world["aws"].gateway.internal_client("dynamodb")
    internal.meta.events.register("before-call.dynamodb.DescribeTable", lambda **kw: calls.append(1))
    for round_ in range(3):
        ddb.batch_write_item(RequestItems={"items": [{"PutRequest": {"Item": {"pk": {"S": f"{round_}-{i}"}}}}
                                                     for i in range(2)]})
    assert len(calls) == 1


def test_limits_allow_what_aws_allows(world):
    sqs, s3 = world["aws"].client("sqs"), world["aws"].client("s3")
    sqs.set_queue_attributes(QueueUrl=world["url"], Attributes={**_redrive(world["dlq"], 1000),
                                                                 "MaximumMessageSize": "1048576"})
    sqs.send_message(QueueUrl=world["url"], MessageBody="x" * 1000, MessageAttributes=_attributes(10))
    world["aws"].client("sns").publish(TopicArn=world["topic"], Message="x", Subject="Order #1 shipped!")
    s3.delete_objects(Bucket="limits-bucket", Delete={"Objects": [{"Key": f"k{i}"} for i in range(1000)]})
    s3.put_bucket_versioning(Bucket="limits-bucket", VersioningConfiguration={"Status": "Suspended"})
    world["aws"].client("dynamodb").batch_write_item(RequestItems={"items": [
        {"PutRequest": {"Item": {"pk": {"S": "a"}}}}, {"PutRequest": {"Item": {"pk": {"S": "b"}}}}]})


def test_queue_maximum_message_size_refusal_names_the_queues_limit(world):
    with pytest.raises(ClientError) as raised:
        world["aws"].client("sqs").send_message(QueueUrl=world["small"], MessageBody="x" * 1025)
    assert raised.value.response["Error"]["Message"] == (
        "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.")


def test_message_of_exactly_the_queues_maximum_message_size_is_accepted(world):
    world["aws"].client("sqs").send_message(QueueUrl=world["small"], MessageBody="x" * 1024)


def test_send_message_batch_over_1_mib_counting_attributes_reads_as_aws_words_it(world):
    with pytest.raises(ClientError) as raised:
        world["aws"].client("sqs").send_message_batch(QueueUrl=world["url"], Entries=[
            {"Id": "m0", "MessageBody": "x" * 1048570, "MessageAttributes": {"k": {"DataType": "String",
                                                                                  "StringValue": "x"}}}])
    assert raised.value.response["Error"]["Message"] == (
        "Batch requests cannot be longer than 1048576 bytes. You have sent 1048578 bytes.")


def _batch(sqs, url: str, *entries: dict) -> tuple[list, list]:
    answer = sqs.send_message_batch(QueueUrl=url, Entries=list(entries))
    return ([e["Id"] for e in answer.get("Successful", [])],
            [(e["Id"], e["Code"], e["Message"], e["SenderFault"]) for e in answer.get("Failed", [])])


def _queued(sqs, url: str) -> list[str]:
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
    return sorted(m["Body"][:5] for m in messages)


def test_send_message_batch_entry_over_its_queues_maximum_message_size_fails_alone(world):
    sqs = world["aws"].client("sqs")
    sent, failed = _batch(sqs, world["small"], {"Id": "ok", "MessageBody": "small"},
                          {"Id": "big", "MessageBody": "b" * 1025})
    assert sent == ["ok"]
    assert failed == [("big", "InvalidParameterValue",
                       "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.", True)]
    assert _queued(sqs, world["small"]) == ["small"]


def test_send_message_batch_entry_counts_its_attributes_in_its_size(world):
    sqs = world["aws"].client("sqs")
    sent, failed = _batch(sqs, world["small"], {"Id": "ok", "MessageBody": "small"},
                          {"Id": "big", "MessageBody": "b" * 1000, "MessageAttributes": _attributes(1, 100)})
    assert (sent, [f[0] for f in failed]) == (["ok"], ["big"])


def test_send_message_batch_entry_over_10_message_attributes_fails_alone(world):
    sqs = world["aws"].client("sqs")
    sent, failed = _batch(sqs, world["url"], {"Id": "ok", "MessageBody": "small"},
                          {"Id": "many", "MessageBody": "many", "MessageAttributes": _attributes(11)})
    assert sent == ["ok"]
    assert failed == [("many", "InvalidParameterValue",
                       "Number of message attributes [11] exceeds the allowed maximum [10].", True)]


def test_send_message_batch_with_every_entry_over_a_limit_sends_nothing(world):
    sqs = world["aws"].client("sqs")
    sent, failed = _batch(sqs, world["small"], {"Id": "a", "MessageBody": "a" * 2000},
                          {"Id": "b", "MessageBody": "b", "MessageAttributes": _attributes(11)})
    assert (sent, sorted(f[0] for f in failed)) == ([], ["a", "b"])
    assert _queued(sqs, world["small"]) == []


def test_plain_moto_refuses_the_whole_batch_for_one_entry_over_its_queues_size(world):
    with pytest.raises(ClientError):  # AWS fails the one entry and sends the others
        world["aws"].gateway.internal_client("sqs").send_message_batch(QueueUrl=world["small"], Entries=[
            {"Id": "ok", "MessageBody": "small"}, {"Id": "big", "MessageBody": "b" * 1025}])


def test_plain_moto_sends_a_batch_entry_with_over_10_attributes_and_one_over_its_size_by_attributes(world):
    internal = world["aws"].gateway.internal_client("sqs")
    sent, failed = _batch(internal, world["small"], {"Id": "many", "MessageBody": "m", "MessageAttributes": _attributes(11)},
                          {"Id": "big", "MessageBody": "b" * 1000, "MessageAttributes": _attributes(1, 100)})
    assert (sorted(sent), failed) == (["big", "many"], [])


@pytest.mark.parametrize("table, message", [
    (_table("range-first", keys=("sk", "pk")), "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"),
    (_table("no-gsi-throughput", index={"ProvisionedThroughput": None}),
     "One or more parameter values were invalid: ProvisionedThroughput is not specified for index: by_customer"),
    (_table("all-and-some", index={"Projection": {"ProjectionType": "ALL", "NonKeyAttributes": ["amount"]}}),
     "One or more parameter values were invalid: ProjectionType is ALL, but NonKeyAttributes is specified"),
], ids=["range_key_first", "gsi_without_throughput", "projection_all_with_attributes"])
def test_create_table_refusals_read_as_dynamodb_words_them(world, table, message):
    with pytest.raises(ClientError) as raised:
        world["aws"].client("dynamodb").create_table(**table)
    assert raised.value.response["Error"]["Message"] == message


def test_create_table_of_the_right_shape_goes_through(world):
    world["aws"].client("dynamodb").create_table(**_table("right"))
    on_demand = _table("on-demand", index={"ProvisionedThroughput": None}, BillingMode="PAY_PER_REQUEST")
    del on_demand["ProvisionedThroughput"]
    world["aws"].client("dynamodb").create_table(**on_demand)


def test_iam_sid_refusal_reads_as_iam_words_it(world):
    with pytest.raises(ClientError) as raised:
        world["aws"].client("iam").create_policy(PolicyName="home", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Sid": "home_dir", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    assert raised.value.response["Error"]["Message"] == (
        "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*")


def test_bucket_policy_sid_may_hold_a_space(world):
    world["aws"].client("s3").put_bucket_policy(Bucket="limits-bucket", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Sid": "read all", "Effect": "Allow", "Principal": "*",
                                                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::limits-bucket/*"}]}))


def test_raw_message_delivery_takes_true_or_false_in_any_case(world):
    sns = world["aws"].client("sns")
    arn = sns.subscribe(TopicArn=world["topic"], Protocol="sqs", Endpoint=world["dlq"], ReturnSubscriptionArn=True,
                        Attributes={"RawMessageDelivery": "True"})["SubscriptionArn"]
    sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="RawMessageDelivery", AttributeValue="FALSE")
    with pytest.raises(ClientError) as raised:
        sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="RawMessageDelivery", AttributeValue="yes")
    assert raised.value.response["Error"]["Message"] == (
        "Invalid parameter: RawMessageDelivery: Invalid value [yes]. Must be true or false.")

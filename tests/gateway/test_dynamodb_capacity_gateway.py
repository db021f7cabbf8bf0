"""DynamoDB capacity through boto3 on the gateway: ConsumedCapacity per operation (TOTAL and INDEXES),
throttling of provisioned tables on the virtual clock (rate, burst, recovery), UnprocessedItems."""

from __future__ import annotations

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from awslab import safety
from awslab.gateway.behaviours.dynamodb_capacity import meter_of
from awslab.local_aws import LocalAWS

KB = 1024


@pytest.fixture(scope="module")
def aws():
    local = LocalAWS("moto", serve_http=False).start()
    yield local
    local.stop()


@pytest.fixture
def fresh(aws):
    aws.reset()
    aws.settings.clear()
    # Tables start with one second of their rate (no burst), so the tests count throttles from a
    # small exact balance; the default starting fill has tests of its own below.
    aws.settings["dynamodb_capacity_initial_seconds"] = 1.0
    return aws


@pytest.fixture
def learner(fresh):
    """A learner-signed client without SDK retries: throttles reach the test."""
    return fresh.client_as("dynamodb", safety.LEARNER_ACCESS_KEY, safety.FAKE_SECRET,
                           config=Config(retries={"mode": "standard", "total_max_attempts": 1}))


def make_table(aws, name="orders", rcu=5, wcu=5, gsi=True, on_demand=False, gsi_wcu=None):
    spec = dict(TableName=name,
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "customer_id")])
    throughput = {"ReadCapacityUnits": rcu, "WriteCapacityUnits": wcu}
    if on_demand:
        spec["BillingMode"] = "PAY_PER_REQUEST"
    else:
        spec["ProvisionedThroughput"] = throughput
    if gsi:
        index = {"IndexName": "by_customer", "KeySchema": [{"AttributeName": "customer_id", "KeyType": "HASH"}],
                 "Projection": {"ProjectionType": "ALL"}}
        if not on_demand:
            index["ProvisionedThroughput"] = {**throughput, "WriteCapacityUnits": gsi_wcu or wcu}
        spec["GlobalSecondaryIndexes"] = [index]
    else:
        spec["AttributeDefinitions"] = spec["AttributeDefinitions"][:2]
    aws.client("dynamodb").create_table(**spec)
    return name


def item(n, size=0, customer="c1"):
    out = {"pk": {"S": f"o{n}"}, "sk": {"S": "v1"}}
    if customer:
        out["customer_id"] = {"S": customer}
    if size:
        out["note"] = {"S": "x" * size}
    return out


def key(n):
    return {"pk": {"S": f"o{n}"}, "sk": {"S": "v1"}}


def put_as_grader(aws, table, *items):
    for i in items:
        aws.client("dynamodb").put_item(TableName=table, Item=i)


# -- ConsumedCapacity per operation ----------------------------------------------------------------
@pytest.mark.parametrize("size, consistent, expected", [
    (7 * KB, True, 2.0), (7 * KB, False, 1.0), (10 * KB, False, 1.5), (100, False, 0.5), (None, True, 1.0),
])
def test_get_item_costs_by_size_and_consistency(fresh, learner, size, consistent, expected):
    table = make_table(fresh, rcu=50, gsi=False)
    if size is not None:
        put_as_grader(fresh, table, item(1, size, customer=None))
    answer = learner.get_item(TableName=table, Key=key(1), ConsistentRead=consistent, ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": expected}


def test_no_consumed_capacity_unless_asked(fresh, learner):
    table = make_table(fresh, gsi=False)
    assert "ConsumedCapacity" not in learner.get_item(TableName=table, Key=key(1))
    assert "ConsumedCapacity" not in learner.put_item(TableName=table, Item=item(1, customer=None))


def test_put_item_charges_the_gsi_in_the_indexes_shape(fresh, learner):
    table = make_table(fresh, wcu=10)
    answer = learner.put_item(TableName=table, Item=item(1, 3 * KB - 100), ReturnConsumedCapacity="INDEXES")
    assert answer["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 6.0, "Table": {"CapacityUnits": 3.0},
                                          "GlobalSecondaryIndexes": {"by_customer": {"CapacityUnits": 3.0}}}


def test_overwrite_is_charged_on_the_larger_item(fresh, learner):
    table = make_table(fresh, wcu=20, gsi=False)
    put_as_grader(fresh, table, item(1, 5 * KB, customer=None))
    answer = learner.put_item(TableName=table, Item=item(1, customer=None), ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"]["CapacityUnits"] == 6.0


def test_update_item_is_charged_on_the_larger_image(fresh, learner):
    table = make_table(fresh, wcu=20, gsi=False)
    put_as_grader(fresh, table, item(1, 100, customer=None))
    answer = learner.update_item(TableName=table, Key=key(1), UpdateExpression="SET note = :n",
                                 ExpressionAttributeValues={":n": {"S": "y" * (2 * KB)}}, ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"]["CapacityUnits"] == 3.0


def test_delete_of_a_missing_item_costs_one_wcu(fresh, learner):
    table = make_table(fresh, gsi=False)
    answer = learner.delete_item(TableName=table, Key=key(9), ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"]["CapacityUnits"] == 1.0


def test_query_sums_items_read_before_the_filter(fresh, learner):
    table = make_table(fresh, rcu=50, gsi=False)
    for sk in range(4):  # 4 x ~3 KB under one partition key: 12 KB read, rounded once -> 3 blocks
        put_as_grader(fresh, table, {"pk": {"S": "p"}, "sk": {"S": str(sk)}, "note": {"S": "x" * 3000}})
    answer = learner.query(TableName=table, KeyConditionExpression="pk = :p", FilterExpression="sk = :none",
                           ExpressionAttributeValues={":p": {"S": "p"}, ":none": {"S": "nothing"}},
                           ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert answer["Count"] == 0
    assert answer["ConsumedCapacity"]["CapacityUnits"] == 3.0


def test_scan_counts_every_item_evaluated(fresh, learner):
    table = make_table(fresh, rcu=50, gsi=False)
    put_as_grader(fresh, table, *(item(n, 2000, customer=None) for n in range(5)))  # ~10 KB -> 3 blocks
    answer = learner.scan(TableName=table, Select="COUNT", ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"]["CapacityUnits"] == 1.5


def test_gsi_query_is_charged_to_the_index(fresh, learner):
    table = make_table(fresh, rcu=50)
    put_as_grader(fresh, table, item(1, 100))
    answer = learner.query(TableName=table, IndexName="by_customer", KeyConditionExpression="customer_id = :c",
                           ExpressionAttributeValues={":c": {"S": "c1"}}, ReturnConsumedCapacity="INDEXES")
    assert answer["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 0.5, "Table": {"CapacityUnits": 0.0},
                                          "GlobalSecondaryIndexes": {"by_customer": {"CapacityUnits": 0.5}}}


def test_batch_get_rounds_each_item_on_its_own(fresh, learner):
    table = make_table(fresh, rcu=50, gsi=False)
    put_as_grader(fresh, table, item(1, 1500, customer=None), item(2, 6500, customer=None))
    answer = learner.batch_get_item(RequestItems={table: {"Keys": [key(1), key(2), key(3)], "ConsistentRead": True}},
                                    ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 4.0}]  # 1 + 2 + 1 (missing)


def test_batch_write_rounds_each_item_on_its_own(fresh, learner):
    table = make_table(fresh, wcu=20, gsi=False)
    answer = learner.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": item(1, 400, customer=None)}},
                                                            {"PutRequest": {"Item": item(2, 3500, customer=None)}}]},
                                      ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 5.0}]
    assert answer["UnprocessedItems"] == {}


def test_transactions_cost_double(fresh, learner):
    table = make_table(fresh, rcu=50, wcu=50, gsi=False)
    answer = learner.transact_write_items(
        TransactItems=[{"Put": {"TableName": table, "Item": item(n, 300, customer=None)}} for n in range(3)],
        ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 6.0, "WriteCapacityUnits": 6.0}]
    answer = learner.transact_get_items(TransactItems=[{"Get": {"TableName": table, "Key": key(0)}}],
                                        ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 2.0, "ReadCapacityUnits": 2.0}]


def test_request_log_notes_what_was_consumed(fresh, learner):
    table = make_table(fresh, gsi=False)
    learner.put_item(TableName=table, Item=item(1, customer=None))
    (call,) = fresh.log.calls("dynamodb", "PutItem")
    assert call.notes["consumed_capacity"] == {table: 1.0}
    assert call.notes["throttled"] is False


# -- throttling ----------------------------------------------------------------------------------------
def test_provisioned_rate_throttles_with_aws_error_shape(fresh, learner):
    table = make_table(fresh, wcu=5, gsi=False)
    for n in range(5):  # a fresh bucket holds one second of rate
        learner.put_item(TableName=table, Item=item(n, customer=None))
    with pytest.raises(ClientError) as raised:
        learner.put_item(TableName=table, Item=item(5, customer=None))
    error = raised.value.response
    assert error["Error"]["Code"] == "ProvisionedThroughputExceededException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["ThrottlingReasons"][0]["reason"] == "TableWriteProvisionedThroughputExceeded"
    assert fresh.client("dynamodb").get_item(TableName=table, Key=key(5)).get("Item") is None  # nothing written
    assert fresh.log.calls("dynamodb", "PutItem")[-1].notes["throttled"] is True


def test_capacity_recovers_with_virtual_time(fresh, learner):
    table = make_table(fresh, wcu=2, gsi=False)
    for n in range(2):
        learner.put_item(TableName=table, Item=item(n, customer=None))
    with pytest.raises(ClientError):
        learner.put_item(TableName=table, Item=item(2, customer=None))
    fresh.clock.advance(seconds=0.5)
    learner.put_item(TableName=table, Item=item(2, customer=None))  # 0.5 s x 2 WCU/s = one write


def test_burst_keeps_at_most_300_seconds_of_unused_capacity(fresh, learner):
    table = make_table(fresh, wcu=1, gsi=False)
    fresh.clock.advance(seconds=1000)  # idle far longer than 300 s: the bucket caps at 300 WCU
    answer = learner.batch_write_item(
        RequestItems={table: [{"PutRequest": {"Item": item(n, 9 * KB, customer=None)}} for n in range(25)]},
        ReturnConsumedCapacity="TOTAL")
    assert answer["UnprocessedItems"] == {}  # 25 x 10 WCU out of 300 s of burst at 1 WCU/s
    assert meter_of(fresh.gateway).tokens(table, "write") == pytest.approx(50.0)


def test_gsi_without_capacity_throttles_the_table_write(fresh, learner):
    table = make_table(fresh, wcu=10, gsi_wcu=1)
    learner.put_item(TableName=table, Item=item(1))
    with pytest.raises(ClientError) as raised:
        learner.put_item(TableName=table, Item=item(2))
    assert raised.value.response["ThrottlingReasons"][0]["reason"] == "IndexWriteProvisionedThroughputExceeded"
    learner.put_item(TableName=table, Item=item(3, customer=None))  # not in the index: the table alone pays


def test_batch_write_returns_what_does_not_fit_in_unprocessed_items(fresh, learner):
    table = make_table(fresh, wcu=5, gsi=False)
    requests = [{"PutRequest": {"Item": item(n, customer=None)}} for n in range(25)]
    answer = learner.batch_write_item(RequestItems={table: requests}, ReturnConsumedCapacity="TOTAL")
    assert answer["UnprocessedItems"] == {table: requests[5:]}
    assert answer["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 5.0}]
    scan = fresh.client("dynamodb").scan(TableName=table)
    assert scan["Count"] == 5
    with pytest.raises(ClientError) as raised:  # nothing fits: the whole call fails
        learner.batch_write_item(RequestItems={table: requests[5:]})
    assert raised.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"


def test_a_throttled_batch_is_put_back_as_it_was_in_one_emulator_call(fresh, learner):
    """Overwrites and new items alike come back as they were; the 20 throttled entries are undone
    in one BatchWriteItem to the emulator, not 20 PutItem/DeleteItem calls."""
    table = make_table(fresh, wcu=5, gsi=False)
    put_as_grader(fresh, table, *(item(n, size=10, customer=None) for n in range(0, 25, 2)))
    before = {i["pk"]["S"]: i for i in fresh.client("dynamodb").scan(TableName=table)["Items"]}
    undos = []
    internal = fresh.gateway.internal_client("dynamodb")
    for operation in ("BatchWriteItem", "PutItem", "DeleteItem"):
        internal.meta.events.register(f"before-call.dynamodb.{operation}",
                                      lambda model, **_: undos.append(model.name))
    requests = [{"PutRequest": {"Item": item(n, customer=None)}} for n in range(25)]
    answer = learner.batch_write_item(RequestItems={table: requests})
    assert answer["UnprocessedItems"] == {table: requests[5:]}
    assert undos == ["BatchWriteItem"]
    after = {i["pk"]["S"]: i for i in fresh.client("dynamodb").scan(TableName=table)["Items"]}
    written = {r["PutRequest"]["Item"]["pk"]["S"]: r["PutRequest"]["Item"] for r in requests[:5]}
    assert after == {**before, **written}


def test_batch_get_returns_what_does_not_fit_in_unprocessed_keys(fresh, learner):
    table = make_table(fresh, rcu=1, gsi=False)
    put_as_grader(fresh, table, *(item(n, customer=None) for n in range(4)))
    answer = learner.batch_get_item(RequestItems={table: {"Keys": [key(n) for n in range(4)], "ConsistentRead": True}})
    assert len(answer["Responses"][table]) == 1
    assert len(answer["UnprocessedKeys"][table]["Keys"]) == 3
    assert answer["UnprocessedKeys"][table]["ConsistentRead"] is True


def test_throttled_transaction_is_cancelled(fresh, learner):
    table = make_table(fresh, wcu=2, gsi=False)
    learner.put_item(TableName=table, Item=item(9, customer=None))  # 1 of 2 WCU left; the transaction needs 4
    with pytest.raises(ClientError) as raised:
        learner.transact_write_items(TransactItems=[{"Put": {"TableName": table, "Item": item(n, customer=None)}}
                                                    for n in range(2)])
    assert raised.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert [r["Code"] for r in raised.value.response["CancellationReasons"]] == ["ProvisionedThroughputExceeded"] * 2


def test_fresh_table_takes_a_put_then_a_transaction_above_its_rate_as_aws_did(aws):
    """moto's aws_verified test_transact_write_items_put_conditional_expressions, which passed against
    AWS: a put and then a transaction costing twice the table's rate, at once on a new 5-WCU table.
    With a starting fill of one second (awslab before) the transaction was cancelled."""
    aws.reset()
    aws.settings.clear()
    learner = aws.client_as("dynamodb", safety.LEARNER_ACCESS_KEY, safety.FAKE_SECRET,
                            config=Config(retries={"mode": "standard", "total_max_attempts": 1}))
    table = make_table(aws, wcu=5, gsi=False)
    learner.put_item(TableName=table, Item=item(99, customer=None))
    learner.transact_write_items(TransactItems=[{"Put": {"TableName": table, "Item": item(n, customer=None)}}
                                                for n in range(5)])  # 2 WCU each, transactional
    with pytest.raises(ClientError) as raised:  # ten of ten units spent: the next write waits
        learner.put_item(TableName=table, Item=item(98, customer=None))
    assert raised.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"


def test_a_scenario_can_set_a_new_tables_starting_fill(fresh, learner):
    fresh.settings["dynamodb_capacity_initial_seconds"] = 3.0
    table = make_table(fresh, wcu=2, gsi=False)
    for n in range(6):
        learner.put_item(TableName=table, Item=item(n, customer=None))
    with pytest.raises(ClientError):
        learner.put_item(TableName=table, Item=item(6, customer=None))


def test_on_demand_tables_do_not_throttle(fresh, learner):
    table = make_table(fresh, on_demand=True, gsi=False)
    for n in range(40):
        learner.put_item(TableName=table, Item=item(n, 2 * KB, customer=None))


def test_grader_traffic_is_priced_but_never_throttled(fresh):
    table = make_table(fresh, wcu=1, gsi=False)
    grader = fresh.client("dynamodb")
    for n in range(5):
        answer = grader.put_item(TableName=table, Item=item(n, customer=None), ReturnConsumedCapacity="TOTAL")
        assert answer["ConsumedCapacity"]["CapacityUnits"] == 1.0
    assert meter_of(fresh.gateway).tokens(table, "write") == pytest.approx(1.0)


def test_timeline_shows_consumed_and_throttled_per_virtual_second(fresh, learner):
    table = make_table(fresh, wcu=2, gsi=False)
    for n in range(3):
        try:
            learner.put_item(TableName=table, Item=item(n, customer=None))
        except ClientError:
            pass
    (second,) = meter_of(fresh.gateway).timeline.seconds(table)
    assert (second.consumed_write, second.provisioned_write, second.throttled_write) == (2.0, 2.0, 1)


def test_behaviour_can_be_turned_off(fresh, learner):
    fresh.settings["dynamodb_capacity"] = False
    table = make_table(fresh, wcu=1, gsi=False)
    for n in range(3):
        learner.put_item(TableName=table, Item=item(n, customer=None))


@pytest.mark.parametrize("operation", ["put_item", "batch_write_item", "transact_write_items"])
@pytest.mark.parametrize("number", ["foo", '"42.0"'])
def test_a_number_dynamodb_cannot_read_is_a_validation_error_not_a_server_error(learner, fresh, operation, number):
    # The capacity model sizes the item before the emulator sees it; a value it cannot read is the
    # emulator's (and DynamoDB's) ValidationException, unpriced, as moto answers without awslab (a
    # transaction is cancelled for it).
    table = make_table(fresh, gsi=False)
    bad = {**item(1), "n": {"N": number}}
    calls = {"put_item": lambda: learner.put_item(TableName=table, Item=bad),
             "batch_write_item": lambda: learner.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": bad}}]}),
             "transact_write_items": lambda: learner.transact_write_items(
                 TransactItems=[{"Put": {"TableName": table, "Item": bad}}])}
    with pytest.raises(ClientError) as raised:
        calls[operation]()
    error = raised.value.response
    if operation == "transact_write_items":
        assert error["Error"]["Code"] == "TransactionCanceledException"
        assert [r["Code"] for r in error["CancellationReasons"]] == ["ValidationException"]
    else:
        assert error["Error"]["Code"] == "ValidationException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert learner.scan(TableName=table)["Count"] == 0


def _emulator_calls(aws) -> list[str]:
    """Names of the calls the capacity behaviour makes to the emulator behind the learner's."""
    seen: list[str] = []
    aws.gateway.internal_client("dynamodb").meta.events.register(
        "before-call.dynamodb", lambda model, **_: seen.append(model.name))
    return seen


@pytest.mark.parametrize("operation", ["PutItem", "DeleteItem", "UpdateItem"])
def test_a_write_learns_the_item_before_it_from_the_write_itself_not_a_read_ahead(fresh, learner, operation):
    """PutItem and DeleteItem make no call of their own to the emulator (the before-image comes back
    with ReturnValues=ALL_OLD); UpdateItem reads only the after-image."""
    table = make_table(fresh, wcu=50, gsi=False)
    put_as_grader(fresh, table, item(1, size=3 * KB, customer=None))
    seen = _emulator_calls(fresh)
    if operation == "PutItem":
        answer = learner.put_item(TableName=table, Item=item(1, size=100, customer=None), ReturnConsumedCapacity="TOTAL")
    elif operation == "DeleteItem":
        answer = learner.delete_item(TableName=table, Key=key(1), ReturnConsumedCapacity="TOTAL")
    else:
        answer = learner.update_item(TableName=table, Key=key(1), UpdateExpression="SET n = :n",
                                     ExpressionAttributeValues={":n": {"N": "1"}}, ReturnConsumedCapacity="TOTAL")
    assert seen == ([] if operation != "UpdateItem" else ["GetItem"])
    assert answer["ConsumedCapacity"]["CapacityUnits"] == 4.0  # charged on the 3 KB item before
    assert "Attributes" not in answer  # the caller asked for none: it gets none


def test_a_write_that_asks_for_its_old_item_gets_it_as_the_emulator_returns_it(fresh, learner):
    table = make_table(fresh, wcu=50, gsi=False)
    put_as_grader(fresh, table, item(1, size=10, customer=None))
    answer = learner.put_item(TableName=table, Item=item(1, size=20, customer=None), ReturnValues="ALL_OLD")
    assert answer["Attributes"]["pk"] == key(1)["pk"] and len(answer["Attributes"]["note"]["S"]) == 10
    assert "Attributes" not in learner.put_item(TableName=table, Item=item(2, customer=None), ReturnValues="NONE")


def test_a_throttled_overwrite_of_a_binary_item_is_put_back_byte_for_byte(fresh, learner):
    """The before-image read from the write's own answer carries binary as base64 text: it is put
    back as the same bytes, in maps, lists and sets too, not as its base64 text."""
    table = make_table(fresh, wcu=1, gsi=False)
    original = {**key(1), "blob": {"B": b"\x00\xffbinary"}, "set": {"BS": [b"\x01", b"\x02"]},
                "nested": {"M": {"inner": {"L": [{"B": b"\x03"}, {"S": "text"}]}}}}
    fresh.client("dynamodb").put_item(TableName=table, Item=original)
    learner.put_item(TableName=table, Item={**key(2)})  # the one unit of this second
    with pytest.raises(ClientError) as raised:
        learner.put_item(TableName=table, Item={**key(1), "blob": {"B": b"new"}})
    assert raised.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    back = fresh.client("dynamodb").get_item(TableName=table, Key=key(1), ConsistentRead=True)["Item"]
    assert back == original


@pytest.mark.parametrize("operation, params", [
    ("put_item", {"Item": {}}),
    ("put_item", {"Item": {"not_the_key": {"S": "x"}}}),
    ("put_item", {"Item": {"pk": {"S": "o1"}}}),  # the range key missing
    ("put_item", {"Item": {"pk": {"N": "1"}, "sk": {"S": "v1"}}}),  # the key's type wrong
    ("delete_item", {"Key": {"pk": {"S": "o1"}}}),
    ("update_item", {"Key": {"pk": {"S": "o1"}}, "UpdateExpression": "SET n = :n",
                     "ExpressionAttributeValues": {":n": {"N": "1"}}}),
])
def test_an_invalid_write_is_refused_as_the_emulator_refuses_the_call_as_sent(fresh, learner, operation, params):
    """The before-image is asked for with ReturnValues=ALL_OLD, but an invalid write's error is the
    emulator's answer to the call the caller made: moto's ALL_OLD path reads the item before it
    validates the key, and answers a bare 'Validation Exception' where AWS (and moto without ALL_OLD)
    says 'Missing the key structure_id in the item' (moto's aws_verified test_put_empty_item)."""
    table = make_table(fresh, wcu=50, gsi=False)
    with pytest.raises(ClientError) as plain:
        getattr(fresh.gateway.internal_client("dynamodb"), operation)(TableName=table, **params)
    with pytest.raises(ClientError) as through:
        getattr(learner, operation)(TableName=table, **params)
    assert through.value.response["Error"] == plain.value.response["Error"]

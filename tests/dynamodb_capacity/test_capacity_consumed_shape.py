"""The ConsumedCapacity value of a response (R4.1-R4.4), checked against AWS's own examples."""

import pytest

from awslab.models.dynamodb_capacity import Cost, consumed_capacity_shape

EXAMPLES = [
    ("R4.1", "GetItem", {"T": Cost("read", 0.5)}, None, None, "no ReturnConsumedCapacity: no key"),
    ("R4.1", "GetItem", {"T": Cost("read", 0.5)}, "NONE", None, "NONE: no key"),
    (
        "R4.2",
        "GetItem",
        {"MusicCollection": Cost("read", 0.5)},
        "TOTAL",
        {"TableName": "MusicCollection", "CapacityUnits": 0.5},
        "aws-cli get-item example",
    ),
    (
        "R4.2",
        "PutItem",
        {"arn:aws:dynamodb:us-east-1:123456789012:table/T": Cost("write", 1.0, {"g": 1.0})},
        "TOTAL",
        {"TableName": "arn:aws:dynamodb:us-east-1:123456789012:table/T", "CapacityUnits": 2.0},
        "the table as given (an ARN) and indexes folded into the total",
    ),
    (
        "R4.3",
        "Query",
        {"MusicCollection": Cost("read", 0.0, local_indexes={"AlbumTitleIndex": 0.5})},
        "INDEXES",
        {
            "TableName": "MusicCollection",
            "CapacityUnits": 0.5,
            "Table": {"CapacityUnits": 0.0},
            "LocalSecondaryIndexes": {"AlbumTitleIndex": {"CapacityUnits": 0.5}},
        },
        "aws-cli query on an LSI",
    ),
    (
        "R4.3",
        "UpdateItem",
        {"T": Cost("write", 2.0, {"g1": 2.0, "g2": 1.0})},
        "INDEXES",
        {
            "TableName": "T",
            "CapacityUnits": 5.0,
            "Table": {"CapacityUnits": 2.0},
            "GlobalSecondaryIndexes": {"g1": {"CapacityUnits": 2.0}, "g2": {"CapacityUnits": 1.0}},
        },
        "top-level units are the table plus every index",
    ),
    (
        "R4.3",
        "GetItem",
        {"T": Cost("read", 1.0)},
        "INDEXES",
        {"TableName": "T", "CapacityUnits": 1.0, "Table": {"CapacityUnits": 1.0}},
        "GetItem touches no index: only the table part",
    ),
    (
        "R4.4",
        "BatchWriteItem",
        {"MusicCollection": Cost("write", 3.0, local_indexes={"AlbumTitleIndex": 3.0})},
        "INDEXES",
        [
            {
                "TableName": "MusicCollection",
                "CapacityUnits": 6.0,
                "Table": {"CapacityUnits": 3.0},
                "LocalSecondaryIndexes": {"AlbumTitleIndex": {"CapacityUnits": 3.0}},
            }
        ],
        "aws-cli batch-write-item example",
    ),
    (
        "R4.4",
        "BatchGetItem",
        {"A": Cost("read", 1.5), "B": Cost("read", 0.5)},
        "TOTAL",
        [{"TableName": "A", "CapacityUnits": 1.5}, {"TableName": "B", "CapacityUnits": 0.5}],
        "a list, one element per table",
    ),
    (
        "R4.4",
        "TransactGetItems",
        {"T": Cost("read", 4.0)},
        "TOTAL",
        [{"TableName": "T", "CapacityUnits": 4.0, "ReadCapacityUnits": 4.0}],
        "transactions also carry ReadCapacityUnits, equal to CapacityUnits (R4.2)",
    ),
    (
        "R4.4",
        "TransactWriteItems",
        {"T": Cost("write", 6.0)},
        "TOTAL",
        [{"TableName": "T", "CapacityUnits": 6.0, "WriteCapacityUnits": 6.0}],
        "transactions also carry WriteCapacityUnits",
    ),
]


@pytest.mark.parametrize(
    "rule, operation, costs, mode, expected, why", EXAMPLES, ids=[f"{e[0]}-{e[5]}" for e in EXAMPLES]
)
def test_consumed_capacity_shape(rule, operation, costs, mode, expected, why):
    assert consumed_capacity_shape(operation, costs, mode) == expected


def test_read_and_write_units_when_present_equal_capacity_units():
    # R4.2's test rule, applied to every part of an INDEXES answer.
    shape = consumed_capacity_shape("TransactWriteItems", {"T": Cost("write", 2.0, {"g": 2.0})}, "INDEXES")
    parts = [shape[0], shape[0]["Table"], *shape[0]["GlobalSecondaryIndexes"].values()]
    for part in parts:
        assert part["WriteCapacityUnits"] == part["CapacityUnits"]


def test_unknown_mode_is_rejected():
    with pytest.raises(ValueError):
        consumed_capacity_shape("GetItem", {"T": Cost("read", 1.0)}, "ALL")


def test_single_table_operation_needs_exactly_one_table():
    with pytest.raises(ValueError):
        consumed_capacity_shape("Query", {"A": Cost("read", 1.0), "B": Cost("read", 1.0)}, "TOTAL")

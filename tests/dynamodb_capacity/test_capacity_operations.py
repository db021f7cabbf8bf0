"""Consumed capacity per operation (R2.x reads, R3.x writes), table-driven where it fits."""

import pytest
from sized_items import KB, sized

from awslab.models.dynamodb_capacity import (
    Cost,
    SecondaryIndex,
    TableSchema,
    batch_get_item_cost,
    batch_write_item_cost,
    condition_check_cost,
    delete_item_cost,
    entry_sizes,
    failed_condition_cost,
    get_item_cost,
    put_item_cost,
    query_cost,
    scan_cost,
    transact_get_items_cost,
    transact_write_items_cost,
    update_item_cost,
)

PLAIN = TableSchema(hash_key="pk")

# Reads -----------------------------------------------------------------------------------

READS = [
    ("R2.2", lambda: get_item_cost(3 * KB), 0.5, "GetItem is eventually consistent by default"),
    ("R2.2", lambda: get_item_cost(7 * KB, consistent_read=True), 2.0, "ConsistentRead=true"),
    ("R2.3", lambda: get_item_cost(None, consistent_read=True), 1.0, "a miss costs SC 1.0"),
    ("R2.3", lambda: get_item_cost(None), 0.5, "a miss costs EC 0.5"),
    (
        "R2.4",
        lambda: batch_get_item_cost([int(1.5 * KB), int(6.5 * KB)], consistent_read=True),
        3.0,
        "1.5 KB + 6.5 KB is 4 KB + 8 KB = 12 KB, not 8 KB",
    ),
    ("R2.4", lambda: batch_get_item_cost([int(1.5 * KB), int(6.5 * KB)]), 1.5, "EC by default"),
    ("R2.4", lambda: batch_get_item_cost([None, None, KB]), 1.5, "missing keys cost the minimum each"),
    ("R2.5", lambda: query_cost([1044] * 40, consistent_read=True), 11.0, "40.8 KB rounds once to 44 KB"),
    ("R2.5", lambda: query_cost([1044] * 40), 5.5, "EC halves it"),
    ("R2.5", lambda: query_cost([100] * 10), 0.5, "1000 bytes summed: one block, not ten"),
    ("R2.5", lambda: query_cost([]), 0.5, "an empty Query costs the EC minimum"),
    ("R2.5", lambda: query_cost([], consistent_read=True), 1.0, "an empty Query costs the SC minimum"),
    ("R2.5", lambda: query_cost([], partitions=3), 1.5, "the minimum is per partition"),
    ("R2.6", lambda: scan_cost([2 * KB] * 4), 1.0, "8 KB evaluated, EC"),
    ("R2.6", lambda: scan_cost([2 * KB] * 4, consistent_read=True), 2.0, "ConsistentRead doubles"),
    ("R2.9", lambda: transact_get_items_cost([3 * KB]), 2.0, "2 RCU per 4 KB"),
    ("R2.9", lambda: transact_get_items_cost([5 * KB, 1 * KB]), 6.0, "each item on its own: 4 + 2"),
]


@pytest.mark.parametrize("rule, cost, expected, why", READS, ids=[f"{r[0]}-{r[3]}" for r in READS])
def test_read_cost(rule, cost, expected, why):
    result = cost()
    assert result.kind == "read"
    assert result.total == expected
    assert result.table == expected  # base-table reads: everything is the table's


def test_query_on_gsi_is_charged_to_the_index_and_sized_by_projected_entries(orders_schema):
    # R2.7: the index entry (keys only) is what is read, not the 6 KB base item.
    items = [sized(6 * KB, pk="o1", sk="1", customer_id="c1")]
    sizes = entry_sizes(orders_schema, items, "by_customer")
    assert sizes == [len("pk") + 2 + len("sk") + 1 + len("customer_id") + 2]
    cost = query_cost(sizes, index=orders_schema.index("by_customer"))
    assert cost == Cost("read", 0.0, global_indexes={"by_customer": 0.5})
    assert cost.charges() == {None: 0.0, "by_customer": 0.5}


def test_strongly_consistent_query_on_gsi_is_refused(orders_schema):
    with pytest.raises(ValueError, match="R2.7"):
        query_cost([10], consistent_read=True, index=orders_schema.index("by_status"))


def test_query_on_lsi_reports_the_index_and_charges_the_table(orders_schema):
    # R2.8 / R4.3: Table 0.0, LSI 0.5, paid from the table's RCU.
    cost = query_cost([300, 300], index=orders_schema.index("by_date"))
    assert cost == Cost("read", 0.0, local_indexes={"by_date": 0.5})
    assert cost.charges() == {None: 0.5}


def test_lsi_query_fetching_non_projected_attributes_adds_each_base_item_rounded(orders_schema):
    # R2.8: entries summed (2 KB -> 1 block SC) + base items 1 KB and 5 KB rounded separately (1 + 2).
    index = orders_schema.index("by_date")
    cost = query_cost([KB, KB], consistent_read=True, index=index, base_item_sizes=[KB, 5 * KB])
    assert cost.local_indexes == {"by_date": 1.0}
    assert cost.table == 3.0
    assert cost.total == 4.0


# Writes ----------------------------------------------------------------------------------

WRITES = [
    ("course", lambda: put_item_cost(PLAIN, None, sized(3 * KB, pk="a")), 3.0, "a 3 KB write is 3 WCU"),
    ("R3.1", lambda: put_item_cost(PLAIN, None, sized(100, pk="a")), 1.0, "minimum 1 WCU"),
    (
        "R3.2",
        lambda: put_item_cost(PLAIN, sized(3 * KB, pk="a"), sized(KB, pk="a")),
        3.0,
        "replacing a 3 KB item with a 1 KB one is charged on the larger",
    ),
    (
        "R3.3",
        lambda: update_item_cost(PLAIN, sized(512, pk="a"), sized(int(2.5 * KB), pk="a")),
        3.0,
        "update: the larger of before (0.5 KB) and after (2.5 KB)",
    ),
    (
        "R3.3",
        lambda: update_item_cost(PLAIN, sized(5 * KB, pk="a"), sized(5 * KB - 10, pk="a")),
        5.0,
        "changing one small attribute still costs the full item",
    ),
    ("R3.4", lambda: delete_item_cost(PLAIN, None), 1.0, "deleting a missing item costs 1 WCU"),
    ("R3.4", lambda: delete_item_cost(PLAIN, sized(int(2.5 * KB), pk="a")), 3.0, "the deleted item's size"),
    (
        "R3.5",
        lambda: batch_write_item_cost(PLAIN, [(None, sized(500, pk="a")), (None, sized(int(3.5 * KB), pk="b"))]),
        5.0,
        "500 B + 3.5 KB is 1 + 4 WCU",
    ),
    ("R3.5", lambda: batch_write_item_cost(PLAIN, [(None, None)]), 1.0, "a batch delete of a missing item: 1 WCU"),
    (
        "R3.6",
        lambda: transact_write_items_cost(PLAIN, [(None, sized(500, pk=k)) for k in "abc"]),
        6.0,
        "three 500-byte items in a transaction are 6 WCU",
    ),
    ("R3.6", lambda: transact_write_items_cost(PLAIN, [(None, sized(2 * KB, pk="a"))]), 4.0, "a 2 KB item is 4 WCU"),
    ("R3.7", lambda: failed_condition_cost(None), 1.0, "failed condition on a missing item: 1 WCU"),
    ("R3.7", lambda: failed_condition_cost(sized(2 * KB, pk="a")), 2.0, "failed condition on an existing item"),
    ("R3.6", lambda: condition_check_cost(sized(KB, pk="a")), 2.0, "a ConditionCheck action is a transactional write"),
]


@pytest.mark.parametrize("rule, cost, expected, why", WRITES, ids=[f"{r[0]}-{r[3]}" for r in WRITES])
def test_write_cost(rule, cost, expected, why):
    result = cost()
    assert result.kind == "write"
    assert result.total == expected


# R3.8 GSI writes: (before, after) -> expected units on each GSI -----------------------------

GSI_CASES = [
    (
        "R3.8(a)",
        None,
        sized(2 * KB, pk="o1", sk="1", customer_id="c1", status="open", created="2024"),
        {"by_customer": 1.0, "by_status": 2.0},
        "a new item that defines both index keys: one put each, sized by the entry",
    ),
    (
        "R3.8(a)",
        sized(100, pk="o1", sk="1"),
        sized(100, pk="o1", sk="1", customer_id="c1"),
        {"by_customer": 1.0},
        "an update that defines a previously missing index key",
    ),
    (
        "R3.8(b)",
        sized(100, pk="o1", sk="1", customer_id="c1"),
        sized(100, pk="o1", sk="1", customer_id="c2"),
        {"by_customer": 2.0},
        "an index key changes A to B: delete plus put",
    ),
    (
        "R3.8(c)",
        sized(100, pk="o1", sk="1", customer_id="c1"),
        sized(100, pk="o1", sk="1"),
        {"by_customer": 1.0},
        "the index key is removed: one delete",
    ),
    (
        "R3.8(c)",
        sized(100, pk="o1", sk="1", customer_id="c1"),
        None,
        {"by_customer": 1.0},
        "deleting the item deletes its entry",
    ),
    (
        "R3.8(d)",
        sized(3 * KB, pk="o1", sk="1"),
        sized(4 * KB, pk="o1", sk="1"),
        {},
        "in no index before or after: nothing",
    ),
    (
        "R3.8(e)",
        sized(KB, pk="o1", sk="1", status="open", created="2024", note="a"),
        sized(int(1.5 * KB), pk="o1", sk="1", status="open", created="2024", note="b"),
        {"by_status": 2.0, "by_customer": 0.0},
        "a projected non-key attribute changes: one write on the ALL index",
    ),
    (
        "R3.8",
        sized(KB, pk="o1", sk="1", customer_id="c1", note="a"),
        sized(KB, pk="o1", sk="1", customer_id="c1", note="b"),
        {},
        "a change the KEYS_ONLY index does not store costs it nothing",
    ),
]


@pytest.mark.parametrize(
    "rule, before, after, expected, why", GSI_CASES, ids=[f"{c[0]}-{c[4]}" for c in GSI_CASES]
)
def test_gsi_write_cost(orders_schema, rule, before, after, expected, why):
    cost = update_item_cost(orders_schema, before, after) if after else delete_item_cost(orders_schema, before)
    assert {k: v for k, v in cost.global_indexes.items()} == {k: v for k, v in expected.items() if v}
    # GSIs are paid from their own capacity, not the table's (R3.8).
    assert cost.charges()[None] == cost.table + sum(cost.local_indexes.values())


def test_lsi_write_is_reported_as_index_and_charged_to_the_table():
    # R3.9 and the R4.4 aws-cli example: three 1 KB puts on a table with one LSI.
    schema = TableSchema(
        "Artist",
        "SongTitle",
        local_indexes=(SecondaryIndex("AlbumTitleIndex", "Artist", "AlbumTitle", is_global=False),),
    )
    items = [sized(KB, Artist="a", SongTitle=f"s{i}", AlbumTitle="x") for i in range(3)]
    cost = batch_write_item_cost(schema, [(None, item) for item in items])
    assert cost == Cost("write", 3.0, local_indexes={"AlbumTitleIndex": 3.0})
    assert cost.total == 6.0
    assert cost.charges() == {None: 6.0}


def test_transaction_doubles_index_writes_too(orders_schema):
    item = sized(KB, pk="o1", sk="1", customer_id="c1")
    cost = transact_write_items_cost(orders_schema, [(None, item)])
    assert cost.table == 2.0
    assert cost.global_indexes == {"by_customer": 2.0}


def test_costs_of_different_kinds_do_not_add():
    with pytest.raises(ValueError):
        Cost("read", 1.0) + Cost("write", 1.0)


def test_schema_from_describe_table():
    description = {
        "TableName": "orders",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "by_customer",
                "KeySchema": [{"AttributeName": "customer_id", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]},
            }
        ],
    }
    schema = TableSchema.from_description(description)
    assert schema.key_attributes == ("pk", "sk")
    index = schema.index("by_customer")
    assert index.is_global and index.projection == "INCLUDE" and index.non_key_attributes == ("total",)
    item = {"pk": {"S": "o"}, "sk": {"S": "1"}, "customer_id": {"S": "c"}, "total": {"N": "5"}, "note": {"S": "n"}}
    assert set(schema.index_entry(item, index)) == {"pk", "sk", "customer_id", "total"}

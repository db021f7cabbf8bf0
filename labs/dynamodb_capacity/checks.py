"""Checks of the dynamodb_capacity lab.

The capacity math is compared with awslab's model (awslab.models.dynamodb_capacity, itself tested against
the rules in shared/aws-rules/dynamodb_capacity.md). The load runs on a table provisioned at a few
WCU: the gateway throttles it on virtual time, so the learner's backoff shows in the request log as
virtual-time gaps between BatchWriteItem calls, and the gateway's own count of consumed WCU is the
yardstick for what load_items reports.
"""

from __future__ import annotations

import math

from awslab.lab import LearnerError, capacity_chart, check, dynamodb_capacity, fixture

LOAD_WCU = 5
LOAD_ITEMS = 100
TABLE_RCU, TABLE_WCU = 7, 3  # different, so that swapping them shows

# (item, why it is there)
SIZE_CASES = [
    ({"pk": {"S": "order#1"}}, "a string: name + UTF-8 bytes"),
    ({"pk": {"S": "é"}, "sk": {"S": "日本"}}, "multi-byte UTF-8 characters"),
    ({"n": {"N": "12"}, "big": {"N": "12345"}, "half": {"N": "-0.5"}}, "numbers: 1 byte per 2 significant digits + 1"),
    ({"blob": {"B": bytes(range(10))}}, "binary: raw bytes, not base64 text"),
    ({"ok": {"BOOL": True}, "nothing": {"NULL": True}}, "BOOL and NULL: 1 byte"),
    ({"tags": {"L": [{"S": "a"}, {"S": "bc"}, {"N": "7"}]}}, "a list: 3 bytes + 1 per element"),
    ({"address": {"M": {"city": {"S": "Oslo"}, "zip": {"N": "150"}}}}, "a map: 3 bytes + keys + 1 per entry"),
    ({"pk": {"S": "order#7"}, "sk": {"S": "v1"}, "note": {"S": "x" * 7000}, "amount": {"N": "1999"}}, "a 7 KB item"),
]
KB = 1024
# (size, per second) for strong reads; rounding up to 4 KB
READ_ROUNDING_CASES = [(7 * KB, 1), (4 * KB, 1), (4 * KB + 1, 1), (1, 10), (10 * KB, 3), (12 * KB, 2), (500, 4)]
# sizes that are at least 4 KB: consistency is judged as a ratio to the strong cost
CONSISTENCY_SIZES = [(4 * KB, 1), (7 * KB, 1), (10 * KB, 1), (12 * KB, 5)]
WRITE_CASES = [(3 * KB, 1, False), (500, 1, False), (KB + 1, 2, False), (KB, 5, False), (3 * KB, 1, True),
               (2 * KB, 1, True), (500, 3, True)]


def _close(a, b) -> bool:
    return isinstance(a, (int, float)) and not isinstance(a, bool) and math.isclose(a, b, abs_tol=1e-9)


# -------------------------------------------------------------------------------------- capacity math
@check("item_size counts bytes as DynamoDB does", points=2,
       hint="Attribute names count too. Strings are UTF-8 bytes; numbers take about one byte per two "
            "significant digits plus one; lists and maps add 3 bytes plus 1 per element.")
def item_size_matches_aws(ctx):
    wrong = []
    for item, why in SIZE_CASES:
        got = ctx.learner.item_size(item)
        if got != dynamodb_capacity.item_size(item):
            wrong.append(f"{why}: expected {dynamodb_capacity.item_size(item)}, got {got!r}")
    ctx.expect(not wrong, f"{len(wrong)} of {len(SIZE_CASES)} items sized wrong; " + "; ".join(wrong[:3]))


@check("Reads round up to 4 KB", points=2,
       hint="One strongly consistent read of up to 4 KB is 1 RCU; 4 KB + 1 byte is two reads' worth. "
            "Round the size UP, per read, then multiply by the rate.")
def read_units_round_up_to_4kb(ctx):
    wrong = []
    for size, rate in READ_ROUNDING_CASES:
        expected = dynamodb_capacity.read_units(size, "strong") * rate
        got = ctx.learner.read_capacity_units(size, rate, "strong")
        if not _close(got, expected):
            wrong.append(f"{size} B x {rate}/s strong: expected {expected:g}, got {got!r}")
    ctx.expect(not wrong, "; ".join(wrong[:3]))


@check("Eventual reads cost half, transactional reads double", points=2,
       hint="An eventually consistent read costs half a strongly consistent one of the same size; "
            "a transactional read twice as much.")
def read_units_by_consistency(ctx):
    wrong = []
    for size, rate in CONSISTENCY_SIZES:
        strong = ctx.learner.read_capacity_units(size, rate, "strong")
        eventual = ctx.learner.read_capacity_units(size, rate, "eventual")
        transactional = ctx.learner.read_capacity_units(size, rate, "transactional")
        if not (_close(strong, strong) and strong > 0):
            wrong.append(f"{size} B strong: got {strong!r}")
        elif not _close(eventual, strong / 2):
            wrong.append(f"{size} B: eventual {eventual!r} is not half of strong {strong!r}")
        elif not _close(transactional, strong * 2):
            wrong.append(f"{size} B: transactional {transactional!r} is not twice strong {strong!r}")
    ctx.expect(not wrong, "; ".join(wrong[:3]))


@check("Writes round up to 1 KB, transactions double", points=2,
       hint="1 WCU writes up to 1 KB; round the size UP to whole KB (at least 1), then multiply by the rate; "
            "a transactional write costs twice.")
def write_units_round_up_to_1kb(ctx):
    wrong = []
    for size, rate, transactional in WRITE_CASES:
        expected = dynamodb_capacity.write_units(size, transactional) * rate
        got = ctx.learner.write_capacity_units(size, rate, transactional)
        if not _close(got, expected):
            kind = "transactional" if transactional else "standard"
            wrong.append(f"{size} B x {rate}/s {kind}: expected {expected:g}, got {got!r}")
    ctx.expect(not wrong, "; ".join(wrong[:3]))


# -------------------------------------------------------------------------------------- the table
@fixture
def orders_table(ctx):
    name = ctx.unique("orders")
    ctx.learner.create_orders_table(ctx.learner_client("dynamodb"), name, TABLE_RCU, TABLE_WCU)
    return ctx.client("dynamodb").describe_table(TableName=name)["Table"]


@check("The orders table is provisioned, keyed pk/sk", points=2,
       hint="BillingMode PROVISIONED with ProvisionedThroughput from rcu and wcu; KeySchema pk (HASH), sk (RANGE).")
def table_is_provisioned(ctx):
    table = ctx.use(orders_table)
    billing = (table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
    ctx.expect_equal(billing, "PROVISIONED", "billing mode")
    throughput = table.get("ProvisionedThroughput", {})
    ctx.expect_equal((throughput.get("ReadCapacityUnits"), throughput.get("WriteCapacityUnits")),
                     (TABLE_RCU, TABLE_WCU), "(RCU, WCU) of the table")
    keys = {k["AttributeName"]: k["KeyType"] for k in table["KeySchema"]}
    ctx.expect_equal(keys, {"pk": "HASH", "sk": "RANGE"}, "key schema")


@check("The GSI by_customer has its own throughput", points=2,
       hint="GlobalSecondaryIndexes: IndexName by_customer, key customer_id (a string), Projection ALL, "
            "and a ProvisionedThroughput of its own (the same RCU/WCU as the table).")
def gsi_by_customer(ctx):
    table = ctx.use(orders_table)
    indexes = {i["IndexName"]: i for i in table.get("GlobalSecondaryIndexes") or []}
    ctx.expect("by_customer" in indexes, f"no GSI named by_customer (found {sorted(indexes) or 'none'})")
    index = indexes["by_customer"]
    keys = {k["AttributeName"]: k["KeyType"] for k in index["KeySchema"]}
    ctx.expect_equal(keys, {"customer_id": "HASH"}, "key schema of by_customer")
    types = {a["AttributeName"]: a["AttributeType"] for a in table.get("AttributeDefinitions", [])}
    ctx.expect_equal(types.get("customer_id"), "S", "type of customer_id")
    ctx.expect_equal(index.get("Projection", {}).get("ProjectionType"), "ALL", "projection of by_customer")
    throughput = index.get("ProvisionedThroughput") or {}
    ctx.expect_equal((throughput.get("ReadCapacityUnits"), throughput.get("WriteCapacityUnits")),
                     (TABLE_RCU, TABLE_WCU), "(RCU, WCU) of by_customer")


# -------------------------------------------------------------------------------------- the load
def load_items_to_write() -> list[dict]:
    """100 orders: most a few hundred bytes, every tenth 3-5 KB, some with binary data."""
    items = []
    for i in range(LOAD_ITEMS):
        item = {"pk": {"S": f"order#{i:04d}"}, "sk": {"S": "v1"}, "customer_id": {"S": f"customer#{i % 17}"},
                "amount": {"N": str(100 + 37 * i)}, "status": {"S": "NEW" if i % 3 else "PAID"}}
        if i % 10 == 0:
            item["note"] = {"S": "n" * (3000 + 260 * (i // 10))}
        if i % 7 == 0:
            item["receipt"] = {"B": bytes((i + j) % 256 for j in range(64))}
        items.append(item)
    return items


def _create_load_table(ctx, name: str) -> None:
    throughput = {"ReadCapacityUnits": LOAD_WCU, "WriteCapacityUnits": LOAD_WCU}
    ctx.client("dynamodb").create_table(
        TableName=name, BillingMode="PROVISIONED", ProvisionedThroughput=throughput,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "customer_id")],
        GlobalSecondaryIndexes=[{"IndexName": "by_customer", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "customer_id", "KeyType": "HASH"}],
                                 "ProvisionedThroughput": throughput}])


@fixture
def load(ctx):
    """The grader's own table at 5 WCU (and 5 on the GSI); the learner's load_items fills it.
    A load_items that raises is remembered, so each check still judges what the log shows."""
    name = ctx.unique("orders-load")
    _create_load_table(ctx, name)
    items = load_items_to_write()
    mark = ctx.log.mark()
    started = ctx.clock.now()
    client = ctx.learner_client("dynamodb", retries={"mode": "standard", "total_max_attempts": 1})
    try:
        report, error = ctx.learner.load_items(client, name, items, timeout=180), None
    except LearnerError as exc:
        report, error = None, exc
    calls = [c for c in ctx.log.calls("dynamodb", "BatchWriteItem", since=mark)
             if name in (c.params.get("RequestItems") or {})]
    return {"table": name, "items": items, "report": report, "error": error, "calls": calls,
            "virtual_seconds": (ctx.clock.now() - started).total_seconds()}


def _key(item: dict) -> tuple[str, str]:
    return item["pk"]["S"], item["sk"]["S"]


def _sent(call, table: str) -> list[tuple[str, str]]:
    keys = []
    for request in call.params["RequestItems"].get(table, []):
        if "PutRequest" in request:
            keys.append(_key(request["PutRequest"]["Item"]))
        elif "DeleteRequest" in request:
            keys.append(_key(request["DeleteRequest"]["Key"]))
    return keys


def _unprocessed(call, table: str) -> list[tuple[str, str]]:
    if call.failed:
        return _sent(call, table)
    back = ((call.response or {}).get("UnprocessedItems") or {}).get(table, [])
    return [_key(r["PutRequest"]["Item"]) for r in back if "PutRequest" in r]


def retry_runs(calls, table: str) -> tuple[int, list[list[float]]]:
    """(number of retries, waits before the retries of each run of consecutive retries).

    A retry is a request that resends items that came back unprocessed or throttled; its wait is
    the virtual time since the previous BatchWriteItem."""
    pending: set[tuple[str, str]] = set()
    runs: list[list[float]] = []
    current: list[float] = []
    retries = 0
    previous = None
    for call in calls:
        sent = set(_sent(call, table))
        if sent & pending:
            retries += 1
            current.append((call.time - previous.time).total_seconds())
        elif current:
            runs.append(current)
            current = []
        pending = (pending - sent) | set(_unprocessed(call, table))
        previous = call
    if current:
        runs.append(current)
    return retries, runs


@check("Every item is loaded, exactly once", points=3,
       hint="BatchWriteItem returns the items it could not write in UnprocessedItems: send those again "
            "(and only those) until none are left. A throttled call writes nothing: resend it all.")
def every_item_loaded_once(ctx):
    run = ctx.use(load)
    table, items = run["table"], run["items"]
    ctx.show(f"Write capacity of the load table ({LOAD_WCU} WCU) per virtual second",
             capacity_chart(ctx.meter("dynamodb_capacity").timeline, table, kind="write"))
    written: dict[tuple[str, str], int] = {}
    for call in run["calls"]:
        done = list(_sent(call, table))
        for key in _unprocessed(call, table):
            done.remove(key)
        for key in done:
            written[key] = written.get(key, 0) + 1
    internal = ctx.emulator_client("dynamodb")
    stored: dict[tuple[str, str], dict] = {}
    for page in internal.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        stored.update({_key(i): i for i in page["Items"]})
    expected = {_key(i): i for i in items}
    missing = [k for k in expected if k not in stored]
    different = [k for k in expected if k in stored and stored[k] != expected[k]]
    twice = sorted(k for k, n in written.items() if n > 1)
    ctx.note(f"{len(run['calls'])} BatchWriteItem calls over {run['virtual_seconds']:.0f} s of virtual time")
    if run["error"] is not None and missing:
        ctx.fail(f"load_items failed with {len(missing)} of {len(items)} items not written: {run['error']}")
    if missing:
        ctx.fail(f"{len(missing)} of {len(items)} items are missing, e.g. {missing[0][0]}")
    if different:
        ctx.fail(f"{len(different)} items differ from what was given, e.g. {different[0][0]}")
    if twice:
        ctx.fail(f"{len(twice)} items were written more than once, e.g. {twice[0][0]}: "
                 "resend only what came back unprocessed")


@check("Retries back off: a pause before each retry, growing while a chunk keeps failing", points=3,
       hint="Sleep before resending (time.sleep), and double the pause each time the same chunk comes back "
            "unprocessed, with some random jitter. Without a pause the table never gets capacity back.")
def retries_back_off(ctx):
    run = ctx.use(load)
    table = run["table"]
    ctx.expect(run["calls"], "load_items sent no BatchWriteItem request to the table")
    retries, runs = retry_runs(run["calls"], table)
    waits = [w for r in runs for w in r]
    if not retries:
        ctx.expect(run["error"] is None and run["report"] is not None, "load_items failed without retrying")
        ctx.note("no request needed a retry (the load was paced ahead of time)")
        return
    immediate = sum(1 for w in waits if w <= 0)
    ctx.expect(not immediate, f"{immediate} of {retries} retries were sent without any pause "
                              "(virtual time did not move between the calls)")
    long_runs = [r for r in runs if len(r) >= 2]
    grown = [r for r in long_runs if max(r[1:]) > 1.2 * r[0]]
    ctx.note(f"{retries} retries; waits from {min(waits):.2f} s to {max(waits):.2f} s of virtual time; "
             f"{len(grown)} of {len(long_runs)} chunks retried twice or more waited longer later")
    ctx.expect(not long_runs or 2 * len(grown) >= len(long_runs),
               f"the waits do not grow: in {len(long_runs) - len(grown)} of {len(long_runs)} chunks retried "
               f"twice or more, no later wait was longer than the first (e.g. {long_runs[0][:5]})")


@check("load_items reports what the gateway counted", points=2,
       hint="Ask for ReturnConsumedCapacity='TOTAL' on every BatchWriteItem and add up CapacityUnits (the "
            "table's and the index's); count a retry each time you resend items.")
def load_report_matches_gateway(ctx):
    run = ctx.use(load)
    table = run["table"]
    if run["error"] is not None:
        ctx.fail(f"load_items did not return: {run['error']}")
    report = run["report"]
    ctx.expect(isinstance(report, dict), f"load_items returned {report!r}, not a dict")
    retries, _ = retry_runs(run["calls"], table)
    consumed = sum(c.notes.get("consumed_capacity", {}).get(table, 0.0) for c in run["calls"] if not c.failed)
    ctx.note(f"the gateway counted {consumed:g} WCU (table and GSI) and {retries} retries")
    ctx.expect_equal(report.get("written"), len(run["items"]), "written")
    ctx.expect_equal(report.get("retries"), retries, "retries")
    got = report.get("consumed_wcu")
    ctx.expect(_close(got, consumed), f"consumed_wcu: expected {consumed:g} (the gateway's count), got {got!r}")


# -------------------------------------------------------------------------------------- reads
@check("get_with_cost returns the item and the cost of the read", points=2,
       hint="Pass ConsistentRead=consistent and ReturnConsumedCapacity='TOTAL'; the cost is "
            "ConsumedCapacity['CapacityUnits']. A missing item returns {} and still costs a read.")
def reads_report_their_cost(ctx):
    name = ctx.unique("orders-read")
    client = ctx.client("dynamodb")
    client.create_table(
        TableName=name, BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 10},
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk")])
    big = {"pk": {"S": "order#big"}, "sk": {"S": "v1"}, "note": {"S": "b" * 7000}, "amount": {"N": "42"}}
    small = {"pk": {"S": "order#small"}, "sk": {"S": "v1"}, "receipt": {"B": b"\x00\x01\x02"}}
    for item in (big, small):
        client.put_item(TableName=name, Item=item)
    missing = {"pk": {"S": "order#none"}, "sk": {"S": "v1"}}
    wrong = []
    for item, key, consistent in [(big, big, True), (big, big, False), (small, small, False), (None, missing, True)]:
        key = {"pk": key["pk"], "sk": key["sk"]}
        got = ctx.learner.get_with_cost(ctx.learner_client("dynamodb"), name, key, consistent)
        cost = dynamodb_capacity.get_item_cost(dynamodb_capacity.item_size(item) if item else None, consistent).total
        what = f"{key['pk']['S']} ({'strong' if consistent else 'eventual'})"
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            wrong.append(f"{what}: expected (item, cost), got {got!r:.80}")
        elif got[0] != (item or {}):
            wrong.append(f"{what}: the item differs from the stored one")
        elif not _close(got[1], cost):
            wrong.append(f"{what}: cost expected {cost:g}, got {got[1]!r}")
    ctx.expect(not wrong, "; ".join(wrong[:3]))

"""Wrong answer: waits the same second before every retry."""

import math
import random
import time

READ_BLOCK = 4096
WRITE_BLOCK = 1024
READ_FACTOR = {"strong": 1.0, "eventual": 0.5, "transactional": 2.0}


def item_size(item):
    return sum(len(name.encode("utf-8")) + _value_size(value) for name, value in item.items())


def _value_size(value):
    (kind, data), = value.items()
    if kind == "S":
        return len(data.encode("utf-8"))
    if kind == "N":
        digits = data.lstrip("+-").replace(".", "").split("e")[0].split("E")[0].strip("0")
        return math.ceil(max(len(digits), 1) / 2) + 1
    if kind == "B":
        return len(data)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(_value_size(v) + 1 for v in data)
    if kind == "M":
        return 3 + sum(len(k.encode("utf-8")) + _value_size(v) + 1 for k, v in data.items())
    raise ValueError(f"unsupported type {kind}")


def read_capacity_units(item_size_bytes, reads_per_second, consistency):
    blocks = max(1, math.ceil(item_size_bytes / READ_BLOCK))
    return blocks * READ_FACTOR[consistency] * reads_per_second


def write_capacity_units(item_size_bytes, writes_per_second, transactional=False):
    blocks = max(1, math.ceil(item_size_bytes / WRITE_BLOCK))
    return blocks * (2 if transactional else 1) * writes_per_second


def create_orders_table(dynamodb, name, rcu, wcu):
    throughput = {"ReadCapacityUnits": rcu, "WriteCapacityUnits": wcu}
    dynamodb.create_table(
        TableName=name,
        BillingMode="PROVISIONED",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"},
                              {"AttributeName": "customer_id", "AttributeType": "S"}],
        ProvisionedThroughput=throughput,
        GlobalSecondaryIndexes=[{
            "IndexName": "by_customer",
            "KeySchema": [{"AttributeName": "customer_id", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
            "ProvisionedThroughput": throughput,
        }],
    )


def load_items(dynamodb, table, items, max_rounds=30, base_delay=0.1, max_delay=20.0):
    written = retries = 0
    consumed = 0.0
    for start in range(0, len(items), 25):
        pending = [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]
        attempt = 0
        while pending:
            if attempt:
                retries += 1
            try:
                answer = dynamodb.batch_write_item(RequestItems={table: pending}, ReturnConsumedCapacity="TOTAL")
            except dynamodb.exceptions.ProvisionedThroughputExceededException:
                unprocessed = pending
            else:
                consumed += sum(c.get("CapacityUnits", 0.0) for c in answer.get("ConsumedCapacity", []))
                unprocessed = answer.get("UnprocessedItems", {}).get(table, [])
                written += len(pending) - len(unprocessed)
            pending = unprocessed
            if pending:
                attempt += 1
                if attempt > max_rounds:
                    raise RuntimeError(f"{len(pending)} items still unprocessed after {max_rounds} retries")
                # Exponential backoff with jitter: half fixed, half random, capped.
                delay = min(max_delay, base_delay * 2 ** (attempt - 1))
                time.sleep(1)
    return {"written": written, "retries": retries, "consumed_wcu": consumed}


def get_with_cost(dynamodb, table, key, consistent):
    answer = dynamodb.get_item(TableName=table, Key=key, ConsistentRead=consistent, ReturnConsumedCapacity="TOTAL")
    return answer.get("Item", {}), answer["ConsumedCapacity"]["CapacityUnits"]

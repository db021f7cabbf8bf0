"""The dynamodb_capacity lab: write these functions (`awslab show dynamodb_capacity` has the task).

Items are in DynamoDB's low-level form: {"pk": {"S": "order#1"}, "amount": {"N": "12"}}.
In your workspace (awslab init), run `awslab check dynamodb_capacity` from any folder inside it to see what works.
"""

import random  # noqa: F401 - for jitter
import time  # noqa: F401 - time.sleep is on virtual time while graded: a minute costs nothing


def item_size(item):
    """Bytes this item counts for capacity units."""
    return None  # TODO


def read_capacity_units(item_size_bytes, reads_per_second, consistency):
    """RCU for reads_per_second reads of an item of item_size_bytes.
    consistency is "strong", "eventual" or "transactional"."""
    return None  # TODO


def write_capacity_units(item_size_bytes, writes_per_second, transactional=False):
    """WCU for writes_per_second writes of an item of item_size_bytes."""
    return None  # TODO


def create_orders_table(dynamodb, name, rcu, wcu):
    """A provisioned table keyed pk (HASH) / sk (RANGE) with a GSI by_customer on customer_id."""
    pass  # TODO


def load_items(dynamodb, table, items):
    """Write every item with BatchWriteItem (25 per call), retrying what was not written with
    exponential backoff and jitter. Returns {"written": n, "retries": r, "consumed_wcu": x}."""
    return None  # TODO


def get_with_cost(dynamodb, table, key, consistent):
    """(item, capacity units the read consumed); ({}, cost) when there is no such item."""
    return None  # TODO

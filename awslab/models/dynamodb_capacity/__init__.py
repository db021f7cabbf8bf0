"""DynamoDB capacity: item sizes, consumed capacity per operation, ConsumedCapacity shapes,
throttling of provisioned tables on the virtual clock, and a capacity timeline.

A pure model (no I/O): the gateway calls it for every DynamoDB request. See README.md.
"""

from .consumed_capacity import LIST_OPERATIONS, consumed_capacity, consumed_capacity_shape
from .costs import (
    Cost,
    batch_get_item_cost,
    batch_write_item_cost,
    condition_check_cost,
    delete_item_cost,
    entry_sizes,
    failed_condition_cost,
    get_item_cost,
    index_write_units,
    put_item_cost,
    query_cost,
    scan_cost,
    total_cost,
    transact_get_items_cost,
    transact_write_items_cost,
    update_item_cost,
    write_cost,
)
from .errors import (
    INDEX_THROTTLED_MESSAGE,
    TABLE_THROTTLED_MESSAGE,
    ErrorResponse,
    throughput_exceeded_error,
    transaction_throttled_error,
)
from .item_size import MAX_ITEM_SIZE, attribute_value_size, item_size, number_size
from .schema import SecondaryIndex, TableSchema
from .throttling import BURST_SECONDS, INITIAL_SECONDS, Admission, CapacityMeter, Throttle, TokenBucket
from .timeline import CapacityTimeline, SecondStats
from .units import read_units, write_units

__all__ = [
    "BURST_SECONDS",
    "INDEX_THROTTLED_MESSAGE",
    "INITIAL_SECONDS",
    "LIST_OPERATIONS",
    "MAX_ITEM_SIZE",
    "TABLE_THROTTLED_MESSAGE",
    "Admission",
    "CapacityMeter",
    "CapacityTimeline",
    "Cost",
    "ErrorResponse",
    "SecondStats",
    "SecondaryIndex",
    "TableSchema",
    "Throttle",
    "TokenBucket",
    "attribute_value_size",
    "batch_get_item_cost",
    "batch_write_item_cost",
    "condition_check_cost",
    "consumed_capacity",
    "consumed_capacity_shape",
    "delete_item_cost",
    "entry_sizes",
    "failed_condition_cost",
    "get_item_cost",
    "index_write_units",
    "item_size",
    "number_size",
    "put_item_cost",
    "query_cost",
    "read_units",
    "scan_cost",
    "throughput_exceeded_error",
    "total_cost",
    "transact_get_items_cost",
    "transact_write_items_cost",
    "transaction_throttled_error",
    "update_item_cost",
    "write_cost",
    "write_units",
]

"""Capacity consumed per operation (rules R2.x and R3.x).

Every function returns a ``Cost``: the units charged to the table itself and to each
secondary index, as ``ReturnConsumedCapacity=INDEXES`` reports them. Which provisioned
capacity pays is a separate question (``Cost.charges``): GSIs pay from their own
capacity, LSIs from the base table's (R2.7, R2.8, R3.8, R3.9).

Sizes are in bytes; ``None`` means "no item" (a miss on read, no before/after image on write).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from .item_size import item_size
from .schema import Item, SecondaryIndex, TableSchema, same_item
from .units import READ_BLOCK, consistency_factor, consistency_of, read_units, write_units

Kind = Literal["read", "write"]


@dataclass(frozen=True)
class Cost:
    kind: Kind
    table: float = 0.0
    global_indexes: Mapping[str, float] = field(default_factory=dict)
    local_indexes: Mapping[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        """Top-level ``CapacityUnits``: the table plus every index (R4.3)."""
        return self.table + sum(self.global_indexes.values()) + sum(self.local_indexes.values())

    @property
    def table_capacity(self) -> float:
        """Units paid from the base table's provisioned capacity: table plus LSIs."""
        return self.table + sum(self.local_indexes.values())

    def charges(self) -> dict[str | None, float]:
        """Units per provisioned resource: ``None`` is the base table, otherwise a GSI name."""
        out: dict[str | None, float] = {None: self.table_capacity}
        for index, units in self.global_indexes.items():
            out[index] = units
        return out

    def __add__(self, other: Cost) -> Cost:
        if other.kind != self.kind:
            raise ValueError("cannot add a read cost to a write cost")
        return Cost(
            self.kind,
            self.table + other.table,
            _sum_maps(self.global_indexes, other.global_indexes),
            _sum_maps(self.local_indexes, other.local_indexes),
        )

    def times(self, factor: float) -> Cost:
        return Cost(
            self.kind,
            self.table * factor,
            {k: v * factor for k, v in self.global_indexes.items()},
            {k: v * factor for k, v in self.local_indexes.items()},
        )


def total_cost(costs: Iterable[Cost], kind: Kind) -> Cost:
    """Sum of costs; an empty batch costs nothing."""
    out = Cost(kind)
    for cost in costs:
        out = out + cost
    return out


# Reads ---------------------------------------------------------------------------------


def get_item_cost(size: int | None, consistent_read: bool = False) -> Cost:
    """GetItem: the item rounded up to 4 KB; a miss costs the minimum (R2.1-R2.3)."""
    return Cost("read", read_units(size or 0, consistency_of(consistent_read)))


def batch_get_item_cost(sizes: Iterable[int | None], consistent_read: bool = False) -> Cost:
    """BatchGetItem, one table: each item rounded on its own, then summed (R2.4)."""
    return total_cost((get_item_cost(s, consistent_read) for s in sizes), "read")


def query_cost(
    sizes: Iterable[int],
    consistent_read: bool = False,
    *,
    index: SecondaryIndex | None = None,
    base_item_sizes: Iterable[int] = (),
    partitions: int = 1,
) -> Cost:
    """Query: the sizes of all items read, summed, then rounded up to 4 KB once (R2.5).

    ``sizes`` are the items *read*, before any FilterExpression; on an index they are the
    index entries (``entry_sizes``). An empty result costs the minimum per partition.
    On an LSI, ``base_item_sizes`` are base items fetched for non-projected attributes,
    each rounded on its own and reported under the table (R2.8).
    """
    consistency = consistency_of(consistent_read)
    if index is not None and index.is_global and consistent_read:
        raise ValueError("a global secondary index does not support strongly consistent reads (R2.7)")
    blocks = max(math.ceil(sum(sizes) / READ_BLOCK), partitions)
    units = blocks * consistency_factor(consistency)
    fetched = sum(read_units(s, consistency) for s in base_item_sizes)
    if index is None:
        return Cost("read", units + fetched)
    if index.is_global:
        return Cost("read", fetched, global_indexes={index.name: units})
    return Cost("read", fetched, local_indexes={index.name: units})


def scan_cost(
    sizes: Iterable[int],
    consistent_read: bool = False,
    *,
    index: SecondaryIndex | None = None,
    partitions: int = 1,
) -> Cost:
    """Scan: every item *evaluated* (not only returned), summed then rounded (R2.6)."""
    return query_cost(sizes, consistent_read, index=index, partitions=partitions)


def transact_get_items_cost(sizes: Iterable[int | None]) -> Cost:
    """TransactGetItems, one table: 2 RCU per 4 KB per item (R2.9)."""
    return total_cost((Cost("read", read_units(s or 0, "transactional")) for s in sizes), "read")


def entry_sizes(
    schema: TableSchema, items: Iterable[Item], index: SecondaryIndex | str | None = None
) -> list[int]:
    """Sizes of items as read: whole items for the table, projected entries for an index."""
    if index is None:
        return [item_size(item) for item in items]
    if isinstance(index, str):
        index = schema.index(index)
    sizes = []
    for item in items:
        entry = schema.index_entry(item, index)
        if entry is not None:
            sizes.append(item_size(entry))
    return sizes


# Writes --------------------------------------------------------------------------------


def write_cost(
    schema: TableSchema, before: Item | None, after: Item | None, transactional: bool = False
) -> Cost:
    """One item write: the larger of the before and after images, at least 1 WCU (R3.1-R3.4),
    plus each secondary index the write touches (R3.8, R3.9). Transactions double it all (R3.6).

    PutItem: before = the replaced item (or None), after = the new item.
    UpdateItem: before/after images. DeleteItem: before = the deleted item, after = None.
    """
    size = max(item_size(before) if before else 0, item_size(after) if after else 0)
    gsi: dict[str, float] = {}
    lsi: dict[str, float] = {}
    for index in schema.indexes:
        units = index_write_units(schema, index, before, after)
        if units:
            (gsi if index.is_global else lsi)[index.name] = units
    cost = Cost("write", write_units(size), gsi, lsi)
    return cost.times(2) if transactional else cost


def put_item_cost(schema: TableSchema, replaced: Item | None, item: Item) -> Cost:
    return write_cost(schema, replaced, item)


def update_item_cost(schema: TableSchema, before: Item | None, after: Item) -> Cost:
    return write_cost(schema, before, after)


def delete_item_cost(schema: TableSchema, deleted: Item | None) -> Cost:
    """A delete of a missing item still costs 1 WCU (R3.4)."""
    return write_cost(schema, deleted, None)


def batch_write_item_cost(
    schema: TableSchema, writes: Iterable[tuple[Item | None, Item | None]]
) -> Cost:
    """BatchWriteItem, one table: each (before, after) rounded on its own, summed (R3.5)."""
    return total_cost((write_cost(schema, b, a) for b, a in writes), "write")


def transact_write_items_cost(
    schema: TableSchema, writes: Iterable[tuple[Item | None, Item | None]]
) -> Cost:
    """TransactWriteItems, one table: every write doubled (R3.6)."""
    return total_cost((write_cost(schema, b, a, transactional=True) for b, a in writes), "write")


def condition_check_cost(checked: Item | None) -> Cost:
    """A ConditionCheck action inside TransactWriteItems: a transactional write of the checked
    item's size, table only (an assumption: AWS bills it as a write, indexes are untouched)."""
    return Cost("write", write_units(item_size(checked) if checked else 0, transactional=True))


def failed_condition_cost(existing: Item | None) -> Cost:
    """A write rejected by ConditionCheckFailedException still costs WCU (R3.7).

    Sized by the *existing* item (WorkingWithItems.html); older docs say the new item. The
    error response carries no ConsumedCapacity; the units still count against the table.
    """
    return Cost("write", write_units(item_size(existing) if existing else 0))


def index_write_units(
    schema: TableSchema, index: SecondaryIndex, before: Item | None, after: Item | None
) -> float:
    """Index writes caused by one table write, each sized by its index entry (R3.8 a-e)."""
    old = schema.index_entry(before, index)
    new = schema.index_entry(after, index)
    if old is None:  # (a) the item enters the index: one put; (d) in it neither before nor after
        return write_units(item_size(new)) if new is not None else 0.0
    if new is None:  # (c) the item leaves the index: one delete
        return write_units(item_size(old))
    assert before is not None and after is not None
    if index.key_of(before) != index.key_of(after):  # (b) key A -> B: delete plus put
        return write_units(item_size(old)) + write_units(item_size(new))
    if same_item(old, new):  # nothing the index stores changed
        return 0.0
    # (e) projected attributes changed under the same key: one write, sized like a table
    # update by the larger entry (AWS does not say which image; the larger is the safe reading).
    return write_units(max(item_size(old), item_size(new)))


def _sum_maps(a: Mapping[str, float], b: Mapping[str, float]) -> dict[str, float]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0.0) + v
    return out

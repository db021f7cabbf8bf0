"""What the capacity model needs to know about a table: its keys and secondary indexes.

Build it from a CreateTable request or a DescribeTable ``Table`` (same field names) with
``TableSchema.from_description``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Item = Mapping[str, Mapping[str, Any]]
ProjectionType = Literal["ALL", "KEYS_ONLY", "INCLUDE"]


@dataclass(frozen=True)
class SecondaryIndex:
    name: str
    hash_key: str
    range_key: str | None = None
    projection: ProjectionType = "ALL"
    non_key_attributes: tuple[str, ...] = ()
    is_global: bool = True

    @property
    def key_attributes(self) -> tuple[str, ...]:
        return (self.hash_key,) if self.range_key is None else (self.hash_key, self.range_key)

    def contains(self, item: Item | None) -> bool:
        """Whether the item has an entry in this index (indexes are sparse)."""
        return item is not None and all(name in item for name in self.key_attributes)

    def key_of(self, item: Item) -> tuple[Any, ...]:
        return tuple(_freeze(item[name]) for name in self.key_attributes)


@dataclass(frozen=True)
class TableSchema:
    hash_key: str
    range_key: str | None = None
    global_indexes: tuple[SecondaryIndex, ...] = field(default_factory=tuple)
    local_indexes: tuple[SecondaryIndex, ...] = field(default_factory=tuple)

    @property
    def key_attributes(self) -> tuple[str, ...]:
        return (self.hash_key,) if self.range_key is None else (self.hash_key, self.range_key)

    @property
    def indexes(self) -> tuple[SecondaryIndex, ...]:
        return self.global_indexes + self.local_indexes

    def index(self, name: str) -> SecondaryIndex:
        for index in self.indexes:
            if index.name == name:
                return index
        raise KeyError(f"no secondary index named {name!r}")

    def index_entry(self, item: Item | None, index: SecondaryIndex) -> dict[str, Any] | None:
        """The item as the index stores it: keys plus projected attributes; None if absent."""
        if not index.contains(item):
            return None
        assert item is not None
        if index.projection == "ALL":
            return dict(item)
        wanted = set(self.key_attributes) | set(index.key_attributes)
        if index.projection == "INCLUDE":
            wanted |= set(index.non_key_attributes)
        return {name: value for name, value in item.items() if name in wanted}

    @classmethod
    def from_description(cls, table: Mapping[str, Any]) -> TableSchema:
        """From CreateTable parameters or DescribeTable()["Table"]."""
        hash_key, range_key = _keys(table["KeySchema"])
        return cls(
            hash_key=hash_key,
            range_key=range_key,
            global_indexes=tuple(
                _index(spec, is_global=True) for spec in table.get("GlobalSecondaryIndexes", ())
            ),
            local_indexes=tuple(
                _index(spec, is_global=False) for spec in table.get("LocalSecondaryIndexes", ())
            ),
        )


def _keys(key_schema: list[Mapping[str, str]]) -> tuple[str, str | None]:
    by_type = {k["KeyType"]: k["AttributeName"] for k in key_schema}
    return by_type["HASH"], by_type.get("RANGE")


def _index(spec: Mapping[str, Any], *, is_global: bool) -> SecondaryIndex:
    hash_key, range_key = _keys(spec["KeySchema"])
    projection = spec.get("Projection", {})
    return SecondaryIndex(
        name=spec["IndexName"],
        hash_key=hash_key,
        range_key=range_key,
        projection=projection.get("ProjectionType", "ALL"),
        non_key_attributes=tuple(projection.get("NonKeyAttributes", ())),
        is_global=is_global,
    )


def same_item(a: Item, b: Item) -> bool:
    """Equal attribute by attribute (binary as bytes or base64 compares as given)."""
    return _freeze(dict(a)) == _freeze(dict(b))


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return value

"""Item size as DynamoDB counts it for capacity units (rules R1.1-R1.9).

Items are in DynamoDB's low-level form: ``{"pk": {"S": "x"}, "n": {"N": "12"}}``.
Binary values may be raw bytes (what a boto3 user holds) or base64 text (what travels
over the wire in JSON); only the decoded length counts (R1.4).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_ITEM_SIZE = 400 * 1024  # R1.9; enforced by the emulator, listed here for checks
LIST_OR_MAP_OVERHEAD = 3  # R1.6
PER_ELEMENT_OVERHEAD = 1  # R1.6


def item_size(item: Mapping[str, Mapping[str, Any]]) -> int:
    """Bytes an item counts for RCU/WCU: attribute names plus values (R1.1).

    The 100-byte per-item storage overhead is deliberately not added (R1.8).
    """
    return sum(_name_size(name) + attribute_value_size(value) for name, value in item.items())


def attribute_value_size(value: Mapping[str, Any]) -> int:
    """Bytes of one attribute value, without its name."""
    if len(value) != 1:
        raise ValueError(f"an attribute value has exactly one type key, got {sorted(value)}")
    ((type_key, data),) = value.items()
    if type_key == "S":
        return len(data.encode("utf-8"))  # R1.2
    if type_key == "N":
        return number_size(data)  # R1.3
    if type_key == "B":
        return binary_size(data)  # R1.4
    if type_key in ("BOOL", "NULL"):
        return 1  # R1.5
    if type_key == "L":  # R1.6: elements have no names
        return LIST_OR_MAP_OVERHEAD + sum(attribute_value_size(v) + PER_ELEMENT_OVERHEAD for v in data)
    if type_key == "M":  # R1.6: map entries are attributes, so their names count
        return LIST_OR_MAP_OVERHEAD + sum(
            _name_size(k) + attribute_value_size(v) + PER_ELEMENT_OVERHEAD for k, v in data.items()
        )
    return _set_size(type_key, data)


def _set_size(type_key: str, data: Any) -> int:
    # R1.7 is an assumption (AWS does not document sets): elements summed, no overhead.
    if type_key == "SS":
        return sum(len(s.encode("utf-8")) for s in data)
    if type_key == "NS":
        return sum(number_size(n) for n in data)
    if type_key == "BS":
        return sum(binary_size(b) for b in data)
    raise ValueError(f"unknown attribute type {type_key!r}")


def number_size(text: str) -> int:
    """``ceil(significant_digits / 2) + 1`` (R1.3, the rules file's deterministic reading).

    Significant digits are what remains after dropping the sign, the decimal point, the
    exponent and leading/trailing zeros; zero has one. AWS calls its own figure approximate.
    """
    try:
        digits = Decimal(text).as_tuple().digits
    except InvalidOperation:
        raise ValueError(f"not a DynamoDB number: {text!r}") from None
    significant = "".join(map(str, digits)).strip("0")
    count = max(1, len(significant))
    return (count + 1) // 2 + 1


def binary_size(data: bytes | bytearray | memoryview | str) -> int:
    """Decoded length of a binary value; base64 text is decoded first (R1.4)."""
    if isinstance(data, str):
        try:
            return len(base64.b64decode(data, validate=True))
        except binascii.Error:
            raise ValueError("binary value is not valid base64 text") from None
    return len(memoryview(data).cast("B"))


def _name_size(name: str) -> int:
    return len(name.encode("utf-8"))

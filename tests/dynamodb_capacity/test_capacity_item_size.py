"""Item size, rule by rule (R1.x of shared/aws-rules/dynamodb_capacity.md)."""

import base64

import pytest
from hypothesis import given, strategies as st

from awslab.models.dynamodb_capacity import item_size

SIZES = [
    # rule, item, expected bytes, why
    ("R1.2", {"a": {"S": "é"}}, 1 + 2, "é is two UTF-8 bytes"),
    ("R1.2", {"name": {"S": "hello"}}, 4 + 5, "name plus value"),
    ("R1.2", {"naïve": {"S": ""}}, 6, "attribute names count in UTF-8 too"),
    ("R1.3", {"n": {"N": "12"}}, 1 + 2, "2 digits: 1 byte + 1"),
    ("R1.3", {"n": {"N": "123"}}, 1 + 3, "3 digits: 2 bytes + 1"),
    ("R1.3", {"n": {"N": "-1000"}}, 1 + 2, "sign and trailing zeros are trimmed"),
    ("R1.3", {"n": {"N": "0.5"}}, 1 + 2, "leading zeros and the point are trimmed"),
    ("R1.3", {"n": {"N": "10.5"}}, 1 + 3, "105: 3 significant digits"),
    ("R1.3", {"n": {"N": "0.00120"}}, 1 + 2, "12: 2 significant digits"),
    ("R1.3", {"n": {"N": "1E+3"}}, 1 + 2, "exponent notation is one significant digit"),
    ("R1.3", {"n": {"N": "1" * 38}}, 1 + 20, "38 digits, the maximum: 19 bytes + 1"),
    ("R1.4", {"b": {"B": b"\x00\x01\x02"}}, 1 + 3, "raw bytes as boto3 holds them"),
    ("R1.4", {"b": {"B": base64.b64encode(b"\x00\x01\x02").decode()}}, 1 + 3, "base64 on the wire: decoded length"),
    ("R1.4", {"b": {"B": bytearray(10)}}, 1 + 10, "bytearray"),
    ("R1.5", {"ok": {"BOOL": True}}, 2 + 1, "boolean"),
    ("R1.5", {"gone": {"NULL": True}}, 4 + 1, "null"),
    ("R1.6", {"l": {"L": []}}, 1 + 3, "empty list: overhead only"),
    ("R1.6", {"m": {"M": {}}}, 1 + 3, "empty map: overhead only"),
    ("R1.6", {"l": {"L": [{"S": "ab"}, {"N": "1"}]}}, 1 + 3 + (2 + 1) + (2 + 1), "1 byte per element"),
    ("R1.6", {"m": {"M": {"k": {"S": "v"}}}}, 1 + 3 + (1 + 1 + 1), "map keys count as names"),
    (
        "R1.6",
        {"m": {"M": {"inner": {"L": [{"BOOL": False}]}}}},
        1 + 3 + (5 + (3 + 1 + 1) + 1),
        "nesting",
    ),
    ("R1.7", {"s": {"SS": ["a", "bc"]}}, 1 + 3, "assumption: set elements summed, no overhead"),
    ("R1.7", {"s": {"NS": ["1", "100"]}}, 1 + 2 + 2, "assumption: number sizes summed"),
    ("R1.7", {"s": {"BS": [b"ab", "AA=="]}}, 1 + 2 + 1, "assumption: binary sizes summed"),
    (
        "R1.1",
        {"pk": {"S": "user#1"}, "age": {"N": "42"}, "tags": {"L": [{"S": "x"}]}},
        (2 + 6) + (3 + 2) + (4 + 3 + 1 + 1),
        "the sum over attributes",
    ),
    ("R1.8", {"pk": {"S": "a"}}, 3, "no 100-byte storage overhead for capacity"),
]


@pytest.mark.parametrize("rule, item, expected, why", SIZES, ids=[f"{r[0]}-{r[3]}" for r in SIZES])
def test_item_size(rule, item, expected, why):
    assert item_size(item) == expected


@pytest.mark.parametrize(
    "value",
    [{"N": "twelve"}, {"B": "not base64!"}, {"X": "1"}, {"S": "a", "N": "1"}],
)
def test_malformed_values_are_rejected(value):
    with pytest.raises(ValueError):
        item_size({"a": value})


@given(name=st.text(min_size=1, max_size=20), text=st.text(max_size=200))
def test_string_item_is_name_plus_utf8_value(name, text):
    assert item_size({name: {"S": text}}) == len(name.encode()) + len(text.encode())


@given(n=st.integers(min_value=0, max_value=50))
def test_list_of_booleans_is_overhead_plus_two_bytes_each(n):
    assert item_size({"l": {"L": [{"BOOL": True}] * n}}) == 1 + 3 + 2 * n


@given(digits=st.integers(min_value=1, max_value=38))
def test_integer_size_grows_one_byte_per_two_digits(digits):
    number = "9" * digits
    assert item_size({"n": {"N": number}}) == 1 + (digits + 1) // 2 + 1

"""The match conditions of a filter policy, as one table: operator name -> test and description.

A condition is one entry of a key's value list: a literal ("a", 5, true, null) or a one-key object
({"prefix": "a"}, {"numeric": [">", 0]}, ...). It is tested against the values a message has for the
key: a tuple of JSON scalars (str, Decimal, bool, None), empty when the key is absent. Numbers in
messages are Decimal; numbers in policies are int or float. Rule numbers refer to
shared/aws-rules/sns_filter_and_delivery.md.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from awslab.models.sns_delivery.policy import is_number

Values = tuple[Any, ...]

# R2.4: "compared with 5 decimal places of precision". AWS's rule compiler turns each number into a
# fixed-point key and compares keys, so 3.015e2 equals 301.5. Whether the key truncates at the 5th
# or 6th decimal (the compiler's source says 6) is not settled: tests stay clear of that digit.
_DECIMAL_PLACES = 5


def numeric_key(number: Any) -> int:
    exact = number if isinstance(number, Decimal) else Decimal(repr(number))
    return int((exact * 10**_DECIMAL_PLACES).to_integral_value(rounding=ROUND_FLOOR))


def same_value(literal: Any, value: Any) -> bool:
    """Exact match of a policy literal (R2.1, R2.7): strings case-sensitively, numbers by value,
    true/false/null only to themselves. A string never equals a number ("5" is not 5)."""
    if isinstance(literal, str):
        return isinstance(value, str) and value == literal
    if is_number(literal):
        return _is_message_number(value) and numeric_key(value) == numeric_key(literal)
    if isinstance(literal, bool):
        return isinstance(value, bool) and value == literal
    return literal is None and value is None


def _is_message_number(value: Any) -> bool:
    return isinstance(value, Decimal) or is_number(value)


def _quote(value: Any) -> str:
    return json.dumps(value)


_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "=": lambda a, b: a == b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _numeric(bounds: list[Any], values: Values) -> bool:
    # R2.4: numeric conditions match numbers only: Number attributes, JSON numbers in the body.
    pairs = [(bounds[i], numeric_key(bounds[i + 1])) for i in range(0, len(bounds), 2)]
    return any(
        _is_message_number(value)
        and all(_COMPARE[operator](numeric_key(value), bound) for operator, bound in pairs)
        for value in values
    )


def _anything_but(argument: Any, values: Values) -> bool:
    """R2.3: the key is present and its value is none of the listed ones.

    Conflict in the rules document for a String.Array (or a body array): the older AWS doc matches
    when ANY element is not listed, the newest revision only when NONE of the elements is listed.
    awslab follows the newest revision (all values are checked); tests do not hinge on it.
    """
    if isinstance(argument, dict):
        prefix = argument["prefix"]
        return bool(values) and not any(
            isinstance(value, str) and value.startswith(prefix) for value in values
        )
    excluded = argument if isinstance(argument, list) else [argument]
    return bool(values) and not any(
        same_value(literal, value) for literal in excluded for value in values
    )


def _in_network(cidr: str, values: Values) -> bool:
    network = ipaddress.ip_network(cidr, strict=False)
    for value in values:
        if not isinstance(value, str):
            continue
        try:
            if ipaddress.ip_address(value) in network:
                return True
        except ValueError:  # R2.6: not an IP address (e.g. "10.0.0.256"): no match
            continue
    return False


def _strings(values: Values) -> list[str]:
    return [value for value in values if isinstance(value, str)]


def _describe_numeric(bounds: list[Any]) -> str:
    return " and ".join(
        f"{bounds[i]} {json.dumps(bounds[i + 1])}" for i in range(0, len(bounds), 2)
    )


def _describe_anything_but(argument: Any) -> str:
    if isinstance(argument, dict):
        return f"anything but strings starting with {_quote(argument['prefix'])}"
    excluded = argument if isinstance(argument, list) else [argument]
    return "anything but " + ", ".join(_quote(literal) for literal in excluded)


@dataclass(frozen=True)
class Operator:
    test: Callable[[Any, Values], bool]
    describe: Callable[[Any], str]


# R2.2 - R2.6. prefix, suffix and equals-ignore-case look at string values only.
OPERATORS: dict[str, Operator] = {
    "prefix": Operator(
        test=lambda prefix, values: any(v.startswith(prefix) for v in _strings(values)),
        describe=lambda prefix: f"a string starting with {_quote(prefix)}",
    ),
    "suffix": Operator(
        test=lambda suffix, values: any(v.endswith(suffix) for v in _strings(values)),
        describe=lambda suffix: f"a string ending with {_quote(suffix)}",
    ),
    # Both sides are lower-cased. moto lower-cases only the message value, so there an upper-case
    # policy value ("TENNIS") never matches; in AWS it does.
    "equals-ignore-case": Operator(
        test=lambda text, values: any(v.lower() == text.lower() for v in _strings(values)),
        describe=lambda text: f"{_quote(text)} ignoring case",
    ),
    "anything-but": Operator(test=_anything_but, describe=_describe_anything_but),
    "numeric": Operator(test=_numeric, describe=_describe_numeric),
    "exists": Operator(
        test=lambda wanted, values: bool(values) == wanted,
        describe=lambda wanted: "present" if wanted else "absent",
    ),
    "cidr": Operator(test=_in_network, describe=lambda cidr: f"an IP address in {cidr}"),
}


def condition_matches(condition: Any, values: Values) -> bool:
    if isinstance(condition, dict):
        (operator, argument), = condition.items()
        return OPERATORS[operator].test(argument, values)
    return any(same_value(condition, value) for value in values)


def describe(condition: Any) -> str:
    if isinstance(condition, dict):
        (operator, argument), = condition.items()
        return OPERATORS[operator].describe(argument)
    return _quote(condition)

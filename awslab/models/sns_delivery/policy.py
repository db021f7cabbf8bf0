"""Parse and validate SNS subscription filter policies the way AWS does.

Rule numbers (R1.4, R3.x, ...) refer to shared/aws-rules/sns_filter_and_delivery.md.

AWS validates a policy in two layers, and the messages show it:
- the rule compiler (AWS's event-ruler) walks the JSON in document order and stops at the first bad
  match expression; its messages carry a Jackson location suffix "\\n at [Source: ...; column: N]";
- SNS itself then checks the scope, the number of keys and the complexity (no location suffix).
awslab keeps that order. It does not reproduce the location suffix (see FilterPolicyError).
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
from typing import Any

SCOPES = ("MessageAttributes", "MessageBody")
# The match operators SNS documents. Inside "$or" they are reserved field names (R1.4).
OPERATORS = ("anything-but", "cidr", "equals-ignore-case", "exists", "numeric", "prefix", "suffix")
NUMERIC_OPERATORS = ("=", "<", "<=", ">", ">=")
MAX_KEYS = 5
MAX_COMBINATIONS = 150
MAX_POLICY_BYTES = 256 * 1024

# The start of every message, by the call that carried the policy (R3.4).
_CALL_PREFIXES = {
    "SetSubscriptionAttributes": "Invalid parameter: ",
    "Subscribe": "Invalid parameter: Attributes Reason: ",
}

Path = tuple[str, ...]
# One way for a message to match: every path must match one of its values. "$or" yields several.
Alternative = dict[Path, list[Any]]


class FilterPolicyError(Exception):
    """A policy AWS rejects with InvalidParameter (HTTP 400, a Sender fault).

    `message` is AWS's text without the Jackson location suffix that AWS appends to errors found
    while walking the JSON ("\\n at [Source: (String)\\"...\\"; line: 1, column: N]"). The column is
    the parser's read position, which awslab does not reproduce, so compare messages up to the suffix
    (LocalStack's snapshot tests do the same).
    """

    code = "InvalidParameter"
    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Invalid(Exception):
    """A reason without the call prefix; validate_filter_policy adds it."""


def _bad(reason: str) -> _Invalid:
    return _Invalid(f"FilterPolicy: {reason}")


def validate_filter_policy(
    policy: str | dict[str, Any] | None,
    scope: str | None = "MessageAttributes",
    *,
    call: str = "SetSubscriptionAttributes",
) -> dict[str, Any]:
    """Return the policy as a dict, or raise FilterPolicyError with AWS's message.

    `policy` is the FilterPolicy attribute (a JSON string) or its parsed form. "" and None mean "no
    policy" and give {} (R1.1: setting FilterPolicy to "" removes it). `scope` is FilterPolicyScope
    (None means the default, MessageAttributes). `call` is "SetSubscriptionAttributes" or
    "Subscribe", which changes the message prefix (R3.4).
    """
    prefix = _call_prefix(call)
    try:
        return _validate(policy, scope)
    except _Invalid as reason:
        raise FilterPolicyError(prefix + str(reason)) from None


def validate_scope(scope: str | None, *, call: str = "SetSubscriptionAttributes") -> str:
    """Return the FilterPolicyScope (None means MessageAttributes) or raise FilterPolicyError."""
    prefix = _call_prefix(call)
    try:
        return _check_scope(scope)
    except _Invalid as reason:
        raise FilterPolicyError(prefix + str(reason)) from None


def _call_prefix(call: str) -> str:
    try:
        return _CALL_PREFIXES[call]
    except KeyError:
        raise ValueError(f"call must be one of {sorted(_CALL_PREFIXES)}, not {call!r}") from None


def _validate(policy: str | dict[str, Any] | None, scope: str | None) -> dict[str, Any]:
    scope = _check_scope(scope)
    if policy is None or policy == "":
        return {}
    text = policy if isinstance(policy, str) else json.dumps(policy)
    if len(text.encode("utf-8")) > MAX_POLICY_BYTES:
        # R3.3 gives the limit; AWS's wording for it is not in the rules document (open point).
        raise _bad("Filter policy is too long")
    parsed = _parse_json(text)
    if not isinstance(parsed, dict):
        raise _bad("Filter is not an object")
    if not parsed:
        # R1.1: `{}` filters nothing (AWS documents no rule against it; moto and LocalStack's
        # AWS-recorded validation accept it). An empty object inside a policy stays refused.
        return {}
    _check_object(parsed)
    alternatives = expand(parsed)
    if scope == "MessageAttributes" and any(len(path) > 1 for alt in alternatives for path in alt):
        raise _Invalid("Filter policy scope MessageAttributes does not support nested filter policy")
    if len(parsed) > MAX_KEYS:
        raise _bad(f"Filter policy can not have more than {MAX_KEYS} keys")
    if complexity(alternatives) > MAX_COMBINATIONS:
        raise _bad("Filter policy is too complex")
    return parsed


def _check_scope(scope: str | None) -> str:
    if scope is None:
        return "MessageAttributes"
    if scope not in SCOPES:
        raise _Invalid(
            f"FilterPolicyScope: Invalid value [{scope}]. "
            "Please use either MessageBody or MessageAttributes"
        )
    return scope


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as error:
        # AWS answers with Jackson's own parse message here; awslab cannot copy Jackson's wording
        # (open point), so it says what is wrong in plain words.
        raise _bad(f"failed to parse JSON: {error}") from None


def is_or(key: str, value: Any) -> bool:
    """R1.4: "$or" is an operator only for an array of at least 2 objects that use no operator name
    as a field; otherwise it is an ordinary attribute name."""
    return (
        key == "$or"
        and isinstance(value, list)
        and len(value) >= 2
        and all(isinstance(branch, dict) for branch in value)
        and not any(field in OPERATORS for branch in value for field in branch)
    )


def _check_object(obj: dict[str, Any]) -> None:
    if not obj:
        raise _bad("Empty objects are not allowed")
    for key, value in obj.items():
        if is_or(key, value):
            for branch in value:
                _check_object(branch)
        elif isinstance(value, dict):
            _check_object(value)
        elif isinstance(value, list):
            _check_values(value)
        else:
            raise _bad(f'"{key}" must be an object or an array')


def _check_values(values: list[Any]) -> None:
    for value in values:
        if isinstance(value, dict):
            _check_match_expression(value)
        elif isinstance(value, list):
            raise _bad("Match value must be String, number, true, false, or null")
    if not values:
        raise _bad("Empty arrays are not allowed")


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _token_text(value: Any) -> str:
    """What Jackson's getText() shows for a JSON value, as AWS quotes it in messages."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "["
    if isinstance(value, dict):
        return "{"
    return json.dumps(value)


def _check_match_expression(expression: dict[str, Any]) -> None:
    if not expression:
        raise _bad("Match expression name not found")
    (operator, argument), *others = expression.items()
    # The compiler reads the first operator and its argument before it notices a second key, and
    # for numeric and anything-but it reports the second key with the numeric wording.
    extra_key_reason = "Only one key allowed in match expression"
    if operator in ("prefix", "suffix", "equals-ignore-case"):
        if not isinstance(argument, str):
            raise _bad(f"{operator} match pattern must be a string")
    elif operator == "cidr":
        if not isinstance(argument, str):
            raise _bad("prefix match pattern must be a string")
        _check_cidr(argument)
    elif operator == "exists":
        if not isinstance(argument, bool):
            raise _bad("exists match pattern must be either true or false.")
    elif operator == "numeric":
        if not isinstance(argument, list):
            raise _bad("Value of numeric must be an array.")
        _check_numeric(argument)
        extra_key_reason = "Too many elements in numeric expression"
    elif operator == "anything-but":
        if not _check_anything_but(argument):
            extra_key_reason = "Too many elements in numeric expression"
    else:
        raise _bad(f"Unrecognized match type {operator}")
    if others:
        raise _bad(extra_key_reason)


def _check_anything_but(argument: Any) -> bool:
    """Validate an anything-but argument; True for the object form ({"prefix": ...})."""
    if isinstance(argument, dict):
        if not argument:
            raise _bad("Anything-But expression name not found")
        (inner, text), *others = argument.items()
        if inner != "prefix":  # R2.3: suffix, exists, ... are rejected [validated 2024-05]
            raise _bad(f"Unsupported anything-but pattern: {inner}")
        if not isinstance(text, str):
            raise _bad("prefix match pattern must be a string")
        if text == "":
            # The compiler's wording for an empty prefix; not validated against AWS (open point).
            raise _bad("Null prefix not allowed")
        if others:
            raise _bad("Only one key allowed in match expression")
        return True
    if isinstance(argument, list):
        kinds = set()
        for value in argument:
            if isinstance(value, str):
                kinds.add("string")
            elif is_number(value):
                kinds.add("number")
            else:
                raise _bad("Inside anything but list, start|null|boolean is not supported.")
        if len(kinds) != 1:
            raise _bad(
                "Inside anything but list, either all values are number or string, "
                "mixed type is not supported"
            )
        return False
    if isinstance(argument, str) or is_number(argument):
        return False
    raise _bad("Value of anything-but must be an array or single string/number value.")


def _check_numeric(items: list[Any]) -> None:
    """The compiler's checks, in its order; the messages are validated ones (R3.4)."""
    if not items:
        raise _bad("Invalid member in numeric match: ]")
    operator = items[0]
    if not isinstance(operator, str):
        raise _bad(f"Invalid member in numeric match: {_token_text(operator)}")
    if operator not in NUMERIC_OPERATORS:
        raise _bad(f"Unrecognized numeric range operator: {operator}")
    name = "equals" if operator == "=" else operator
    if len(items) < 2 or not is_number(items[1]):
        raise _bad(f"Value of {name} must be numeric")
    if len(items) == 2:
        return
    if operator not in (">", ">="):
        # Only a lower bound may be followed by an upper bound (R2.4).
        raise _bad("Too many elements in numeric expression")
    upper = items[2]
    if not isinstance(upper, str):
        raise _bad(f"Bad value in numeric range: {_token_text(upper)}")
    if upper not in ("<", "<="):
        raise _bad(f"Bad numeric range operator: {upper}")
    if len(items) < 4 or not is_number(items[3]):
        raise _bad(f"Value of {upper} must be numeric")
    if len(items) > 4:
        raise _bad("Too many terms in numeric range expression")
    if not items[1] < items[3]:
        raise _bad("Bottom must be less than top")


_MASK_BITS = re.compile(r"[+-]?[0-9]+")


def _check_cidr(cidr: str) -> None:
    parts = cidr.split("/")
    while len(parts) > 1 and parts[-1] == "":  # the compiler splits the Java way
        parts.pop()
    if len(parts) != 2:
        raise _bad("Malformed CIDR, one '/' required")
    address, mask_text = parts
    if not _MASK_BITS.fullmatch(mask_text):
        raise _bad("Malformed CIDR, mask bits must be an integer")
    mask = int(mask_text)
    if mask < 0:
        raise _bad("Malformed CIDR, mask bits must not be negative")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise _bad(f"Nonstandard IP address: {address}") from None
    # The compiler's limits (/32 and /128 are refused); taken from its source, not validated.
    if ip.version == 4 and mask > 31:
        raise _bad("IPv4 mask bits must be < 32")
    if ip.version == 6 and mask > 127:
        raise _bad("IPv6 mask bits must be < 128")


def expand(policy: dict[str, Any]) -> list[Alternative]:
    """Flatten nesting into paths and "$or" into alternatives (R1.4, R2.9).

    {"a": ["x"], "$or": [{"b": ["y"]}, {"c": {"d": ["z"]}}]} gives
    [{("a",): ["x"], ("b",): ["y"]}, {("a",): ["x"], ("c", "d"): ["z"]}].
    """
    return _expand(policy, (), [{}])


def _expand(obj: dict[str, Any], path: Path, alternatives: list[Alternative]) -> list[Alternative]:
    for key, value in obj.items():
        if is_or(key, value):
            alternatives = [
                alternative
                for branch in value
                for alternative in _expand(branch, path, [dict(a) for a in alternatives])
            ]
        elif isinstance(value, dict):
            alternatives = _expand(value, (*path, key), alternatives)
        else:
            alternatives = [{**alternative, (*path, key): value} for alternative in alternatives]
    return alternatives


def complexity(alternatives: list[Alternative]) -> int:
    """R3.2: per alternative, the product over its keys of (values x nesting depth); summed over
    the alternatives "$or" makes. {"a": {"b": {"c": [4 values]}}, "d": {"e": [3 values]}} is
    (3 x 4) x (2 x 3) = 72."""
    return sum(
        math.prod(len(values) * len(path) for path, values in alternative.items())
        for alternative in alternatives
    )

"""The Condition element: operators as one table, name -> (type coercion, comparison).

Rules (AWS's documented logic):
- several operators, and several keys under one operator: AND; several values for a key: OR
  (for a negated operator, NOR: the request value must equal none of them);
- a key missing from the request: the condition is false, except for negated operators (true),
  `...IfExists` (true) and `Null`;
- `ForAllValues:` is true when every request value matches (and when the key is missing or empty);
  `ForAnyValue:` is true when at least one does (false when missing or empty);
- a request value of the wrong type (a word where a number or a date is expected) matches neither
  the operator nor its negation.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Callable

from awslab.models.iam.patterns import compile_glob, looks_like_arn
from awslab.models.iam.request import MISSING, RequestContext, _text
from awslab.models.iam.variables import Template, parse_template


class Mismatch(Exception):
    """A value cannot be read as the operator's type."""


def _as_string(value: Any) -> str:
    text = _text(value)
    if text is None:
        raise Mismatch("not a string")
    return text


def _as_lower(value: Any) -> str:
    return _as_string(value).lower()


def _as_number(value: Any) -> float:
    if isinstance(value, bool):
        raise Mismatch("a boolean is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise Mismatch(f"{value!r} is not a number") from None
    else:
        raise Mismatch(f"{value!r} is not a number")
    if math.isnan(number):
        raise Mismatch("NaN is not a number")
    return number


def _as_date(value: Any) -> float:
    """A date as seconds since the epoch: ISO 8601 text, or epoch seconds."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return moment.timestamp()
    if isinstance(value, bool):
        raise Mismatch("a boolean is not a date")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        return _parse_date(value)
    raise Mismatch(f"{value!r} is not a date")


@lru_cache(maxsize=4096)
def _parse_date(value: str) -> float:
    text = value.strip()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise Mismatch(f"{value!r} is not an ISO 8601 date or epoch seconds") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise Mismatch(f"{value!r} is not true or false")


def _policy_binary(value: Any) -> bytes:
    if not isinstance(value, str):
        raise Mismatch("not base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise Mismatch(f"{value!r} is not base64") from None


def _request_binary(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    return _policy_binary(value)


def _as_ip(value: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if not isinstance(value, str):
        raise Mismatch(f"{value!r} is not an IP address")
    return _parse_ip(value)


@lru_cache(maxsize=4096)
def _parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        raise Mismatch(f"{value!r} is not an IP address") from None


def _policy_network(value: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    if not isinstance(value, str):
        raise Mismatch(f"{value!r} is not an IP address or CIDR range")
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        raise Mismatch(f"{value!r} is not an IP address or CIDR range") from None


def _as_arn(value: Any) -> str:
    if not isinstance(value, str) or not looks_like_arn(value):
        raise Mismatch(f"{value!r} is not an ARN")
    return value


def _policy_string_pattern(value: Any) -> re.Pattern[str]:
    return compile_glob(_as_string(value))


def _policy_arn_pattern(value: Any) -> re.Pattern[str]:
    return compile_glob(_as_string(value), arn=True)


def _equal(a: Any, b: Any) -> bool:
    return a == b


def _fullmatch(value: str, pattern: re.Pattern[str]) -> bool:
    return pattern.fullmatch(value) is not None


@dataclass(frozen=True, slots=True)
class Operator:
    """A base condition operator: how to read request and policy values, and compare them."""

    name: str
    type: str  # String | Numeric | Date | Bool | Binary | IpAddress | Arn | Null
    request_value: Callable[[Any], Any]
    policy_value: Callable[[Any], Any]
    compare: Callable[[Any, Any], bool]
    negated: bool = False
    wildcards: bool = False  # policy values are `*`/`?` patterns (variables then substitute literally)


def _ops(type_: str, req: Callable, pol: Callable, table: dict[str, tuple[Callable, bool]], wildcards: bool = False):
    return {
        name: Operator(name, type_, req, pol, compare, negated, wildcards) for name, (compare, negated) in table.items()
    }


def _lt(a, b):
    return a < b


def _le(a, b):
    return a <= b


def _gt(a, b):
    return a > b


def _ge(a, b):
    return a >= b


def _in_network(address, network) -> bool:
    return address in network


OPERATORS: dict[str, Operator] = {
    **_ops("String", _as_string, _as_string, {"StringEquals": (_equal, False), "StringNotEquals": (_equal, True)}),
    **_ops(
        "String",
        _as_lower,
        _as_lower,
        {"StringEqualsIgnoreCase": (_equal, False), "StringNotEqualsIgnoreCase": (_equal, True)},
    ),
    **_ops(
        "String",
        _as_string,
        _policy_string_pattern,
        {"StringLike": (_fullmatch, False), "StringNotLike": (_fullmatch, True)},
        wildcards=True,
    ),
    **_ops(
        "Numeric",
        _as_number,
        _as_number,
        {
            "NumericEquals": (_equal, False),
            "NumericNotEquals": (_equal, True),
            "NumericLessThan": (_lt, False),
            "NumericLessThanEquals": (_le, False),
            "NumericGreaterThan": (_gt, False),
            "NumericGreaterThanEquals": (_ge, False),
        },
    ),
    **_ops(
        "Date",
        _as_date,
        _as_date,
        {
            "DateEquals": (_equal, False),
            "DateNotEquals": (_equal, True),
            "DateLessThan": (_lt, False),
            "DateLessThanEquals": (_le, False),
            "DateGreaterThan": (_gt, False),
            "DateGreaterThanEquals": (_ge, False),
        },
    ),
    **_ops("Bool", _as_bool, _as_bool, {"Bool": (_equal, False)}),
    **_ops("Binary", _request_binary, _policy_binary, {"BinaryEquals": (_equal, False)}),
    **_ops(
        "IpAddress", _as_ip, _policy_network, {"IpAddress": (_in_network, False), "NotIpAddress": (_in_network, True)}
    ),
    **_ops(
        "Arn",
        _as_arn,
        _policy_arn_pattern,
        {
            "ArnEquals": (_fullmatch, False),
            "ArnLike": (_fullmatch, False),
            "ArnNotEquals": (_fullmatch, True),
            "ArnNotLike": (_fullmatch, True),
        },
        wildcards=True,
    ),
    "Null": Operator("Null", "Null", _as_bool, _as_bool, _equal),
}
_BY_LOWER_NAME = {name.lower(): op for name, op in OPERATORS.items()}

_COMPARISON_WORDS = {
    _equal: "equal to",
    _fullmatch: "matching",
    _lt: "less than",
    _le: "at most",
    _gt: "greater than",
    _ge: "at least",
    _in_network: "within",
}


@dataclass(frozen=True, slots=True)
class ParsedOperator:
    text: str
    base: Operator
    set_operator: str | None  # "ForAllValues" | "ForAnyValue" | None
    if_exists: bool


def parse_operator(text: str) -> ParsedOperator | str:
    """A ParsedOperator, or the problem with the name."""
    set_operator = None
    name = text
    prefix, sep, rest = text.partition(":")
    if sep:
        if prefix.lower() == "forallvalues":
            set_operator = "ForAllValues"
        elif prefix.lower() == "foranyvalue":
            set_operator = "ForAnyValue"
        else:
            return f"unknown condition operator {text!r} (set operators are ForAllValues: and ForAnyValue:)"
        name = rest
    if_exists = False
    base = _BY_LOWER_NAME.get(name.lower())
    if base is None and name.lower().endswith("ifexists"):
        base = _BY_LOWER_NAME.get(name[: -len("IfExists")].lower())
        if_exists = True
    if base is None:
        return f"unknown condition operator {text!r}"
    if base.name == "Null" and (if_exists or set_operator):
        return f"condition operator {text!r} is not allowed: Null takes no IfExists and no set operator"
    return ParsedOperator(text, base, set_operator, if_exists)


class Clause:
    """One operator + one key + its values, compiled."""

    __slots__ = (
        "operator", "key", "key_lower", "raw_values", "values", "templates",
        "is_null", "set_operator", "negated", "when_missing", "request_value", "compare", "equal_set",
    )

    def __init__(self, operator: ParsedOperator, key: str, key_lower: str, raw_values: tuple[Any, ...],
                 values: tuple[Any, ...], templates: tuple[Template, ...]) -> None:
        self.operator = operator
        self.key = key  # as written
        self.key_lower = key_lower
        self.raw_values = raw_values
        self.values = values  # coerced static policy values
        self.templates = templates  # values with policy variables, coerced per request
        base = operator.base
        self.is_null = base.type == "Null"
        self.set_operator = operator.set_operator
        self.negated = base.negated
        if operator.set_operator == "ForAllValues":
            self.when_missing = True
        elif operator.set_operator == "ForAnyValue":
            self.when_missing = operator.if_exists
        else:
            self.when_missing = operator.if_exists or base.negated
        self.request_value = base.request_value
        self.compare = base.compare
        # Equality against static hashable values: one set lookup instead of a loop.
        self.equal_set = frozenset(values) if base.compare is _equal and not templates else None

    def policy_values(self, context: RequestContext) -> tuple[Any, ...]:
        if not self.templates:
            return self.values
        out = list(self.values)
        base = self.operator.base
        for template in self.templates:
            if base.wildcards:
                pattern = template.pattern(context, arn=base.type == "Arn")
                if pattern is not None:
                    out.append(pattern)
                continue
            text = template.render(context)
            if text is None:
                continue
            try:
                out.append(base.policy_value(text))
            except Mismatch:
                continue
        return tuple(out)

    def _one(self, value: Any, policy_values: tuple[Any, ...]) -> bool:
        """One request value against all policy values (OR; NOR when negated). Mismatch: False."""
        try:
            coerced = self.request_value(value)
        except Mismatch:
            return False
        if self.equal_set is not None:
            return (coerced in self.equal_set) is not self.negated
        compare = self.compare
        for policy_value in policy_values:
            if compare(coerced, policy_value):
                return not self.negated
        return self.negated

    def test(self, context: RequestContext) -> bool:
        values = context.memo.get(self.key_lower, MISSING)
        if values is MISSING:
            values = context.values(self.key_lower)
        if self.is_null:
            return (values is None) in self.values
        if values is None:
            return self.when_missing
        policy_values = self.policy_values(context) if self.templates else self.values
        set_operator = self.set_operator
        if set_operator is None:
            if len(values) == 1:
                return self._one(values[0], policy_values)
            # A multivalued key without a set operator: any value for a positive operator,
            # every value for a negated one (no request value may equal a policy value).
            if self.negated:
                return all(self._one(v, policy_values) for v in values)
            return any(self._one(v, policy_values) for v in values)
        if set_operator == "ForAllValues":
            return all(self._one(v, policy_values) for v in values)
        return any(self._one(v, policy_values) for v in values)

    def explain(self, context: RequestContext) -> tuple[bool, str]:
        """(result, a sentence a learner can follow)."""
        result = self.test(context)
        operator = self.operator
        base = operator.base
        raw = context.get(self.key_lower)
        shown_policy = _show(list(self.raw_values))
        where = f"{operator.text} {{{self.key}: {shown_policy}}}"
        values = context.values(self.key_lower)
        verdict = "true" if result else "false"
        if base.type == "Null":
            state = "absent" if values is None else f"present ({_show(raw)})"
            return result, f"{where} is {verdict}: the key is {state}"
        if values is None:
            return result, f"{where} is {verdict}: {_why_missing_key_decides(operator)}"
        notes = self._unresolved_variables(context)
        mismatched = _type_mismatches(base, values)
        shown = _show(raw if not isinstance(raw, (list, tuple, set, frozenset)) else list(raw))
        word = _COMPARISON_WORDS.get(base.compare, "compared with")
        target = f"{word} {'none' if base.negated else 'one'} of the policy values"
        sentence = f"{where} is {verdict}: request value {shown} ({context.source(self.key_lower)})"
        if operator.set_operator:
            quantifier = "every" if operator.set_operator == "ForAllValues" else "at least one"
            sentence += f"; {quantifier} request value must be {target}"
        elif len(values) > 1:
            sentence += f"; multivalued key without a set operator, so {'every' if base.negated else 'any'} value counts"
        else:
            sentence += f" must be {target}"
        if mismatched:
            sentence += f"; type mismatch for {base.type}: {'; '.join(mismatched)} (never matches)"
        if notes:
            sentence += "; " + "; ".join(notes)
        return result, sentence

    def _unresolved_variables(self, context: RequestContext) -> list[str]:
        """The policy values whose variables the request does not resolve: they match nothing."""
        notes = []
        for template in self.templates:
            unresolved = template.unresolved(context)
            if unresolved:
                names = ", ".join(str(v) for v in unresolved)
                notes.append(f"{template.text!r} matches nothing ({names} has no value)")
        return notes


def _why_missing_key_decides(operator: ParsedOperator) -> str:
    if operator.set_operator == "ForAllValues":
        return "ForAllValues is true when the key is missing or empty"
    if operator.if_exists:
        return "...IfExists is true when the key is missing"
    if operator.set_operator == "ForAnyValue":
        return "ForAnyValue is false when the key is missing or empty"
    if operator.base.negated:
        return "a negated operator is true when the key is missing"
    return "the key is missing from the request"


def _type_mismatches(base: Operator, values: Any) -> list[str]:
    mismatched = []
    for value in values:
        try:
            base.request_value(value)
        except Mismatch as problem:
            mismatched.append(str(problem))
    return mismatched


def _show(value: Any) -> str:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if value is MISSING:
        return "(missing)"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def compile_condition(block: Any, variables_enabled: bool) -> tuple[tuple[Clause, ...], list[str]]:
    """Compile a Condition element; returns (clauses, problems)."""
    if not isinstance(block, dict):
        return (), ["Condition must be an object of {operator: {key: value(s)}}"]
    clauses: list[Clause] = []
    problems: list[str] = []
    for op_text, keys in block.items():
        if not isinstance(op_text, str):
            problems.append(f"condition operator {op_text!r} is not a string")
            continue
        parsed = parse_operator(op_text)
        if isinstance(parsed, str):
            problems.append(parsed)
            continue
        if not isinstance(keys, dict) or not keys:
            problems.append(f"condition {op_text!r} must map condition keys to values")
            continue
        for key, raw in keys.items():
            if not isinstance(key, str) or not key.strip():
                problems.append(f"condition {op_text!r} has an invalid key {key!r}")
                continue
            clause, clause_problems = _compile_clause(parsed, key, raw, variables_enabled)
            problems.extend(clause_problems)
            if clause is not None:
                clauses.append(clause)
    return tuple(clauses), problems


def _compile_clause(parsed: ParsedOperator, key: str, raw: Any, variables_enabled: bool):
    items = raw if isinstance(raw, list) else [raw]
    where = f"condition {parsed.text} {{{key!r}: ...}}"
    if not items:
        return None, [f"{where} has no values"]
    problems: list[str] = []
    values: list[Any] = []
    templates: list[Template] = []
    base = parsed.base
    for item in items:
        if isinstance(item, (dict, list)) or item is None:
            problems.append(f"{where}: value {item!r} must be a string, number or boolean")
            continue
        if isinstance(item, float) and not math.isfinite(item):
            problems.append(f"{where}: value {item!r} is not a finite number")
            continue
        template = parse_template(item) if variables_enabled and isinstance(item, str) else None
        if template is not None and base.type != "Null":
            templates.append(template)
            continue
        try:
            values.append(base.policy_value(item))
        except Mismatch as problem:
            problems.append(f"{where}: {problem} (a {base.type} operator needs {_EXPECTED[base.type]})")
    if problems:
        return None, problems
    clause = Clause(parsed, key, key.lower(), tuple(items), tuple(values), tuple(templates))
    return clause, []


_EXPECTED = {
    "String": "text",
    "Numeric": "numbers",
    "Date": "ISO 8601 dates or epoch seconds",
    "Bool": '"true" or "false"',
    "Binary": "base64 text",
    "IpAddress": "IP addresses or CIDR ranges",
    "Arn": "ARNs",
    "Null": '"true" or "false"',
}

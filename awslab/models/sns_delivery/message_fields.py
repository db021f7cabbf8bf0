"""What a filter policy sees of a message: its fields, each a tuple of JSON scalars.

MessageAttributes scope: one field per attribute (R2.8). String gives the string, Number a number,
String.Array the elements of its JSON array (a JSON scalar: that one value); Binary attributes are ignored.
MessageBody scope: the body's leaves, keyed by their dotted path (R2.9), so {"a": {"b": 1}} and
{"a.b": 1} both give the field "a.b".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from awslab.models.sns_delivery.operators import Values


@dataclass(frozen=True)
class Field:
    values: Values  # empty: the policy sees no value (absent, Binary, or unreadable)
    shown: str  # the value as the learner wrote it, for explanations
    kind: str  # "String", "Number", "String.Array", "Binary" or "body"


# A context is one consistent view of the message: all its fields that a policy may combine.
Context = dict[str, Field]


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json(text: str) -> Any:
    return json.loads(text, parse_float=Decimal, parse_int=Decimal, parse_constant=_not_json)


def _scalars(items: list[Any]) -> Values:
    return tuple(item for item in items if not isinstance(item, (list, dict)))


def _data_type(attribute: dict[str, Any]) -> str:
    data_type = attribute.get("DataType") or attribute.get("Type") or "String"
    if data_type == "String.Array":
        return data_type
    return data_type.split(".", 1)[0]  # custom types: "Number.int" is a Number


def attribute_field(attribute: dict[str, Any]) -> Field:
    """One attribute in Publish's shape {"DataType": ..., "StringValue": ...} (the envelope's
    {"Type": ..., "Value": ...} shape is accepted too)."""
    kind = _data_type(attribute)
    text = attribute.get("StringValue", attribute.get("Value"))
    if kind == "Binary" or not isinstance(text, str):
        return Field((), "(binary)" if kind == "Binary" else "(no value)", kind)
    if kind == "Number":
        try:
            number = Decimal(text)
        except ArithmeticError:
            number = None
        if number is None or not number.is_finite():  # AWS refuses such a Publish
            return Field((), text, kind)
        return Field((number,), text, kind)
    if kind == "String.Array":
        try:
            items = _json(text)
        except ValueError:
            return Field((), text, kind)
        # A JSON scalar ("100") is one value: SNS accepts it as a String.Array and matches it so
        # (moto's test of SNS's behaviour; LocalStack's AWS-recorded Publish validation agrees).
        return Field(_scalars(items) if isinstance(items, list) else _scalars([items]), text, kind)
    return Field((text,), json.dumps(text), kind)


def attribute_context(message_attributes: dict[str, Any] | None) -> Context:
    return {name: attribute_field(attr) for name, attr in (message_attributes or {}).items()}


def body_contexts(body: str | None) -> list[Context] | None:
    """The body's fields, or None when the body is not a JSON object (R1.6: matches nothing).

    An array of objects gives one context per element: a policy's keys must all match inside the
    same element, as AWS's rule engine does ("array consistency"). This is how the engine is
    documented, not a point the rules document validates. Arrays of scalars stay one field, whose
    values are the elements (R2.1: any element may match).
    """
    try:
        document = _json(body or "")
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    leaves: list[dict[str, list[Any]]] = _flatten(document, "", [{}])
    return [
        {path: Field(tuple(values), _show(values), "body") for path, values in leaf.items()}
        for leaf in leaves
    ]


def _flatten(
    value: Any, path: str, contexts: list[dict[str, list[Any]]]
) -> list[dict[str, list[Any]]]:
    if isinstance(value, dict):
        for key, child in value.items():
            contexts = _flatten(child, f"{path}.{key}" if path else key, contexts)
        return contexts
    if isinstance(value, list):
        for item in value:
            if not isinstance(item, dict):
                contexts = _flatten(item, path, contexts)
        objects = [item for item in value if isinstance(item, dict)]
        if objects:
            contexts = [
                context
                for item in objects
                for context in _flatten(item, path, [_copy(c) for c in contexts])
            ]
        return contexts
    for context in contexts:
        context.setdefault(path, []).append(value)
    return contexts


def _copy(context: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {path: list(values) for path, values in context.items()}


def _show(values: list[Any]) -> str:
    shown = [_plain(value) for value in values]
    return json.dumps(shown[0] if len(shown) == 1 else shown)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def merged(contexts: list[Context]) -> Context:
    """All contexts in one, for explanations: each field gets the values of every element."""
    if len(contexts) == 1:
        return contexts[0]
    values: dict[str, list[Any]] = {}
    for context in contexts:
        for path, field in context.items():
            values.setdefault(path, []).extend(field.values)
    return {path: Field(tuple(v), _show(v), "body") for path, v in values.items()}

"""Does a message pass a subscription's filter policy, and why (rules R1 and R2)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from awslab.models.sns_delivery.message_fields import (
    Context,
    Field,
    attribute_context,
    body_contexts,
    merged,
)
from awslab.models.sns_delivery.operators import condition_matches, describe
from awslab.models.sns_delivery.policy import expand, validate_filter_policy, validate_scope

# An alternative as the matcher uses it: (field name, conditions) pairs.
_Compiled = tuple[tuple[tuple[str, tuple[Any, ...]], ...], ...]


@dataclass(frozen=True)
class KeyCheck:
    key: str
    matched: bool
    detail: str  # e.g. "amount 999 is not >= 1000"


@dataclass(frozen=True)
class MatchExplanation:
    matched: bool
    reason: str  # one line for the learner
    checks: tuple[KeyCheck, ...] = ()  # the keys behind the reason

    @property
    def failed_keys(self) -> tuple[str, ...]:
        return tuple(check.key for check in self.checks if not check.matched)

    def __str__(self) -> str:
        return self.reason


def _is_empty(policy: str | dict[str, Any] | None) -> bool:
    return policy is None or policy == "" or policy == {}


@lru_cache(maxsize=512)
def _compile_text(text: str, scope: str) -> _Compiled:
    policy = validate_filter_policy(text, scope)
    return tuple(
        tuple((".".join(path), tuple(conditions)) for path, conditions in alternative.items())
        for alternative in expand(policy)
    )


def _compile(policy: str | dict[str, Any], scope: str) -> _Compiled:
    text = policy if isinstance(policy, str) else json.dumps(policy)
    return _compile_text(text, scope)


def _contexts(
    message_attributes: dict[str, Any] | None, body: str | None, scope: str
) -> list[Context] | None:
    if scope == "MessageBody":
        return body_contexts(body)
    return [attribute_context(message_attributes)]


_ABSENT = Field((), "", "absent")


def matches(
    policy: str | dict[str, Any] | None,
    message_attributes: dict[str, Any] | None,
    body: str | None,
    scope: str | None = "MessageAttributes",
) -> bool:
    """True when SNS would deliver the message to a subscription with this filter policy.

    `policy` is the FilterPolicy (JSON text or dict; None, "" or {} mean no policy: R1.1).
    `message_attributes` are in Publish's shape, e.g. {"amount": {"DataType": "Number",
    "StringValue": "1200"}}; `body` is the published Message. An invalid policy raises
    FilterPolicyError, as SNS would have refused it.
    """
    if policy is None or _is_empty(policy):
        return True
    scope = validate_scope(scope)
    alternatives = _compile(policy, scope)
    contexts = _contexts(message_attributes, body, scope)
    if contexts is None:
        return False
    return any(
        all(
            any(condition_matches(c, context.get(key, _ABSENT).values) for c in conditions)
            for key, conditions in alternative
        )
        for alternative in alternatives
        for context in contexts
    )


def explain_match(
    policy: str | dict[str, Any] | None,
    message_attributes: dict[str, Any] | None,
    body: str | None,
    scope: str | None = "MessageAttributes",
) -> MatchExplanation:
    """matches(), with the reason: which key decided, in the learner's words.

    A caller prefixes the subscription, e.g. f"fraud queue: {explain_match(...)}" gives
    "fraud queue: amount 999 is not >= 1000".
    """
    if policy is None or _is_empty(policy):
        return MatchExplanation(True, "no filter policy: every message is delivered")
    scope = validate_scope(scope)
    alternatives = _compile(policy, scope)
    contexts = _contexts(message_attributes, body, scope)
    if contexts is None:
        return MatchExplanation(
            False,
            "the message body is not a JSON object, and a MessageBody filter policy "
            "matches only JSON objects",
        )
    for alternative in alternatives:
        for context in contexts:
            checks = tuple(_check(key, conditions, context) for key, conditions in alternative)
            if all(check.matched for check in checks):
                return MatchExplanation(True, "; ".join(c.detail for c in checks), checks)
    return _no_match(alternatives, contexts)


def _no_match(alternatives: Any, contexts: Any) -> MatchExplanation:
    """Why no $or branch matched, each checked against the whole message."""
    whole = merged(contexts)
    branches = [
        tuple(_check(key, conditions, whole) for key, conditions in alternative)
        for alternative in alternatives
    ]
    reasons = [_branch_reason(checks) for checks in branches]
    reason = reasons[0] if len(reasons) == 1 else "no $or branch matches: " + " | ".join(
        f"({r})" for r in reasons
    )
    return MatchExplanation(False, reason, tuple(c for checks in branches for c in checks))


def _branch_reason(checks: tuple[KeyCheck, ...]) -> str:
    failed = [check.detail for check in checks if not check.matched]
    if failed:
        return "; ".join(failed)
    return (
        "each key matches somewhere, but not within one element of the array; "
        "all keys must match in the same element"
    )


def _check(key: str, conditions: tuple[Any, ...], context: Context) -> KeyCheck:
    field = context.get(key, _ABSENT)
    matched = any(condition_matches(c, field.values) for c in conditions)
    wanted = " or ".join(describe(c) for c in conditions)
    if not field.values:
        if matched:
            return KeyCheck(key, True, f"{key} is absent")
        note = " (filter policies ignore Binary attributes)" if field.kind == "Binary" else ""
        return KeyCheck(key, False, f"{key} is missing{note}, so it is not {wanted}")
    if matched:
        return KeyCheck(key, True, f"{key} {field.shown} is {wanted}")
    return KeyCheck(key, False, f"{key} {field.shown} is not {wanted}{_hint(conditions, field)}")


def _looks_numeric(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return isinstance(value, str)


def _hint(conditions: tuple[Any, ...], field: Field) -> str:
    """The usual reason a learner's value does not match, when it is one of these."""
    operators = {next(iter(c)) for c in conditions if isinstance(c, dict)}
    literals = [c for c in conditions if isinstance(c, str)]
    if "numeric" in operators and any(_looks_numeric(v) for v in field.values):
        if field.kind == "body":
            return " (numeric conditions match JSON numbers, not strings)"
        return f" (numeric conditions match only Number attributes; this one is a {field.kind})"
    if literals and field.kind == "Number":
        return " (a quoted string in the policy never matches a Number attribute)"
    lowered = {literal.lower() for literal in literals}
    if any(isinstance(v, str) and v.lower() in lowered for v in field.values):
        return " (exact matching is case-sensitive; equals-ignore-case is not)"
    return ""

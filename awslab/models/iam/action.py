"""The Action / NotAction element: `service:Action` names, case-insensitive, with `*` and `?`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from awslab.models.iam.patterns import compile_any_of, compile_glob, has_wildcard

_ACTION = re.compile(r"^[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]+$")
_SPLITS = re.compile(r"[,\s]")


def matches_nothing(value: str) -> bool:
    """An action AWS accepts but that can match no request: a comma or whitespace inside (two names
    run together, "s3:GetObject,PutObject"), or nothing after the colon ("s3:"). AWS compares the
    text as written, so such an entry never matches (a NotAction entry excludes nothing)."""
    service, colon, name = value.partition(":")
    if not colon or not service.strip():
        return False
    return not name.strip() or bool(_SPLITS.search(value))


def action_problem(value: str) -> str | None:
    """A malformed action (the policy is refused); None for one that is merely useless."""
    if value == "*" or _ACTION.match(value) or matches_nothing(value):
        return None
    return f"action {value!r} is not '*' or 'service:ActionName'"


def action_notice(value: str) -> str | None:
    """What `validate` says about an action that parses but can never match."""
    if not matches_nothing(value):
        return None
    if "," in value:
        return (f"action {value!r} contains a comma and matches nothing: list each action as its own string "
                f"({', '.join(repr(p.strip()) for p in value.split(',') if p.strip())})")
    if _SPLITS.search(value):
        return f"action {value!r} contains whitespace and matches nothing (AWS does not trim action names)"
    return f"action {value!r} names no action after the colon and matches nothing"


@dataclass(frozen=True, slots=True)
class ActionMatcher:
    patterns: tuple[str, ...]  # as written
    exact: frozenset[str]  # lower-case names without wildcards
    wildcard: re.Pattern[str] | None  # any of the lower-case wildcard patterns
    everything: bool

    @classmethod
    def build(cls, patterns: list[str]) -> "ActionMatcher":
        lowered = [p.lower() for p in patterns if not matches_nothing(p)]
        return cls(
            tuple(patterns),
            frozenset(p for p in lowered if not has_wildcard(p)),
            compile_any_of([p for p in lowered if has_wildcard(p)]),
            "*" in lowered,
        )

    def matches(self, action: str) -> bool:
        """`action` must already be lower-case."""
        if self.everything or action in self.exact:
            return True
        return self.wildcard is not None and self.wildcard.fullmatch(action) is not None

    def matching(self, action: str) -> list[str]:
        """The patterns (as written) that match the action."""
        return [p for p in self.patterns
                if not matches_nothing(p) and compile_glob(p.lower()).fullmatch(action.lower())]

"""The Action / NotAction element: `service:Action` names, case-insensitive, with `*` and `?`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from awslab.iam.patterns import compile_any_of, compile_glob, has_wildcard

_ACTION = re.compile(r"^[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]+$")


def action_problem(value: str) -> str | None:
    if value == "*" or _ACTION.match(value):
        return None
    return f"action {value!r} is not '*' or 'service:ActionName'"


@dataclass(frozen=True, slots=True)
class ActionMatcher:
    patterns: tuple[str, ...]  # as written
    exact: frozenset[str]  # lower-case names without wildcards
    wildcard: re.Pattern[str] | None  # any of the lower-case wildcard patterns
    everything: bool

    @classmethod
    def build(cls, patterns: list[str]) -> "ActionMatcher":
        lowered = [p.lower() for p in patterns]
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
        return [p for p in self.patterns if compile_glob(p.lower()).fullmatch(action.lower())]

"""The Resource / NotResource element: ARNs matched segment by segment, case-sensitively.

`*` and `?` never cross a `:` in the first five segments (partition, service, region, account);
in the resource part they match anything. Policy variables are substituted as literal text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from awslab.models.iam.patterns import (
    compile_any_of,
    compile_glob,
    compile_pieces,
    has_wildcard,
    looks_like_arn,
)
from awslab.models.iam.request import RequestContext
from awslab.models.iam.variables import Template


def resource_problem(value: str) -> str | None:
    if value == "*" or looks_like_arn(value):
        return None
    return f"resource {value!r} is not '*' or an ARN (arn:partition:service:region:account:resource)"


@dataclass(frozen=True, slots=True)
class ResourceMatcher:
    patterns: tuple[str, ...]
    exact: frozenset[str]
    wildcard: re.Pattern[str] | None
    templates: tuple[Template, ...]  # patterns with policy variables
    everything: bool

    @classmethod
    def build(cls, patterns: list[str], templates: dict[str, Template]) -> "ResourceMatcher":
        static = [p for p in patterns if p not in templates]
        return cls(
            tuple(patterns),
            frozenset(p for p in static if not has_wildcard(p)),
            compile_any_of([p for p in static if has_wildcard(p)], arn=True),
            tuple(templates[p] for p in patterns if p in templates),
            "*" in static,
        )

    def matches(self, resource: str, context: RequestContext) -> bool:
        if self.everything or resource in self.exact:
            return True
        if self.wildcard is not None and self.wildcard.fullmatch(resource):
            return True
        for template in self.templates:
            pattern = template.pattern(context, arn=True)
            if pattern is not None and pattern.fullmatch(resource):
                return True
        return False

    def explain(self, resource: str, context: RequestContext) -> tuple[list[str], list[str]]:
        """(patterns that match, notes on patterns whose variables have no value)."""
        matched, notes = [], []
        templated = {t.text: t for t in self.templates}
        for pattern in self.patterns:
            template = templated.get(pattern)
            if template is None:
                if pattern == "*" or compile_glob(pattern, arn=True).fullmatch(resource):
                    matched.append(pattern)
                continue
            pieces = template.pieces(context)
            if pieces is None:
                missing = ", ".join(str(v) for v in template.unresolved(context))
                notes.append(f"{pattern!r} matches nothing: {missing} has no value in this request")
            elif compile_pieces(pieces, arn=True).fullmatch(resource):
                rendered = "".join(t for t, _ in pieces)
                matched.append(f"{pattern} (= {rendered})")
        return matched, notes

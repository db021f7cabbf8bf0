"""Policy variables: `${aws:username}`, `${aws:PrincipalTag/team}`, `${key, 'default'}`, `${*}`, `${?}`, `${$}`.

Only policies with `"Version": "2012-10-17"` have variables; in older (or missing) versions the text
is plain. A variable whose key is missing from the request (or is multivalued) and has no default
is unresolved: the value that holds it matches nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from awslab.models.iam.patterns import Piece, translate_text

if TYPE_CHECKING:
    from awslab.models.iam.request import RequestContext

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_INNER = re.compile(r"^\s*([^,\s']+)\s*(?:,\s*'((?:[^']|'')*)'\s*)?$")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


@dataclass(frozen=True, slots=True)
class Variable:
    key: str  # lower-case context key
    name: str  # as written
    default: str | None

    def __str__(self) -> str:
        return "${" + self.name + "}"


Part = str | Variable | tuple[str]  # policy text | variable | literal (from ${*} ${?} ${$})


class Template:
    """A policy string, split into text, literals and variables."""

    __slots__ = ("text", "parts", "variables", "_fragments", "_patterns")

    def __init__(self, text: str, parts: tuple[Part, ...]) -> None:
        self.text = text
        self.parts = parts
        self.variables = tuple(p for p in parts if isinstance(p, Variable))
        self._fragments: dict[bool, tuple[str | Variable, ...]] = {}
        self._patterns: dict[tuple, re.Pattern[str]] = {}  # (arn, values) -> compiled

    def __repr__(self) -> str:
        return f"Template({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Template) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def pieces(self, context: RequestContext) -> tuple[Piece, ...] | None:
        """The pattern pieces after substitution, or None if a variable has no value."""
        out: list[Piece] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append((part, False))
            elif isinstance(part, tuple):
                out.append((part[0], True))
            else:
                value = resolve(part, context)
                if value is None:
                    return None
                out.append((value, True))
        return tuple(out)

    def pattern(self, context: RequestContext, arn: bool) -> re.Pattern[str] | None:
        """The wildcard pattern after substitution (values match literally), or None if unresolved."""
        values = []
        for variable in self.variables:
            value = resolve(variable, context)
            if value is None:
                return None
            values.append(value)
        key = (arn, *values)
        pattern = self._patterns.get(key)
        if pattern is None:
            fragments = self._fragments.get(arn)
            if fragments is None:
                fragments = self._fragments[arn] = _fragments(self, arn)
            given = iter(values)
            regex = "".join(f if isinstance(f, str) else re.escape(next(given)) for f in fragments)
            if len(self._patterns) >= 256:
                self._patterns.clear()
            pattern = self._patterns[key] = re.compile(regex, re.DOTALL)
        return pattern

    def render(self, context: RequestContext) -> str | None:
        pieces = self.pieces(context)
        return None if pieces is None else "".join(text for text, _ in pieces)

    def unresolved(self, context: RequestContext) -> list[Variable]:
        return [v for v in self.variables if resolve(v, context) is None]


def resolve(variable: Variable, context: RequestContext) -> str | None:
    value = context.scalar_text(variable.key)
    if value is None:
        return variable.default
    return value


def parse_template(text: str) -> Template | None:
    """A Template if `text` holds a variable or special `${..}`, else None (plain text)."""
    if "${" not in text:
        return None
    parts: list[Part] = []
    position = 0
    for match in _VARIABLE.finditer(text):
        inner = match.group(1)
        if inner in _SPECIAL:
            part: Part = (_SPECIAL[inner],)
        else:
            parsed = _INNER.match(inner)
            if not parsed:
                continue  # not a variable: stays plain text
            name, default = parsed.group(1), parsed.group(2)
            part = Variable(name.lower(), inner.strip(), None if default is None else default.replace("''", "'"))
        if match.start() > position:
            parts.append(text[position : match.start()])
        parts.append(part)
        position = match.end()
    if not any(not isinstance(p, str) for p in parts):
        return None
    if position < len(text):
        parts.append(text[position:])
    return Template(text, tuple(parts))


def _fragments(template: Template, arn: bool) -> tuple[str | Variable, ...]:
    """Regex fragments of a template: translated policy text, escaped literals, variables."""
    out: list[str | Variable] = []
    colons = 0
    for part in template.parts:
        if isinstance(part, str):
            regex, colons = translate_text(part, arn, colons)
            out.append(regex)
        elif isinstance(part, tuple):
            out.append(re.escape(part[0]))
        else:
            out.append(part)
    return tuple(out)

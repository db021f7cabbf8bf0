"""Wildcard patterns (`*` and `?`) compiled to regular expressions.

A pattern is a sequence of pieces `(text, literal)`: policy text, where `*` and `?` are wildcards, or
literal text (a policy variable's value, `${*}`), which matches only itself. ARN patterns are
segment-aware: in the first five colon-separated segments a wildcard never crosses a `:`.
"""

from __future__ import annotations

import re
from functools import lru_cache

Piece = tuple[str, bool]  # (text, literal)

ARN_SEGMENTS_BEFORE_RESOURCE = 5


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def translate_text(text: str, arn: bool, colons: int = 0) -> tuple[str, int]:
    """Regex for policy text with wildcards; `colons` seen so far (ARN segments). Returns (regex, colons)."""
    out: list[str] = []
    for ch in text:
        in_head = arn and colons < ARN_SEGMENTS_BEFORE_RESOURCE
        if ch == "*":
            out.append("[^:]*" if in_head else ".*")
        elif ch == "?":
            out.append("[^:]" if in_head else ".")
        else:
            if ch == ":":
                colons += 1
            out.append(re.escape(ch))
    return "".join(out), colons


def _translate(pieces: tuple[Piece, ...], arn: bool) -> str:
    out: list[str] = []
    colons = 0
    for text, literal in pieces:
        if literal:
            out.append(re.escape(text))
        else:
            regex, colons = translate_text(text, arn, colons)
            out.append(regex)
    return "".join(out)


@lru_cache(maxsize=8192)
def compile_pieces(pieces: tuple[Piece, ...], arn: bool = False, ignore_case: bool = False) -> re.Pattern[str]:
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(_translate(pieces, arn), flags)


def compile_glob(text: str, arn: bool = False, ignore_case: bool = False) -> re.Pattern[str]:
    return compile_pieces(((text, False),), arn, ignore_case)


def compile_any_of(patterns: list[str], arn: bool = False) -> re.Pattern[str] | None:
    """One regex matching any of the wildcard patterns (None if there are none)."""
    if not patterns:
        return None
    body = "|".join(f"(?:{_translate(((p, False),), arn)})" for p in patterns)
    return re.compile(body, re.DOTALL)


def looks_like_arn(text: str) -> bool:
    return text.startswith("arn:") and text.count(":") >= ARN_SEGMENTS_BEFORE_RESOURCE

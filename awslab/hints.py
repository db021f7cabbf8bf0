"""The hint ladder of a check: from the vaguest nudge to the most concrete step.

A check's hint is written as one text; its levels are its lines when it has several, else its
sentences (at most three levels: the first sentence, the second, then the rest). A run shows only
the first level of a ladder of two or more, and none of a one-level ladder: the most concrete level
is shown only when the learner asks (`awslab hint LAB`, `h` in watch), one level more each time.
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<!e\.g\.)(?<!i\.e\.)(?<=[.?!])\s+(?=\S)")
MAX_LEVELS = 3


def hint_ladder(hint: str) -> list[str]:
    """The levels of `hint`, vaguest first; [] for no hint."""
    hint = (hint or "").strip()
    if not hint:
        return []
    lines = [line.strip() for line in hint.splitlines() if line.strip()]
    parts = lines if len(lines) > 1 else [p.strip() for p in _SENTENCE_END.split(hint) if p.strip()]
    if len(parts) > MAX_LEVELS:
        parts = parts[:MAX_LEVELS - 1] + [" ".join(parts[MAX_LEVELS - 1:])]
    return parts


def unasked_hint(hint: str) -> str:
    """What a run shows without being asked: the first level, unless it is also the most concrete."""
    ladder = hint_ladder(hint)
    return ladder[0] if len(ladder) > 1 else ""


def hint_up_to(hint: str, level: int) -> tuple[list[str], int]:
    """The levels 1..level (clamped) and how many levels the ladder has."""
    ladder = hint_ladder(hint)
    return ladder[:max(0, min(level, len(ladder)))], len(ladder)

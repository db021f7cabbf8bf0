"""Storage classes: where lifecycle may move an object (R2.10) and which move S3 prefers (R5.3, R5.4)."""

from __future__ import annotations

TRANSITION_TARGETS = (
    "GLACIER",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "DEEP_ARCHIVE",
    "GLACIER_IR",
)

# Classes with a 30-day minimum before a transition into them (R2.7) and after which a
# GLACIER / DEEP_ARCHIVE transition must wait 30 more days (R2.8).
INFREQUENT_ACCESS = frozenset({"STANDARD_IA", "ONEZONE_IA"})

# Classes an object under 128 KB may still reach under `varies_by_storage_class` (R3.2).
SMALL_OBJECT_TARGETS = frozenset({"GLACIER", "DEEP_ARCHIVE"})

MINIMUM_TRANSITION_SIZE = 128 * 1024  # R3.1: 131,072 bytes

# R2.10, the waterfall: from a class to the classes lifecycle may move it to.
_WATERFALL: dict[str, frozenset[str]] = {
    "STANDARD": frozenset(TRANSITION_TARGETS),
    "REDUCED_REDUNDANCY": frozenset(TRANSITION_TARGETS),
    "STANDARD_IA": frozenset(
        {"INTELLIGENT_TIERING", "ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"}
    ),
    "INTELLIGENT_TIERING": frozenset({"ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"}),
    "ONEZONE_IA": frozenset({"GLACIER", "DEEP_ARCHIVE"}),
    "GLACIER_IR": frozenset({"GLACIER", "DEEP_ARCHIVE"}),
    "GLACIER": frozenset({"DEEP_ARCHIVE"}),
    "DEEP_ARCHIVE": frozenset(),
}

# R5.3 / R5.4: when several transitions are due together, the first of this list wins.
# INTELLIGENT_TIERING is favoured over every class except GLACIER and DEEP_ARCHIVE (R5.4's stated
# exception, which this follows where the suggested cost order would put GLACIER_IR first).
PREFERENCE = (
    "DEEP_ARCHIVE",
    "GLACIER",
    "INTELLIGENT_TIERING",
    "GLACIER_IR",
    "ONEZONE_IA",
    "STANDARD_IA",
)


def can_transition(from_class: str | None, to_class: str) -> bool:
    """Whether lifecycle may move an object in `from_class` to `to_class` (never up, never sideways)."""
    current = from_class or "STANDARD"
    allowed = _WATERFALL.get(current)
    if allowed is None:  # an unknown or odd class (e.g. OUTPOSTS): only DEEP_ARCHIVE, "any class → DEEP_ARCHIVE"
        return to_class == "DEEP_ARCHIVE"
    return to_class in allowed


def preference_rank(storage_class: str) -> int:
    return PREFERENCE.index(storage_class)

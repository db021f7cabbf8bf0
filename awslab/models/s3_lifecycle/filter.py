"""Which objects a rule applies to (R2.2, R2.3)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Filter:
    """A rule's Filter (or legacy rule-level Prefix), flattened: every part must match.

    `Filter: {}` and `Prefix: ""` give the empty filter, which matches every object.
    """

    prefix: str = ""
    tags: tuple[tuple[str, str], ...] = ()
    size_greater_than: int | None = None
    size_less_than: int | None = None

    @property
    def has_tags(self) -> bool:
        return bool(self.tags)

    @property
    def has_size_bounds(self) -> bool:
        return self.size_greater_than is not None or self.size_less_than is not None

    def matches_key(self, key: str) -> bool:
        return key.startswith(self.prefix)

    def matches(
        self,
        key: str,
        *,
        size: int | None = None,
        tags: Mapping[str, str] | None = None,
        is_delete_marker: bool = False,
    ) -> bool:
        """Whether an object (or delete marker) falls under this filter.

        A delete marker has neither tags nor a size, so only a filter without tags and without size
        bounds can match one (AWS does not document this; it is the reading that keeps tag and size
        rules to real objects).
        """
        if not self.matches_key(key):
            return False
        if is_delete_marker:
            return not self.has_tags and not self.has_size_bounds
        object_tags = tags or {}
        for tag_key, tag_value in self.tags:
            if object_tags.get(tag_key) != tag_value:
                return False
        object_size = size or 0
        # R2.3: strict inequalities.
        if self.size_greater_than is not None and not object_size > self.size_greater_than:
            return False
        if self.size_less_than is not None and not object_size < self.size_less_than:
            return False
        return True

    def describe(self) -> str:
        """A short human form, e.g. `prefix 'logs/' and tag env=dev and size > 1024`."""
        parts = []
        if self.prefix:
            parts.append(f"prefix {self.prefix!r}")
        parts += [f"tag {key}={value}" for key, value in self.tags]
        if self.size_greater_than is not None:
            parts.append(f"size > {self.size_greater_than}")
        if self.size_less_than is not None:
            parts.append(f"size < {self.size_less_than}")
        return " and ".join(parts) or "every object"

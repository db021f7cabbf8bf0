"""The JSON report: one shape for one lab and for --all, described by schemas/report.schema.json."""

from __future__ import annotations

import json

from ..grading.results import LabResult

# Raised when a field changes meaning or goes away; new fields keep the version.
SCHEMA_VERSION = 2  # 2: a check's hint is what a run shows unasked; hint_levels added


def render_json(results: list[LabResult]) -> str:
    """{"schema_version", "score", "max_score", "labs": [{"lab", "score", "max_score", "checks": [...]}, ...]},
    whether one lab was checked or all of them."""
    return json.dumps({"schema_version": SCHEMA_VERSION,
                       "score": sum(r.score for r in results), "max_score": sum(r.max_score for r in results),
                       "labs": [r.to_dict() for r in results]}, indent=2)

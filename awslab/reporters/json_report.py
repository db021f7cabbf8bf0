from __future__ import annotations

import json

from ..grading.results import LabResult


def render_json(results: list[LabResult]) -> str:
    """One lab: its object. Several: {"labs": [...], "score", "max_score"}."""
    if len(results) == 1:
        return json.dumps(results[0].to_dict(), indent=2)
    return json.dumps({"score": sum(r.score for r in results), "max_score": sum(r.max_score for r in results),
                       "labs": [r.to_dict() for r in results]}, indent=2)

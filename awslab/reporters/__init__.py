"""Reporters: each renders the one result model (LabResult) in its own format."""

from .json_report import render_json
from .junit import render_junit
from .text import render_labs_summary, render_text

__all__ = ["render_json", "render_junit", "render_labs_summary", "render_text"]

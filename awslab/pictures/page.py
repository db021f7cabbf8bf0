"""The report and its pictures as one HTML page: what the terminal shows, recorded by rich."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.terminal_theme import MONOKAI

from ..files import write_atomically


def report_html(results: list[Any], width: int = 120) -> str:
    """The terminal report (score, checks, hints, pictures) of `results` as a self-contained page."""
    from ..reporters.text import render_text

    console = Console(record=True, width=width, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    render_text(results, console)
    return console.export_html(theme=MONOKAI, inline_styles=True)


def picture_html(title: str, picture: Any, width: int = 120) -> str:
    """One picture as a page (e.g. for a lab README or a class handout)."""
    from rich.panel import Panel

    console = Console(record=True, width=width, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    console.print(Panel(picture, title=title, border_style="cyan", expand=False))
    return console.export_html(theme=MONOKAI, inline_styles=True)


def write_report_html(results: list[Any], path: str | Path) -> Path:
    write_atomically(path, report_html(results))
    return Path(path)

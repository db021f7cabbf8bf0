"""DynamoDB capacity per virtual second as a person looks at it: a terminal chart (``render_timeline``)
or a self-contained HTML/SVG page (``timeline_html``), consumed vs provisioned, with throttles."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Literal

from rich.table import Table
from rich.text import Text

from ..models.dynamodb_capacity.timeline import CapacityTimeline, Kind, SecondStats, bucketed

# Terminal ---------------------------------------------------------------------------------


def render_timeline(
    timeline: CapacityTimeline,
    table: str,
    *,
    kind: Kind = "write",
    index: str | None = None,
    width: int = 40,
    max_rows: int = 30,
) -> Table:
    """A rich bar chart: one row per second (or group of seconds), the provisioned rate marked.

    Green is within the provisioned rate, red is above it (burst); ``│`` marks provisioned.
    """
    unit = "RCU" if kind == "read" else "WCU"
    name = table if index is None else f"{table} / {index}"
    all_stats = timeline.seconds(table, index)
    rows = bucketed(all_stats, max_rows)
    chart = Table(
        title=f"{name}: {kind} capacity per virtual second",
        caption="█ consumed (red: burst, above provisioned)  │ provisioned  ✗ throttled",
        show_edge=False,
        pad_edge=False,
    )
    chart.add_column("t", justify="right", style="dim")
    chart.add_column("", no_wrap=True)
    chart.add_column(f"{unit}/s", justify="right")
    chart.add_column("prov.", justify="right", style="yellow")
    chart.add_column("throttled", justify="right", style="red")
    if not rows:
        chart.add_row("", Text("no traffic recorded", style="dim"), "", "", "")
        return chart
    origin = rows[0].second
    scale = max([r.consumed(kind) for r in rows] + [r.provisioned(kind) or 0.0 for r in rows]) or 1.0
    for row in rows:
        label = f"+{row.second - origin}s"
        if row.last is not None and row.last != row.second:
            label = f"+{row.second - origin}..{row.last - origin}s"
        provisioned = row.provisioned(kind)
        throttled = row.throttled(kind)
        chart.add_row(
            label,
            _bar(row.consumed(kind), provisioned, scale, width),
            _number(row.consumed(kind)),
            "on-demand" if provisioned is None else _number(provisioned),
            f"✗ {throttled}" if throttled else "",
        )
    return chart


def _bar(consumed: float, provisioned: float | None, scale: float, width: int) -> Text:
    filled = round(consumed / scale * width)
    mark = None if provisioned is None else round(provisioned / scale * width)
    bar = Text()
    for cell in range(width + 1):
        if cell < filled:
            over = mark is not None and cell >= mark
            bar.append("█", style="red" if over else "green")
        elif cell == mark:
            bar.append("│", style="yellow")
        else:
            bar.append(" ")
    return bar


def _number(units: float) -> str:
    return f"{units:g}"


# HTML -------------------------------------------------------------------------------------

_CHART_W, _CHART_H, _PAD = 720, 160, 30


def timeline_html(
    timeline: CapacityTimeline, table: str, *, index: str | None = None, max_bars: int = 300
) -> str:
    """A self-contained HTML page (inline SVG, no scripts): reads and writes per second."""
    name = table if index is None else f"{table} / {index}"
    stats = bucketed(timeline.seconds(table, index), max_bars)
    kinds: tuple[Literal["read", "write"], ...] = ("read", "write")
    charts = "\n".join(_svg_chart(stats, kind) for kind in kinds)
    title = html.escape(f"{name}: capacity timeline")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:1.5em}} h2{{font-size:1em;margin:1em 0 .2em}}
.legend span{{margin-right:1.5em}}</style></head>
<body><h1>{title}</h1>
<p class="legend"><span style="color:#2e7d32">&#9632; consumed within provisioned</span>
<span style="color:#c62828">&#9632; above provisioned (burst)</span>
<span style="color:#f9a825">&#9472; provisioned</span>
<span style="color:#c62828">&#9679; throttled requests</span></p>
{charts}
</body></html>
"""


def _svg_chart(stats: list[SecondStats], kind: Kind) -> str:
    unit = "RCU" if kind == "read" else "WCU"
    heading = f"<h2>{kind}s ({unit} per virtual second)</h2>"
    if not stats:
        return heading + "<p>No traffic recorded.</p>"
    scale = max([s.consumed(kind) for s in stats] + [s.provisioned(kind) or 0.0 for s in stats]) or 1.0
    bar_w = _CHART_W / len(stats)
    base = _PAD + _CHART_H

    def y(units: float) -> float:
        return base - units / scale * _CHART_H

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_CHART_W + 2 * _PAD}" '
        f'height="{_CHART_H + 2 * _PAD}" role="img" aria-label="{kind} capacity">',
        f'<line x1="{_PAD}" y1="{base}" x2="{_PAD + _CHART_W}" y2="{base}" stroke="#999"/>',
        f'<text x="2" y="{_PAD}" font-size="10">{_number(scale)}</text>',
        f'<text x="2" y="{base}" font-size="10">0</text>',
    ]
    origin = stats[0].second
    for i, s in enumerate(stats):
        x = _PAD + i * bar_w
        consumed, provisioned = s.consumed(kind), s.provisioned(kind)
        label = _bar_label(s, kind, unit, origin)
        within = consumed if provisioned is None else min(consumed, provisioned)
        if within > 0:
            parts.append(
                f'<rect x="{x:.2f}" y="{y(within):.2f}" width="{max(bar_w - 1, 0.5):.2f}" '
                f'height="{base - y(within):.2f}" fill="#2e7d32"><title>{label}</title></rect>'
            )
        if consumed > within:
            parts.append(
                f'<rect x="{x:.2f}" y="{y(consumed):.2f}" width="{max(bar_w - 1, 0.5):.2f}" '
                f'height="{y(within) - y(consumed):.2f}" fill="#c62828"><title>{label}</title></rect>'
            )
        if s.throttled(kind):
            parts.append(
                f'<circle cx="{x + bar_w / 2:.2f}" cy="{_PAD / 2:.2f}" r="4" fill="#c62828">'
                f"<title>{label}</title></circle>"
            )
    parts += _provisioned_line(stats, kind, bar_w, y)
    parts.append("</svg>")
    return heading + "\n" + "\n".join(parts)


def _bar_label(s: SecondStats, kind: Kind, unit: str, origin: int) -> str:
    consumed, provisioned = s.consumed(kind), s.provisioned(kind)
    return html.escape(
        f"t+{s.second - origin}s: {_number(consumed)} {unit}"
        + ("" if provisioned is None else f" of {_number(provisioned)} provisioned")
        + (f", {s.throttled(kind)} throttled" if s.throttled(kind) else "")
    )


def _provisioned_line(stats: list[SecondStats], kind: Kind, bar_w: float, y: Callable[[float], float]) -> list[str]:
    """The provisioned rate as a step line over the seconds that have one."""
    steps = []
    for i, s in enumerate(stats):
        provisioned = s.provisioned(kind)
        if provisioned is not None:
            x = _PAD + i * bar_w
            steps.append(f"M{x:.2f},{y(provisioned):.2f} H{x + bar_w:.2f}")
    if steps:
        return [f'<path d="{" ".join(steps)}" stroke="#f9a825" stroke-width="2" fill="none"/>']
    return []

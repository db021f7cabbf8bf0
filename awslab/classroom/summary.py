"""The class at a glance, in the terminal: score distribution per lab and the checks most often failed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..grading import Lab

if TYPE_CHECKING:
    from .shards import LabSummary  # a lab as a merge of shards knows it

BAR = 30  # characters of the longest bar
BUCKETS = ("not submitted", "0-19%", "20-39%", "40-59%", "60-79%", "80-99%", "100%")


def distribution(records: dict[tuple[str, str], dict], lab: Lab | LabSummary) -> Counter:
    counts: Counter = Counter()
    for (_, lab_id), record in records.items():
        if lab_id != lab.id:
            continue
        if record["status"] == "not_submitted":
            counts[BUCKETS[0]] += 1
            continue
        share = record["score"] / record["max_score"] if record["max_score"] else 0.0
        counts[BUCKETS[-1] if share >= 1 else BUCKETS[1 + min(4, int(share * 5))]] += 1
    return counts


def most_failed(records: dict[tuple[str, str], dict], limit: int = 10) -> list[tuple[str, str, int, int]]:
    """(lab, check title, students who failed it, students who handed the lab in), most failed first."""
    failed: Counter = Counter()
    handed_in: Counter = Counter()
    titles: dict[tuple[str, str], str] = {}
    for (_, lab_id), record in records.items():
        if record["status"] == "not_submitted":
            continue
        handed_in[lab_id] += 1
        for check in record["result"]["checks"]:
            titles[(lab_id, check["name"])] = check["title"]
            if check["status"] == "failed":
                failed[(lab_id, check["name"])] += 1
    ranked = sorted(failed.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [(lab_id, titles[(lab_id, name)], count, handed_in[lab_id]) for (lab_id, name), count in ranked]


def render_class_summary(records: dict[tuple[str, str], dict], labs: Sequence[Lab | LabSummary], *, isolation: str = "",
                   skipped: Sequence = ()) -> Group:
    """`skipped`: folders.Skipped entries (not graded, with why); files students had refused are
    counted too, so the instructor sees them without opening every feedback file."""
    from ..escaping import plain

    parts: list[RenderableType] = [_score_distribution(records, labs)]
    failed = most_failed(records)
    if failed:
        parts.append(Text(""))
        parts.append(_most_failed_chart(failed))
    if skipped:
        parts.append(Text(f"\nnot graded ({len(skipped)} folders):", style="yellow"))
        for entry in skipped:
            parts.append(Text(f"  {plain(entry.name, keep_newlines=False)}: {entry.reason}"))
    refused = sorted({(student, item["file"], item["reason"]) for (student, _), record in records.items()
                      for item in record.get("refused", [])})
    if refused:
        parts.append(Text(f"\nfiles not read ({len(refused)}; links and special files never are):", style="yellow"))
        for student, name, reason in refused:
            parts.append(Text(f"  {plain(student, keep_newlines=False)}/{plain(name, keep_newlines=False)}: {reason}"))
    if isolation:
        parts.append(Text(f"\nisolation: {isolation}", style="dim"))
    return Group(*parts)


def _score_distribution(records: dict[tuple[str, str], dict], labs: Sequence[Lab | LabSummary]) -> Table:
    students = {student for student, _ in records}
    scores = Table(title=f"Score distribution ({len(students)} students)", title_justify="left", box=None,
                   pad_edge=False)
    scores.add_column("lab")
    scores.add_column("share of points", justify="right")
    scores.add_column("students")
    scores.add_column("", justify="right")
    for lab in labs:
        counts = distribution(records, lab)
        lab_records = [r for (_, lab_id), r in records.items() if lab_id == lab.id]
        mean = sum(r["score"] for r in lab_records) / len(lab_records) if lab_records else 0.0
        top = max(counts.values(), default=1)
        for index, bucket in enumerate(BUCKETS):
            label = f"{lab.id}\nmean {mean:.1f}/{lab.max_score}" if index == 0 else ""
            count = counts.get(bucket, 0)
            bar = Text("█" * max(1 if count else 0, round(BAR * count / top)),
                       style="green" if bucket == "100%" else "dim" if index == 0 else "red" if index == 1 else "yellow")
            scores.add_row(label, bucket, bar, str(count), end_section=index == len(BUCKETS) - 1)
    return scores


def _most_failed_chart(failed: list[tuple[str, str, int, int]]) -> Table:
    chart = Table(title="Checks most often failed", title_justify="left", box=None, pad_edge=False)
    chart.add_column("lab")
    chart.add_column("check")
    chart.add_column("students failing")
    chart.add_column("", justify="right")
    for lab_id, title, count, total in failed:
        width = round(BAR * count / total) if total else 0
        chart.add_row(lab_id, title[:60], Text("█" * max(1, width), style="red"), f"{count}/{total}")
    return chart

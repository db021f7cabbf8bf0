"""The class report as one HTML page (`awslab grade ... --html report.html`).

One self-contained file: inline styles, no script, no font, image or link that leaves the page, so
it opens from a mail attachment or an LMS upload without a network. It shows the score distribution
per lab (the terminal summary's buckets), the checks most often failed with what they said, a table
of students whose names jump to their results, and the isolation level and versions that graded.
Every learner-written string (folder names, messages, details) goes through `escaping.html_text`.
Like the gradebook it holds no timestamps: the same records give the same bytes.
"""

from __future__ import annotations

from collections import Counter
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ..escaping import html_text as esc
from ..files import write_atomically
from .gradebook import student_names
from .summary import BUCKETS, distribution, most_failed

VERSIONED = ("awslab", "boto3", "botocore", "moto")

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1d2430}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #ccd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0}th,td{padding:.25rem .6rem;text-align:left;vertical-align:top}
tr:nth-child(even) td{background:#f4f6fa}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.bar{display:inline-block;height:.9rem;background:#d9534f;vertical-align:middle}.bar.full{background:#3c9d5d}
.bar.none{background:#aab}.dist{display:inline-block;margin:0 2rem 1rem 0;vertical-align:top}
.student{border:1px solid #ccd;border-radius:6px;padding:.4rem 1rem;margin:1rem 0}.student:target{outline:3px solid #f0ad4e}
.failed{color:#b52b27}.passed{color:#2a7a46}.muted{color:#667}code{background:#eef;padding:0 .2rem}
ul.checks{margin:.2rem 0 .8rem}ul.checks li{margin:.15rem 0}.msg{white-space:pre-wrap}
"""


def versions() -> dict[str, str]:
    found = {}
    for name in VERSIONED:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def _anchor(index: int) -> str:
    return f"student-{index + 1}"


def common_messages(records: dict[tuple[str, str], dict], lab_id: str, title: str, limit: int = 3) -> list[tuple[str, int]]:
    """The messages a most-failed check gave, most frequent first (students differ in how they fail)."""
    counts: Counter = Counter()
    for (_, record_lab), record in records.items():
        if record_lab != lab_id or record["status"] == "not_submitted":
            continue
        for check in record["result"]["checks"]:
            if check["title"] == title and check["status"] == "failed":
                counts[check.get("message") or ""] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


def render_report(records: dict[tuple[str, str], dict], labs: list, *, isolation: str = "",
                  tool_versions: dict[str, str] | None = None) -> str:
    from .gradebook import student_facing

    records = {key: {**record, "result": student_facing(record["result"])} for key, record in records.items()}
    students = student_names(records)
    tool_versions = tool_versions if tool_versions is not None else versions()
    out: list[str] = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
                      '<meta name="viewport" content="width=device-width, initial-scale=1">',
                      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                      "style-src 'unsafe-inline'\">",
                      "<title>awslab class report</title>", f"<style>{STYLE}</style></head><body>",
                      "<h1>awslab class report</h1>",
                      f'<p id="overview">{len(students)} students, {len(labs)} labs '
                      f'({", ".join(esc(lab.id) for lab in labs)}).</p>']
    out += _distribution_section(records, labs)
    out += _most_failed_section(records)
    out += _gradebook_section(records, labs, students)
    out += _graded_with_section(isolation, tool_versions)
    return "\n".join(out)


def _distribution_section(records: dict[tuple[str, str], dict], labs: list) -> list[str]:
    out = ['<h2 id="distribution">Score distribution per lab</h2>']
    for lab in labs:
        counts = distribution(records, lab)
        lab_records = [r for (_, lab_id), r in records.items() if lab_id == lab.id]
        mean = sum(r["score"] for r in lab_records) / len(lab_records) if lab_records else 0.0
        top = max(counts.values(), default=1) or 1
        out.append(f'<div class="dist" data-lab="{esc(lab.id)}"><h3>{esc(lab.title)} <span class="muted">'
                   f'({esc(lab.id)}), mean <span class="mean">{mean:.1f}</span>/{lab.max_score}</span></h3>'
                   '<table><tr><th>share of points</th><th>students</th><th class="num">n</th></tr>')
        for index, bucket in enumerate(BUCKETS):
            count = counts.get(bucket, 0)
            kind = "full" if bucket == "100%" else "none" if index == 0 else ""
            width = round(200 * count / top)
            out.append(f'<tr class="bucket" data-bucket="{bucket}" data-count="{count}"><td>{bucket}</td>'
                       f'<td><span class="bar {kind}" style="width:{width}px"></span></td>'
                       f'<td class="num">{count}</td></tr>')
        out.append("</table></div>")
    return out


def _most_failed_section(records: dict[tuple[str, str], dict]) -> list[str]:
    out = ['<h2 id="most-failed">Checks most often failed</h2>']
    failed = most_failed(records)
    if not failed:
        out.append("<p>No check failed.</p>")
        return out
    out.append('<table id="failed-checks"><tr><th>lab</th><th>check</th><th class="num">students failing</th>'
               "<th>what it said (students)</th></tr>")
    for lab_id, title, count, total in failed:
        messages = "".join(f'<li><span class="msg">{esc(message) or "(no message)"}</span> '
                           f'<span class="muted">({n})</span></li>'
                           for message, n in common_messages(records, lab_id, title))
        out.append(f'<tr class="failed-check" data-lab="{esc(lab_id)}" data-failing="{count}" '
                   f'data-handed-in="{total}"><td>{esc(lab_id)}</td><td>{esc(title)}</td>'
                   f'<td class="num">{count}/{total}</td><td><ul>{messages}</ul></td></tr>')
    out.append("</table>")
    return out


def _gradebook_section(records: dict[tuple[str, str], dict], labs: list, students: list[str]) -> list[str]:
    """The gradebook, each name a link to that student's results, then those results."""
    out = ['<h2 id="students">Students</h2><table id="gradebook"><tr><th>student</th>'
           + "".join(f'<th class="num">{esc(lab.id)}</th>' for lab in labs) + '<th class="num">total</th></tr>']
    for index, student in enumerate(students):
        scores = [records[(student, lab.id)]["score"] if (student, lab.id) in records else 0 for lab in labs]
        cells = "".join(f'<td class="num score" data-lab="{esc(lab.id)}">{score}</td>'
                        for lab, score in zip(labs, scores))
        out.append(f'<tr class="student-row"><td><a href="#{_anchor(index)}">{esc(student)}</a></td>{cells}'
                   f'<td class="num total">{sum(scores)}</td></tr>')
    out.append("</table>")
    for index, student in enumerate(students):
        out.append(_student_section(index, student, records, labs))
    return out


def _graded_with_section(isolation: str, tool_versions: dict[str, str]) -> list[str]:
    out = ['<h2 id="graded-with">Graded with</h2><table>',
           f'<tr><th>isolation</th><td id="isolation">{esc(isolation or "not recorded")}</td></tr>']
    for name, number in tool_versions.items():
        out.append(f'<tr><th>{esc(name)}</th><td class="version" data-package="{esc(name)}">{esc(number)}</td></tr>')
    out.append("</table></body></html>\n")
    return out


def _student_section(index: int, student: str, records: dict[tuple[str, str], dict], labs: list) -> str:
    parts = [f'<section class="student" id="{_anchor(index)}"><h3>{esc(student)}</h3>']
    refused: list = next((r.get("refused", []) for (s, _), r in sorted(records.items()) if s == student), [])
    if refused:
        parts.append("<p>Files not read (links and special files never are):</p><ul>"
                     + "".join(f"<li>{esc(item['file'])}: {esc(item['reason'])}</li>" for item in refused) + "</ul>")
    for lab in labs:
        record = records.get((student, lab.id))
        if record is None:
            continue
        parts.append(f'<h4>{esc(lab.title)} ({esc(lab.id)}): {record["score"]}/{record["max_score"]}</h4>')
        if record["status"] == "not_submitted":
            parts.append(f"<p class=\"muted\">Not submitted: no file named <code>{esc(lab.id)}.py</code>.</p>")
            continue
        for limit in record["result"].get("limits", []):
            parts.append(f'<p class="failed msg">Limit reached: {esc(limit)}</p>')
        if record["result"].get("load_error"):
            parts.append(f'<p class="failed msg">{esc(record["result"]["load_error"])}</p>')
        items = []
        for check in record["result"]["checks"]:
            status = check["status"]
            line = (f'<li class="{esc(status)}">{esc(status.replace("_", " "))} '
                    f'({check["points"]}/{check["max_points"]}) {esc(check["title"])}')
            if status == "failed" and check.get("message"):
                line += f'<br><span class="msg">{esc(check["message"])}</span>'
            items.append(line + "</li>")
        parts.append('<ul class="checks">' + "".join(items) + "</ul>")
    parts.append('<p><a href="#students">back to the students</a></p></section>')
    return "\n".join(parts)


def write_report(path: Path, records: dict[tuple[str, str], dict], labs: list, *, isolation: str = "") -> Path:
    write_atomically(path, render_report(records, labs, isolation=isolation))
    return path

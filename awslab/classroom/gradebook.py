"""The class's results as files: a CSV gradebook for an LMS, every check as JSON, feedback per student.

Everything here is a pure function of the records, sorted by student and lab, with no timestamps
or durations: grading the same folder twice gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import escaping
from ..files import write_atomically
from ..grading import Lab
from .folders import file_name

if TYPE_CHECKING:
    from .shards import LabSummary  # a lab as a merge of shards knows it


def student_names(records: dict[tuple[str, str], dict]) -> list[str]:
    return sorted({student for student, _ in records})


def render_csv(records: dict[tuple[str, str], dict], labs: Sequence[Lab | LabSummary]) -> str:
    """student, one column per lab (points), total; a second header-like row would confuse LMS imports."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", *[lab.id for lab in labs], "total"])
    for student in student_names(records):
        scores = [records[(student, lab.id)]["score"] if (student, lab.id) in records else 0 for lab in labs]
        writer.writerow([escaping.csv_cell(student), *scores, sum(scores)])
    return out.getvalue()


def render_json(records: dict[tuple[str, str], dict], labs: Sequence[Lab | LabSummary]) -> str:
    students = []
    for student in student_names(records):
        lab_results = []
        for lab in labs:
            record = records.get((student, lab.id))
            if record is None:
                continue
            result = student_facing(_without_timing(record["result"]))
            lab_results.append({"lab": lab.id, "status": record["status"], "score": record["score"],
                                "max_score": record["max_score"], "load_error": result.get("load_error"),
                                "checks": result["checks"], "pictures": result.get("pictures", []),
                                "limits": result.get("limits", [])})
        refused: list = next((r.get("refused", []) for (s, _), r in sorted(records.items()) if s == student), [])
        students.append({"student": student, "refused": refused, "score": sum(r["score"] for r in lab_results),
                         "max_score": sum(r["max_score"] for r in lab_results), "labs": lab_results})
    document = {"labs": [{"id": lab.id, "title": lab.title, "max_score": lab.max_score} for lab in labs],
                "max_score": sum(lab.max_score for lab in labs), "students": students}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def render_feedback(student: str, records: dict[tuple[str, str], dict], labs: Sequence[Lab | LabSummary]) -> str:
    """What a student reads: per lab, the score, then each check that failed, why, and the hint."""
    md = escaping.markdown
    records = {key: {**record, "result": student_facing(record["result"])}
               for key, record in records.items() if key[0] == student}
    lines = [f"# Feedback for {md(student)}", ""]
    refused: list = next((r.get("refused", []) for (s, _), r in sorted(records.items()) if s == student), [])
    if refused:
        lines += ["Files in your folder that were not read (links and special files never are):", ""]
        lines += [f"- {md(item['file'])}: {md(item['reason'])}" for item in refused]
        lines.append("")
    total = max_total = 0
    for lab in labs:
        record = records.get((student, lab.id))
        if record is None:
            continue
        total += record["score"]
        max_total += record["max_score"]
        lines += _lab_feedback(lab, record)
    lines += [f"Total: {total}/{max_total}", ""]
    return "\n".join(lines)


def _lab_feedback(lab: Lab | LabSummary, record: dict) -> list[str]:
    md = escaping.markdown
    lines = [f"## {lab.title} ({lab.id}): {record['score']}/{record['max_score']}", ""]
    result = record["result"]
    if record["status"] == "not_submitted":
        return lines + [f"Not submitted: no file named `{lab.id}.py` was found.", ""]
    for limit in result.get("limits", []):  # what the student's cgroup stopped (memory, processes)
        lines += [f"Limit reached: {md(limit)}", ""]
    if result.get("load_error"):
        lines += [f"Your file could not be graded: {md(result['load_error'])}", ""]
        if record["status"] != "graded":
            return lines
    lines += _check_feedback(result["checks"], lab.id)
    lines.append("")
    return lines


def more_hint(check: dict) -> str | None:
    """"a hint" or "a more concrete hint" when `awslab hint` has a level the record does not show
    (a record holds what a run shows unasked: see CheckResult.to_dict), else None."""
    if check.get("hint_levels", 0) <= (1 if check.get("hint") else 0):
        return None
    return "a more concrete hint" if check.get("hint") else "a hint"


def _check_feedback(checks: list[dict], lab_id: str) -> list[str]:
    """The failed checks (why, and the hint a run shows unasked), then the passed, then those not
    applicable."""
    md = escaping.markdown
    lines = []
    for check in (c for c in checks if c["status"] == "failed"):
        lines.append(f"- FAILED ({check['points']}/{check['max_points']}) {md(check['title'])}")
        if check.get("message"):
            lines.append(f"  - what happened: {md(check['message'])}")
        for detail in check.get("details", []):
            lines.append(f"  - {md(detail)}")
        if check.get("hint"):
            lines.append(f"  - hint: {md(check['hint'])}")
        more = more_hint(check)
        if more:  # a lab id is the pack's folder name: no markup to escape
            lines.append(f"  - {more}: `awslab hint {lab_id}`")
    for check in (c for c in checks if c["status"] == "passed"):
        lines.append(f"- passed ({check['points']}/{check['max_points']}) {md(check['title'])}")
    for check in (c for c in checks if c["status"] == "not_applicable"):
        lines.append(f"- not applicable: {md(check['title'])} ({md(check.get('message', ''))})")
    return lines


def write_outputs(records: dict[tuple[str, str], dict], labs: Sequence[Lab | LabSummary], out: Path, output_format: str) -> dict:
    """The gradebook at `out` (csv or json), the JSON of every check beside a CSV, feedback files."""
    written: dict[str, Path] = {}
    if output_format == "json":
        write_atomically(out, render_json(records, labs))
        written["gradebook"] = out
    else:
        write_atomically(out, render_csv(records, labs))
        written["gradebook"] = out
        details = out.with_name(out.stem + ".checks.json")
        write_atomically(details, render_json(records, labs))
        written["checks"] = details
    feedback = feedback_dir(out)
    for student in student_names(records):
        write_atomically(feedback / file_name(student, ".md"), render_feedback(student, records, labs))
    written["feedback"] = feedback
    return written


def feedback_dir(out: Path) -> Path:
    return out.with_name(out.stem + ".feedback")


def state_dir(out: Path) -> Path:
    return out.with_name(out.stem + ".state")


def shard_state_dir(out: Path, shard) -> Path:
    """Where shard K of N keeps its results: its own folder, so shards can share a disk."""
    return out.with_name(f"{out.stem}.shard{shard.index}of{shard.count}.state")


_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_SHORT_ID = re.compile(r"(?<=message )[0-9a-f]{8}\b|(?<=version )[0-9a-f]{8}\b|(?<=marker )[0-9a-f]{8}\b")
_UPLOAD_ID = re.compile(r"(?<=upload )[A-Za-z0-9._\-]{40,}")


_PORT = re.compile(r"\b(127\.0\.0\.1|localhost):\d{2,5}\b")
# The worker's temporary folders (the learner's working directory is bound at the same path).
_TEMP = re.compile(r"/tmp/awslab-(submission|learner|runner)-[A-Za-z0-9_]+")


def student_facing(result: dict) -> dict:
    """A result as students and the gradebook see it: the emulator's random ids numbered
    (`stable_ids`), the local endpoint's port and the worker's temporary folders without their
    random part, and no path of this machine (awslab's folder, the Python installation, the home)."""
    text = json.dumps(result, sort_keys=True)
    hosts = _host_paths()
    if _PORT.search(text) or _TEMP.search(text) or any(path in text for path, _ in hosts):
        def scrub(value):
            if isinstance(value, str):
                value = _TEMP.sub(r"/tmp/awslab-\1", _PORT.sub(r"\1:<port>", value))
                for path, name in hosts:
                    value = value.replace(path, name)
                return value
            if isinstance(value, list):
                return [scrub(item) for item in value]
            if isinstance(value, dict):
                return {key: scrub(item) for key, item in value.items()}
            return value

        result = scrub(result)
    return stable_ids(result)


def _host_paths() -> list[tuple[str, str]]:
    """(path, what students read instead), longest first so a venv inside the checkout is named."""
    import sys

    import awslab

    named = {str(Path(awslab.__file__).resolve().parents[1]): "<awslab>", sys.prefix: "<python>",
             sys.base_prefix: "<python>", str(Path.home()): "~"}
    return sorted(((p, n) for p, n in named.items() if len(p) > 1), key=lambda item: -len(item[0]))


def stable_ids(result: dict) -> dict:
    """The result with the emulator's random ids (version, message and upload ids: UUIDs, their
    8-character short forms in pictures, multipart upload ids) numbered in order of appearance
    (`<id1>`, `<id2>`, ...), so the same submission gives the same JSON in every run."""
    text = json.dumps(result, sort_keys=True)
    names: dict[str, str] = {}
    for match in [*_UUID.finditer(text), *_UPLOAD_ID.finditer(text)]:
        names.setdefault(match.group(0), f"<id{len(names) + 1}>")
    short = {uuid[:8]: name for uuid, name in names.items() if _UUID.fullmatch(uuid)}
    for match in _SHORT_ID.finditer(text):  # a short form whose whole id is not shown anywhere
        short.setdefault(match.group(0), f"<id{len(names) + len(short) + 1}>")
    if not names and not short:
        return result
    choices = [re.escape(token) for token in sorted(names, key=len, reverse=True)]
    if short:
        choices.append(r"\b(?:" + "|".join(map(re.escape, short)) + r")\b")
    pattern = re.compile("|".join(choices))

    def rename(value):
        if isinstance(value, str):
            return pattern.sub(lambda m: names.get(m.group(0)) or short[m.group(0)], value)
        if isinstance(value, list):
            return [rename(item) for item in value]
        if isinstance(value, dict):
            return {key: rename(item) for key, item in value.items()}
        return value

    return rename(result)


def _without_timing(result: dict) -> dict:
    result = {k: v for k, v in result.items() if k not in ("duration", "file")}
    result["checks"] = [{k: v for k, v in c.items() if k != "duration"} for c in result["checks"]]
    return result

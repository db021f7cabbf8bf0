"""GitHub Classroom: grade a student's repository in Actions, for the autograding reporter.

The reporter (classroom-resources/autograding-grading-reporter) reads, for each runner id in its
`runners` input, an environment variable `<RUNNER>_RESULTS` holding base64 of
`{"version": 1, "status": "pass"|"fail"|"error", "max_score": N, "tests": [{"name", "status",
"score", "message", ...}]}`; it adds up the tests' `score` (so partial credit per check carries
over) against the runners' `max_score`. The workflow template is `templates/classroom.yml`.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from ..grading import Lab, all_labs, get_lab
from .driver import Settings, grade_one


def find_lab_files(directory: Path, labs: list[Lab]) -> dict[str, Path]:
    """Each lab's file: `<lab_id>.py`, the shallowest one under `directory` (hidden folders skipped,
    links to folders not followed). The entry is returned whatever it is: `grade_one` reads it only
    if it is a regular file, and says why not otherwise (a link is refused, never followed)."""
    wanted = {f"{lab.id}.py": lab.id for lab in labs}
    candidates: dict[str, list[Path]] = {}
    for folder, subfolders, names in os.walk(directory, followlinks=False):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        links = [d for d in os.listdir(folder) if d in wanted and os.path.islink(os.path.join(folder, d))]
        for name in {*names, *links}:
            if name in wanted:
                candidates.setdefault(wanted[name], []).append(Path(folder) / name)
    return {lab_id: min(paths, key=lambda p: (len(p.parts), str(p))) for lab_id, paths in candidates.items()}


def reporter_result(records: dict[str, dict], labs: list[Lab]) -> dict:
    """The reporter's shape: one test per point of each check, named `<lab>: <check title>`.

    The reporter's console has counted tests passed (passed / tests x max_score) while the notice
    GitHub Classroom records adds up the tests' scores: with a test per point, both are the
    submission's points, so a student sees one score everywhere."""
    from .gradebook import student_facing

    tests = []
    for lab in labs:
        record = {**records[lab.id], "result": student_facing(records[lab.id]["result"])}
        for check in record["result"]["checks"]:
            if check["status"] != "not_applicable" and check["max_points"]:
                tests.extend(_point_tests(lab.id, check))
    max_score = sum(t["max_score"] for t in tests)
    status = "pass" if all(t["status"] == "pass" for t in tests) else "fail"
    return {"version": 1, "status": status, "max_score": max_score, "tests": tests}


def _point_tests(lab_id: str, check: dict) -> list[dict]:
    """One reporter test per point of `check`: the first `points` pass, the rest fail."""
    from .gradebook import more_hint

    message = check.get("message", "")
    if check["status"] != "passed" and check.get("hint"):
        message += f"\nHint: {check['hint']}"
    if check["status"] != "passed" and more_hint(check):
        message += f"\nFor {more_hint(check)}: awslab hint {lab_id}"
    total, earned = check["max_points"], check["points"]
    seconds = round(float(check.get("duration") or 0.0), 4)
    tests = []
    for point in range(1, total + 1):
        name = f"{lab_id}: {check['title']}" + (f" (point {point} of {total})" if total > 1 else "")
        passed = point <= earned
        tests.append({"name": name, "status": "pass" if passed else "fail", "score": 1 if passed else 0,
                      "max_score": 1, "message": message, "test_code": check["name"],
                      "filename": f"{lab_id}.py", "line_no": 0,
                      "execution_time": f"{seconds}s", "duration": seconds})
    return tests


def report(directory: Path, lab_ids: list[str], *, timeout: float = 60.0) -> tuple[str, str]:
    """Grade the repository at `directory`; returns (JSON text, base64 of it for the reporter)."""
    if lab_ids:
        labs = sorted((get_lab(i) for i in dict.fromkeys(lab_ids)), key=lambda lab: (lab.order, lab.id))
    else:
        labs = [lab for lab in all_labs() if lab.id in find_lab_files(directory, all_labs())]
    if not labs:
        result = {"version": 1, "status": "error", "max_score": 0,
                  "tests": [{"name": "awslab", "status": "error", "score": 0, "max_score": 0,
                             "message": "no lab file (<lab_id>.py) found in this repository"}]}
    else:
        records = grade_one(find_lab_files(directory, labs), labs, Settings(timeout=timeout, jobs=1))
        result = reporter_result(records, labs)
    text = json.dumps(result, indent=2)
    return text, base64.b64encode(json.dumps(result).encode()).decode()

"""Gradescope: an autograder zip built from awslab labs, and the grading it runs.

`build(labs, out)` writes a zip Gradescope accepts as a programming assignment's autograder:
`setup.sh` (installs awslab from the bundled source), `run_autograder` (grades
`/autograder/submission` and writes `/autograder/results/results.json`), the awslab source and the
labs' content. The reference solutions are never put in the zip.

`python -m awslab.classroom.gradescope --root DIR` is what run_autograder runs; `--root` (or
AWSLAB_GRADESCOPE_ROOT) makes the folder layout testable outside Gradescope.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import traceback
import zipfile
from collections.abc import Sequence
from pathlib import Path

from ..files import write_atomically
from ..grading import Lab, get_lab
from ..grading.labs import BUNDLED, PROJECT_ROOT
from .driver import Settings, grade_one
from .github import find_lab_files

CONFIG = "awslab-gradescope.json"

# https://gradescope-autograders.readthedocs.io/en/latest/specs/ (results.json, "Output format")
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
RESULT_KEYS = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
               "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
             "visibility", "extra_data"}
CRASH_OUTPUT = ("awslab could not grade this submission. Your instructor can see what went wrong; "
                "check that you submitted the lab's file(s) and submit again.")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu).
set -euo pipefail
cd /autograder/source
apt-get update
apt-get install -y util-linux   # unshare and setpriv: namespaces for the learner's code
PYTHON=python3
if ! python3 -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
    apt-get install -y python3.11 python3.11-venv   # awslab needs Python 3.11 or newer
    PYTHON=python3.11
fi
"$PYTHON" -m venv /autograder/awslab-venv
/autograder/awslab-venv/bin/pip install --upgrade pip
/autograder/awslab-venv/bin/pip install ./awslab-src
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for each submission; awslab writes results/results.json under the root.
ROOT="${AWSLAB_GRADESCOPE_ROOT:-/autograder}"
PYTHON="${AWSLAB_PYTHON:-$ROOT/awslab-venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3
export AWSLAB_LABS_DIR="$ROOT/source/labs"
export AWSLAB_SOLUTIONS_DIR="$ROOT/source/no-solutions-here"
cd "$ROOT"
exec "$PYTHON" -m awslab.classroom.gradescope --root "$ROOT"
"""


def build(labs: list[Lab], out: Path, *, timeout: float = 60.0, visibility: str = "visible",
          leaderboard: bool = False) -> Path:
    """Write the autograder zip; deterministic (fixed timestamps, sorted entries).

    `visibility` is when students see their results (Gradescope's visible, hidden, after_due_date,
    after_published); `leaderboard` publishes each submission's score on the assignment's leaderboard."""
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        def add(name: str, data: bytes, mode: int = 0o644) -> None:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)

        add("setup.sh", SETUP_SH.encode(), 0o755)
        add("run_autograder", RUN_AUTOGRADER.encode(), 0o755)
        add(CONFIG, json.dumps({"labs": [lab.id for lab in labs], "timeout": timeout, "visibility": visibility,
                                "leaderboard": leaderboard}, indent=2).encode())
        package = Path(__file__).resolve().parents[1]
        # Never the bundled course (it holds the solutions): the zip carries only the chosen labs.
        for path in _files(package, skip=[BUNDLED]):
            add(f"awslab-src/awslab/{path.relative_to(package).as_posix()}", path.read_bytes())
        # A checkout has its project files at the top; an installed wheel carries copies in bundled/.
        project = PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").is_file() else BUNDLED / "project"
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            if (project / name).is_file():
                add(f"awslab-src/{name}", (project / name).read_bytes())
        for lab in labs:
            for path in _files(lab.folder, skip=lab.private_dirs):
                add(f"labs/{lab.id}/{path.relative_to(lab.folder).as_posix()}", path.read_bytes())
    write_atomically(out, buffer.getvalue())
    return out


def _files(folder: Path, skip: Sequence[Path] = ()) -> list[Path]:
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
                  and not any(p.is_relative_to(private) for private in skip))


def results_json(records: dict[str, dict], labs: list[Lab], *, visibility: str = "visible",
                 leaderboard: bool = False) -> dict:
    """Gradescope's results.json, with only the keys its specification lists: one test per check
    (each with its max_score), the total score at the top."""
    from .gradebook import more_hint, student_facing

    tests = []
    lines = []
    for lab_number, lab in enumerate(labs, start=1):
        record = {**records[lab.id], "result": student_facing(records[lab.id]["result"])}
        lines.append(f"{lab.title} ({lab.id}): {record['score']}/{record['max_score']}")
        lines += [f"  Limit reached: {limit}" for limit in record["result"].get("limits", [])]
        if record["result"].get("load_error"):
            lines.append(f"  {record['result']['load_error']}")
        for check_number, check in enumerate(record["result"]["checks"], start=1):
            if check["status"] == "not_applicable":
                continue
            output = check.get("message", "")
            if check["status"] != "passed" and check.get("hint"):
                output += f"\nHint: {check['hint']}"
            if check["status"] != "passed" and more_hint(check):
                output += f"\nFor {more_hint(check)}: awslab hint {lab.id}"
            tests.append({"name": f"{lab.id}: {check['title']}", "number": f"{lab_number}.{check_number}",
                          "score": check["points"], "max_score": check["max_points"],
                          "status": "passed" if check["status"] == "passed" else "failed",
                          "output": output, "tags": [lab.id], "visibility": visibility})
    results = {"score": sum(t["score"] for t in tests), "output": "\n".join(lines), "visibility": visibility,
               "stdout_visibility": "hidden", "tests": tests}
    if leaderboard:
        results["leaderboard"] = [{"name": "Score", "value": results["score"], "order": "desc"}]
    return results


def run(root: Path) -> dict:
    config = json.loads((root / "source" / CONFIG).read_text())
    labs = sorted((get_lab(lab_id) for lab_id in config["labs"]), key=lambda lab: (lab.order, lab.id))
    files = find_lab_files(root / "submission", labs)
    records = grade_one(files, labs, Settings(timeout=float(config.get("timeout", 60)), jobs=1))
    return results_json(records, labs, visibility=config.get("visibility", "visible"),
                        leaderboard=bool(config.get("leaderboard", False)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Grade a Gradescope submission with awslab.")
    parser.add_argument("--root", default=os.environ.get("AWSLAB_GRADESCOPE_ROOT", "/autograder"))
    args = parser.parse_args(argv)
    root = Path(args.root)
    try:
        results = run(root)
    except Exception:  # noqa: BLE001 - Gradescope must get a results.json whatever happens
        # Students see `output`: no paths, no trace. The trace goes to stdout, which Gradescope
        # shows to instructors only (stdout_visibility hidden).
        results = {"score": 0, "output": CRASH_OUTPUT, "stdout_visibility": "hidden", "tests": []}
        traceback.print_exc(file=sys.stdout)
    write_atomically(root / "results" / "results.json", json.dumps(results, indent=2) + "\n")
    print(results.get("output", ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())

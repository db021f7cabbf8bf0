"""Typical wrong answers, one file each, holding only what differs from the reference solution.

`wrong_answer(lab, name)` writes the file a learner would hand in: the solution with
the wrong file's definitions after it (so they replace the solution's own).
"""

from __future__ import annotations

import atexit
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOLUTIONS = HERE.parents[2] / "solutions"


def names(lab: str) -> set[str]:
    return {path.stem for path in (HERE / lab).glob("*.py")}


_composed = tempfile.TemporaryDirectory(prefix="awslab-wrong-")
atexit.register(_composed.cleanup)


def wrong_answer(lab: str, name: str, directory: Path | None = None) -> Path:
    solution = (SOLUTIONS / f"{lab}.py").read_text()
    override = "".join(line for line in (HERE / lab / f"{name}.py").read_text().splitlines(keepends=True)
                       if not line.startswith("from __future__ import"))
    path = Path(directory or _composed.name) / f"{name}.py"
    path.write_text(f"{solution}\n\n# --- the wrong answer: tests/labs/wrong/{lab}/{name}.py ---\n{override}")
    return path

"""How long the learner waits: `awslab list`, `awslab --help`, `awslab check LAB` (starter and
reference solution) and watch's save-to-verdict latency, each beside the import floor
(`python -c "import boto3"`, measured in the same run) as a ratio.

Every figure is the median wall time of `--runs` runs of a fresh process (watch: of saves into one
warm watch). Nothing is asserted: this prints figures.

    python benchmarks/learner_loop.py [--runs 3] [--labs sqs_dlq,iam_policy] [--skip-watch]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
ENV = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}


def wall(command: list[str], cwd: Path | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def median(command: list[str], runs: int, cwd: Path | None = None) -> float:
    return statistics.median(wall(command, cwd) for _ in range(runs))


def all_labs() -> list[str]:
    from awslab.grading import all_labs as labs

    return [lab.id for lab in labs(ROOT / "labs")]


def watch_latencies(lab: str, workspace: Path, runs: int) -> list[float]:
    """Seconds from writing the solution into LAB.py to watch printing the full-marks verdict."""
    process = subprocess.Popen([PYTHON, "-m", "awslab", "watch", lab], cwd=workspace, env=ENV,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    seen: list[str] = []
    threading.Thread(target=lambda: seen.extend(iter(process.stdout.readline, "")), daemon=True).start()

    def wait_for(text: str, after: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while text not in "".join(seen[after:]):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"watch {lab} never printed {text!r}")
            time.sleep(0.01)

    starter = (ROOT / "labs" / lab / "starter.py").read_text()
    solution = (ROOT / "solutions" / f"{lab}.py").read_text()
    target = workspace / f"{lab}.py"
    latencies = []
    try:
        wait_for("q quit", 0)
        for _ in range(runs):
            mark = len(seen)
            target.write_text(starter)  # back to a failing file, graded and drawn
            wait_for("q quit", mark)
            mark = len(seen)
            started = time.perf_counter()
            target.write_text(solution)
            wait_for("is complete", mark)
            latencies.append(time.perf_counter() - started)
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--labs", default="", help="comma-separated lab ids (default: every lab)")
    parser.add_argument("--skip-watch", action="store_true")
    args = parser.parse_args()
    labs = [name for name in args.labs.split(",") if name] or all_labs()

    floor = median([PYTHON, "-c", "import boto3"], args.runs)
    print(f"import floor (python -c 'import boto3'): {floor:.3f} s (median of {args.runs})")

    def show(what: str, seconds: float) -> None:
        print(f"{what:<44} {seconds:7.3f} s  {seconds / floor:5.1f}x floor")

    show("awslab list", median([PYTHON, "-m", "awslab", "list"], args.runs))
    show("awslab --help", median([PYTHON, "-m", "awslab", "--help"], args.runs))
    for lab in labs:
        starter = ROOT / "labs" / lab / "starter.py"
        solution = ROOT / "solutions" / f"{lab}.py"
        show(f"awslab check {lab} (starter)", median([PYTHON, "-m", "awslab", "check", lab, "--file", str(starter)],
                                                      args.runs))
        show(f"awslab check {lab} (solution)", median([PYTHON, "-m", "awslab", "check", lab, "--file", str(solution)],
                                                       args.runs))
    if args.skip_watch:
        return
    with tempfile.TemporaryDirectory(prefix="awslab-bench-") as tmp:
        workspace = Path(tmp) / "work"
        subprocess.run([PYTHON, "-m", "awslab", "init", str(workspace)], env=ENV, check=True,
                       stdout=subprocess.DEVNULL)
        for lab in labs:
            latencies = watch_latencies(lab, workspace, args.runs)
            show(f"watch {lab}: save to verdict (warm)", statistics.median(latencies))


if __name__ == "__main__":
    main()

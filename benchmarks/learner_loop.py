"""How long the learner waits: `awslab list`, `awslab --help`, `awslab check LAB` (starter and
reference solution) and watch's save-to-verdict latency, each beside the import floor
(`python -c "import boto3"`, measured in the same run) as a ratio.

Every figure is the median wall time of `--runs` runs of a fresh process (watch: of saves into one
warm watch). Nothing is asserted: this prints figures.

    python benchmarks/learner_loop.py [--runs 3] [--labs sqs_dlq,iam_policy] [--skip-watch] [--skip-check]

Watch: after each report the script waits THINK seconds before saving (a learner reads it first),
so a warm watch has its next learner process ready, as it would for a person.
"""

from __future__ import annotations

import argparse
import os
import resource
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
THINK = 1.5  # seconds between a report and the next save, as a learner reading it would wait


def wall(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children): CPU time stays meaningful on a
    machine shared with other work, where wall time is mostly waiting for a core."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median(command: list[str], runs: int, cwd: Path | None = None) -> tuple[float, float]:
    times = [wall(command, cwd) for _ in range(runs)]
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def all_labs() -> list[str]:
    from awslab.grading import all_labs as labs

    return [lab.id for lab in labs(ROOT / "labs")]


def process_cpu(pid: int) -> float:
    """CPU seconds of a live process and of its children it has reaped (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def watch_latencies(lab: str, workspace: Path, runs: int) -> list[tuple[float, float]]:
    """(seconds, CPU seconds) from writing the solution into LAB.py to watch printing the full-marks
    verdict. The CPU figure is watch's own and its learner process's (reaped when the grade ends; its
    start, before the save, is counted too)."""
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
            time.sleep(THINK)  # a learner reads the report before saving again (watch gets ready meanwhile)
            mark = len(seen)
            started, cpu = time.perf_counter(), process_cpu(process.pid)
            target.write_text(solution)
            wait_for("is complete", mark)
            latencies.append((time.perf_counter() - started, process_cpu(process.pid) - cpu))
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
    parser.add_argument("--skip-check", action="store_true", help="no `awslab check` runs (benchmarks/engine.py has them)")
    args = parser.parse_args()
    labs = [name for name in args.labs.split(",") if name] or all_labs()

    floor, floor_cpu = median([PYTHON, "-c", "import boto3"], args.runs)
    print(f"import floor (python -c 'import boto3'): {floor:.3f} s wall, {floor_cpu:.3f} s CPU "
          f"(median of {args.runs}; load average {os.getloadavg()[0]:.1f})")

    def show(what: str, seconds: float, cpu: float | None = None, aim: str = "") -> None:
        used = f"  CPU {cpu:6.3f} s ({cpu / floor_cpu:4.1f}x)" if cpu is not None else ""
        print(f"{what:<44} {seconds:7.3f} s  {seconds / floor:5.1f}x floor{used}{aim}")

    show("awslab list", *median([PYTHON, "-m", "awslab", "list"], args.runs), aim="  (aim: under 0.4 s)")
    show("awslab --help", *median([PYTHON, "-m", "awslab", "--help"], args.runs), aim="  (aim: under 0.4 s)")
    for lab in labs if not args.skip_check else []:
        starter = ROOT / "labs" / lab / "starter.py"
        solution = ROOT / "solutions" / f"{lab}.py"
        show(f"awslab check {lab} (starter)",
             *median([PYTHON, "-m", "awslab", "check", lab, "--file", str(starter)], args.runs))
        show(f"awslab check {lab} (solution)",
             *median([PYTHON, "-m", "awslab", "check", lab, "--file", str(solution)], args.runs))
    if args.skip_watch:
        return
    with tempfile.TemporaryDirectory(prefix="awslab-bench-") as tmp:
        workspace = Path(tmp) / "work"
        subprocess.run([PYTHON, "-m", "awslab", "init", str(workspace)], env=ENV, check=True,
                       stdout=subprocess.DEVNULL)
        for lab in labs:
            latencies = watch_latencies(lab, workspace, args.runs)
            show(f"watch {lab}: save to verdict (warm)", statistics.median(t for t, _ in latencies),
                 statistics.median(c for _, c in latencies), aim="  (aim: at most 1 s)")


if __name__ == "__main__":
    main()

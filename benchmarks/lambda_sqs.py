"""How long grading the lambda_sqs lab takes, beside the AWS time its scenarios represent.

Grades the reference solution of lambda_sqs (embedded moto unless told otherwise) a few times and
prints, per check, the real (wall) time beside the virtual time it covered: the visibility timeouts
a poison record waits out before its DLQ, a slow function's batches. As a baseline in the same run,
the sqs_dlq lab's reference is graded too (the same kind of work without the simulated mapping),
and the ratio of the two wall times is printed.

    python benchmarks/lambda_sqs.py [--runs 3] [--backend moto|moto-server]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import awslab.grading.runner as runner
from awslab.grading import get_lab, grade_submission
from awslab.local_aws import LocalAWS

ROOT = Path(__file__).resolve().parents[1]


def graded(lab, aws) -> tuple[object, dict[str, float]]:
    """Grade the reference once; (result, virtual seconds each check covered)."""
    covered: dict[str, float] = {}
    original = runner.run_check

    def timed(check, *args):
        before = aws.clock.elapsed().total_seconds()
        result = original(check, *args)
        covered[check.name] = aws.clock.elapsed().total_seconds() - before
        return result

    runner.run_check = timed
    try:
        return grade_submission(lab, lab.solution, aws), covered
    finally:
        runner.run_check = original


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", default="moto", choices=["moto", "moto-server"])
    args = parser.parse_args()

    lab, baseline = get_lab("lambda_sqs", ROOT / "labs"), get_lab("sqs_dlq", ROOT / "labs")
    started = time.perf_counter()
    aws = LocalAWS(args.backend).start()
    print(f"lambda_sqs on {args.backend}: local AWS started in {time.perf_counter() - started:.2f} s; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    walls, base_walls, invocations = [], [], 0
    try:
        grade_submission(lab, lab.solution, aws)  # imports and models warmed once, as in a class
        for run in range(1, args.runs + 1):
            result, covered = graded(lab, aws)
            invocations = len(aws.gateway.behaviour("lambda_sqs").invocations)
            walls.append(result.duration)
            base = grade_submission(baseline, baseline.solution, aws)
            base_walls.append(base.duration)
            print(f"\nrun {run}: {result.score}/{result.max_score} in {result.duration:.2f} s for "
                  f"{result.virtual_seconds / 60:.1f} min of AWS time ({invocations} invocations); "
                  f"baseline sqs_dlq {base.score}/{base.max_score} in {base.duration:.2f} s")
            print(f"  {'check':<42} {'wall s':>7} {'AWS time':>9}")
            for check in result.checks:
                print(f"  {check.name:<42} {check.duration:>7.2f} {covered.get(check.name, 0) / 60:>5.1f} min")
    finally:
        aws.stop()
    wall, base = statistics.median(walls), statistics.median(base_walls)
    virtual = result.virtual_seconds
    print(f"\nmedian: {wall:.2f} s of real time for {virtual:.0f} s ({virtual / 60:.1f} min) of AWS time: "
          f"{virtual / wall:.0f}x faster than waiting it out; {wall / base:.2f}x the wall time of grading "
          f"sqs_dlq ({base:.2f} s) in the same run")


if __name__ == "__main__":
    main()

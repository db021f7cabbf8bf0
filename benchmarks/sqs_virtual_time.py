"""How much SQS waiting the sqs_dlq lab's grading covers, and how long it really takes.

Grades the reference solution of the sqs_dlq lab (embedded moto unless told otherwise) a few
times and prints, for each run, the real (wall) time of grading beside the AWS waiting time its
scenarios represent (visibility timeouts, long polls, heartbeats: the virtual time the run
covered), and the speed-up of virtual time.

    python benchmarks/sqs_virtual_time.py [--runs 3] [--backend moto|moto-server]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from pathlib import Path

from awslab.grading import get_lab, grade_submission
from awslab.local_aws import LocalAWS

ROOT = Path(__file__).resolve().parents[1]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", default="moto", choices=["moto", "moto-server"])
    args = parser.parse_args()

    lab = get_lab("sqs_dlq", ROOT / "labs")
    started = time.perf_counter()
    aws = LocalAWS(args.backend).start()
    print(f"sqs_dlq on {args.backend}: local AWS started in {time.perf_counter() - started:.2f} s; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'run':>3}  {'score':>5}  {'wall s':>6}  {'grader cpu s':>12}  {'learner cpu s':>13}  "
          f"{'AWS waiting':>11}  {'of it long polls':>16}  {'speed-up':>8}")
    walls, virtual = [], 0.0
    try:
        for run in range(1, args.runs + 1):
            cpu, child = time.process_time(), children_cpu()
            result = grade_submission(lab, lab.solution, aws)
            cpu, child = time.process_time() - cpu, children_cpu() - child
            polls = sum(c.notes.get("virtual_wait", 0) for c in aws.log.calls("sqs", "ReceiveMessage", source=None))
            walls.append(result.duration)
            virtual = result.virtual_seconds
            print(f"{run:>3}  {result.score:>2}/{result.max_score:<2}  {result.duration:>6.2f}  {cpu:>12.2f}  "
                  f"{child:>13.2f}  {virtual / 60:>7.1f} min  {polls / 60:>12.1f} min  "
                  f"{virtual / result.duration:>7.0f}x")
    finally:
        aws.stop()
    median = statistics.median(walls)
    print(f"\nmedian: {median:.2f} s of real time for {virtual:.0f} s ({virtual / 60:.1f} min) of AWS waiting: "
          f"{virtual / median:.0f}x faster than waiting it out")


if __name__ == "__main__":
    main()

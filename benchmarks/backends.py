"""Start-up time and time to grade each lab's reference solution, per backend; a Markdown table.

    python benchmarks/backends.py [--backends moto,moto-server,localstack] [--labs a,b] [--repeat 1]

Start-up: from nothing to a LocalAWS ready to grade (gateway up, backend healthy; for LocalStack,
host mode started and its lab services loaded, DynamoDB Local's JVM included; the one-time install
is not counted). Grading: `grade_submission` of the lab's reference solution (reset included),
the median of --repeat runs; the score is shown beside it. The machine's load average is printed,
since everything here is CPU-bound.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

from awslab.backends import make_backend
from awslab.grading import all_labs, grade_submission
from awslab.local_aws import LocalAWS


def measure(backend: str, labs, repeat: int) -> tuple[float, dict[str, tuple[float, str]]]:
    options = {"start": True} if backend == "localstack" else {}
    began = time.perf_counter()
    aws = LocalAWS(make_backend(backend, **options)).start()
    startup = time.perf_counter() - began
    results = {}
    try:
        for lab in labs:
            if backend not in lab.backends:
                continue
            times, result = [], None
            for _ in range(repeat):
                started = time.perf_counter()
                result = grade_submission(lab, lab.solution, aws)
                times.append(time.perf_counter() - started)
            na = len(result.not_applicable)
            score = f"{result.score}/{result.max_score}" + (f", {na} n/a" if na else "")
            results[lab.id] = (statistics.median(times), score)
    finally:
        aws.stop()
    return startup, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default="moto,moto-server,localstack")
    parser.add_argument("--labs", default="", help="comma-separated lab ids (default: all)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    backends = args.backends.split(",")
    labs = [lab for lab in all_labs() if not args.labs or lab.id in args.labs.split(",")]
    measured = {}
    for backend in backends:
        measured[backend] = measure(backend, labs, args.repeat)
        print(f"measured {backend}", flush=True)
    load = os.getloadavg()
    print()
    print(f"Measured on {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {load[0]:.1f} / {load[1]:.1f} (1 / 5 min); median of {args.repeat} run(s).")
    print()
    print("| | " + " | ".join(backends) + " |")
    print("|---|" + "---:|" * len(backends))
    print("| start-up | " + " | ".join(f"{measured[b][0]:.1f} s" for b in backends) + " |")
    for lab in labs:
        cells = []
        for backend in backends:
            entry = measured[backend][1].get(lab.id)
            cells.append(f"{entry[0]:.1f} s ({entry[1]})" if entry else "–")
        print(f"| grade {lab.id} | " + " | ".join(cells) + " |")
    totals = [sum(t for t, _ in measured[b][1].values()) for b in backends]
    print("| all labs | " + " | ".join(f"{t:.1f} s" for t in totals) + " |")


if __name__ == "__main__":
    main()

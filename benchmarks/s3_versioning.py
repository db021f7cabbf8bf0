"""Wall time of grading the s3_versioning lab on embedded moto, against the virtual time it covers.

    python benchmarks/s3_versioning.py [--runs 3]

The first run pays for imports (moto's S3 models, botocore's paginators); later runs show the
steady cost. Each run includes the learner's process start.
"""

from __future__ import annotations

import argparse
import time

from awslab.grading import get_lab, grade_submission
from awslab.local_aws import LocalAWS


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    lab = get_lab("s3_versioning")
    with LocalAWS("moto") as aws:
        for run in range(1, args.runs + 1):
            started = time.perf_counter()
            result = grade_submission(lab, lab.solution, aws)
            wall = time.perf_counter() - started
            checks = sum(c.duration for c in result.checks)
            print(f"run {run}: {result.score}/{result.max_score} in {wall:.2f} s wall "
                  f"({checks:.2f} s in checks), {result.virtual_seconds / 86400:.0f} days of virtual time")


if __name__ == "__main__":
    main()

"""Speed of the engine: prints figures, asserts nothing.

1. Whole-process time of `awslab check LAB --solution` on the embedded default, beside
   `python -c "import boto3, moto"` (the floor: what any moto-based grader pays to start).
2. Per-request cost through the gateway vs calling moto directly (moto's own mock_aws), for the
   grader's in-process clients and for a learner's client over loopback HTTP.

    python3 benchmarks/engine.py [LAB ...] [--runs N] [--requests N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def wall(command: list[str], runs: int, env: dict | None = None) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def per_request(label: str, make_call, count: int) -> float:
    make_call()  # warm up: first calls load models and moto backends
    started = time.perf_counter()
    for _ in range(count):
        make_call()
    cost = (time.perf_counter() - started) / (2 * count) * 1000  # each call is two requests
    print(f"  {label:<44} {cost:7.2f} ms/request")
    return cost


def request_overheads(count: int) -> None:
    import boto3
    from moto import mock_aws

    from awslab.local_aws import LocalAWS
    from awslab.safety import FAKE_SECRET, LEARNER_ACCESS_KEY

    print(f"\nPer-request cost ({count} SQS SendMessage + S3 PutObject pairs):")
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        url = sqs.create_queue(QueueName="bench")["QueueUrl"]
        s3.create_bucket(Bucket="bench-bucket")
        direct = per_request("moto directly (mock_aws, in-process)",
                             lambda: (sqs.send_message(QueueUrl=url, MessageBody="x"),
                                      s3.put_object(Bucket="bench-bucket", Key="k", Body=b"x")), count)
    with LocalAWS("moto") as aws:
        sqs = aws.client("sqs")
        s3 = aws.client("s3")
        url = sqs.create_queue(QueueName="bench")["QueueUrl"]
        s3.create_bucket(Bucket="bench-bucket")
        grader = per_request("awslab gateway, grader client (in-process)",
                             lambda: (sqs.send_message(QueueUrl=url, MessageBody="x"),
                                      s3.put_object(Bucket="bench-bucket", Key="k", Body=b"x")), count)
        http_sqs = boto3.client("sqs", endpoint_url=aws.endpoint_url, region_name="us-east-1",
                                aws_access_key_id=LEARNER_ACCESS_KEY, aws_secret_access_key=FAKE_SECRET)
        http_s3 = boto3.client("s3", endpoint_url=aws.endpoint_url, region_name="us-east-1",
                               aws_access_key_id=LEARNER_ACCESS_KEY, aws_secret_access_key=FAKE_SECRET)
        learner = per_request("awslab gateway, learner client (loopback HTTP)",
                              lambda: (http_sqs.send_message(QueueUrl=url, MessageBody="x"),
                                       http_s3.put_object(Bucket="bench-bucket", Key="k", Body=b"x")), count)
    print(f"  gateway overhead vs moto directly: grader clients {100 * (grader / direct - 1):+.0f}%, "
          f"learner clients over HTTP {100 * (learner / direct - 1):+.0f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("labs", nargs="*", help="labs to time (default: every lab)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    from awslab.grading import all_labs

    labs = args.labs or [lab.id for lab in all_labs()]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    floor = wall([sys.executable, "-c", "import boto3, moto"], args.runs, env)
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; median of {args.runs} runs")
    print(f"  floor: python -c 'import boto3, moto'      {floor:6.2f} s")
    for lab in labs:
        seconds = wall([sys.executable, "-m", "awslab", "check", lab, "--solution", "--format", "json"],
                       args.runs, env)
        print(f"  awslab check {lab:<20} --solution {seconds:6.2f} s  ({seconds / floor:.1f}x the floor)")
    request_overheads(args.requests)


if __name__ == "__main__":
    main()

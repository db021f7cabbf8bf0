"""Benchmark of DynamoDB capacity in the gateway (issue 7).

1. Grading time of the dynamodb_capacity lab (reference solution) and the virtual time it covers
   (the throttled load spans minutes of virtual time).
2. The gateway's metering overhead per request: N PutItem / GetItem through the gateway with the
   dynamodb_capacity behaviour on and off (settings["dynamodb_capacity"] = False).

    .venv/bin/python benchmarks/dynamodb_capacity.py [--backend moto] [--requests 500]
"""

from __future__ import annotations

import argparse
import statistics
import time

from awslab import safety
from awslab.grading import get_lab, grade_submission
from awslab.local_aws import LocalAWS


def grading_time(aws: LocalAWS, runs: int) -> None:
    lab = get_lab("dynamodb_capacity")
    timings = []
    for _ in range(runs):
        result = grade_submission(lab, lab.solution, aws)
        assert result.score == lab.max_score, [(c.name, c.message) for c in result.checks if not c.passed]
        timings.append(result.duration)
        load = next(c for c in result.checks if c.name == "every_item_loaded_once")
    print(f"grading dynamodb_capacity (reference, {aws.backend.name}): median {statistics.median(timings):.2f} s "
          f"real over {runs} runs, {result.virtual_seconds:.0f} s of virtual time; load check {load.duration:.2f} s "
          f"({load.details[0] if load.details else ''})")


def metering_overhead(aws: LocalAWS, requests: int) -> None:
    from botocore.config import Config

    baseline: dict[str, float] = {}  # the unmetered figures, measured first
    for metered in (False, True):
        aws.reset()
        aws.settings.clear()
        aws.settings["dynamodb_capacity"] = metered
        aws.client("dynamodb").create_table(
            TableName="bench", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
        client = aws.client_as("dynamodb", safety.LEARNER_ACCESS_KEY, safety.FAKE_SECRET,
                               config=Config(retries={"total_max_attempts": 1}))
        per_op = {}
        for operation in ("PutItem", "GetItem"):
            started = time.perf_counter()
            for n in range(requests):
                if operation == "PutItem":
                    client.put_item(TableName="bench", Item={"pk": {"S": f"k{n}"}, "v": {"S": "x" * 500}},
                                    ReturnConsumedCapacity="TOTAL")
                else:
                    client.get_item(TableName="bench", Key={"pk": {"S": f"k{n}"}}, ReturnConsumedCapacity="TOTAL")
            per_op[operation] = (time.perf_counter() - started) / requests * 1000
        label = "with metering   " if metered else "without metering"
        print(f"{label}: PutItem {per_op['PutItem']:.2f} ms/request, GetItem {per_op['GetItem']:.2f} ms/request "
              f"({requests} each, {aws.backend.name}, grader client in-process)")
        if metered:
            overhead = {op: per_op[op] - baseline[op] for op in per_op}
            print(f"metering overhead: PutItem +{overhead['PutItem']:.2f} ms, GetItem +{overhead['GetItem']:.2f} ms "
                  "(PutItem reads the before-image from the emulator)")
        baseline = per_op


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="moto")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with LocalAWS(args.backend) as aws:
        metering_overhead(aws, args.requests)
        grading_time(aws, args.runs)


if __name__ == "__main__":
    main()

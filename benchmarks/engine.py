"""Speed of the engine: prints figures, asserts nothing.

1. Whole-process time of `awslab check LAB --solution` on the embedded default, beside
   `python -c "import boto3, moto"` (the floor: what any moto-based grader pays to start).
2. Per-request cost through the gateway (every simulated behaviour in the chain) vs calling moto
   directly (moto's own mock_aws), for the grader's in-process clients and for a learner's
   client over loopback HTTP.

    python3 benchmarks/engine.py [LAB ...] [--runs N] [--requests N] [--skip-requests] [--requests-only]
                                 [--baseline TREE]

--baseline TREE times each check a second time with the awslab of another checkout (e.g. `git worktree
add --detach /tmp/base main`), run by run in turn with this one, and prints both with their ratio; the
per-request figures are then measured for that checkout too, in the same run.
awslab, labs/ and solutions/ are byte-compiled first (as `pip install` does for an installed package,
and as the floor's boto3 and moto are): with PYTHONDONTWRITEBYTECODE set, an editable checkout would
otherwise compile about 900 modules' source on every run.

CPU seconds (the check's process and its learner's) are printed beside wall time: on a shared machine
the wall time is mostly waiting for a core, and the CPU ratio is the steadier figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_once(command: list[str], env: dict | None = None, cwd: Path | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def wall(command: list[str], runs: int, env: dict | None = None, trees: tuple[Path, ...] = (ROOT,)
         ) -> list[tuple[float, float]]:
    """Per tree (the awslab checkout the command runs from), the median (wall seconds, CPU seconds of
    the process and its children) of `runs` runs, the trees taking turns run by run. On a machine
    shared with other work the wall time is mostly waiting for a core; CPU time is not."""
    samples: list[list[tuple[float, float]]] = [[] for _ in trees]
    for _ in range(runs):
        for tree, taken in zip(trees, samples):
            taken.append(run_once(command, env, tree))
    return [(statistics.median(t for t, _ in taken), statistics.median(c for _, c in taken)) for taken in samples]


def byte_compile(tree: Path) -> None:
    folders = [str(tree / name) for name in ("awslab", "labs", "solutions") if (tree / name).is_dir()]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], stdout=subprocess.DEVNULL, env=env,
                   check=True)


def per_request(label: str, make_call, count: int) -> float:
    make_call()  # warm up: first calls load models and moto backends
    started = time.perf_counter()
    for _ in range(count):
        make_call()
    cost = (time.perf_counter() - started) / (3 * count) * 1000  # each round is three requests
    print(f"  {label:<44} {cost:7.2f} ms/request")
    return cost


def request_overheads(count: int) -> None:
    import boto3
    from moto import mock_aws

    from awslab.local_aws import LocalAWS
    from awslab.safety import FAKE_SECRET, LEARNER_ACCESS_KEY

    # Calls that leave the emulator's state the same size: a growing queue would make moto's own
    # per-message work dominate the figures.
    def calls(sqs, s3, ddb, url):
        return lambda: (sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"]),
                        s3.put_object(Bucket="bench-bucket", Key="k", Body=b"x"),
                        ddb.put_item(TableName="bench", Item={"pk": {"S": "k"}, "n": {"N": "1"}}))

    def setup(sqs, s3, ddb):
        s3.create_bucket(Bucket="bench-bucket")
        ddb.create_table(TableName="bench", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        return sqs.create_queue(QueueName="bench")["QueueUrl"]

    print(f"\nPer-request cost ({count} rounds of SQS GetQueueAttributes + S3 PutObject + DynamoDB PutItem):")
    with mock_aws():
        clients = [boto3.client(s, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
                   for s in ("sqs", "s3", "dynamodb")]
        direct = per_request("moto directly (mock_aws, in-process)", calls(*clients, setup(*clients)), count)
    with LocalAWS("moto") as aws:
        clients = [aws.client(s) for s in ("sqs", "s3", "dynamodb")]
        url = setup(*clients)
        grader = per_request("awslab gateway, grader client (in-process)", calls(*clients, url), count)
        behaviours = list(aws.gateway.behaviours)
        aws.gateway.behaviours.clear()
        per_request("  the same, no behaviours (the wire alone)", calls(*clients, url), count)
        aws.gateway.behaviours.extend(behaviours)
        http = [boto3.client(s, endpoint_url=aws.endpoint_url, region_name="us-east-1",
                             aws_access_key_id=LEARNER_ACCESS_KEY, aws_secret_access_key=FAKE_SECRET)
                for s in ("sqs", "s3", "dynamodb")]
        learner = per_request("awslab gateway, learner client (loopback HTTP)", calls(*http, url), count)
    from awslab.backends import MotoServerBackend

    server = MotoServerBackend()
    server.start()
    try:
        http = [boto3.client(s, endpoint_url=server.url, region_name="us-east-1", aws_access_key_id="x",
                             aws_secret_access_key="x") for s in ("sqs", "s3", "dynamodb")]
        over_http = per_request("moto server directly (loopback HTTP, no gateway)", calls(*http, setup(*http)), count)
    finally:
        server.stop()
    print(f"  gateway overhead: in-process {100 * (grader / direct - 1):+.0f}% vs moto in-process; "
          f"over HTTP {100 * (learner / over_http - 1):+.0f}% vs moto's own server over HTTP")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("labs", nargs="*", help="labs to time (default: every lab)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--skip-requests", action="store_true", help="only the whole-process check figures")
    parser.add_argument("--requests-only", action="store_true", help="only the per-request figures")
    parser.add_argument("--baseline", type=Path, metavar="TREE",
                        help="another awslab checkout to time beside this one (e.g. main before a change)")
    args = parser.parse_args()
    if args.baseline is not None and not (args.baseline / "awslab" / "__init__.py").is_file():
        parser.error(f"--baseline {args.baseline}: not an awslab checkout (no awslab/__init__.py there)")
    if args.requests_only:
        request_overheads_of_both(args)
        return
    from awslab.grading import all_labs

    labs = args.labs or [lab.id for lab in all_labs()]
    trees = (ROOT,) if args.baseline is None else (args.baseline.resolve(), ROOT)
    for tree in trees:
        byte_compile(tree)
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    (floor, floor_cpu), = wall([sys.executable, "-c", "import boto3, moto"], args.runs, env)
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; median of {args.runs} runs; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"  floor: python -c 'import boto3, moto'      {floor:6.2f} s wall, CPU {floor_cpu:5.2f} s")
    if args.baseline is not None:
        print(f"  each lab: first the baseline ({trees[0]}), then this checkout")
    for lab in labs:
        command = [sys.executable, "-m", "awslab", "check", lab, "--solution", "--format", "json"]
        run_once(command, env, trees[-1])  # warm the page cache for this lab's models and files
        figures = wall(command, args.runs, env, trees)
        for (seconds, cpu), tree in zip(figures, trees):
            label = "  baseline" if tree != ROOT else ""
            print(f"  awslab check {lab:<20} --solution {seconds:6.2f} s  ({seconds / floor:.1f}x the floor; aim: 3x)"
                  f"  CPU {cpu:5.2f} s ({cpu / floor_cpu:.1f}x){label}")
        if len(figures) == 2:
            (before, before_cpu), (after, after_cpu) = figures
            print(f"    {'':<20} now {after / before:.2f}x the baseline's wall time, {after_cpu / before_cpu:.2f}x its CPU")
    if not args.skip_requests:
        request_overheads_of_both(args)


def request_overheads_of_both(args: argparse.Namespace) -> None:
    """This checkout's per-request figures, then (with --baseline) the baseline's, by this script."""
    request_overheads(args.requests)
    if args.baseline is not None:
        print(f"\nBaseline: {args.baseline.resolve()}")
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--requests-only", "--requests",
                        str(args.requests)], env={**os.environ, "PYTHONPATH": str(args.baseline.resolve())},
                       cwd=args.baseline, check=False)


if __name__ == "__main__":
    main()

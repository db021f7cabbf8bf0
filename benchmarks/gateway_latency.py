"""Per-request latency through awslab's gateway vs plain moto server, for SQS, S3 and DynamoDB.

Starts, in one run, a plain `moto_server` and `awslab serve --backend moto-server` (the gateway and
every behaviour in front of awslab's own moto server), each in its own process on a loopback port,
then times the same requests against both from this process with kept-alive boto3 clients, and
prints the median per request and the ratio gateway / plain.

    python benchmarks/gateway_latency.py [--requests 200] [--backend moto-server|moto]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time

import boto3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command: list[str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"error: {' '.join(command)} exited with {process.returncode}") from None
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"error: nothing listens on port {port} after 60 s")


def client(endpoint: str, service: str):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def workloads(endpoint: str):
    """(name, setup-free request) pairs: each call is one request."""
    sqs = client(endpoint, "sqs")
    queue = sqs.create_queue(QueueName="latency")["QueueUrl"]
    s3 = client(endpoint, "s3")
    s3.create_bucket(Bucket="latency")
    s3.put_object(Bucket="latency", Key="k", Body=b"x" * 1024)
    ddb = client(endpoint, "dynamodb")
    ddb.create_table(TableName="latency", BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    counter = iter(range(10**9))
    return {
        "sqs SendMessage": lambda: sqs.send_message(QueueUrl=queue, MessageBody="hello"),
        "sqs ReceiveMessage": lambda: sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1),
        "s3 PutObject": lambda: s3.put_object(Bucket="latency", Key=f"k{next(counter) % 50}", Body=b"x" * 1024),
        "s3 GetObject": lambda: s3.get_object(Bucket="latency", Key="k")["Body"].read(),
        "dynamodb PutItem": lambda: ddb.put_item(TableName="latency", Item={"pk": {"S": f"p{next(counter) % 50}"}, "v": {"S": "x" * 100}}),
        "dynamodb GetItem": lambda: ddb.get_item(TableName="latency", Key={"pk": {"S": "p1"}}),
    }


def median_ms(request, count: int) -> float:
    for _ in range(10):  # warm the connection and moto's code paths
        request()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        request()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per operation and target")
    parser.add_argument("--backend", default="moto-server", choices=["moto-server", "moto"],
                        help="the backend behind awslab serve")
    args = parser.parse_args()
    plain_port, served_port = free_port(), free_port()
    plain = start([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(plain_port)], plain_port)
    served = start([sys.executable, "-m", "awslab", "serve", "--backend", args.backend, "--port", str(served_port)], served_port)
    try:
        plain_work = workloads(f"http://127.0.0.1:{plain_port}")
        served_work = workloads(f"http://127.0.0.1:{served_port}")
        print(f"median per request, {args.requests} requests each; gateway = awslab serve --backend {args.backend}")
        print(f"{'operation':22} {'plain moto':>11} {'gateway':>9} {'ratio':>7}")
        per_service: dict[str, list[float]] = {}
        for name in plain_work:
            a = median_ms(plain_work[name], args.requests)
            b = median_ms(served_work[name], args.requests)
            per_service.setdefault(name.split()[0], []).append(b / a)
            print(f"{name:22} {a:9.2f}ms {b:7.2f}ms {b / a:6.2f}x")
        print("per service (geometric mean of its operations): " + ", ".join(
            f"{s} x{statistics.geometric_mean(r):.2f}" for s, r in per_service.items()))
    finally:
        for process in (plain, served):
            process.terminate()
            process.wait(timeout=20)


if __name__ == "__main__":
    main()

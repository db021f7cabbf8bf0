"""Benchmark of IAM enforcement in the gateway (issue 6): the per-request overhead.

The same calls, signed by an IAM user with an inline policy, a managed policy, a group policy and a
bucket policy, with settings["iam_enforcement"] off and on. Enforcement resolves the key and loads
the policies once (cached per scenario); the steady-state cost is the mapping to an IAM action,
awslab.models.iam's evaluation and the request-log note. The first enforced call (cold cache) is reported
apart.

    .venv/bin/python benchmarks/iam_enforcement.py [--backend moto] [--requests 400]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from awslab.local_aws import LocalAWS


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def scenario(aws: LocalAWS):
    iam, s3 = aws.client("iam"), aws.client("s3")
    s3.create_bucket(Bucket="bench-data")
    s3.put_bucket_policy(Bucket="bench-data", Policy=doc(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{aws.account_id}:user/auditor"},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bench-data/*",
         "Condition": {"Bool": {"aws:SecureTransport": "true"}}}))
    # (An Allow: moto's own bucket-policy check ignores conditions, so a conditional Deny would
    # refuse every upload with enforcement off; with it on, awslab decides instead.)
    iam.create_user(UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="home", PolicyDocument=doc(
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
         "Resource": "arn:aws:s3:::bench-data/home/${aws:username}/*"}))
    arn = iam.create_policy(PolicyName="list", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bench-data",
         "Condition": {"StringLike": {"s3:prefix": "home/${aws:username}/*"}}}))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="alice", PolicyArn=arn)
    iam.create_group(GroupName="devs")
    iam.put_group_policy(GroupName="devs", PolicyName="none", PolicyDocument=doc(
        {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}))
    iam.add_user_to_group(GroupName="devs", UserName="alice")
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    return aws.client_as("s3", key["AccessKeyId"], key["SecretAccessKey"])


def one_round(s3) -> None:
    s3.put_object(Bucket="bench-data", Key="home/alice/a.txt", Body=b"x", ServerSideEncryption="AES256")
    s3.get_object(Bucket="bench-data", Key="home/alice/a.txt")["Body"].read()
    s3.list_objects_v2(Bucket="bench-data", Prefix="home/alice/")


def measure(aws: LocalAWS, requests: int, enforced: bool) -> tuple[float, float]:
    aws.reset()
    aws.settings.clear()
    aws.settings["iam_enforcement"] = enforced
    s3 = scenario(aws)
    started = time.perf_counter()
    one_round(s3)  # the first round: key resolution and policy loading when enforced
    cold = (time.perf_counter() - started) / 3
    rounds = max(1, requests // 3)
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(rounds // 5 or 1):
            one_round(s3)
        samples.append((time.perf_counter() - started) / ((rounds // 5 or 1) * 3))
    aws.settings.clear()
    return statistics.median(samples), cold


def decision_time(aws: LocalAWS, requests: int) -> float:
    """Time spent inside the behaviour's decision (mapping, evaluation, log note) per request."""
    aws.reset()
    aws.settings.clear()
    aws.settings["iam_enforcement"] = True
    s3 = scenario(aws)
    one_round(s3)
    behaviour = aws.gateway.behaviour("iam_enforcement")
    spent = [0.0, 0]
    original = behaviour._authorize

    def timed(*args):
        started = time.perf_counter()
        try:
            return original(*args)
        finally:
            spent[0] += time.perf_counter() - started
            spent[1] += 1

    behaviour._authorize = timed
    try:
        for _ in range(max(1, requests // 3)):
            one_round(s3)
    finally:
        behaviour._authorize = original
        aws.settings.clear()
    return spent[0] / spent[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="moto")
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    with LocalAWS(args.backend) as aws:
        measure(aws, 30, False)  # warm up botocore and moto
        off, _ = measure(aws, args.requests, False)
        on, cold = measure(aws, args.requests, True)
        off2, _ = measure(aws, args.requests, False)
        inside = decision_time(aws, args.requests)
    base = min(off, off2)
    print(f"IAM enforcement overhead ({args.backend}, S3 Put/Get/List by an IAM user, {args.requests} requests each):")
    print(f"  enforcement off: {base * 1000:.2f} ms per request")
    print(f"  enforcement on:  {on * 1000:.2f} ms per request (+{(on - base) * 1000:.2f} ms, "
          f"{(on / base - 1) * 100:+.0f}%)")
    print(f"  time inside the enforcement decision: {inside * 1000:.2f} ms per request")
    print(f"  first enforced round (key resolved, policies loaded): {cold * 1000:.1f} ms per request")


if __name__ == "__main__":
    main()

"""Decisions per second of awslab.models.iam.evaluate on one core.

A realistic request (an IAM user reading an S3 object, with the usual context keys) against
5 identity policies of 5 statements each, every statement with conditions. The policies are
passed as dicts, as the gateway passes them (compiled once, then served from the cache), then
as `parse_policy` results.

    python benchmarks/iam_bench.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import time

from awslab.models.iam import Request, evaluate, parse_policy

ACCOUNT = "111122223333"


def policies() -> list[dict]:
    out = []
    for p in range(5):
        statements = [
            {
                "Sid": f"ReadOwnPrefix{p}",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:GetObjectVersion"],
                "Resource": f"arn:aws:s3:::bucket-{p}/home/${{aws:username}}/*",
                "Condition": {"Bool": {"aws:SecureTransport": "true"}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            },
            {
                "Sid": f"ListOwnPrefix{p}",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::bucket-{p}",
                "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*", "shared/*"]}},
            },
            {
                "Sid": f"WriteEncrypted{p}",
                "Effect": "Allow",
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::bucket-{p}/*",
                "Condition": {"StringEquals": {"s3:x-amz-server-side-encryption": ["AES256", "aws:kms"]}},
            },
            {
                "Sid": f"DenyOutsideRegion{p}",
                "Effect": "Deny",
                "NotAction": ["iam:*", "sts:*"],
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}},
            },
            {
                "Sid": f"MfaForDelete{p}",
                "Effect": "Deny",
                "Action": "s3:Delete*",
                "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
            },
        ]
        out.append({"Version": "2012-10-17", "Id": f"policy-{p}", "Statement": statements})
    return out


def request() -> Request:
    return Request(
        action="s3:GetObject",
        resource="arn:aws:s3:::bucket-3/home/alice/report.csv",
        principal=f"arn:aws:iam::{ACCOUNT}:user/alice",
        context={
            "aws:SourceIp": "203.0.113.7",
            "aws:SecureTransport": "true",
            "aws:MultiFactorAuthPresent": "true",
            "aws:RequestedRegion": "eu-west-1",
            "aws:CurrentTime": "2026-05-01T12:00:00Z",
            "aws:userid": "AIDAEXAMPLE",
        },
    )


def run(seconds: float, compiled: bool = False) -> float:
    docs, req = policies(), request()
    if compiled:
        docs = [parse_policy(d) for d in docs]
    assert evaluate(req, identity_policies=docs).decision == "Allowed"
    count, start = 0, time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(500):
            evaluate(req, identity_policies=docs)
        count += 500
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    rate = run(args.seconds)
    print(f"awslab.models.iam.evaluate: {rate:,.0f} decisions/s (5 policies x 5 statements with conditions, one core)")
    rate = run(args.seconds, compiled=True)
    print(f"awslab.models.iam.evaluate: {rate:,.0f} decisions/s with policies compiled once by parse_policy")


if __name__ == "__main__":
    main()

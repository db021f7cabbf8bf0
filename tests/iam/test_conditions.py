"""One row per condition operator (and its type-mismatch behaviour), IfExists, Null and set operators."""

from __future__ import annotations

import base64

import pytest

from awslab.models.iam import OPERATORS, Request, evaluate

from .conftest import ALICE, OBJECT, allow

MISSING = object()
B64 = base64.b64encode(b"secret").decode()

# (operator, key, policy value(s), request value or MISSING, condition holds?)
ROWS = [
    ("StringEquals", "aws:username", "alice", "alice", True),
    ("StringEquals", "aws:username", "alice", "Alice", False),
    ("StringEquals", "aws:username", ["bob", "alice"], "alice", True),
    ("StringEquals", "s3:x", "a*", "abc", False),
    ("StringEquals", "s3:x", "true", True, True),
    ("StringEquals", "s3:x", "5", 5, True),
    ("StringEquals", "s3:x", "a", MISSING, False),
    ("StringNotEquals", "s3:x", "a", "b", True),
    ("StringNotEquals", "s3:x", ["a", "b"], "b", False),
    ("StringNotEquals", "s3:x", "a", MISSING, True),
    ("StringEqualsIgnoreCase", "s3:x", "ALICE", "alice", True),
    ("StringNotEqualsIgnoreCase", "s3:x", "ALICE", "alice", False),
    ("StringNotEqualsIgnoreCase", "s3:x", "ALICE", "bob", True),
    ("StringLike", "s3:prefix", "home/*", "home/alice/x", True),
    ("StringLike", "s3:prefix", "home/?", "home/ab", False),
    ("StringLike", "s3:prefix", "home/??", "home/ab", True),
    ("StringLike", "s3:prefix", "Home/*", "home/a", False),
    ("StringNotLike", "s3:prefix", "home/*", "tmp/x", True),
    ("StringNotLike", "s3:prefix", ["home/*", "tmp/*"], "tmp/x", False),
    ("StringNotLike", "s3:prefix", "home/*", MISSING, True),
    ("NumericEquals", "s3:max-keys", "10", "10", True),
    ("NumericEquals", "s3:max-keys", "10", 10.0, True),
    ("NumericEquals", "s3:max-keys", "10", "ten", False),  # type mismatch
    ("NumericNotEquals", "s3:max-keys", "10", "11", True),
    ("NumericNotEquals", "s3:max-keys", "10", "ten", False),  # a mismatch matches neither
    ("NumericNotEquals", "s3:max-keys", "10", MISSING, True),
    ("NumericLessThan", "s3:max-keys", "10", "9", True),
    ("NumericLessThan", "s3:max-keys", "10", "10", False),
    ("NumericLessThanEquals", "s3:max-keys", "10", "10", True),
    ("NumericGreaterThan", "s3:max-keys", "10", "10.5", True),
    ("NumericGreaterThan", "s3:max-keys", "10", True, False),  # a boolean is not a number
    ("NumericGreaterThanEquals", "s3:max-keys", "10", "10", True),
    ("NumericGreaterThanEquals", "s3:max-keys", "10", MISSING, False),
    ("DateEquals", "aws:CurrentTime", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", True),
    ("DateEquals", "aws:CurrentTime", "2026-01-01T00:00:00Z", "2026-01-01T01:00:00+01:00", True),
    ("DateEquals", "aws:EpochTime", "1767225600", "2026-01-01T00:00:00Z", True),
    ("DateNotEquals", "aws:CurrentTime", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", True),
    ("DateNotEquals", "aws:CurrentTime", "2026-01-01T00:00:00Z", "yesterday", False),  # type mismatch
    ("DateLessThan", "aws:CurrentTime", "2026-01-01T00:00:00Z", "2025-12-31T23:59:59Z", True),
    ("DateLessThan", "aws:CurrentTime", "2026-01-01", "2026-01-01T00:00:01Z", False),
    ("DateLessThanEquals", "aws:CurrentTime", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", True),
    ("DateGreaterThan", "aws:CurrentTime", "2026-01-01T00:00:00Z", 1767225601, True),
    ("DateGreaterThan", "aws:CurrentTime", "2026-01-01T00:00:00Z", "not a date", False),
    ("DateGreaterThanEquals", "aws:CurrentTime", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", True),
    ("Bool", "aws:SecureTransport", "true", "true", True),
    ("Bool", "aws:SecureTransport", "true", True, True),
    ("Bool", "aws:SecureTransport", "true", "TRUE", True),
    ("Bool", "aws:SecureTransport", "false", "true", False),
    ("Bool", "aws:SecureTransport", "true", "yes", False),  # type mismatch
    ("Bool", "aws:SecureTransport", "false", MISSING, False),
    ("Bool", "aws:SecureTransport", False, "false", True),
    ("BinaryEquals", "s3:key", B64, b"secret", True),
    ("BinaryEquals", "s3:key", B64, B64, True),
    ("BinaryEquals", "s3:key", B64, b"other", False),
    ("BinaryEquals", "s3:key", B64, "not base64!", False),  # type mismatch
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24", "203.0.113.7", True),
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24", "198.51.100.1", False),
    ("IpAddress", "aws:SourceIp", "203.0.113.7", "203.0.113.7", True),
    ("IpAddress", "aws:SourceIp", "2001:db8::/32", "2001:db8::1", True),
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24", "2001:db8::1", False),
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24", "localhost", False),  # type mismatch
    ("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", "198.51.100.1", True),
    ("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", "203.0.113.9", False),
    ("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", "localhost", False),  # type mismatch
    ("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", MISSING, True),
    ("ArnEquals", "aws:SourceArn", "arn:aws:sns:eu-west-1:111122223333:topic", "arn:aws:sns:eu-west-1:111122223333:topic", True),
    ("ArnEquals", "aws:SourceArn", "arn:aws:sns:eu-west-1:111122223333:topic", "arn:aws:sns:eu-west-1:111122223333:other", False),
    ("ArnLike", "aws:SourceArn", "arn:aws:sns:*:111122223333:*", "arn:aws:sns:eu-west-1:111122223333:topic", True),
    ("ArnLike", "aws:SourceArn", "arn:aws:sns:*:111122223333:*", "arn:aws:sqs:eu-west-1:111122223333:q", False),
    ("ArnLike", "aws:SourceArn", "arn:aws:s3:::bucket*", "arn:aws:s3:::bucket/x", True),
    ("ArnLike", "aws:SourceArn", "arn:aws:*:111122223333:*", "arn:aws:sns:eu-west-1:111122223333:t", False),  # * stays in one segment
    ("ArnLike", "aws:SourceArn", "arn:aws:sns:*", "topic", False),  # type mismatch: not an ARN
    ("ArnNotEquals", "aws:SourceArn", "arn:aws:sns:eu-west-1:111122223333:topic", "arn:aws:sns:eu-west-1:111122223333:other", True),
    ("ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:111122223333:*", "arn:aws:sns:eu-west-1:444455556666:t", True),
    ("ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:111122223333:*", "arn:aws:sns:eu-west-1:111122223333:t", False),
    ("ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:111122223333:*", MISSING, True),
    ("Null", "aws:TokenIssueTime", "true", MISSING, True),
    ("Null", "aws:TokenIssueTime", "true", "2026-01-01T00:00:00Z", False),
    ("Null", "aws:TokenIssueTime", "false", "2026-01-01T00:00:00Z", True),
    ("Null", "aws:TokenIssueTime", "false", MISSING, False),
    ("Null", "aws:TagKeys", "true", [], True),
    ("StringEqualsIfExists", "s3:x", "a", MISSING, True),
    ("StringEqualsIfExists", "s3:x", "a", "b", False),
    ("StringEqualsIfExists", "s3:x", "a", "a", True),
    ("NumericLessThanIfExists", "s3:max-keys", "10", MISSING, True),
    ("NumericLessThanIfExists", "s3:max-keys", "10", "20", False),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", "false", MISSING, True),
    ("IpAddressIfExists", "aws:SourceIp", "10.0.0.0/8", MISSING, True),
    ("ArnLikeIfExists", "aws:SourceArn", "arn:aws:sns:*:*:*", MISSING, True),
    ("DateLessThanIfExists", "aws:CurrentTime", "2030-01-01T00:00:00Z", "2031-01-01T00:00:00Z", False),
    ("BinaryEqualsIfExists", "s3:key", B64, MISSING, True),
    # set operators, multivalued keys
    ("ForAllValues:StringEquals", "aws:TagKeys", ["a", "b"], ["a"], True),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["a", "b"], ["a", "b"], True),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["a", "b"], ["a", "c"], False),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["a"], MISSING, True),  # missing key: true
    ("ForAllValues:StringEquals", "aws:TagKeys", ["a"], [], True),  # empty set: true
    ("ForAllValues:StringNotEquals", "aws:TagKeys", ["a"], ["b", "c"], True),
    ("ForAllValues:StringNotEquals", "aws:TagKeys", ["a"], ["a", "c"], False),
    ("ForAllValues:StringLike", "aws:TagKeys", ["env*"], ["env", "envx"], True),
    ("ForAllValues:NumericLessThan", "s3:sizes", "10", ["1", "two"], False),  # mismatch in the set
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["a", "b"], ["c", "b"], True),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["a", "b"], ["c", "d"], False),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["a"], MISSING, False),  # missing key: false
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["a"], [], False),  # empty set: false
    ("ForAnyValue:StringNotEquals", "aws:TagKeys", ["a"], ["a", "b"], True),
    ("ForAnyValue:StringNotEquals", "aws:TagKeys", ["a"], ["a"], False),
    ("ForAnyValue:StringEquals", "aws:username", ["alice"], "alice", True),  # a single value is a set of one
    ("ForAllValues:StringEqualsIfExists", "aws:TagKeys", ["a"], MISSING, True),
    ("ForAnyValue:StringEqualsIfExists", "aws:TagKeys", ["a"], MISSING, True),
    ("ForAnyValue:IpAddress", "s3:ips", "10.0.0.0/8", ["192.0.2.1", "10.1.1.1"], True),
    # single-valued operator on a multivalued key: any value (positive), none (negated)
    ("StringEquals", "aws:TagKeys", "a", ["a", "b"], True),
    ("StringNotEquals", "aws:TagKeys", "a", ["a", "b"], False),
    ("StringNotEquals", "aws:TagKeys", "a", ["b", "c"], True),
]


def _run(operator, key, values, request_value, extra_context=None):
    context = {} if request_value is MISSING else {key: request_value}
    context.update(extra_context or {})
    request = Request("s3:GetObject", OBJECT, ALICE, context=context)
    policy = allow(Condition={operator: {key: values}})
    return evaluate(request, identity_policies=[policy])


@pytest.mark.parametrize(
    "operator, key, values, request_value, holds",
    ROWS,
    ids=[f"{r[0]}-{r[2]}-{'missing' if r[3] is MISSING else r[3]!r}" for r in ROWS],
)
def test_condition_operator(operator, key, values, request_value, holds):
    decision = _run(operator, key, values, request_value)
    assert decision.allowed is holds, decision.explain()


def test_every_operator_in_the_table_has_a_row():
    covered = {row[0].split(":")[-1].removesuffix("IfExists") for row in ROWS}
    assert set(OPERATORS) <= covered


def test_condition_keys_are_case_insensitive():
    decision = _run("StringEquals", "AWS:SourceVpc", "vpc-1", MISSING, {"aws:sourcevpc": "vpc-1"})
    assert decision.allowed


def test_operator_names_are_case_insensitive():
    assert _run("stringequals", "s3:x", "a", "a").allowed


def test_several_keys_in_one_block_are_anded():
    policy = allow(Condition={"StringEquals": {"s3:a": "1", "s3:b": "2"}})
    one = Request("s3:GetObject", OBJECT, ALICE, context={"s3:a": "1", "s3:b": "3"})
    both = Request("s3:GetObject", OBJECT, ALICE, context={"s3:a": "1", "s3:b": "2"})
    assert not evaluate(one, identity_policies=[policy]).allowed
    assert evaluate(both, identity_policies=[policy]).allowed


def test_several_operators_are_anded():
    policy = allow(Condition={"StringEquals": {"s3:a": "1"}, "Bool": {"aws:SecureTransport": "true"}})
    request = Request("s3:GetObject", OBJECT, ALICE, context={"s3:a": "1", "aws:SecureTransport": "false"})
    assert not evaluate(request, identity_policies=[policy]).allowed


def test_deny_with_negated_operator_and_missing_key_denies():
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}},
    ]}
    decision = evaluate(Request("s3:GetObject", OBJECT, ALICE), identity_policies=[policy])
    assert decision.decision == "ExplicitlyDenied"


def test_current_time_comes_from_the_clock_when_not_given():
    assert _run("DateGreaterThan", "aws:CurrentTime", "2000-01-01T00:00:00Z", MISSING).allowed
    assert _run("NumericGreaterThan", "aws:EpochTime", "946684800", MISSING).allowed

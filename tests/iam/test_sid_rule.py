"""IAM stores an identity policy only if every Sid is letters and digits
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html): validate
says so; the policy still evaluates, and resource policies (S3, SQS, SNS) are not held to the rule."""

from __future__ import annotations

import pytest

from awslab.models.iam import validate

ALLOW = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}


@pytest.mark.parametrize("sid", ["home dir", "own-home", "own_home", "é"])
def test_validate_reports_an_identity_policy_sid_iam_refuses(sid):
    problems = validate({"Version": "2012-10-17", "Statement": [{**ALLOW, "Sid": sid}]}, "identity")
    assert len(problems) == 1 and "letters and digits only" in problems[0]


def test_an_alphanumeric_sid_is_fine():
    assert validate({"Version": "2012-10-17", "Statement": [{**ALLOW, "Sid": "OwnHome2"}]}, "identity") == []


def test_a_resource_policy_sid_may_hold_a_space():
    policy = {"Version": "2012-10-17", "Statement": [{**ALLOW, "Sid": "read all", "Principal": "*"}]}
    assert validate(policy, "resource") == []

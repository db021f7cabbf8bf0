"""IAM refuses changes to service-linked roles with UnmodifiableEntity, whatever the caller's policies
(https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

ADMIN = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": "*"}


def admin_iam(aws):
    iam = aws.client("iam")
    iam.create_user(UserName="admin")
    iam.put_user_policy(UserName="admin", PolicyName="admin", PolicyDocument=doc(*ADMIN))
    key = iam.create_access_key(UserName="admin")["AccessKey"]
    return aws.client_as("iam", key["AccessKeyId"], key["SecretAccessKey"], None)

ADMIN_POLICY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


@pytest.fixture
def aws(fresh_aws):
    fresh_aws.settings["iam_enforcement"] = True
    yield fresh_aws
    fresh_aws.settings.clear()


@pytest.fixture
def service_linked_role(aws) -> str:
    role = aws.client("iam").create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")["Role"]
    assert role["Path"].startswith("/aws-service-role/")
    return role["RoleName"]


@pytest.mark.parametrize("change", [
    lambda iam, name: iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=doc(allow("s3:*"))),
    lambda iam, name: iam.delete_role_policy(RoleName=name, PolicyName="p"),
    lambda iam, name: iam.attach_role_policy(RoleName=name, PolicyArn=ADMIN_POLICY),
    lambda iam, name: iam.update_assume_role_policy(RoleName=name, PolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"})),
    lambda iam, name: iam.delete_role(RoleName=name),
], ids=["PutRolePolicy", "DeleteRolePolicy", "AttachRolePolicy", "UpdateAssumeRolePolicy", "DeleteRole"])
def test_service_linked_role_change_is_refused_as_unmodifiable_even_for_an_admin(aws, service_linked_role, change):
    with pytest.raises(ClientError) as excinfo:
        change(admin_iam(aws), service_linked_role)
    error = excinfo.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == ("UnmodifiableEntity", 400)
    assert service_linked_role in error["Error"]["Message"]
    assert aws.client("iam").get_role(RoleName=service_linked_role)["Role"]


def test_ordinary_role_change_is_still_decided_by_policies(aws):
    aws.client("iam").create_role(RoleName="app", AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}))
    admin_iam(aws).put_role_policy(RoleName="app", PolicyName="p", PolicyDocument=doc(allow("s3:GetObject")))
    assert aws.client("iam").list_role_policies(RoleName="app")["PolicyNames"] == ["p"]


MANAGED_POLICY_CHANGES = [
    lambda iam: iam.create_policy_version(PolicyArn=ADMIN_POLICY, PolicyDocument=doc(allow("*")), SetAsDefault=True),
    lambda iam: iam.delete_policy(PolicyArn=ADMIN_POLICY),
    lambda iam: iam.delete_policy_version(PolicyArn=ADMIN_POLICY, VersionId="v1"),
    lambda iam: iam.set_default_policy_version(PolicyArn=ADMIN_POLICY, VersionId="v1"),
    lambda iam: iam.tag_policy(PolicyArn=ADMIN_POLICY, Tags=[{"Key": "k", "Value": "v"}]),
]
MANAGED_POLICY_CHANGE_IDS = ["CreatePolicyVersion", "DeletePolicy", "DeletePolicyVersion", "SetDefaultPolicyVersion",
                             "TagPolicy"]


@pytest.mark.parametrize("change", MANAGED_POLICY_CHANGES, ids=MANAGED_POLICY_CHANGE_IDS)
def test_aws_managed_policy_change_is_access_denied_even_for_an_admin(aws, change):
    """access_policies_managed-vs-inline.html: AWS managed policies cannot be changed. AWS answers AccessDenied
    (the policy is in AWS's account); moto answers NoSuchEntity (404)."""
    with pytest.raises(ClientError) as excinfo:
        change(admin_iam(aws))
    error = excinfo.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == ("AccessDenied", 403)
    assert ADMIN_POLICY in error["Error"]["Message"] and "user/admin" in error["Error"]["Message"]


@pytest.mark.parametrize("change", MANAGED_POLICY_CHANGES, ids=MANAGED_POLICY_CHANGE_IDS)
def test_aws_managed_policy_change_is_access_denied_without_enforcement_too(fresh_aws, change):
    with pytest.raises(ClientError) as excinfo:
        change(fresh_aws.client("iam"))
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied"

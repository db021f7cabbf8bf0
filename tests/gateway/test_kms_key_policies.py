"""KMS through the gateway: the key policy must allow the caller even in the key's own account; IAM policies
count only where the key policy delegates to the account root
(https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


ROOT_DELEGATES = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*",
                  "Resource": "*"}


@pytest.fixture
def aws(fresh_aws):
    fresh_aws.settings["iam_enforcement"] = True
    yield fresh_aws
    fresh_aws.settings.clear()


def user_kms(aws, name: str, *statements: dict):
    iam = aws.client("iam")
    try:
        iam.create_user(UserName=name)
    except iam.exceptions.EntityAlreadyExistsException:
        pass  # named by a key policy made first
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=doc(*statements))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return aws.client_as("kms", key["AccessKeyId"], key["SecretAccessKey"], None)


def key_with_policy(aws, *statements: dict) -> str:
    """A key with this policy. As on AWS, the principals it names must exist, and a policy that does
    not let its creator (here the account) change it needs BypassPolicyLockoutSafetyCheck."""
    iam = aws.client("iam")
    for statement in statements:
        arn = statement.get("Principal", {}).get("AWS", "")
        if ":user/" in arn:
            try:
                iam.create_user(UserName=arn.rsplit("/", 1)[-1])
            except iam.exceptions.EntityAlreadyExistsException:
                pass
    bypass = ROOT_DELEGATES not in statements
    return aws.client("kms").create_key(Policy=doc(*statements),
                                        BypassPolicyLockoutSafetyCheck=bypass)["KeyMetadata"]["Arn"]


def code_of(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def test_iam_policy_alone_is_not_enough_when_the_key_policy_does_not_delegate(aws):
    key = key_with_policy(aws, {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/keyadmin"},
                                "Action": "kms:*", "Resource": "*"})
    kms = user_kms(aws, "alice", allow("kms:*"))
    with pytest.raises(ClientError) as excinfo:
        kms.encrypt(KeyId=key, Plaintext=b"secret")
    assert code_of(excinfo) == "AccessDeniedException"


def test_iam_policy_counts_when_the_key_policy_delegates_to_the_account(aws):
    key = key_with_policy(aws, ROOT_DELEGATES)
    kms = user_kms(aws, "alice", allow(["kms:Encrypt", "kms:Decrypt"], key))
    blob = kms.encrypt(KeyId=key, Plaintext=b"secret")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"secret"


def test_key_policy_naming_the_user_allows_without_an_iam_policy(aws):
    key = key_with_policy(aws, ROOT_DELEGATES, {"Effect": "Allow", "Principal": {
        "AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"}, "Action": "kms:Encrypt", "Resource": "*"})
    kms = user_kms(aws, "alice", allow("s3:GetObject"))
    assert kms.encrypt(KeyId=key, Plaintext=b"x")["KeyId"] == key


def test_an_alias_is_authorized_as_its_key(aws):
    key = key_with_policy(aws, ROOT_DELEGATES)
    aws.client("kms").create_alias(AliasName="alias/app", TargetKeyId=key)
    other = key_with_policy(aws, ROOT_DELEGATES)
    kms = user_kms(aws, "alice", allow("kms:Encrypt", other))
    with pytest.raises(ClientError) as excinfo:
        kms.encrypt(KeyId="alias/app", Plaintext=b"x")
    assert code_of(excinfo) == "AccessDeniedException"
    assert key in excinfo.value.response["Error"]["Message"]


def test_decrypt_without_key_id_is_authorized_on_the_key_that_encrypted(aws):
    allowed = key_with_policy(aws, ROOT_DELEGATES)
    denied = key_with_policy(aws, ROOT_DELEGATES)
    blob = aws.client("kms").encrypt(KeyId=denied, Plaintext=b"x")["CiphertextBlob"]
    kms = user_kms(aws, "alice", allow("kms:Decrypt", allowed))
    with pytest.raises(ClientError) as excinfo:
        kms.decrypt(CiphertextBlob=blob)
    assert denied in excinfo.value.response["Error"]["Message"]


def test_key_policy_change_is_seen_at_once(aws):
    key = key_with_policy(aws, ROOT_DELEGATES)
    kms = user_kms(aws, "alice", allow("kms:Encrypt", key))
    kms.encrypt(KeyId=key, Plaintext=b"x")
    aws.client("iam").create_user(UserName="keyadmin")
    aws.client("kms").put_key_policy(KeyId=key, PolicyName="default", BypassPolicyLockoutSafetyCheck=True, Policy=doc(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/keyadmin"}, "Action": "kms:*",
         "Resource": "*"}))
    with pytest.raises(ClientError):
        kms.encrypt(KeyId=key, Plaintext=b"x")


def test_encryption_context_condition_is_checked_on_encrypt(aws):
    key = key_with_policy(aws, ROOT_DELEGATES)
    kms = user_kms(aws, "alice", allow("kms:Encrypt", key, Condition={
        "StringEquals": {"kms:EncryptionContext:project": "apollo"}}))
    kms.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext={"project": "apollo"})
    with pytest.raises(ClientError) as excinfo:
        kms.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext={"project": "gemini"})
    assert code_of(excinfo) == "AccessDeniedException"


# -- aliases: on the alias and on each key they name (alias-access.html) ------------------------------
def test_create_alias_needs_the_key_policy_of_its_target_key(aws):
    key = key_with_policy(aws, {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/keyadmin"},
                                "Action": "kms:*", "Resource": "*"})
    kms = user_kms(aws, "alice", allow("kms:CreateAlias"))
    with pytest.raises(ClientError) as excinfo:
        kms.create_alias(AliasName="alias/orders", TargetKeyId=key)
    assert code_of(excinfo) == "AccessDeniedException"


def test_create_alias_needs_permission_on_the_alias_itself(aws):
    key = key_with_policy(aws, ROOT_DELEGATES)
    alias_arn = f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/orders"
    kms = user_kms(aws, "alice", allow("kms:CreateAlias", key))
    with pytest.raises(ClientError) as excinfo:
        kms.create_alias(AliasName="alias/orders", TargetKeyId=key)
    assert code_of(excinfo) == "AccessDeniedException"
    assert alias_arn in excinfo.value.response["Error"]["Message"]
    allowed = user_kms(aws, "bob", allow("kms:CreateAlias", [key, alias_arn]))
    allowed.create_alias(AliasName="alias/orders", TargetKeyId=key)


def test_delete_alias_needs_the_key_policy_of_the_key_it_names(aws):
    key = key_with_policy(aws, {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/keyadmin"},
                                "Action": "kms:*", "Resource": "*"})
    aws.client("kms").create_alias(AliasName="alias/orders", TargetKeyId=key)
    kms = user_kms(aws, "alice", allow("kms:DeleteAlias"))
    with pytest.raises(ClientError) as excinfo:
        kms.delete_alias(AliasName="alias/orders")
    assert code_of(excinfo) == "AccessDeniedException"


def test_list_aliases_is_decided_by_the_identity_policy_alone(aws):
    key_with_policy(aws, {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/keyadmin"},
                          "Action": "kms:*", "Resource": "*"})
    assert "Aliases" in user_kms(aws, "alice", allow("kms:ListAliases")).list_aliases()

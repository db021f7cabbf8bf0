"""KMS rules moto does not apply, simulated in the gateway:

- the key policy lockout safety check on CreateKey and PutKeyPolicy
  (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html, BypassPolicyLockoutSafetyCheck);
- principals in a key policy must exist (API_CreateKey.html, Policy);
- ReEncrypt needs kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the destination
  (https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html, "Required permissions");
- Decrypt without KeyId is authorized on the key that encrypted, also when an encryption context was
  used (https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html).
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal: str, action="kms:*", **extra) -> dict:
    return {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": action, "Resource": "*", **extra}


def code_of(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


@pytest.fixture
def aws(fresh_aws):
    yield fresh_aws
    fresh_aws.settings.clear()


def role(aws, name: str) -> str:
    trust = doc({"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "sts:AssumeRole"})
    return aws.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]


def session(aws, role_arn: str, service: str = "kms"):
    creds = aws.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="grader-test")["Credentials"]
    return aws.client_as(service, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


def test_create_key_refuses_a_policy_that_locks_out_its_creator(aws):
    admin = role(aws, "keyadmin")
    with pytest.raises(ClientError) as excinfo:
        aws.client("kms").create_key(Policy=doc(allow(admin)))
    assert code_of(excinfo) == "MalformedPolicyDocumentException"
    assert "will not allow you to update the key policy" in excinfo.value.response["Error"]["Message"]


def test_create_key_accepts_a_policy_that_keeps_the_account(aws):
    admin = role(aws, "keyadmin")
    key = aws.client("kms").create_key(Policy=doc(allow(ROOT), allow(admin)))["KeyMetadata"]
    assert key["Enabled"]


def test_create_key_accepts_the_account_id_as_principal(aws):
    aws.client("kms").create_key(Policy=doc(allow(ACCOUNT)))


def test_bypass_flag_lets_a_locking_policy_through(aws):
    admin = role(aws, "keyadmin")
    aws.client("kms").create_key(Policy=doc(allow(admin)), BypassPolicyLockoutSafetyCheck=True)


def test_put_key_policy_refuses_a_policy_that_locks_out_the_caller(aws):
    admin = role(aws, "keyadmin")
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as excinfo:
        kms.put_key_policy(KeyId=key, PolicyName="default", Policy=doc(allow(admin, "kms:Decrypt")))
    assert code_of(excinfo) == "MalformedPolicyDocumentException"
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=doc(allow(admin, "kms:Decrypt")),
                       BypassPolicyLockoutSafetyCheck=True)


def test_a_policy_allowing_only_decrypt_to_the_account_locks_it_out(aws):
    with pytest.raises(ClientError) as excinfo:
        aws.client("kms").create_key(Policy=doc(allow(ROOT, ["kms:Encrypt", "kms:Decrypt"])))
    assert code_of(excinfo) == "MalformedPolicyDocumentException"


def test_a_role_session_must_keep_itself_able_to_put_the_policy(aws):
    aws.settings["iam_enforcement"] = True
    admin = role(aws, "keyadmin")
    aws.client("iam").put_role_policy(RoleName="keyadmin", PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}))
    kms = session(aws, admin)
    with pytest.raises(ClientError) as excinfo:
        kms.create_key(Policy=doc(allow(ROOT, "kms:Decrypt")))
    assert code_of(excinfo) == "MalformedPolicyDocumentException"
    kms.create_key(Policy=doc(allow(ROOT)))  # delegates to the account, and the role's IAM policy allows
    kms.create_key(Policy=doc(allow(admin, ["kms:PutKeyPolicy", "kms:Describe*"])))


def test_create_key_refuses_a_principal_that_does_not_exist(aws):
    with pytest.raises(ClientError) as excinfo:
        aws.client("kms").create_key(Policy=doc(allow(ROOT), allow(f"arn:aws:iam::{ACCOUNT}:role/nobody")))
    assert code_of(excinfo) == "MalformedPolicyDocumentException"
    assert "invalid principals" in excinfo.value.response["Error"]["Message"]


def test_principals_of_other_accounts_are_accepted(aws):
    aws.client("kms").create_key(Policy=doc(allow(ROOT), allow("arn:aws:iam::210987654321:role/reader")))


def test_decrypt_with_encryption_context_is_authorized_on_its_key(aws):
    aws.settings["iam_enforcement"] = True
    app = role(aws, "app")
    kms = aws.client("kms")
    key = kms.create_key(Policy=doc(allow(ROOT)))["KeyMetadata"]["Arn"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext={"tenant": "acme"})["CiphertextBlob"]
    with pytest.raises(ClientError) as excinfo:  # no statement names the app role, no IAM policy
        session(aws, app).decrypt(CiphertextBlob=blob, EncryptionContext={"tenant": "acme"})
    assert code_of(excinfo) == "AccessDeniedException"
    assert key in excinfo.value.response["Error"]["Message"]


def test_decrypt_with_encryption_context_follows_the_key_policy_condition(aws):
    aws.settings["iam_enforcement"] = True
    app = role(aws, "app")
    kms = aws.client("kms")
    key = kms.create_key(Policy=doc(allow(ROOT), allow(app, ["kms:Decrypt", "kms:GenerateDataKey"], Condition={
        "StringEquals": {"kms:EncryptionContext:tenant": "acme"}})))["KeyMetadata"]["Arn"]
    app_kms = session(aws, app)
    data_key = app_kms.generate_data_key(KeyId=key, KeySpec="AES_256", EncryptionContext={"tenant": "acme"})
    plain = app_kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"], EncryptionContext={"tenant": "acme"})
    assert plain["Plaintext"] == data_key["Plaintext"]
    with pytest.raises(ClientError) as excinfo:
        app_kms.generate_data_key(KeyId=key, KeySpec="AES_256")
    assert code_of(excinfo) == "AccessDeniedException"


def test_reencrypt_needs_reencrypt_from_and_reencrypt_to(aws):
    aws.settings["iam_enforcement"] = True
    app = role(aws, "app")
    kms = aws.client("kms")
    source = kms.create_key(Policy=doc(allow(ROOT), allow(app, "kms:ReEncryptFrom")))["KeyMetadata"]["Arn"]
    only_from = kms.create_key(Policy=doc(allow(ROOT)))["KeyMetadata"]["Arn"]
    target = kms.create_key(Policy=doc(allow(ROOT), allow(app, "kms:ReEncryptTo")))["KeyMetadata"]["Arn"]
    blob = kms.encrypt(KeyId=source, Plaintext=b"x")["CiphertextBlob"]
    app_kms = session(aws, app)
    with pytest.raises(ClientError) as excinfo:
        app_kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=only_from)
    assert "kms:ReEncryptTo" in excinfo.value.response["Error"]["Message"]
    moved = app_kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=target)
    assert moved["KeyId"] == target
    other = kms.encrypt(KeyId=only_from, Plaintext=b"x")["CiphertextBlob"]
    with pytest.raises(ClientError) as excinfo:
        app_kms.re_encrypt(CiphertextBlob=other, DestinationKeyId=target)
    assert "kms:ReEncryptFrom" in excinfo.value.response["Error"]["Message"]


def test_a_key_made_without_key_usage_is_for_encryption(aws):
    """API_CreateKey.html, KeyUsage: "Default: ENCRYPT_DECRYPT" (moto answered null)."""
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]
    assert key["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyUsage"] == "ENCRYPT_DECRYPT"
    signing = kms.create_key(KeyUsage="SIGN_VERIFY", KeySpec="ECC_NIST_P256")["KeyMetadata"]
    assert signing["KeyUsage"] == "SIGN_VERIFY"


def test_reencrypt_without_source_key_id_names_the_key_that_made_the_ciphertext(aws):
    """API_ReEncrypt.html: SourceKeyId is optional for a symmetric ciphertext (LocalStack 4.14 failed
    without it); the log keeps the call as the caller sent it."""
    kms = aws.client("kms")
    source = kms.create_key()["KeyMetadata"]["Arn"]
    target = kms.create_key()["KeyMetadata"]["Arn"]
    blob = kms.encrypt(KeyId=source, Plaintext=b"x", EncryptionContext={"t": "1"})["CiphertextBlob"]
    mark = aws.log.mark()
    moved = kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext={"t": "1"}, DestinationKeyId=target)
    assert moved["SourceKeyId"] == source and moved["KeyId"] == target
    (logged,) = aws.log.calls("kms", "ReEncrypt", since=mark, source=None)
    assert "SourceKeyId" not in logged.params

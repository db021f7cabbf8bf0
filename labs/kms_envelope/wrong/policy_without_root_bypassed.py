"""Wrong answer: the same policy without the account statement, forced through with
BypassPolicyLockoutSafetyCheck: the key is made, and the account can never change its policy."""


def create_key(kms, admin_arn, app_role_arn):
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": admin_arn}, "Action": KEY_ADMINISTRATION, "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": app_role_arn},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
         "Condition": {"Null": {"kms:EncryptionContext:tenant": "false"}}}]}
    key_id = kms.create_key(Policy=json.dumps(policy), BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=ALIAS, TargetKeyId=key_id)
    return key_id

"""Wrong answer: a key policy naming only the administrator and the application (no account statement):
KMS refuses it, because it would lock the account out of its own key."""


def create_key(kms, admin_arn, app_role_arn):
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": admin_arn}, "Action": KEY_ADMINISTRATION, "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": app_role_arn},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
         "Condition": {"Null": {"kms:EncryptionContext:tenant": "false"}}}]}
    key_id = kms.create_key(Policy=json.dumps(policy))["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=ALIAS, TargetKeyId=key_id)
    return key_id

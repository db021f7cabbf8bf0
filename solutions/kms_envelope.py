"""Reference solution of kms_envelope."""

import json
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ALIAS = "alias/tenant-records"
KEY_ADMINISTRATION = [
    "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
    "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
    "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
]


def create_key(kms, admin_arn, app_role_arn):
    account = admin_arn.split(":")[4]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "EnableIAMUserPermissions", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "KeyAdministrators", "Effect": "Allow", "Principal": {"AWS": admin_arn},
             "Action": KEY_ADMINISTRATION, "Resource": "*"},
            {"Sid": "TenantApplication", "Effect": "Allow", "Principal": {"AWS": app_role_arn},
             "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
             "Condition": {"Null": {"kms:EncryptionContext:tenant": "false"}}},
        ],
    }
    key_id = kms.create_key(KeySpec="SYMMETRIC_DEFAULT", KeyUsage="ENCRYPT_DECRYPT", Policy=json.dumps(policy),
                            Description="tenant records")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=ALIAS, TargetKeyId=key_id)
    return key_id


def encrypt_record(kms, key_id, tenant, plaintext):
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext={"tenant": tenant})
    nonce = os.urandom(12)
    ciphertext = AESGCM(data_key["Plaintext"]).encrypt(nonce, plaintext, None)
    return {"ciphertext": ciphertext, "nonce": nonce, "encrypted_key": data_key["CiphertextBlob"]}


def decrypt_record(kms, record, tenant):
    key = kms.decrypt(CiphertextBlob=record["encrypted_key"], EncryptionContext={"tenant": tenant})["Plaintext"]
    return AESGCM(key).decrypt(record["nonce"], record["ciphertext"], None)


def rotate(kms, key_id):
    kms.enable_key_rotation(KeyId=key_id)


def reencrypt(kms, record, new_key_id, tenant):
    context = {"tenant": tenant}
    moved = kms.re_encrypt(CiphertextBlob=record["encrypted_key"], SourceEncryptionContext=context,
                           DestinationKeyId=new_key_id, DestinationEncryptionContext=context)
    return {**record, "encrypted_key": moved["CiphertextBlob"]}

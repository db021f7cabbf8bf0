"""kms_envelope: envelope encryption with KMS, tenants kept apart by the encryption context.

Read `awslab show kms_envelope` first. In your workspace, run `awslab check kms_envelope` to see what works.
"""

import json  # noqa: F401 - you will need it
import os  # noqa: F401 - os.urandom makes nonces

ALIAS = "alias/tenant-records"


def create_key(kms, admin_arn, app_role_arn):
    """Create a symmetric encryption key and its alias alias/tenant-records, with a key policy that:
    - lets the account (arn:aws:iam::ACCOUNT:root) administer it,
    - lets admin_arn manage it but not use it (no Encrypt, Decrypt, GenerateDataKey),
    - lets app_role_arn encrypt and decrypt only with a "tenant" in the encryption context.
    Return the key's KeyId."""
    raise NotImplementedError("create_key")


def encrypt_record(kms, key_id, tenant, plaintext):
    """Encrypt `plaintext` (bytes) for `tenant` under a fresh data key (AES-256-GCM, done locally).
    Return {"ciphertext": bytes, "nonce": bytes, "encrypted_key": bytes} and nothing else."""
    raise NotImplementedError("encrypt_record")


def decrypt_record(kms, record, tenant):
    """Return the plaintext of a record made by encrypt_record, for `tenant`; fail for any other tenant."""
    raise NotImplementedError("decrypt_record")


def rotate(kms, key_id):
    """Turn on automatic rotation of the key."""
    raise NotImplementedError("rotate")


def reencrypt(kms, record, new_key_id, tenant):
    """Return the record with its data key encrypted under new_key_id instead, without the data key
    ever being in plaintext here."""
    raise NotImplementedError("reencrypt")

"""Wrong answer: the data itself is sent to KMS Encrypt (no data key): fine for 1 KiB, refused over 4 KB."""


def encrypt_record(kms, key_id, tenant, plaintext):
    blob = kms.encrypt(KeyId=key_id, Plaintext=plaintext, EncryptionContext={"tenant": tenant})["CiphertextBlob"]
    return {"ciphertext": b"", "nonce": b"", "encrypted_key": blob}


def decrypt_record(kms, record, tenant):
    return kms.decrypt(CiphertextBlob=record["encrypted_key"], EncryptionContext={"tenant": tenant})["Plaintext"]

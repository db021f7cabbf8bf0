"""Wrong answer: re-encryption by Decrypt and Encrypt: the data key is in plaintext in the learner's process."""


def reencrypt(kms, record, new_key_id, tenant):
    context = {"tenant": tenant}
    key = kms.decrypt(CiphertextBlob=record["encrypted_key"], EncryptionContext=context)["Plaintext"]
    blob = kms.encrypt(KeyId=new_key_id, Plaintext=key, EncryptionContext=context)["CiphertextBlob"]
    return {**record, "encrypted_key": blob}

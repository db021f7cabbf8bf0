"""Wrong answer: the record keeps the plaintext data key beside the ciphertext ("to save a KMS call")."""


def encrypt_record(kms, key_id, tenant, plaintext):
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext={"tenant": tenant})
    nonce = os.urandom(12)
    ciphertext = AESGCM(data_key["Plaintext"]).encrypt(nonce, plaintext, None)
    return {"ciphertext": ciphertext, "nonce": nonce, "encrypted_key": data_key["CiphertextBlob"],
            "cache": base64.b64encode(data_key["Plaintext"]).decode()}


import base64  # noqa: E402

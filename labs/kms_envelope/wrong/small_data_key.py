"""Wrong answer: a 128-bit data key (AES_128) where the lab asks for AES-256."""


def encrypt_record(kms, key_id, tenant, plaintext):
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_128", EncryptionContext={"tenant": tenant})
    nonce = os.urandom(12)
    return {"ciphertext": AESGCM(data_key["Plaintext"]).encrypt(nonce, plaintext, None), "nonce": nonce,
            "encrypted_key": data_key["CiphertextBlob"]}

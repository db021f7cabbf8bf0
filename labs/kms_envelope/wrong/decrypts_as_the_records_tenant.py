"""Wrong answer: the record carries its tenant and decrypt_record trusts it instead of the tenant asked for."""


def encrypt_record(kms, key_id, tenant, plaintext):
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext={"tenant": tenant})
    nonce = os.urandom(12)
    return {"ciphertext": AESGCM(data_key["Plaintext"]).encrypt(nonce, plaintext, None), "nonce": nonce,
            "encrypted_key": data_key["CiphertextBlob"], "tenant": tenant}


def decrypt_record(kms, record, tenant):
    key = kms.decrypt(CiphertextBlob=record["encrypted_key"],
                      EncryptionContext={"tenant": record.get("tenant", tenant)})["Plaintext"]
    return AESGCM(key).decrypt(record["nonce"], record["ciphertext"], None)

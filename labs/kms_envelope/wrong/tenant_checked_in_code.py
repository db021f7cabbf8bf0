"""Wrong answer: the tenant is checked by the learner's code, not bound by KMS: the data key has no
encryption context, and decrypt_record compares a tenant stored in the record."""


def encrypt_record(kms, key_id, tenant, plaintext):
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext={"tenant": "any"})
    nonce = os.urandom(12)
    return {"ciphertext": AESGCM(data_key["Plaintext"]).encrypt(nonce, plaintext, tenant.encode()), "nonce": nonce,
            "encrypted_key": data_key["CiphertextBlob"]}


def decrypt_record(kms, record, tenant):
    key = kms.decrypt(CiphertextBlob=record["encrypted_key"], EncryptionContext={"tenant": "any"})["Plaintext"]
    return AESGCM(key).decrypt(record["nonce"], record["ciphertext"], tenant.encode())


def reencrypt(kms, record, new_key_id, tenant):
    context = {"tenant": "any"}
    moved = kms.re_encrypt(CiphertextBlob=record["encrypted_key"], SourceEncryptionContext=context,
                           DestinationKeyId=new_key_id, DestinationEncryptionContext=context)
    return {**record, "encrypted_key": moved["CiphertextBlob"]}

"""Wrong answer: no encryption context anywhere (and so no condition on the application's statement)."""


def create_key(kms, admin_arn, app_role_arn):
    account = admin_arn.split(":")[4]
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": admin_arn}, "Action": KEY_ADMINISTRATION, "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": app_role_arn},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*"}]}
    key_id = kms.create_key(Policy=json.dumps(policy))["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=ALIAS, TargetKeyId=key_id)
    return key_id


def encrypt_record(kms, key_id, tenant, plaintext):
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")
    nonce = os.urandom(12)
    return {"ciphertext": AESGCM(data_key["Plaintext"]).encrypt(nonce, plaintext, None), "nonce": nonce,
            "encrypted_key": data_key["CiphertextBlob"]}


def decrypt_record(kms, record, tenant):
    key = kms.decrypt(CiphertextBlob=record["encrypted_key"])["Plaintext"]
    return AESGCM(key).decrypt(record["nonce"], record["ciphertext"], None)


def reencrypt(kms, record, new_key_id, tenant):
    moved = kms.re_encrypt(CiphertextBlob=record["encrypted_key"], DestinationKeyId=new_key_id)
    return {**record, "encrypted_key": moved["CiphertextBlob"]}

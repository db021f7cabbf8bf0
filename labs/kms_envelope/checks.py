"""Checks of the kms_envelope lab: envelope encryption, encryption context, key policies that are enforced.

The grader makes two roles of its own, a key administrator and the tenant application, and turns on
awslab's IAM enforcement: every call signed by a role session is decided by the key policy the
learner wrote (KMS key policies must allow the caller even within the account; IAM policies count
only where the key policy delegates to the account, and these roles have none). The learner's
`encrypt_record` and `decrypt_record` run with a client of the application role; `create_key`,
`rotate` and `reencrypt` with the learner's own client (it acts as the account).

What KMS refuses, the gateway refuses as KMS does: a key policy that would lock out its creator
(MalformedPolicyDocumentException, unless BypassPolicyLockoutSafetyCheck), Encrypt of more than 4 KB,
Decrypt with an encryption context other than the one used to encrypt.
"""

from __future__ import annotations

import base64
import json

from awslab.lab import CheckFailed, LearnerRaised, check, fixture, iam

ALIAS = "alias/tenant-records"
TENANT, OTHER_TENANT = "acme", "globex"
SMALL = bytes(range(256)) * 4                # 1 KiB
LARGE = b"".join(i.to_bytes(4, "big") for i in range(16384))  # 64 KiB: over KMS Encrypt's 4 KB
RECORD_FIELDS = ("ciphertext", "nonce", "encrypted_key")
# What a key administrator does (the statement AWS's console writes for key administrators) and what
# using a key means (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
USE_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey",
               "kms:GenerateDataKeyWithoutPlaintext")
MANAGE_ACTIONS = ("kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:CreateGrant",
                  "kms:UpdateAlias")


# -- principals -------------------------------------------------------------------------------------------
def _role(ctx, name: str) -> dict:
    """A role of the grader's that the account may assume, with no IAM policy: only the key policy
    can let it use the key. Returns its ARN and a session's keys."""
    grader_iam = ctx.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {
        "AWS": f"arn:aws:iam::{ctx.account_id}:root"}}]}
    arn = grader_iam.create_role(RoleName=ctx.unique(name), AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    answer = ctx.client("sts").assume_role(RoleArn=arn, RoleSessionName="grader-check")
    creds = answer["Credentials"]
    return {"arn": arn, "keys": (creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]),
            "session": answer["AssumedRoleUser"]["Arn"]}


@fixture
def principals(ctx):
    ctx.settings["iam_enforcement"] = True
    return {"admin": _role(ctx, "key-admin"), "app": _role(ctx, "tenant-app")}


def _as(ctx, who: dict, service: str = "kms"):
    return ctx.client_as(service, *who["keys"])


def _learner_as(ctx, who: dict):
    return ctx.learner_client_as("kms", *who["keys"], retries={"max_attempts": 1})


def _denied(call) -> str | None:
    """None if the call was allowed, else the error code."""
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - botocore's ClientError, looked at by its code
        code = getattr(exc, "response", {}).get("Error", {}).get("Code")
        if code is None:
            raise
        return code
    return None


# -- the key --------------------------------------------------------------------------------------------
@fixture
def key(ctx):
    people = ctx.use(principals)
    returned = ctx.learner.create_key(ctx.learner_client("kms"), people["admin"]["arn"], people["app"]["arn"])
    if not isinstance(returned, str) or not returned:
        raise CheckFailed(f"create_key() returned {returned!r}, not the key's id or ARN")
    try:
        metadata = ctx.client("kms").describe_key(KeyId=returned)["KeyMetadata"]
    except Exception as exc:  # noqa: BLE001
        raise CheckFailed(f"create_key() returned {returned!r}, which KMS does not know as a key ({exc})") from exc
    return metadata


def _policy(ctx, key_arn: str) -> dict:
    return json.loads(ctx.client("kms").get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])


def _allowed(ctx, policy: dict, action: str, key_arn: str, principal: str, context: dict | None = None) -> bool:
    """What the key policy alone decides for `principal` (awslab's model of IAM, as the gateway uses)."""
    keys = {f"kms:EncryptionContext:{k}": v for k, v in (context or {}).items()}
    if context:
        keys["kms:EncryptionContextKeys"] = list(context)
    request = iam.Request(action, key_arn, principal, keys)
    return iam.evaluate(request, resource_policy=policy).allowed


@check("create_key() makes a symmetric encryption key named alias/tenant-records", points=2,
       hint="create_key(KeySpec='SYMMETRIC_DEFAULT', KeyUsage='ENCRYPT_DECRYPT', Policy=...), then "
            "create_alias(AliasName='alias/tenant-records', TargetKeyId=...).")
def key_is_symmetric_and_has_its_alias(ctx):
    metadata = ctx.use(key)
    ctx.expect_equal(metadata.get("KeySpec", metadata.get("CustomerMasterKeySpec")), "SYMMETRIC_DEFAULT", "KeySpec")
    ctx.expect_equal(metadata.get("KeyUsage"), "ENCRYPT_DECRYPT", "KeyUsage")
    ctx.expect(metadata.get("Enabled"), "the key is not enabled")
    aliases = [a["AliasName"] for a in ctx.client("kms").list_aliases(KeyId=metadata["KeyId"]).get("Aliases", [])]
    ctx.expect(ALIAS in aliases, f"no alias {ALIAS} points at the key (its aliases: {aliases or 'none'})")


@check("The key policy lets the account administer the key (its root statement)", points=2,
       hint="The first statement of every key policy AWS writes: Principal {'AWS': 'arn:aws:iam::ACCOUNT:root'}, "
            "Action 'kms:*'. Without it, no one can ever change the policy again, and KMS refuses it.")
def key_policy_keeps_the_account(ctx):
    metadata = ctx.use(key)
    policy = _policy(ctx, metadata["Arn"])
    root = f"arn:aws:iam::{ctx.account_id}:root"
    missing = [a for a in ("kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:CreateAlias", "kms:EnableKeyRotation")
               if not _allowed(ctx, policy, a, metadata["Arn"], root)]
    ctx.expect(not missing, f"the key policy does not let the account root ({root}) do {', '.join(missing)}: "
               "the key can be locked for good (was BypassPolicyLockoutSafetyCheck used?)")


@check("The administrator role manages the key", points=2,
       hint="The administrator's statement names admin_arn and lists management actions: kms:Describe*, "
            "kms:Get*, kms:List*, kms:Put*, kms:Enable*, kms:Disable*, kms:Update*, kms:TagResource, ...")
def admin_manages_the_key(ctx):
    metadata, admin = ctx.use(key), ctx.use(principals)["admin"]
    kms = _as(ctx, admin)
    for name, call in (("DescribeKey", lambda: kms.describe_key(KeyId=metadata["Arn"])),
                       ("GetKeyPolicy", lambda: kms.get_key_policy(KeyId=metadata["Arn"], PolicyName="default")),
                       ("ListResourceTags", lambda: kms.list_resource_tags(KeyId=metadata["Arn"]))):
        code = _denied(call)
        ctx.expect(code is None, f"the administrator role's {name} was refused ({code})")
    policy = _policy(ctx, metadata["Arn"])
    missing = [a for a in ("kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:ScheduleKeyDeletion")
               if not _allowed(ctx, policy, a, metadata["Arn"], admin["session"])]
    ctx.expect(not missing, f"the key policy does not let the administrator do {', '.join(missing)}")


@check("The administrator role cannot use the key: no Encrypt, Decrypt or GenerateDataKey", points=3,
       hint="Managing a key and using it are different jobs. kms:* for the administrator lets it read every "
            "tenant's data: list only management actions.")
def admin_cannot_use_the_key(ctx):
    metadata, admin = ctx.use(key), ctx.use(principals)["admin"]
    kms = _as(ctx, admin)
    context = {"tenant": TENANT}
    blob = ctx.client("kms").encrypt(KeyId=metadata["Arn"], Plaintext=b"x", EncryptionContext=context)["CiphertextBlob"]
    used = []
    for name, call in (("Decrypt", lambda: kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)),
                       ("Encrypt", lambda: kms.encrypt(KeyId=metadata["Arn"], Plaintext=b"x", EncryptionContext=context)),
                       ("GenerateDataKey", lambda: kms.generate_data_key(KeyId=metadata["Arn"], KeySpec="AES_256",
                                                                         EncryptionContext=context))):
        if _denied(call) is None:
            used.append(name)
    ctx.expect(not used, f"the administrator role could {', '.join(used)} with the key: an administrator must "
               "manage it, not read the data it protects")


@check("The application role uses the key only with a tenant in the encryption context", points=3,
       hint="A Condition on the application's statement: kms:EncryptionContext:tenant must be present, e.g. "
            "{'Null': {'kms:EncryptionContext:tenant': 'false'}}.")
def app_role_needs_the_tenant_context(ctx):
    metadata, app = ctx.use(key), ctx.use(principals)["app"]
    kms = _as(ctx, app)
    with_context = _denied(lambda: kms.generate_data_key(KeyId=metadata["Arn"], KeySpec="AES_256",
                                                          EncryptionContext={"tenant": TENANT}))
    ctx.expect(with_context is None, f"the application role's GenerateDataKey with EncryptionContext "
               f"{{'tenant': '{TENANT}'}} was refused ({with_context})")
    blob = ctx.client("kms").encrypt(KeyId=metadata["Arn"], Plaintext=b"x")["CiphertextBlob"]
    allowed = [name for name, call in (
        ("GenerateDataKey", lambda: kms.generate_data_key(KeyId=metadata["Arn"], KeySpec="AES_256")),
        ("Encrypt", lambda: kms.encrypt(KeyId=metadata["Arn"], Plaintext=b"x")),
        ("Decrypt", lambda: kms.decrypt(CiphertextBlob=blob)),
    ) if _denied(call) is None]
    ctx.expect(not allowed, f"the application role could {', '.join(allowed)} without an encryption context: "
               "the key policy must require kms:EncryptionContext:tenant")


@check("The application role cannot manage the key", points=1,
       hint="The application's statement lists only what it uses: kms:GenerateDataKey and kms:Decrypt "
            "(kms:Encrypt if you like).")
def app_role_cannot_manage_the_key(ctx):
    metadata, app = ctx.use(key), ctx.use(principals)["app"]
    policy = _policy(ctx, metadata["Arn"])
    context = {"tenant": TENANT}
    can = [a for a in MANAGE_ACTIONS if _allowed(ctx, policy, a, metadata["Arn"], app["session"], context)]
    ctx.expect(not can, f"the key policy lets the application role do {', '.join(can)}")


# -- records ------------------------------------------------------------------------------------------------
def _encrypt(ctx, plaintext: bytes, tenant: str = TENANT):
    metadata, app = ctx.use(key), ctx.use(principals)["app"]
    mark = ctx.log.mark()
    record = ctx.learner.encrypt_record(_learner_as(ctx, app), metadata["KeyId"], tenant, plaintext)
    if not isinstance(record, dict):
        raise CheckFailed(f"encrypt_record() returned {type(record).__name__}, not a dict with {', '.join(RECORD_FIELDS)}")
    missing = [f for f in RECORD_FIELDS if not isinstance(record.get(f), (bytes, bytearray))]
    if missing:
        raise CheckFailed(f"the record has no bytes under {', '.join(missing)} (it has: {', '.join(map(str, record))})")
    return record, mark


@fixture
def small_record(ctx):
    return _encrypt(ctx, SMALL)


def _data_keys(ctx, mark: int) -> list[bytes]:
    """The plaintext data keys KMS handed to encrypt_record() (from the request log's answers)."""
    found = []
    for call in ctx.log.calls("kms", "GenerateDataKey", since=mark):
        plaintext = (call.response or {}).get("Plaintext") if isinstance(call.response, dict) else None
        if isinstance(plaintext, str):
            found.append(base64.b64decode(plaintext))
    return found


def _key_of(ctx, encrypted_key: bytes, tenant: str = TENANT) -> str | None:
    """The ARN of the KMS key that decrypts `encrypted_key` (with or without the tenant's context)."""
    kms = ctx.client("kms")
    for context in ({"tenant": tenant}, {}):
        try:
            return kms.decrypt(CiphertextBlob=bytes(encrypted_key), EncryptionContext=context)["KeyId"]
        except Exception:  # noqa: BLE001 - wrong context or not a ciphertext
            continue
    return None


@check("A record encrypted with encrypt_record() comes back from decrypt_record()", points=3,
       hint="encrypt_record: generate_data_key(KeyId=..., KeySpec='AES_256', EncryptionContext={'tenant': tenant}), "
            "AESGCM(Plaintext).encrypt(nonce, data, None). decrypt_record: decrypt the encrypted key with the same "
            "context, then AESGCM(key).decrypt(nonce, ciphertext, None).")
def records_round_trip(ctx):
    record, _ = ctx.use(small_record)
    app = ctx.use(principals)["app"]
    back = ctx.learner.decrypt_record(_learner_as(ctx, app), record, TENANT)
    ctx.expect(back == SMALL, f"decrypt_record() returned {len(back) if isinstance(back, bytes) else repr(back)[:60]}"
               f"{' bytes' if isinstance(back, bytes) else ''} that are not the {len(SMALL)} bytes encrypted")


@check("A 64 KiB record round-trips (the data itself never goes to KMS)", points=2,
       hint="KMS Encrypt takes at most 4 KB: that is why envelope encryption exists. Encrypt the data locally "
            "with the data key; only the 32-byte key goes to KMS.")
def large_records_round_trip(ctx):
    app = ctx.use(principals)["app"]
    ctx.use(key)
    try:
        record, _ = _encrypt(ctx, LARGE)
    except LearnerRaised as raised:
        ctx.fail(f"encrypt_record() of {len(LARGE)} bytes raised {raised}")
    back = ctx.learner.decrypt_record(_learner_as(ctx, app), record, TENANT)
    ctx.expect(back == LARGE, "decrypt_record() did not return the 64 KiB that were encrypted")


@check("The record holds no plaintext data key", points=3,
       hint="Store generate_data_key's CiphertextBlob (the encrypted key), never its Plaintext: whoever reads "
            "the record would read the data.")
def record_holds_no_plaintext_key(ctx):
    record, mark = ctx.use(small_record)
    for data_key in _data_keys(ctx, mark):
        forms = {"raw bytes": data_key, "hex": data_key.hex().encode(), "base64": base64.b64encode(data_key),
                 "url-safe base64": base64.urlsafe_b64encode(data_key)}
        for name, value in _flatten(record):
            for form, needle in forms.items():
                if needle in value or needle.lower() in value.lower():
                    ctx.fail(f"the record's {name!r} holds the plaintext data key ({form}): anyone who reads "
                             "the record can decrypt it")
    ctx.expect(SMALL[:64] not in bytes(record["ciphertext"]), "the record's ciphertext holds the plaintext data")


def _flatten(value, name: str = "record"):
    if isinstance(value, (bytes, bytearray)):
        yield name, bytes(value)
    elif isinstance(value, str):
        yield name, value.encode("utf-8", "replace")
    elif isinstance(value, dict):
        for key_name, item in value.items():
            yield from _flatten(item, str(key_name))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _flatten(item, f"{name}[{index}]")


@check("encrypt_record() asks KMS for a 256-bit data key and sends KMS no data", points=2,
       hint="One generate_data_key call (KeySpec='AES_256') per record; no kms.encrypt of the data.")
def data_never_goes_to_kms(ctx):
    _, mark = ctx.use(small_record)
    calls = ctx.log.calls("kms", since=mark)
    encrypts = [c for c in calls if c.operation == "Encrypt"]
    ctx.expect(not encrypts, f"encrypt_record() sent {len(encrypts)} Encrypt call(s) to KMS: the data goes to "
               "KMS (and anything over 4 KB fails); encrypt it locally with a data key")
    keys = [c for c in calls if c.operation == "GenerateDataKey" and not c.failed]
    ctx.expect(keys, "encrypt_record() made no successful GenerateDataKey call "
               f"(its KMS calls: {', '.join(c.operation + (' -> ' + c.error_code if c.failed else '') for c in calls) or 'none'})")
    spec = keys[0].params.get("KeySpec") or (f"{keys[0].params.get('NumberOfBytes')} bytes"
                                            if keys[0].params.get("NumberOfBytes") else None)
    ctx.expect(spec in ("AES_256", "32 bytes"), f"the data key asked for is {spec or 'unspecified'}, not AES_256")


@check("A record of tenant acme cannot be decrypted as tenant globex: KMS refuses it", points=3,
       hint="Pass EncryptionContext={'tenant': tenant} to generate_data_key and to decrypt: KMS binds the data key "
            "to it, so the wrong tenant gets InvalidCiphertextException from KMS, whatever your code does.")
def tenant_cannot_read_another_tenants_record(ctx):
    record, _ = ctx.use(small_record)
    app = ctx.use(principals)["app"]
    kms = ctx.client("kms")
    bound = _denied(lambda: kms.decrypt(CiphertextBlob=bytes(record["encrypted_key"]),
                                        EncryptionContext={"tenant": OTHER_TENANT}))
    ctx.expect(bound is not None, f"KMS decrypts the record's data key with EncryptionContext "
               f"{{'tenant': '{OTHER_TENANT}'}}: the key is not bound to tenant {TENANT}")
    mark = ctx.log.mark()
    try:
        back = ctx.learner.decrypt_record(_learner_as(ctx, app), record, OTHER_TENANT)
    except LearnerRaised:
        back = None
    ctx.expect(back != SMALL, f"decrypt_record(record, '{OTHER_TENANT}') returned tenant {TENANT}'s data")
    refused = [c for c in ctx.log.calls("kms", "Decrypt", since=mark) if c.failed]
    ctx.expect(refused, f"decrypt_record(record, '{OTHER_TENANT}') did not ask KMS with tenant {OTHER_TENANT}'s "
               "context (no refused Decrypt): the check must be KMS's, not your code's")


# -- rotation and re-encryption -----------------------------------------------------------------------------
@check("rotate() turns on automatic key rotation", points=1,
       hint="kms.enable_key_rotation(KeyId=key_id): KMS then makes new key material every year and keeps the old "
            "to decrypt what it encrypted.")
def rotation_is_enabled(ctx):
    metadata = ctx.use(key)
    ctx.learner.rotate(ctx.learner_client("kms"), metadata["KeyId"])
    status = ctx.client("kms").get_key_rotation_status(KeyId=metadata["Arn"])
    ctx.expect(status.get("KeyRotationEnabled"), "automatic rotation of the key is off after rotate()")


def _target_key(ctx) -> str:
    app = ctx.use(principals)["app"]
    root = f"arn:aws:iam::{ctx.account_id}:root"
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": app["arn"]}, "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
         "Resource": "*", "Condition": {"Null": {"kms:EncryptionContext:tenant": "false"}}}]}
    return ctx.client("kms").create_key(Policy=json.dumps(policy), Description="the grader's new key")["KeyMetadata"]["Arn"]


@check("reencrypt() moves a record to a new key with ReEncrypt, never seeing the data key", points=3,
       hint="kms.re_encrypt(CiphertextBlob=..., SourceEncryptionContext=ctx, DestinationKeyId=new_key_id, "
            "DestinationEncryptionContext=ctx): KMS decrypts and encrypts inside itself. Keep nonce and "
            "ciphertext, replace encrypted_key.")
def reencrypt_never_sees_the_data_key(ctx):
    record, _ = ctx.use(small_record)
    app = ctx.use(principals)["app"]
    target = _target_key(ctx)
    mark = ctx.log.mark()
    moved = ctx.learner.reencrypt(ctx.learner_client("kms"), record, target, TENANT)
    calls = ctx.log.calls("kms", since=mark)
    ctx.expect(any(c.operation == "ReEncrypt" and not c.failed for c in calls),
               f"reencrypt() made no successful ReEncrypt call (its KMS calls: "
               f"{', '.join(c.operation for c in calls) or 'none'})")
    seen = [c.operation for c in calls if c.operation in ("Decrypt", "GenerateDataKey", "Encrypt")]
    ctx.expect(not seen, f"reencrypt() called {', '.join(seen)}: the data key was in plaintext in your process")
    ctx.expect(isinstance(moved, dict) and isinstance(moved.get("encrypted_key"), (bytes, bytearray)),
               f"reencrypt() returned {type(moved).__name__}, not a record with encrypted_key")
    blob = base64.b64encode(bytes(moved["encrypted_key"])).decode()
    keys = [c.response.get("KeyId") for c in calls if c.operation == "ReEncrypt" and isinstance(c.response, dict)
            and c.response.get("CiphertextBlob") == blob]
    ctx.expect_equal(keys[0] if keys else _key_of(ctx, moved["encrypted_key"]), target,
                     "the key that protects the new record's encrypted_key")
    back = ctx.learner.decrypt_record(_learner_as(ctx, app), moved, TENANT)
    ctx.expect(back == SMALL, "the re-encrypted record does not decrypt to the original data")

"""What KMS checks in a key policy before it stores one (CreateKey, PutKeyPolicy), on every caller,
and the key defaults moto leaves out.

A key made without KeyUsage is ENCRYPT_DECRYPT on AWS ("Default: ENCRYPT_DECRYPT",
https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html, KeyUsage); moto stores
none, so DescribeKey answered KeyUsage null. The gateway sends the default.

ReEncrypt of a symmetric ciphertext needs no SourceKeyId on AWS ("If the ciphertext was encrypted
under a symmetric encryption KMS key, the SourceKeyId parameter is optional",
https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html); LocalStack 4.14 fails
without it (InternalError "expected string or bytes-like object, got 'NoneType'"). The gateway
names the key that made the ciphertext (found by decrypting it with the caller's
SourceEncryptionContext) when the caller did not.

moto stores any policy it is given. AWS refuses two kinds, with MalformedPolicyDocumentException:

- the policy lockout safety check: "the key policy must allow the principal that is making the
  CreateKey request to make a subsequent PutKeyPolicy request on the KMS key", unless
  BypassPolicyLockoutSafetyCheck is true
  (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html and
  API_PutKeyPolicy.html, parameter BypassPolicyLockoutSafetyCheck;
  https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-bypass-policy-lockout-safety-check).
  The caller is the IAM user or role session that signed; a key awslab handed out (the learner's
  default client, the grader) acts as the account's root user. The policy is evaluated with
  awslab.models.iam as the key policy of the key, with the caller's identity policies where the policy
  delegates to the account (key-policy-default.html: "enables IAM policies");
- a principal that does not exist: "the principals in the key policy must exist and be visible to
  AWS KMS" (API_CreateKey.html, parameter Policy). Checked for the users and roles of the backend's
  own account; other accounts cannot be seen from here and are accepted.
"""

from __future__ import annotations

import json
import re
from typing import Any

import botocore.exceptions

from awslab.models.iam import PolicyError, Request, evaluate

from ..aws_request import AwsCall
from ..core import Forward, Gateway
from ..errors import aws_error
from ..wire import Response
from .iam_enforcement import IamEnforcement

LOCKOUT_MESSAGE = ("The new key policy will not allow you to update the key policy in the future.")
INVALID_PRINCIPALS = "Policy contains a statement with one or more invalid principals."
_IAM_PRINCIPAL = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):(user|role)/(?:.*/)?([^/]+)$")
_PLACEHOLDER_KEY = "00000000-0000-0000-0000-000000000000"


class KmsKeyPolicy:
    name = "kms_key_policy"
    services = frozenset({"kms"})

    def handle(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        if call.service == "kms" and call.operation in ("CreateKey", "PutKeyPolicy"):
            refusal = self._refusal(call, gateway)
            if refusal is not None:
                call.note("kms_key_policy", refusal)
                return aws_error(call, "MalformedPolicyDocumentException", refusal, 400)
            if call.operation == "CreateKey" and not call.params.get("KeyUsage") and call.protocol == "json":
                return forward(call.with_params({**call.params, "KeyUsage": "ENCRYPT_DECRYPT"}))
        if (call.service == "kms" and call.operation == "ReEncrypt" and call.protocol == "json"
                and not call.params.get("SourceKeyId") and isinstance(call.params.get("CiphertextBlob"), bytes)):
            source = _ciphertext_key(call, gateway)
            if source is not None:
                return forward(call.with_params({**call.params, "SourceKeyId": source}))
        return forward(call)

    def _refusal(self, call: AwsCall, gateway: Gateway) -> str | None:
        text = call.params.get("Policy")
        if not isinstance(text, str):
            return None  # CreateKey without a policy gets the default one, which allows the account
        try:
            document = json.loads(text)
        except ValueError:
            return None  # the emulator refuses what is not JSON
        if not isinstance(document, dict):
            return None
        if _missing_principals(document, gateway):
            return INVALID_PRINCIPALS
        if call.params.get("BypassPolicyLockoutSafetyCheck") in (True, "true", "True"):
            return None
        caller, identity = self._caller(call, gateway)
        if caller is None:
            return None  # an unknown key: IAM enforcement or the emulator answers for it
        region = call.region or gateway.region
        key = call.params.get("KeyId") if call.operation == "PutKeyPolicy" else None
        key_arn = _key_arn(key, region, gateway) or f"arn:aws:kms:{region}:{gateway.account_id}:key/{_PLACEHOLDER_KEY}"
        request = Request("kms:PutKeyPolicy", key_arn, caller, {"aws:RequestedRegion": region})
        try:
            decision = evaluate(request, identity_policies=identity, resource_policy=document)
        except PolicyError:
            return None  # a policy awslab.models.iam cannot read: the emulator answers for its syntax
        return None if decision.allowed else LOCKOUT_MESSAGE

    @staticmethod
    def _caller(call: AwsCall, gateway: Gateway) -> tuple[str | None, list]:
        root = f"arn:aws:iam::{gateway.account_id}:root"
        if call.access_key is None or call.access_key in gateway.sources:
            return root, []
        enforcement = gateway.behaviour("iam_enforcement")
        if not isinstance(enforcement, IamEnforcement) or not gateway.settings.get("iam_enforcement"):
            return root, []  # without simulated IAM every key stands for the account
        principal = enforcement._principal(call.access_key, gateway)
        if principal is None:
            return None, []
        policies = enforcement._policies(principal, call.access_key, gateway)
        return principal.arn, list(policies.identity)


def _ciphertext_key(call: AwsCall, gateway: Gateway) -> str | None:
    context = call.params.get("SourceEncryptionContext")
    try:
        answer = gateway.internal_client("kms", call.region or gateway.region).decrypt(
            CiphertextBlob=call.params["CiphertextBlob"],
            EncryptionContext=context if isinstance(context, dict) else {})
    except (botocore.exceptions.ClientError, ValueError, TypeError):
        return None  # not a ciphertext, or another context: the backend answers for it
    return answer.get("KeyId")


def _key_arn(key: Any, region: str, gateway: Gateway) -> str | None:
    if not isinstance(key, str) or not key:
        return None
    try:
        return gateway.internal_client("kms", region).describe_key(KeyId=key)["KeyMetadata"]["Arn"]
    except botocore.exceptions.ClientError:
        return None


def _aws_principals(document: dict) -> list[str]:
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    found: list[str] = []
    for statement in statements if isinstance(statements, list) else []:
        principal = statement.get("Principal") if isinstance(statement, dict) else None
        named = principal.get("AWS") if isinstance(principal, dict) else None
        if isinstance(named, str):
            found.append(named)
        elif isinstance(named, list):
            found += [p for p in named if isinstance(p, str)]
    return found


def _missing_principals(document: dict, gateway: Gateway) -> bool:
    iam = None
    for principal in _aws_principals(document):
        match = _IAM_PRINCIPAL.match(principal)
        if match is None or match.group(1) != gateway.account_id:
            continue
        kind, name = match.group(2), match.group(3)
        iam = iam or gateway.internal_client("iam")
        try:
            if kind == "role":
                iam.get_role(RoleName=name)
            else:
                iam.get_user(UserName=name)
        except botocore.exceptions.ClientError:
            return True
    return False


BEHAVIOUR = KmsKeyPolicy

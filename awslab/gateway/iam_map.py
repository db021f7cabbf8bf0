"""Which IAM action on which resource an API call asks for, and the request's condition keys.

AWS authorizes an operation as one or more (action, resource) pairs: `s3:ListObjectsV2` is
`s3:ListBucket` on the bucket with `s3:prefix` from the Prefix parameter, `s3:GetObject` is the
object's ARN, `sqs:SendMessageBatch` is `sqs:SendMessage` on the queue. This module is that table
for S3, SQS, SNS, DynamoDB, IAM and STS; any other operation maps to `<service>:<Operation>` on
"*", so enforcement still denies what no policy allows.

`targets(call, account, region)` returns the pairs to authorize (all must be allowed); an empty
list means there is nothing to authorize. sts:GetCallerIdentity is decided (always allowed) by
awslab.models.iam's service rules, so its decision is in the request log like any other.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from .aws_request import AwsCall


@dataclass(frozen=True)
class Target:
    """One (action, resource) pair to authorize, with its service-specific condition keys.

    `policy_of` names the resource whose resource-based policy applies: ("s3", bucket),
    ("sqs", queue url), ("sns", topic arn) or ("role", role name) for sts:AssumeRole's trust policy.
    """

    action: str
    resource: str
    context: dict[str, Any] = field(default_factory=dict)
    policy_of: tuple[str, str] | None = None


def targets(call: AwsCall, account: str, region: str) -> list[Target]:
    mapper = _MAPPERS.get(call.service)
    if mapper is None:
        return [Target(f"{call.service}:{call.operation}", "*")]
    return mapper(call, call.params, account, call.region or region)


# --------------------------------------------------------------------------- S3
_S3_ACTIONS = {
    "ListObjects": "ListBucket", "ListObjectsV2": "ListBucket", "HeadBucket": "ListBucket",
    "ListObjectVersions": "ListBucketVersions", "ListBuckets": "ListAllMyBuckets",
    "HeadObject": "GetObject", "CreateMultipartUpload": "PutObject", "UploadPart": "PutObject",
    "CompleteMultipartUpload": "PutObject", "UploadPartCopy": "PutObject",
    "ListParts": "ListMultipartUploadParts", "ListMultipartUploads": "ListBucketMultipartUploads",
    "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration", "PutBucketLifecycle": "PutLifecycleConfiguration",
    "DeleteBucketLifecycle": "PutLifecycleConfiguration",
    "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration", "GetBucketLifecycle": "GetLifecycleConfiguration",
    "PutBucketEncryption": "PutEncryptionConfiguration", "GetBucketEncryption": "GetEncryptionConfiguration",
    "DeleteBucketEncryption": "PutEncryptionConfiguration",
    "PutBucketNotificationConfiguration": "PutBucketNotification",
    "GetBucketNotificationConfiguration": "GetBucketNotification",
    "DeleteBucketTagging": "PutBucketTagging", "DeleteObjectTagging": "DeleteObjectTagging",
    "PutBucketCors": "PutBucketCORS", "GetBucketCors": "GetBucketCORS", "DeleteBucketCors": "PutBucketCORS",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock", "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
    "PutBucketReplication": "PutReplicationConfiguration", "GetBucketReplication": "GetReplicationConfiguration",
    "DeleteBucketReplication": "PutReplicationConfiguration",
    "PutBucketWebsite": "PutBucketWebsite", "DeleteBucketWebsite": "DeleteBucketWebsite",
    "GetObjectAttributes": "GetObject", "CopyObject": "PutObject",
}
# With a VersionId these act on one version and need the ...Version action.
_S3_VERSIONED = {"GetObject": "GetObjectVersion", "HeadObject": "GetObjectVersion",
                 "DeleteObject": "DeleteObjectVersion", "GetObjectTagging": "GetObjectVersionTagging",
                 "PutObjectTagging": "PutObjectVersionTagging", "GetObjectAcl": "GetObjectVersionAcl",
                 "PutObjectAcl": "PutObjectVersionAcl"}
_SSE_OPERATIONS = {"PutObject", "CreateMultipartUpload", "CopyObject"}


def _s3(call: AwsCall, params: dict, account: str, region: str) -> list[Target]:
    op = call.operation
    bucket = params.get("Bucket")
    if op == "ListBuckets" or not bucket:
        return [Target(f"s3:{_S3_ACTIONS.get(op, op)}", "*")]
    bucket_arn = f"arn:aws:s3:::{bucket}"
    policy = ("s3", bucket)
    if op == "DeleteObjects":
        return _s3_delete_objects(params, bucket_arn, policy)
    key = params.get("Key")
    context = _s3_condition_keys(op, params)
    action = _S3_ACTIONS.get(op, op)
    if params.get("VersionId") and op in _S3_VERSIONED:
        action = _S3_VERSIONED[op]
        context["s3:VersionId"] = params["VersionId"]
    resource = f"{bucket_arn}/{key}" if key is not None else bucket_arn
    found = [Target(f"s3:{action}", resource, context, policy)]
    if op in ("CopyObject", "UploadPartCopy"):
        found += _s3_copy_source(params)
    return found


def _s3_delete_objects(params: dict, bucket_arn: str, policy: tuple) -> list[Target]:
    """DeleteObjects needs DeleteObject (DeleteObjectVersion with a VersionId) on each key."""
    objects = (params.get("Delete") or {}).get("Objects") or []
    found = []
    for item in objects:
        action = "s3:DeleteObjectVersion" if item.get("VersionId") else "s3:DeleteObject"
        context = {"s3:VersionId": item["VersionId"]} if item.get("VersionId") else {}
        found.append(Target(action, f"{bucket_arn}/{item.get('Key', '')}", context, policy))
    return found or [Target("s3:DeleteObject", f"{bucket_arn}/*", {}, policy)]


def _s3_condition_keys(op: str, params: dict) -> dict[str, Any]:
    """The S3 condition keys the request sets: listing's prefix, delimiter and max-keys; encryption; ACL."""
    context: dict[str, Any] = {}
    if op in ("ListObjects", "ListObjectsV2", "ListObjectVersions", "ListMultipartUploads"):
        # AWS sends s3:prefix as "" when the request has none, so StringLike "home/alice/*" fails.
        context["s3:prefix"] = params.get("Prefix", "")
        if "Delimiter" in params:
            context["s3:delimiter"] = params["Delimiter"]
        if "MaxKeys" in params:
            context["s3:max-keys"] = params["MaxKeys"]
    if op in _SSE_OPERATIONS:
        if params.get("ServerSideEncryption"):
            context["s3:x-amz-server-side-encryption"] = params["ServerSideEncryption"]
        if params.get("SSEKMSKeyId"):
            context["s3:x-amz-server-side-encryption-aws-kms-key-id"] = params["SSEKMSKeyId"]
    if params.get("ACL"):
        context["s3:x-amz-acl"] = params["ACL"]
    return context


def _s3_copy_source(params: dict) -> list[Target]:
    """A copy also reads its source: GetObject (GetObjectVersion with a versionId) there."""
    source = params.get("CopySource")
    if not isinstance(source, str):
        return []
    path, _, query = urllib.parse.unquote(source).lstrip("/").partition("?")
    source_bucket, _, source_key = path.partition("/")
    read = "s3:GetObjectVersion" if "versionId=" in query else "s3:GetObject"
    return [Target(read, f"arn:aws:s3:::{path}", {}, ("s3", source_bucket))]


# --------------------------------------------------------------------------- SQS
_SQS_ACTIONS = {"SendMessageBatch": "SendMessage", "DeleteMessageBatch": "DeleteMessage",
                "ChangeMessageVisibilityBatch": "ChangeMessageVisibility"}


def queue_arn(queue_url: str, account: str, region: str) -> str:
    parts = urllib.parse.urlparse(queue_url).path.strip("/").split("/")
    name = parts[-1] if parts else queue_url
    owner = parts[-2] if len(parts) >= 2 and parts[-2].isdigit() else account
    return f"arn:aws:sqs:{region}:{owner}:{name}"


def _sqs(call: AwsCall, params: dict, account: str, region: str) -> list[Target]:
    op = call.operation
    action = f"sqs:{_SQS_ACTIONS.get(op, op)}"
    if params.get("QueueUrl"):
        return [Target(action, queue_arn(params["QueueUrl"], account, region), {}, ("sqs", params["QueueUrl"]))]
    if params.get("QueueName"):
        owner = params.get("QueueOwnerAWSAccountId") or account
        return [Target(action, f"arn:aws:sqs:{region}:{owner}:{params['QueueName']}")]
    if params.get("SourceArn"):  # message move tasks
        return [Target(action, params["SourceArn"])]
    return [Target(action, "*")]


# --------------------------------------------------------------------------- SNS
_SNS_ACTIONS = {"PublishBatch": "Publish"}


def _sns(call: AwsCall, params: dict, account: str, region: str) -> list[Target]:
    op = call.operation
    action = f"sns:{_SNS_ACTIONS.get(op, op)}"
    topic = params.get("TopicArn") or params.get("TargetArn")
    if not topic and op == "CreateTopic" and params.get("Name"):
        return [Target(action, f"arn:aws:sns:{region}:{account}:{params['Name']}")]
    if not topic and params.get("SubscriptionArn"):
        topic = params["SubscriptionArn"].rsplit(":", 1)[0]
    if not topic and params.get("ResourceArn"):
        topic = params["ResourceArn"]
    if topic and topic.startswith("arn:aws:sns:"):
        return [Target(action, topic, {}, ("sns", topic))]
    return [Target(action, topic or "*")]


# --------------------------------------------------------------------------- DynamoDB
def _dynamodb(call: AwsCall, params: dict, account: str, region: str) -> list[Target]:
    op = call.operation
    action = f"dynamodb:{op}"
    base = f"arn:aws:dynamodb:{region}:{account}:table/"
    if op in ("BatchGetItem", "BatchWriteItem"):
        tables = sorted((params.get("RequestItems") or {}).keys())
        return [Target(action, base + t) for t in tables] or [Target(action, base + "*")]
    if op in ("TransactGetItems", "TransactWriteItems"):
        return _dynamodb_transaction(params, base) or [Target(action, base + "*")]
    table = params.get("TableName")
    if not table and params.get("ResourceArn"):
        return [Target(action, params["ResourceArn"])]
    if not table:
        return [Target(action, "*")]
    if table.startswith("arn:"):
        resource = table
    else:
        resource = base + table
    if params.get("IndexName") and op in ("Query", "Scan"):
        resource += f"/index/{params['IndexName']}"
    return [Target(action, resource)]


def _dynamodb_transaction(params: dict, base: str) -> list[Target]:
    """A transaction needs the item action of each part (Put, Update, Delete, ConditionCheck, Get)."""
    found = []
    for item in params.get("TransactItems") or []:
        for kind, body in item.items():
            table = (body or {}).get("TableName")
            if table:
                found.append(Target(f"dynamodb:{kind}Item", base + table))
    return found


# --------------------------------------------------------------------------- IAM
def _iam(call: AwsCall, params: dict, account: str, region: str) -> list[Target]:
    op = call.operation
    action = f"iam:{op}"
    prefix = f"arn:aws:iam::{account}:"
    path = params.get("Path") or "/"
    if params.get("PolicyArn") and "Role" not in op and "User" not in op and "Group" not in op:
        return [Target(action, params["PolicyArn"])]
    # A role, group or user: only its Create... call gives the path; the others name it without one.
    for kind, name in (("role", "RoleName"), ("group", "GroupName"), ("user", "UserName")):
        if params.get(name):
            where = path if op == f"Create{kind.capitalize()}" else "/"
            return [Target(action, f"{prefix}{kind}{where}{params[name]}")]
    if op == "CreatePolicy" and params.get("PolicyName"):
        return [Target(action, f"{prefix}policy{path}{params['PolicyName']}")]
    if params.get("InstanceProfileName"):
        return [Target(action, f"{prefix}instance-profile/{params['InstanceProfileName']}")]
    if op in ("CreateAccessKey", "ListAccessKeys", "DeleteAccessKey", "UpdateAccessKey", "GetUser",
              "ListUserPolicies", "ListAttachedUserPolicies", "ListGroupsForUser", "ChangePassword"):
        return [Target(action, "${caller}")]  # without UserName these act on the caller itself
    return [Target(action, "*")]


# --------------------------------------------------------------------------- STS
def _sts(call: AwsCall, params: dict, account: str, region: str) -> list[Target]:
    op = call.operation
    if op in ("AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML") and params.get("RoleArn"):
        role_name = params["RoleArn"].rsplit("/", 1)[-1]
        return [Target(f"sts:{op}", params["RoleArn"], {}, ("role", role_name))]
    return [Target(f"sts:{op}", "*")]


# --------------------------------------------------------------------------- KMS
# Operations on one key named by KeyId (a key id, key ARN, alias name or alias ARN); the gateway resolves it to the
# key ARN on the backend, and the key policy takes part (https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
_KMS_KEY_OPERATIONS = frozenset({
    "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext", "DescribeKey", "GetKeyPolicy", "PutKeyPolicy", "EnableKey", "DisableKey",
    "ScheduleKeyDeletion", "CancelKeyDeletion", "Sign", "Verify", "GenerateMac", "VerifyMac", "GetPublicKey",
    "TagResource", "UntagResource", "ListResourceTags", "EnableKeyRotation", "DisableKeyRotation",
    "GetKeyRotationStatus", "UpdateKeyDescription", "CreateGrant", "ListGrants", "RevokeGrant", "RetireGrant",
})


def _encryption_context(value: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            context[f"kms:EncryptionContext:{key}"] = item
        context["kms:EncryptionContextKeys"] = list(value)
    return context


def _kms(call: AwsCall, params: dict, account: str, region: str) -> list[Target]:
    op = call.operation
    action = f"kms:{op}"
    if op == "ReEncrypt":
        return _kms_reencrypt(params)
    if op in _KMS_ALIAS_OPERATIONS:
        return _kms_alias(action, params, account, region)
    context = _encryption_context(params.get("EncryptionContext"))
    if op not in _KMS_KEY_OPERATIONS:
        return [Target(action, "*", context)]
    key = params.get("KeyId")
    if isinstance(key, str) and key:
        return [Target(action, key, context, ("kms", key))]
    if op == "Decrypt" and isinstance(params.get("CiphertextBlob"), bytes):
        return [Target(action, "*", context, _ciphertext(params["CiphertextBlob"], params.get("EncryptionContext")))]
    return [Target(action, "*", context)]


# An alias change is authorized on the alias (identity policy: an alias has no policy of its own) and on each key
# it names (that key's policy takes part): CreateAlias on the alias and the target key, UpdateAlias on the alias,
# its current key and its new key, DeleteAlias on the alias and its key
# (https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html). ListAliases stays on "*".
_KMS_ALIAS_OPERATIONS = frozenset({"CreateAlias", "UpdateAlias", "DeleteAlias"})


def _kms_alias(action: str, params: dict, account: str, region: str) -> list[Target]:
    name = params.get("AliasName")
    if not isinstance(name, str) or not name:
        return [Target(action, "*")]
    found = [Target(action, f"arn:aws:kms:{region}:{account}:{name}")]
    if action != "kms:CreateAlias":
        found.append(Target(action, name, {}, ("kms", name)))  # the key the alias names now
    target = params.get("TargetKeyId")
    if action != "kms:DeleteAlias" and isinstance(target, str) and target:
        found.append(Target(action, target, {}, ("kms", target)))
    return found


def _ciphertext(blob: bytes, encryption_context: Any) -> tuple:
    """A ciphertext's key is found by decrypting it with the context the caller sent (AAD)."""
    return ("kms-ciphertext", blob, json.dumps(encryption_context if isinstance(encryption_context, dict) else {}))


def _kms_reencrypt(params: dict) -> list[Target]:
    """ReEncrypt needs kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the destination key
    (https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html, "Required permissions");
    each is evaluated with the encryption context of its side."""
    found = []
    source_context = _encryption_context(params.get("SourceEncryptionContext"))
    source = params.get("SourceKeyId")
    if isinstance(source, str) and source:
        found.append(Target("kms:ReEncryptFrom", source, source_context, ("kms", source)))
    elif isinstance(params.get("CiphertextBlob"), bytes):
        found.append(Target("kms:ReEncryptFrom", "*", source_context,
                            _ciphertext(params["CiphertextBlob"], params.get("SourceEncryptionContext"))))
    destination = params.get("DestinationKeyId")
    if isinstance(destination, str) and destination:
        found.append(Target("kms:ReEncryptTo", destination,
                            _encryption_context(params.get("DestinationEncryptionContext")), ("kms", destination)))
    return found


_MAPPERS = {"kms": _kms, "s3": _s3, "sqs": _sqs, "sns": _sns, "dynamodb": _dynamodb, "iam": _iam, "sts": _sts}

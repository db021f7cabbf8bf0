"""The constraints of botocore's service models that AWS checks on its side: a parameter's length
(`min`/`max` of a string, list or map), its value (`min`/`max` of a number), its `pattern` and its
`enum`.

botocore's client checks only the minimums (and types) before sending; the maximums, patterns and
enums reach AWS, which refuses them, and moto, which mostly does not. `violations()` walks a call's
parameters along the operation's input shape and lists what AWS would refuse, worded as AWS's model
validation words it ("Value 'x' at 'roleName' failed to satisfy constraint: Member must ...").
`refusal()` turns them into the service's error. The constraints are botocore's data; nothing here
is a hand table of limits.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

from botocore.model import Shape

from .aws_request import service_model
from .wire import dumps

# The services whose model constraints are enforced, with the error code AWS gives for them.
# DynamoDB, IAM and KMS answer with their model validation (Coral) error (KMS's wording is the one
# moto copies for NumberOfBytes: "1 validation error detected: Value '2000' at 'numberOfBytes' ..."); S3 validates a request body
# against its XML schema (MalformedXML; its headers and query values are left alone, S3 answers
# each its own way); SQS names an unknown attribute with InvalidAttributeName. SNS's code is this
# project's reading, not an observed answer: ValidationError, the query protocol's common error
# (as IAM's), except where the operation's model declares its own ValidationException shape
# (ListOriginationNumbers, Publish, PublishBatch), which is then the code.
CODES = {"dynamodb": "ValidationException", "iam": "ValidationError", "sns": "ValidationError",
         "sqs": "InvalidAttributeName", "s3": "MalformedXML", "kms": "ValidationException"}
SOURCES = {
    "dynamodb": "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html",
    "iam": "https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html",
    "sns": "https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html",
    "sqs": "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html",
    "s3": "https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html",
    "kms": "https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html",
}
_S3_MALFORMED = "The XML you provided was not well-formed or did not validate against our published schema"
# S3 enums its schema leaves open: S3 answers a value outside them with an error of its own, which the
# emulator gives too (InvalidLocationConstraint / IllegalLocationConstraintException for a region,
# moto's aws_verified test_bucket_create_force_us_east_1; InvalidArgument "The event '...' is not
# supported for notifications" for an event name).
_S3_OPEN_ENUMS = frozenset({"BucketLocationConstraint", "Event"})
_S3_ACL_OPERATIONS = frozenset({"PutBucketAcl", "PutObjectAcl"})
# DynamoDB words a few of its model checks in a form of its own, which moto repeats (it copies AWS's
# answers): TransactWriteItems' TransactItems over 100 is "1 validation error detected at
# 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100."
# (no value, a final period); BatchGetItem's Keys over 100 is "Value at 'requestItems.TABLE.member.keys'"
# (no value, the map's value named 'member'); Select's enum is listed in AWS's order, not the model's
# (moto's aws_verified test_select_values_are_case_sensitive). TransactGetItems names its items as
# Java objects: that one is left to the emulator, which words it so.
_DYNAMODB_OWN_WORDS = {"TransactWriteItemList": "bare", "KeyList": "no_value"}
_DYNAMODB_ENUM_ORDER = {"Select": ["SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"]}
_DYNAMODB_EMULATOR_WORDS = frozenset({"TransactGetItemList"})


@dataclass(frozen=True)
class Violation:
    path: str  # as AWS names it: roleName, keySchema.1.member.attributeName
    value: Any
    constraint: str  # "Member must have length less than or equal to 64"
    location: str | None = None  # the member's HTTP location (header, querystring, uri) or None for the body
    sensitive: bool = False  # a secret (KMS Plaintext, a password): AWS names it without its value
    shape: str = ""  # the model's shape name


def violations(service: str, operation: str, params: dict) -> list[Violation]:
    shape = service_model(service).operation_model(operation).input_shape
    found: list[Violation] = []
    if shape is not None:
        _walk(shape, params, "", None, found, service)
    if service == "sqs" and operation == "ReceiveMessage":
        found = [v for v in found if not _message_attribute_name(v)]
    return found


def _message_attribute_name(violation: Violation) -> bool:
    """ReceiveMessage's (deprecated) AttributeNames is modelled as queue attribute names, but SQS takes
    the message system attributes there too: "All, ApproximateFirstReceiveTimestamp,
    ApproximateReceiveCount, AWSTraceHeader, SenderId, SentTimestamp, ..."
    (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html)."""
    if not violation.path.startswith("attributeNames."):
        return False
    names = service_model("sqs").shape_for("MessageSystemAttributeName").metadata.get("enum", [])
    return violation.value in names or violation.value == "All"


def refusal(service: str, found: list[Violation], operation: str | None = None) -> tuple[str, str]:
    """(code, message) of AWS's answer to a call of `operation` with these violations."""
    code = CODES[service]
    if service == "sns" and operation is not None and any(
            error.name == "ValidationException"
            for error in service_model(service).operation_model(operation).error_shapes):
        code = "ValidationException"
    if service == "sqs":
        return code, f"Unknown Attribute {found[0].value}."
    if service == "s3":
        # An access control policy that does not validate is MalformedACLError, with the same words
        # (ErrorResponses.html lists both; moto answers an ACL grant's unknown Permission so).
        return ("MalformedACLError" if operation in _S3_ACL_OPERATIONS else code), _S3_MALFORMED
    count = len(found)
    if service == "dynamodb" and count == 1 and _DYNAMODB_OWN_WORDS.get(found[0].shape) == "bare":
        return code, f"1 validation error detected at '{found[0].path}' failed to satisfy constraint: {found[0].constraint}."
    parts = "; ".join(_part(service, v) for v in found)
    return code, f"{count} validation error{'s' if count > 1 else ''} detected: {parts}"


def _part(service: str, v: Violation) -> str:
    if service == "dynamodb" and _DYNAMODB_OWN_WORDS.get(v.shape) == "no_value":
        return f"Value at '{v.path.replace('.value.', '.member.')}' failed to satisfy constraint: {v.constraint}"
    return (f"Value {'' if v.sensitive else _render(v.value) + ' '}at '{v.path}' failed to satisfy "
            f"constraint: {v.constraint}")


def _render(value: Any) -> str:
    if isinstance(value, (dict, list)):
        text = dumps(value, separators=(",", ":"))
        return "'" + (text if len(text) <= 200 else text[:200] + "...") + "'"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, (bytes, dt.datetime)):
        return f"'{dumps(value)[1:-1] if isinstance(value, bytes) else dumps(value)}'"
    return f"'{value}'"


def _walk(shape: Shape, value: Any, path: str, location: str | None, found: list[Violation],
          service: str = "") -> None:
    if value is None:
        return
    enum = not (service == "s3" and shape.name in _S3_OPEN_ENUMS)
    sensitive = bool(shape.metadata.get("sensitive"))
    if not (service == "dynamodb" and shape.name in _DYNAMODB_EMULATOR_WORDS):
        order = _DYNAMODB_ENUM_ORDER.get(shape.name) if service == "dynamodb" else None
        found.extend(Violation(path, value, constraint, location, sensitive, shape.name)
                     for constraint in _broken(shape, value, enum, order))
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        _walk_members(shape, value, path, location, found, service)
    elif kind == "list" and isinstance(value, list):
        for index, item in enumerate(value, 1):
            _walk(shape.member, item, f"{path}.{index}.member", location, found, service)
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            _walk(shape.key, key, f"{path}.{key}.key", location, found, service)
            _walk(shape.value, item, f"{path}.{key}.value", location, found, service)


def _walk_members(shape: Shape, value: dict, path: str, location: str | None, found: list[Violation],
                  service: str) -> None:
    for name, member in shape.members.items():
        if name in value:
            where = member.serialization.get("location") or location
            if where and service == "s3":
                continue  # S3 checks headers and query values each its own way; only the XML body here
            member_path = f"{path}.{_camel(name)}" if path else _camel(name)
            _walk(member, value[name], member_path, where, found, service)


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _broken(shape: Shape, value: Any, check_enum: bool = True, enum_order: list[str] | None = None) -> list[str]:
    meta, kind = shape.metadata, shape.type_name
    broken: list[str] = []
    if kind in ("string", "list", "map", "blob") and isinstance(value, (str, list, dict, bytes)):
        broken += _bounds_broken(meta, len(value), "length")
    if kind in ("integer", "long") and isinstance(value, int) and not isinstance(value, bool):
        broken += _bounds_broken(meta, value, "value")
    if kind == "string" and isinstance(value, str):
        broken += _string_broken(shape, value, check_enum, enum_order)
    return broken


def _bounds_broken(meta: dict, number: int, what: str) -> list[str]:
    """The model's max and min, on a length or on a value."""
    broken = []
    if "max" in meta and number > meta["max"]:
        broken.append(f"Member must have {what} less than or equal to {meta['max']}")
    if "min" in meta and number < meta["min"]:
        broken.append(f"Member must have {what} greater than or equal to {meta['min']}")
    return broken


def _string_broken(shape: Shape, value: str, check_enum: bool, enum_order: list[str] | None) -> list[str]:
    meta = shape.metadata
    broken = []
    pattern = _pattern(meta.get("pattern"))
    if pattern is not None and not pattern.fullmatch(value):
        broken.append(f"Member must satisfy regular expression pattern: {meta['pattern']}")
    enum = getattr(shape, "enum", None) if check_enum else None
    if enum and value not in enum:
        broken.append(f"Member must satisfy enum value set: [{', '.join(enum_order or enum)}]")
    return broken


@functools.lru_cache(maxsize=None)
def _pattern(source: str | None) -> re.Pattern | None:
    """botocore's pattern (Java syntax) as a Python regular expression, or None where Python cannot
    read it the same way (then AWS's check is not repeated)."""
    if not source or re.search(r"\\u[0-9A-Fa-f]{5}|\\p\{|\(\?<[^=!]", source):
        return None
    try:
        return re.compile(source)
    except re.error:
        return None

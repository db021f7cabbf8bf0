"""The request limits AWS enforces server-side, as data: one row per limit, each citing its AWS page.

The `request_limits` behaviour reads this table; adding a limit means adding a row. A row's `path`
names the parameter in boto3 terms: `WaitTimeSeconds` (top level), `Attributes.VisibilityTimeout`
(a key of a map parameter) or `Entries` (a list). Rules:

- `range`: the integer value must lie in [low, high] (a value that is not an integer is left to
  the emulator);
- `max_entries`: the list must have at most `high` entries;
- `distinct_ids`: the `Id`s of the list's entries must differ;
- `max_total`: the entries of every list in the map (one per table) count together, at most `high`;
- `json_range`: the value is a JSON document whose integer field `field` must lie in [low, high]
  (a value that is not JSON is left to the emulator);
- `max_keys`: the map must have at most `high` keys;
- `json_object`: the string must be a JSON object;
- `policy_sids`: the string is a policy document (JSON) whose statements' `Sid`s must match
  `allowed[0]` whole (a value that is not JSON is left to the emulator);
- `message_size`: an SQS message (body plus every attribute's name, type and value, in UTF-8
  bytes) must be at most `high` bytes, and at most its queue's own MaximumMessageSize (read from
  the emulator, only for a message over 1 KiB, the smallest maximum a queue can have);
- `batch_size`: the messages of a list of entries together (each counted as `message_size` counts
  it) must be at most `high` bytes;
- `one_of`: the value must be one of `allowed`; `one_of_any_case`: the same, ignoring case;
- `pattern`: the string must match `allowed[0]` whole;
- `distinct_keys`: no two requests of one table in a DynamoDB batch may name the same item (the
  key attributes are the table's, read from the emulator);
- `key_schemas`, `projections`, `index_throughput`: the shape of a DynamoDB CreateTable (the value
  is the whole request): every key schema, the table's and each index's, lists its HASH key first
  and a RANGE key second; a projection ALL or KEYS_ONLY names no NonKeyAttributes and INCLUDE names
  some; on a provisioned table every GSI has its own ProvisionedThroughput. The message is formatted
  with `reason` too.

A row with `entry_path` applies to each entry of the list at `path` (the entry itself when
`entry_path` is "", else its `entry_path`): an entry that breaks it fails alone, in the batch
answer's `Failed` list, and the other entries go through (HTTP 200), as SQS answers a batch.

`message` is formatted with `value`, `name`, `low`, `high`, `count` and `id`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    service: str
    operations: tuple[str, ...]
    path: str
    rule: str
    code: str
    message: str
    source: str
    low: int = 0
    high: int = 0
    status: int = 400
    entries_key: str | None = None  # max_total: the list inside each map value ("Keys" for BatchGetItem)
    field: str | None = None  # json_range: the field of the JSON document
    allowed: tuple[str, ...] = ()  # one_of: the values AWS accepts; pattern: the regular expression
    entry_path: str | None = None  # checked entry by entry; a broken entry fails alone in Failed[]
    when: tuple[str, str] | None = None  # (parameter, value): the row holds only when the call names it so


_SQS_API = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference"
_SQS_ATTRIBUTES = f"{_SQS_API}/API_SetQueueAttributes.html"
_DDB_API = "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference"
_SQS_DLQ = ("https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
            "sqs-dead-letter-queues.html")
_SQS_QUOTAS = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html"
_TOO_LONG = "One or more parameters are invalid. Reason: Message must be shorter than {high} bytes."
_TOO_MANY_ATTRIBUTES = "Number of message attributes [{count}] exceeds the allowed maximum [{high}]."
_SNS_SET_ATTRIBUTES = "https://docs.aws.amazon.com/sns/latest/api/API_SetSubscriptionAttributes.html"
_SNS_PUBLISH = "https://docs.aws.amazon.com/sns/latest/api/API_Publish.html"
_S3_API = "https://docs.aws.amazon.com/AmazonS3/latest/API"
_S3_MALFORMED = "The XML you provided was not well-formed or did not validate against our published schema"

_PARAMETER = "Value {value} for parameter {name} is invalid. Reason: Must be >= {low} and <= {high}, if provided."
_ATTRIBUTE = "Invalid value for the parameter {name}."
_QUEUE_WRITES = ("CreateQueue", "SetQueueAttributes")
_IAM_SID = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html"
# "In IAM, the Sid value is limited to ASCII uppercase letters (A-Z), lowercase letters (a-z), and digits (0-9)"
_SID_MESSAGE = ("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression "
                "[0-9A-Za-z]*")
_SQS_BATCHES = ("SendMessageBatch", "DeleteMessageBatch", "ChangeMessageVisibilityBatch")


def _queue_attribute(name: str, low: int, high: int) -> Limit:
    return Limit("sqs", _QUEUE_WRITES, f"Attributes.{name}", "range", "InvalidAttributeValue", _ATTRIBUTE,
                 _SQS_ATTRIBUTES, low, high)


LIMITS: tuple[Limit, ...] = (
    Limit("sqs", ("ReceiveMessage",), "WaitTimeSeconds", "range", "InvalidParameterValue", _PARAMETER,
          f"{_SQS_API}/API_ReceiveMessage.html", 0, 20),
    Limit("sqs", ("ReceiveMessage",), "MaxNumberOfMessages", "range", "InvalidParameterValue", _PARAMETER,
          f"{_SQS_API}/API_ReceiveMessage.html", 1, 10),
    Limit("sqs", ("ReceiveMessage",), "VisibilityTimeout", "range", "InvalidParameterValue", _PARAMETER,
          f"{_SQS_API}/API_ReceiveMessage.html", 0, 43200),
    _queue_attribute("ReceiveMessageWaitTimeSeconds", 0, 20),
    _queue_attribute("VisibilityTimeout", 0, 43200),
    _queue_attribute("DelaySeconds", 0, 900),
    _queue_attribute("MessageRetentionPeriod", 60, 1209600),
    Limit("sqs", ("ChangeMessageVisibility",), "VisibilityTimeout", "range", "InvalidParameterValue", _PARAMETER,
          f"{_SQS_API}/API_ChangeMessageVisibility.html", 0, 43200),
    Limit("sqs", ("SendMessage",), "DelaySeconds", "range", "InvalidParameterValue", _PARAMETER,
          f"{_SQS_API}/API_SendMessage.html", 0, 900),
    *(Limit("sqs", (operation,), "Entries", "max_entries", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
            "Maximum number of entries per request are {high}. You have sent {count}.",
            f"{_SQS_API}/API_{operation}.html", high=10) for operation in _SQS_BATCHES),
    *(Limit("sqs", (operation,), "Entries", "distinct_ids", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
            "Id {id} repeated.", f"{_SQS_API}/API_{operation}.html") for operation in _SQS_BATCHES),
    _queue_attribute("MaximumMessageSize", 1024, 1048576),
    # a Policy that is not a JSON document: SQS refuses it; moto raises inside (a traceback, HTTP 500)
    Limit("sqs", _QUEUE_WRITES, "Attributes.Policy", "json_object", "InvalidAttributeValue", _ATTRIBUTE,
          _SQS_ATTRIBUTES),
    Limit("sqs", _QUEUE_WRITES, "Attributes.RedrivePolicy", "json_range", "InvalidParameterValue",
          "Value {value} for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: "
          "{number}, valid values are from {low} to {high} both inclusive.", _SQS_DLQ, 1, 1000, field="maxReceiveCount"),
    # 1 MiB since August 2025 (was 256 KiB): "The maximum size is 1 MiB or 1,048,576 bytes" (SendMessage page);
    # a queue's MaximumMessageSize lowers it for that queue (aws-rules/sqs.md R1.2, validated)
    Limit("sqs", ("SendMessage",), "", "message_size", "InvalidParameterValue", _TOO_LONG,
          f"{_SQS_API}/API_SendMessage.html", high=1048576),
    Limit("sqs", ("SendMessage",), "MessageAttributes", "max_keys", "InvalidParameterValue", _TOO_MANY_ATTRIBUTES,
          _SQS_QUOTAS, high=10),
    # "The maximum allowed individual message size and the maximum total payload size (the sum of the
    # individual lengths of all of the batched messages) are both 1 MiB" (SendMessageBatch page), attributes
    # counted (R1.2); the whole batch is refused (R1.4, validated)
    Limit("sqs", ("SendMessageBatch",), "Entries", "batch_size", "AWS.SimpleQueueService.BatchRequestTooLong",
          "Batch requests cannot be longer than {high} bytes. You have sent {count} bytes.",
          f"{_SQS_API}/API_SendMessageBatch.html", high=1048576),
    # one entry over its queue's size fails alone in Failed[] (R1.4, validated); more than 10 attributes on
    # one entry too (this project's reading: SQS reports each entry's validation on its own)
    Limit("sqs", ("SendMessageBatch",), "Entries", "message_size", "InvalidParameterValue", _TOO_LONG,
          f"{_SQS_API}/API_SendMessageBatch.html", high=1048576, entry_path=""),
    Limit("sqs", ("SendMessageBatch",), "Entries", "max_keys", "InvalidParameterValue", _TOO_MANY_ATTRIBUTES,
          _SQS_QUOTAS, high=10, entry_path="MessageAttributes"),
    Limit("sns", ("Publish",), "Subject", "pattern", "InvalidParameter", "Invalid parameter: Subject",
          _SNS_PUBLISH, allowed=(r"[!-~][ -~]*",)),  # ASCII, starting with a letter, number or punctuation
    # "true" or "false" in any case (SNS lowers it); LocalStack's wording of SNS's refusal, prefixed by the call
    Limit("sns", ("Subscribe",), "Attributes.RawMessageDelivery", "one_of_any_case", "InvalidParameter",
          "Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [{value}]. Must be true or false.",
          _SNS_SET_ATTRIBUTES, allowed=("true", "false")),
    Limit("sns", ("SetSubscriptionAttributes",), "AttributeValue", "one_of_any_case", "InvalidParameter",
          "Invalid parameter: RawMessageDelivery: Invalid value [{value}]. Must be true or false.",
          _SNS_SET_ATTRIBUTES, allowed=("true", "false"), when=("AttributeName", "RawMessageDelivery")),
    Limit("s3", ("DeleteObjects",), "Delete.Objects", "max_entries", "MalformedXML", _S3_MALFORMED,
          f"{_S3_API}/API_DeleteObjects.html", high=1000),
    Limit("s3", ("PutBucketLifecycleConfiguration",), "LifecycleConfiguration.Rules", "max_entries", "MalformedXML",
          _S3_MALFORMED, "https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html", high=1000),
    # BadRequest, not InvalidTag: the answer S3-compatible servers tested against AWS give (versitygw's
    # "REST PutBucketTagging - more than 50 tags", scality cloudserver), as for an object's 11th tag
    Limit("s3", ("PutBucketTagging",), "Tagging.TagSet", "max_entries", "BadRequest",
          "Bucket tag count cannot be greater than {high}",
          "https://docs.aws.amazon.com/AmazonS3/latest/userguide/CostAllocTagging.html", high=50),
    Limit("s3", ("PutBucketVersioning",), "VersioningConfiguration.Status", "one_of", "MalformedXML", _S3_MALFORMED,
          f"{_S3_API}/API_PutBucketVersioning.html", allowed=("Enabled", "Suspended")),
    # IAM's answer as CloudTrail recorded it for CreatePolicy; moto accepts a Sid with a space or a hyphen
    Limit("iam", ("CreatePolicy", "CreatePolicyVersion", "PutUserPolicy", "PutRolePolicy", "PutGroupPolicy",
                  "UpdateAssumeRolePolicy"), "PolicyDocument", "policy_sids", "MalformedPolicyDocument",
          _SID_MESSAGE, _IAM_SID, allowed=(r"[0-9A-Za-z]*",)),
    Limit("iam", ("CreateRole",), "AssumeRolePolicyDocument", "policy_sids", "MalformedPolicyDocument",
          _SID_MESSAGE, _IAM_SID, allowed=(r"[0-9A-Za-z]*",)),
    Limit("dynamodb", ("BatchWriteItem",), "RequestItems", "max_total", "ValidationException",
          "1 validation error detected: Value '{value}' at 'requestItems' failed to satisfy constraint: "
          "Map value must satisfy constraint: [Member must have length less than or equal to {high}, "
          "Member must have length greater than or equal to 1]",
          f"{_DDB_API}/API_BatchWriteItem.html", high=25),
    Limit("dynamodb", ("BatchGetItem",), "RequestItems", "max_total", "ValidationException",
          "Too many items requested for the BatchGetItem call",
          f"{_DDB_API}/API_BatchGetItem.html", high=100, entries_key="Keys"),
    # CreateTable's shape, as DynamoDB answers it (the wording of dynalite's and ScyllaDB Alternator's
    # tests, both run against DynamoDB); moto accepts all three
    Limit("dynamodb", ("CreateTable",), "", "key_schemas", "ValidationException", "Invalid KeySchema: {reason}",
          f"{_DDB_API}/API_CreateTable.html"),
    Limit("dynamodb", ("CreateTable",), "", "projections", "ValidationException",
          "One or more parameter values were invalid: {reason}", f"{_DDB_API}/API_Projection.html"),
    Limit("dynamodb", ("CreateTable",), "", "index_throughput", "ValidationException",
          "One or more parameter values were invalid: ProvisionedThroughput is not specified for index: {reason}",
          f"{_DDB_API}/API_GlobalSecondaryIndex.html"),
    Limit("dynamodb", ("BatchWriteItem", "BatchGetItem"), "RequestItems", "distinct_keys", "ValidationException",
          "Provided list of item keys contains duplicates", f"{_DDB_API}/API_BatchWriteItem.html"),
)


def limits_for(service: str, operation: str) -> list[Limit]:
    return [limit for limit in LIMITS if limit.service == service and operation in limit.operations]

"""The request limits AWS enforces server-side, as data: one row per limit, each citing its AWS page.

The `request_limits` behaviour reads this table; adding a limit means adding a row. A row's `path`
names the parameter in boto3 terms: `WaitTimeSeconds` (top level), `Attributes.VisibilityTimeout`
(a key of a map parameter) or `Entries` (a list). Rules:

- `range`: the integer value must lie in [low, high] (a value that is not an integer is left to
  the emulator);
- `max_entries`: the list must have at most `high` entries;
- `distinct_ids`: the `Id`s of the list's entries must differ;
- `max_total`: the entries of every list in the map (one per table) count together, at most `high`.

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


_SQS_API = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference"
_SQS_ATTRIBUTES = f"{_SQS_API}/API_SetQueueAttributes.html"
_DDB_API = "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference"

_PARAMETER = "Value {value} for parameter {name} is invalid. Reason: Must be >= {low} and <= {high}, if provided."
_ATTRIBUTE = "Invalid value for the parameter {name}."
_QUEUE_WRITES = ("CreateQueue", "SetQueueAttributes")
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
    Limit("dynamodb", ("BatchWriteItem",), "RequestItems", "max_total", "ValidationException",
          "1 validation error detected: Value '{value}' at 'requestItems' failed to satisfy constraint: "
          "Map value must satisfy constraint: [Member must have length less than or equal to {high}, "
          "Member must have length greater than or equal to 1]",
          f"{_DDB_API}/API_BatchWriteItem.html", high=25),
    Limit("dynamodb", ("BatchGetItem",), "RequestItems", "max_total", "ValidationException",
          "Too many items requested for the BatchGetItem call",
          f"{_DDB_API}/API_BatchGetItem.html", high=100, entries_key="Keys"),
    Limit("dynamodb", ("TransactWriteItems",), "TransactItems", "max_entries", "ValidationException",
          "1 validation error detected: Value '{value}' at 'transactItems' failed to satisfy constraint: "
          "Member must have length less than or equal to {high}",
          f"{_DDB_API}/API_TransactWriteItems.html", high=100),
)


def limits_for(service: str, operation: str) -> list[Limit]:
    return [limit for limit in LIMITS if limit.service == service and operation in limit.operations]

"""A queue's configuration as one call sees it: read from the emulator once per call, shared by every
behaviour in the call's chain.

An SQS call meets several behaviours that each need a setting of its queue (the long poll its
ReceiveMessageWaitTimeSeconds, the visibility timer its VisibilityTimeout, dead letters its QueueArn
and RedrivePolicy, request limits its MaximumMessageSize, IAM its Policy). moto computes every
attribute of a queue, message counts included (a scan of its messages each), for each name a
GetQueueAttributes asks for; asked once for "All", it computes them once. So the first behaviour
that needs a queue's configuration reads all of it, and the others find it in the call
(`AwsCall.queues`), which lives as long as the call and is shared by its rewrites.

Only configuration is kept: the message counts change within a call (a receive hides messages), so
they are never served from here. A call that may change a queue's configuration (SetQueueAttributes,
AddPermission, CreateQueue, DeleteQueue, ...) forgets what it read as soon as it reaches the
emulator, so a behaviour that looks after the upstream's answer reads the new settings.
"""

from __future__ import annotations

from typing import Any

# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html
COUNTS = frozenset({"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed",
                    "ApproximateNumberOfMessagesNotVisible"})

# The SQS operations that change no queue's configuration; after any other (SetQueueAttributes,
# AddPermission, RemovePermission, CreateQueue, DeleteQueue, TagQueue, one awslab does not know yet)
# reaches the emulator, the call reads its queues again.
KEEP_CONFIGURATION = frozenset({
    "SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch",
    "ChangeMessageVisibility", "ChangeMessageVisibilityBatch", "GetQueueAttributes", "GetQueueUrl",
    "ListQueues", "ListQueueTags", "ListDeadLetterSourceQueues", "ListMessageMoveTasks"})


def queue_configuration(gateway: Any, call: Any, url: str, region: str | None = None) -> dict[str, str]:
    """The configuration attributes of the queue at `url` (GetQueueAttributes' names and values, message
    counts left out) as `call` finds them: read once per call and queue. Raises what the emulator's
    GetQueueAttributes raised (no such queue, ...), each time it is asked. Read-only."""
    region = region or call.region
    if not isinstance(url, str):
        return _read(gateway, url, region)  # botocore refuses it, as it would refuse the behaviour
    key = (region, url)
    if key not in call.queues:
        try:
            call.queues[key] = _read(gateway, url, region)
        except Exception as error:  # noqa: BLE001 - kept, and raised to every behaviour that asks
            call.queues[key] = error
    found = call.queues[key]
    if isinstance(found, Exception):
        raise found
    return found


def forget_if_changed(call: Any) -> None:
    """After `call` reached the emulator: forget its queues' configuration if it may have changed it."""
    if call.queues and call.service == "sqs" and call.operation not in KEEP_CONFIGURATION:
        call.queues.clear()


def _read(gateway: Any, url: Any, region: str) -> dict[str, str]:
    attributes = gateway.internal_client("sqs", region).get_queue_attributes(
        QueueUrl=url, AttributeNames=["All"]).get("Attributes", {})
    return {name: value for name, value in attributes.items() if name not in COUNTS}

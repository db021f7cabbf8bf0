"""A queue's configuration as one call sees it: read from the emulator once per call, shared by every
behaviour in the call's chain.

An SQS call meets several behaviours that each need a setting of its queue (the long poll its
ReceiveMessageWaitTimeSeconds, the visibility timer its VisibilityTimeout, dead letters its QueueArn
and RedrivePolicy, request limits its MaximumMessageSize, IAM its Policy, Lambda's pollers its
DelaySeconds). The first behaviour that needs a queue's configuration reads all of CONFIGURATION in
one GetQueueAttributes, and the others find it in the call (`AwsCall.queues`), which lives as long
as the call and is shared by its rewrites.

How it is asked for depends on the backend. moto's own GetQueueAttributes computes every attribute
of the queue, three message counts included (a scan of its messages each), twice for each name
asked for, and once for "All": so "All" is asked for. awslab's moto (feature sqs_attributes_by_name,
awslab/backends/moto_sqs_attributes.py) computes only the names asked for, and its "All" is moto's:
there the names are asked for (measured on awslab's moto server with 400 messages in the queue: "All"
18 ms, the seven names 4 ms). Either way the answer holds CONFIGURATION's names alone.

Only configuration is kept: the message counts change within a call (a receive hides messages), so
they are never served from here. A call that may change a queue's configuration (SetQueueAttributes,
AddPermission, CreateQueue, DeleteQueue, ...) forgets what it read as soon as it reaches the
emulator, so a behaviour that looks after the upstream's answer reads the new settings.
"""

from __future__ import annotations

from typing import Any

# What behaviours read of a queue (a behaviour that needs another setting adds it here); never a count
# (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html).
CONFIGURATION = ("DelaySeconds", "MaximumMessageSize", "Policy", "QueueArn", "ReceiveMessageWaitTimeSeconds",
                 "RedrivePolicy", "VisibilityTimeout")
BY_NAME = "sqs_attributes_by_name"  # the backend's feature: GetQueueAttributes computes only what it is asked

# The SQS operations that change no queue's configuration; after any other (SetQueueAttributes,
# AddPermission, RemovePermission, CreateQueue, DeleteQueue, TagQueue, one awslab does not know yet)
# reaches the emulator, the call reads its queues again.
KEEP_CONFIGURATION = frozenset({
    "SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch",
    "ChangeMessageVisibility", "ChangeMessageVisibilityBatch", "GetQueueAttributes", "GetQueueUrl",
    "ListQueues", "ListQueueTags", "ListDeadLetterSourceQueues", "ListMessageMoveTasks"})


def queue_configuration(gateway: Any, call: Any, url: str, region: str | None = None) -> dict[str, str]:
    """The queue's CONFIGURATION attributes at `url` (GetQueueAttributes' names and values; a name the
    queue has no value for is absent) as `call` finds them: read once per call and queue. Raises what the
    emulator's GetQueueAttributes raised (no such queue, ...), each time it is asked. Read-only."""
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
    names = list(CONFIGURATION) if BY_NAME in gateway.features else ["All"]
    attributes = gateway.internal_client("sqs", region).get_queue_attributes(
        QueueUrl=url, AttributeNames=names).get("Attributes", {})
    return {name: value for name, value in attributes.items() if name in CONFIGURATION}

"""Dead-letter queues as AWS shows them, where moto shows less (aws-rules/sqs.md R3.2).

- A message SQS moved to a dead-letter queue carries the system attribute DeadLetterQueueSourceArn,
  the ARN of the queue it came from; moto moves it without one. A message can only move after a
  receive from its source queue, so the behaviour remembers where each message was last received
  (and that queue's dead-letter target); when it turns up in that target, it was moved from there.
- ListDeadLetterSourceQueues pages with MaxResults and NextToken; moto ignores both and answers
  every source queue at once.
"""

from __future__ import annotations

import base64
import json

from ..aws_request import AwsCall
from ..core import Forward, Gateway
from ..errors import aws_error
from ..queue_configuration import queue_configuration
from ..wire import Response

ATTRIBUTE = "DeadLetterQueueSourceArn"
STATE_KEY = "sqs_dead_letters"
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListDeadLetterSourceQueues.html
MAX_RESULTS = 1000


class SqsDeadLetters:
    name = "sqs_dead_letters"
    services = frozenset({"sqs"})

    def handle(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        if call.service != "sqs" or call.protocol != "json":
            return forward(call)
        if call.operation == "ReceiveMessage":
            return self._receive(call, forward, gateway)
        if call.operation == "ListDeadLetterSourceQueues" and ("MaxResults" in call.params or "NextToken" in call.params):
            return self._list_sources(call, forward)
        return forward(call)

    def _receive(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        response = forward(call)
        data = response.json() if response.ok else None
        messages = (data or {}).get("Messages")
        if not messages or not call.params.get("QueueUrl"):
            return response
        attributes = queue_configuration(gateway, call, call.params["QueueUrl"])
        here = attributes.get("QueueArn")
        try:
            target = json.loads(attributes.get("RedrivePolicy") or "{}").get("deadLetterTargetArn")
        except ValueError:
            target = None
        memory = gateway.state.setdefault(STATE_KEY, {"last_seen": {}, "moved_from": {}})
        wanted = {*call.params.get("AttributeNames", []), *call.params.get("MessageSystemAttributeNames", [])}
        changed = False
        for message in messages:
            changed = _note_source(message, memory, here, target, wanted) or changed
        return response.with_json(data) if changed else response

    def _list_sources(self, call: AwsCall, forward: Forward) -> Response:
        try:
            size = int(call.params.get("MaxResults", MAX_RESULTS))
            start = int(base64.b64decode(call.params["NextToken"]).decode()) if call.params.get("NextToken") else 0
        except (TypeError, ValueError):
            return aws_error(call, "InvalidParameterValue", "Invalid NextToken value.")
        if not 1 <= size <= MAX_RESULTS:
            return aws_error(call, "InvalidParameterValue",
                             f"Value {size} for parameter MaxResults is invalid. Reason: must be between 1 and 1000")
        unpaged = {k: v for k, v in call.params.items() if k not in ("MaxResults", "NextToken")}
        response = forward(call.with_params(unpaged))
        data = response.json() if response.ok else None
        if not isinstance(data, dict):
            return response
        urls = data.get("queueUrls", [])
        page = {"queueUrls": urls[start:start + size]}
        if start + size < len(urls):
            page["NextToken"] = base64.b64encode(str(start + size).encode()).decode()
        return response.with_json(page)


def _note_source(message: dict, memory: dict, here: str | None, target: str | None, wanted: set) -> bool:
    """Remember where the message was seen; a message first seen in another queue whose dead-letter
    queue this is was moved here, and gets DeadLetterQueueSourceArn when asked. True if it got it now."""
    message_id = message.get("MessageId")
    seen = memory["last_seen"].get(message_id)
    if message_id not in memory["moved_from"] and seen and seen[0] != here and seen[1] == here:
        memory["moved_from"][message_id] = seen[0]
    memory["last_seen"][message_id] = (here, target)
    source = memory["moved_from"].get(message_id)
    if source and ({"All", ATTRIBUTE} & wanted) and ATTRIBUTE not in message.get("Attributes", {}):
        message.setdefault("Attributes", {})[ATTRIBUTE] = source
        return True
    return False


BEHAVIOUR = SqsDeadLetters

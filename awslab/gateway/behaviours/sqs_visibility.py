"""SQS visibility timeouts as AWS counts them, where moto counts otherwise (aws-rules/sqs.md R2).

moto's deviations, corrected here on a backend that can edit moto's state (feature moto_state):
- a message stays hidden at the very instant its timeout runs out (moto shows it only when
  now > visible_at), so on virtual time, which stands still, ChangeMessageVisibility(0) leaves it
  hidden and a `time.sleep(60)` after a 60 s receive finds nothing (R2.1, R2.3);
- the 12-hour cap counts from the message's SentTimestamp instead of the receive that started the
  timer, so a message that waited before its receive cannot be extended as far as AWS allows (R2.4).

The behaviour remembers, per message, when it was last received and the handles it was given; after
each receive or change it sets the instant the message comes back. The cap is checked here as AWS
does; what moto refuses only because of its own count is applied through the state edit.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from botocore.exceptions import ClientError

from ..aws_request import AwsCall
from ..core import Forward, Gateway
from ..errors import aws_error, error_of
from ..queue_configuration import queue_configuration
from ..wire import Response

FEATURE = "moto_state"
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
MAX_TOTAL_SECONDS = 43_200
_CAP_MESSAGE = ("Value {value} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the "
                "message is beyond the limit [43200 seconds]")
_MOTO_CAP = "Total VisibilityTimeout"  # moto words its own (send-based) refusal the same way
STATE_KEY = "sqs_visibility"


def queue_of(url: str) -> tuple[str, str] | None:
    """(account id, queue name) of a queue URL (https://host/123456789012/orders)."""
    parts = [p for p in url.split("?", 1)[0].split("/") if p]
    return (parts[-2], parts[-1]) if len(parts) >= 2 else None


class SqsVisibility:
    name = "sqs_visibility"
    services = frozenset({"sqs"})

    def handle(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        if (call.service != "sqs" or FEATURE not in gateway.features or call.protocol != "json"
                or call.operation not in ("ReceiveMessage", "ChangeMessageVisibility", "ChangeMessageVisibilityBatch")):
            return forward(call)
        memory = gateway.state.setdefault(STATE_KEY, {"received_at": {}, "message_of": {}})
        if call.operation == "ReceiveMessage":
            return self._receive(call, forward, gateway, memory)
        if call.operation == "ChangeMessageVisibility":
            return self._change(call, forward, gateway, memory)
        return self._change_batch(call, forward, gateway, memory)

    # -- ReceiveMessage: the timer starts; the message comes back at receive + timeout ---------------
    def _receive(self, call: AwsCall, forward: Forward, gateway: Gateway, memory: dict) -> Response:
        response = forward(call)
        messages = (response.json() or {}).get("Messages") if response.ok else None
        url = call.params.get("QueueUrl") or ""
        if not messages or queue_of(url) is None:
            return response
        timeout = _seconds(call.params.get("VisibilityTimeout"))
        if timeout is None:
            timeout = int(queue_configuration(gateway, call, url).get("VisibilityTimeout", 30))
        now = gateway.clock.now()
        for message in messages:
            memory["received_at"][message["MessageId"]] = now
            memory["message_of"][message["ReceiptHandle"]] = message["MessageId"]
        _set_visible_from(gateway, call, url, [(m["ReceiptHandle"], timeout) for m in messages])
        return response

    # -- ChangeMessageVisibility: counts from the call, capped at 12 h from the receive -------------
    def _change(self, call: AwsCall, forward: Forward, gateway: Gateway, memory: dict) -> Response:
        url, handle = call.params.get("QueueUrl") or "", call.params.get("ReceiptHandle") or ""
        timeout = _seconds(call.params.get("VisibilityTimeout"))
        received_at = memory["received_at"].get(memory["message_of"].get(handle))
        if received_at is None or timeout is None or queue_of(url) is None or not 0 <= timeout <= MAX_TOTAL_SECONDS:
            return forward(call)
        refusal = _over_cap(gateway, received_at, timeout)
        if refusal:
            call.note("visibility_cap", refusal)
            return aws_error(call, "InvalidParameterValue", refusal)
        response = forward(call)
        _, message = error_of(response)
        if not response.ok and _MOTO_CAP not in (message or ""):
            return response
        missing = _set_visible_from(gateway, call, url, [(handle, timeout)])
        if missing:
            return response
        if not response.ok:
            call.note("moto_deviation", "12-hour cap counted from the receive, not the send")
            return _json_ok(call, {})
        return response

    def _change_batch(self, call: AwsCall, forward: Forward, gateway: Gateway, memory: dict) -> Response:
        url = call.params.get("QueueUrl") or ""
        entries = call.params.get("Entries")
        if (queue_of(url) is None or not isinstance(entries, list)
                or not any(isinstance(e, dict) and e.get("ReceiptHandle") in memory["message_of"] for e in entries)):
            return forward(call)
        # Entry by entry, as AWS answers a batch: each one succeeds or fails on its own.
        sqs = gateway.internal_client("sqs", call.region)
        successful, failed = [], []
        for entry in entries:
            failure = _change_entry(gateway, call, sqs, url, entry, memory)
            if failure is None:
                successful.append({"Id": entry.get("Id")})
            else:
                failed.append(failure)
        return _json_ok(call, {"Successful": successful, "Failed": failed})


def _change_entry(gateway: Gateway, call: AwsCall, sqs: Any, url: str, entry: Any, memory: dict) -> dict | None:
    """One entry of ChangeMessageVisibilityBatch on the virtual clock; its failure, or None."""
    handle, timeout = entry.get("ReceiptHandle"), _seconds(entry.get("VisibilityTimeout"))
    received_at = memory["received_at"].get(memory["message_of"].get(handle))
    refusal = _over_cap(gateway, received_at, timeout) if received_at and timeout is not None else None
    if refusal:
        return _failure(entry, "InvalidParameterValue", refusal)
    try:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle,
                                      VisibilityTimeout=entry.get("VisibilityTimeout"))
    except ClientError as error:
        code, message = error.response["Error"].get("Code"), error.response["Error"].get("Message", "")
        if not (received_at and _MOTO_CAP in message):
            return _failure(entry, code, message)
    if received_at is not None and timeout is not None:
        _set_visible_from(gateway, call, url, [(handle, timeout)])
    return None


def _seconds(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _over_cap(gateway: Gateway, received_at: dt.datetime, timeout: int) -> str | None:
    in_flight = (gateway.clock.now() - received_at).total_seconds()
    return _CAP_MESSAGE.format(value=timeout) if in_flight + timeout > MAX_TOTAL_SECONDS else None


def _set_visible_from(gateway: Gateway, call: AwsCall, url: str, changes: list[tuple[str, int]]) -> list[str]:
    """Each handle's message comes back `seconds` from now, at that instant (not a microsecond later)."""
    found = queue_of(url)
    if found is None:  # not a queue URL (the callers have checked): nothing to edit
        return []
    account, queue = found
    return gateway.backend.edit_moto_state("sqs-visibility", account_id=account, region=call.region, queue_name=queue,
                                           changes=[list(change) for change in changes])


def _failure(entry: dict, code: str | None, message: str) -> dict:
    return {"Id": entry.get("Id"), "SenderFault": True, "Code": code or "InvalidParameterValue", "Message": message}


def _json_ok(call: AwsCall, body: dict) -> Response:
    return Response(200, [("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-RequestId", str(uuid.uuid4()))],
                    json.dumps(body).encode())


BEHAVIOUR = SqsVisibility

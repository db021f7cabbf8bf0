"""The life of each SQS message on the virtual clock: sent, received (by whom, how many times),
hidden, deleted, or moved to the dead-letter queue. Built from the request log alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from rich.tree import Tree


@dataclass
class MessageEvent:
    time: dt.datetime
    kind: str  # sent, received, deleted, visibility, moved
    queue: str
    detail: str = ""
    source: str = ""


@dataclass
class MessageLife:
    message_id: str
    body: str = ""
    events: list[MessageEvent] = field(default_factory=list)

    @property
    def receives(self) -> int:
        return sum(1 for e in self.events if e.kind == "received")

    @property
    def fate(self) -> str:
        kinds = [e.kind for e in self.events]
        if "deleted" in kinds:
            return "deleted"
        if "moved" in kinds:
            return "in the DLQ"
        return "still in the queue"


def queue_name(url: str | None) -> str:
    return (url or "?").rstrip("/").rsplit("/", 1)[-1]


def message_lives(calls: Iterable[Any]) -> list[MessageLife]:
    """Follow every message through SendMessage(Batch), ReceiveMessage, ChangeMessageVisibility and
    DeleteMessage(Batch) calls (LoggedCall objects, oldest first). A message received from a queue
    other than the one it was sent to was moved there by a redrive policy: the dead-letter queue."""
    trail = _MessageTrail()
    for call in calls:
        if call.service != "sqs" or call.failed:
            continue
        trail.follow(call)
    return list(trail.lives.values())


class _MessageTrail:
    """What the calls so far tell of every message and of the queues' redrive policies."""

    def __init__(self) -> None:
        self.lives: dict[str, MessageLife] = {}
        self.where: dict[str, str] = {}  # message id -> queue it is in
        self.handles: dict[str, str] = {}  # receipt handle -> message id
        self.redrive: dict[str, tuple[str, int]] = {}  # queue -> (its DLQ, maxReceiveCount), from the calls that set them
        self.visibility: dict[str, float] = {}  # queue -> VisibilityTimeout
        self.received: dict[str, tuple[int, dt.datetime]] = {}  # message id -> (receives from its queue, last receive)

    def life(self, message_id: str) -> MessageLife:
        return self.lives.setdefault(message_id, MessageLife(message_id))

    def follow(self, call: Any) -> None:
        params, response = call.params or {}, call.response or {}
        queue = queue_name(params.get("QueueUrl") or params.get("QueueName"))
        op = call.operation
        if op in ("CreateQueue", "SetQueueAttributes"):
            _remember_attributes(queue, params.get("Attributes") or {}, self.redrive, self.visibility)
        if op == "SendMessage":
            if response.get("MessageId"):
                self.send_message(call, queue, response["MessageId"], params.get("MessageBody", ""))
        elif op == "SendMessageBatch":
            bodies = {e.get("Id"): e.get("MessageBody", "") for e in params.get("Entries", [])}
            for ok in response.get("Successful", []):
                self.send_message(call, queue, ok["MessageId"], bodies.get(ok.get("Id"), ""))
        elif op == "ReceiveMessage":
            _infer_redrives(call, queue, self.lives, self.where, self.received, self.redrive, self.visibility)
            for message in response.get("Messages", []):
                self.receive_message(call, queue, message)
        elif op in ("DeleteMessage", "ChangeMessageVisibility"):
            self.delete_or_hide(call, queue, params)
        elif op == "DeleteMessageBatch":
            self.delete_message_batch(call, queue, params, response)

    def send_message(self, call: Any, queue: str, message_id: str, body: Any) -> None:
        entry = self.life(message_id)
        entry.body = str(body)
        entry.events.append(MessageEvent(call.time, "sent", queue, source=call.source))
        self.where[entry.message_id] = queue

    def receive_message(self, call: Any, queue: str, message: dict) -> None:
        entry = self.life(message["MessageId"])
        entry.body = entry.body or str(message.get("Body", ""))
        if message.get("ReceiptHandle"):
            self.handles[message["ReceiptHandle"]] = entry.message_id
        previous = self.where.get(entry.message_id)
        if previous and previous != queue:
            entry.events.append(MessageEvent(call.time, "moved", queue,
                                             f"from {previous} (redrive: too many receives)"))
        self.where[entry.message_id] = queue
        times, _ = self.received.get(entry.message_id, (0, call.time)) if previous == queue else (0, call.time)
        self.received[entry.message_id] = (times + 1, call.time)
        count = (message.get("Attributes") or {}).get("ApproximateReceiveCount")
        detail = f"receive #{count}" if count else ""
        entry.events.append(MessageEvent(call.time, "received", queue, detail, call.source))

    def delete_or_hide(self, call: Any, queue: str, params: dict) -> None:
        """DeleteMessage or ChangeMessageVisibility, of a message known by its receipt handle."""
        message_id = self.handles.get(params.get("ReceiptHandle", ""))
        if not message_id:
            return
        if call.operation == "DeleteMessage":
            self.received.pop(message_id, None)
            self.lives[message_id].events.append(MessageEvent(call.time, "deleted", queue, source=call.source))
        else:
            seconds = params.get("VisibilityTimeout")
            self.lives[message_id].events.append(
                MessageEvent(call.time, "visibility", queue, f"hidden for {seconds} s", call.source))

    def delete_message_batch(self, call: Any, queue: str, params: dict, response: dict) -> None:
        ok_ids = {e.get("Id") for e in response.get("Successful", [])}
        for entry_params in params.get("Entries", []):
            message_id = self.handles.get(entry_params.get("ReceiptHandle", ""))
            if message_id and (not response or entry_params.get("Id") in ok_ids):
                self.lives[message_id].events.append(MessageEvent(call.time, "deleted", queue, source=call.source))


def _remember_attributes(queue: str, attributes: dict, redrive: dict, visibility: dict) -> None:
    import json

    if "VisibilityTimeout" in attributes:
        try:
            visibility[queue] = float(attributes["VisibilityTimeout"])
        except ValueError:
            pass
    policy = attributes.get("RedrivePolicy")
    if policy:
        try:
            data = json.loads(policy) if isinstance(policy, str) else dict(policy)
            redrive[queue] = (queue_name(str(data["deadLetterTargetArn"]).replace(":", "/")),
                              int(data["maxReceiveCount"]))
        except (ValueError, KeyError, TypeError):
            pass


def _infer_redrives(call: Any, queue: str, lives: dict, where: dict, received: dict, redrive: dict,
                    visibility: dict) -> None:
    """SQS moves a message to the DLQ when a receive finds it visible again after maxReceiveCount
    receives; such a receive does not return it. Seen here: a receive on the queue, after the
    visibility timeout, of a message received maxReceiveCount times and not deleted."""
    if queue not in redrive:
        return
    dlq, limit = redrive[queue]
    hidden_for = visibility.get(queue, 30.0)
    for message_id, (times, last) in list(received.items()):
        if where.get(message_id) == queue and times >= limit and \
                (call.time - last).total_seconds() >= hidden_for:
            lives[message_id].events.append(
                MessageEvent(call.time, "moved", dlq, f"from {queue}: {times} receives reached maxReceiveCount {limit}"))
            where[message_id] = dlq
            del received[message_id]


_STYLE = {"sent": "cyan", "received": "yellow", "deleted": "green", "visibility": "blue", "moved": "bold red"}
_WORD = {"sent": "sent to", "received": "received from", "deleted": "deleted from", "visibility": "visibility in",
         "moved": "moved to"}


def _offset(moment: dt.datetime, origin: dt.datetime) -> str:
    seconds = (moment - origin).total_seconds()
    if seconds < 120:
        return f"+{seconds:.0f}s"
    if seconds < 7200:
        return f"+{seconds / 60:.1f}min"
    return f"+{seconds / 3600:.1f}h"


def render_message_lives(calls: Iterable[Any], title: str = "Messages on the virtual clock",
                         limit: int = 20) -> Tree:
    """A tree: one branch per message, one line per event, time counted from the first call."""
    calls = list(calls)
    lives = message_lives(calls)
    root = Tree(Text(title, style="bold"))
    if not lives:
        root.add(Text("no SQS message was sent or received", style="dim"))
        return root
    origin = min(e.time for life in lives for e in life.events)
    for life in lives[:limit]:
        body = life.body if len(life.body) <= 40 else life.body[:37] + "..."
        fate_style = {"deleted": "green", "in the DLQ": "red"}.get(life.fate, "yellow")
        label = Text.assemble((f"message {life.message_id[:8]}", "bold"), f" {body!r} · ",
                              (f"{life.receives} receive(s), {life.fate}", fate_style))
        branch = root.add(label)
        for event in life.events:
            line = Text.assemble((f"{_offset(event.time, origin):>9} ", "dim"),
                                 (f"{_WORD[event.kind]} {event.queue}", _STYLE[event.kind]))
            if event.detail:
                line.append(f" ({event.detail})", style="dim")
            if event.source and event.source != "learner" and event.kind != "moved":
                line.append(f" by the {event.source}", style="dim")
            branch.add(line)
    if len(lives) > limit:
        root.add(Text(f"... and {len(lives) - limit} more message(s)", style="dim"))
    return root

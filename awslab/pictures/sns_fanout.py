"""The SNS fan-out graph: topic → each subscription, and what each queue received (or why not).

Built from the request log: the gateway's SNS delivery (gateway/behaviours/sns_delivery.py) records,
on each Publish call, `notes["deliveries"]`, one entry per subscription: subscription, protocol,
endpoint, queue, delivered, dropped_by (filter, queue policy, ...), why. Entries are read
tolerantly (first key found wins) so the picture survives small format changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

_TARGET_KEYS = ("queue", "queue_name", "endpoint", "queue_arn", "queue_url", "target", "subscription_arn",
                "subscription")
_REASON_KEYS = ("why", "reason", "explanation", "detail", "error", "message")


def _short_name(value: Any) -> str:
    text = str(value or "?")
    if text.startswith("arn:"):
        return text.split(":")[5] if text.count(":") >= 5 else text
    return text.rstrip("/").rsplit("/", 1)[-1]


def _delivered(entry: Mapping[str, Any]) -> bool:
    for key in ("delivered", "matched", "ok"):
        if key in entry:
            return bool(entry[key])
    status = str(entry.get("status") or entry.get("outcome") or "").lower()
    return status in ("delivered", "ok", "sent", "success")


def _describe(entry: Mapping[str, Any]) -> tuple[str, str, str]:
    """(target name, outcome word, reason)."""
    target = next((entry[k] for k in _TARGET_KEYS if entry.get(k)), "?")
    reason = next((str(entry[k]) for k in _REASON_KEYS if entry.get(k)), "")
    status = str(entry.get("status") or entry.get("outcome") or "")
    if entry.get("dropped_by"):
        status = f"dropped by {entry['dropped_by']}"
    word = "delivered" if _delivered(entry) else (status or "not delivered")
    return _short_name(target), word, reason


def _publish_label(call: Any, origin: dt.datetime) -> Text:
    params = call.params or {}
    body = str(params.get("Message", ""))
    body = body if len(body) <= 50 else body[:47] + "..."
    seconds = (call.time - origin).total_seconds()
    label = Text.assemble((f"+{seconds:.0f}s ", "dim"), ("Publish ", "bold"), f"{body!r}")
    attributes = params.get("MessageAttributes") or {}
    if attributes:
        shown = ", ".join(f"{k}={v.get('StringValue', v.get('BinaryValue', '?'))}" if isinstance(v, Mapping)
                          else f"{k}={v}" for k, v in attributes.items())
        label.append(f" [{shown}]", style="dim")
    return label


def render_fanout(calls: Iterable[Any], title: str = "SNS fan-out") -> Group:
    """Topic → publish → one line per subscription (✔ delivered / ✘ why not), then per queue the count."""
    publishes = [c for c in calls if c.service == "sns" and c.operation in ("Publish", "PublishBatch")]
    root = Tree(Text(title, style="bold"))
    if not publishes:
        root.add(Text("no message was published", style="dim"))
        return Group(root)
    origin = publishes[0].time
    topics: dict[str, Tree] = {}
    received: dict[str, int] = {}
    for call in publishes:
        topic = _short_name((call.params or {}).get("TopicArn") or (call.params or {}).get("TargetArn"))
        topic_node = topics.get(topic) or root.add(Text(f"topic {topic}", style="bold magenta"))
        topics[topic] = topic_node
        _add_deliveries(topic_node.add(_publish_label(call, origin)), call, received)
    if not received:
        return Group(root)
    table = Table(show_edge=False)
    table.add_column("endpoint")
    table.add_column("messages", justify="right")
    for target, count in sorted(received.items()):
        table.add_row(target, Text(str(count), style="green" if count else "red"))
    return Group(root, Text("what each endpoint received", style="bold"), table)


def _add_deliveries(node: Tree, call: Any, received: dict[str, int]) -> None:
    """Under a publish, one line per subscription; counts in `received` what each endpoint got."""
    if call.failed:
        node.add(Text(f"✘ the publish failed: {call.error_code}", style="red"))
        return
    deliveries = (call.notes or {}).get("deliveries")
    if deliveries is None:
        by = (call.notes or {}).get("deliveries_by") or "this backend, on its own"
        node.add(Text(f"(no delivery record: delivered by {by})", style="dim"))
        return
    if not deliveries:
        node.add(Text("no subscriptions: the message went nowhere", style="yellow"))
    for entry in deliveries:
        target, word, reason = _describe(entry if isinstance(entry, Mapping) else {"target": entry})
        ok = _delivered(entry) if isinstance(entry, Mapping) else True
        received.setdefault(target, 0)
        if ok:
            received[target] += 1
        line = Text.assemble(("✔ " if ok else "✘ ", "green" if ok else "red"), (target, "bold"),
                             f": {word}")
        if reason:
            line.append(f" ({reason})", style="dim")
        node.add(line)

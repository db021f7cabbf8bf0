"""Pictures where a person would rather look than read, as rich renderables (checks show them with
`ctx.show(title, picture)`; `--html` writes them as a page):

- `render_message_lives(calls)`: each SQS message between queue, consumer and DLQ on the virtual clock;
- `render_fanout(calls)`: the SNS fan-out graph, topic to queues, with what each received;
- `render_decision(decision)`: the decision path of an IAM request (awslab.models.iam's Decision);
- `render_denials(calls)`: each request the gateway's IAM enforcement denied, and why;
- `lifecycle_timeline(timeline)`: each S3 object version's lifecycle (awslab.models.s3_lifecycle);
- `capacity_chart(timeline, table)`: DynamoDB consumed vs provisioned per second (awslab.models.dynamodb_capacity);
- `render_flow(decision)`: a flow through a VPC, hop by hop, with the rule that decided each (awslab.models.vpc);
- `render_batches(invocations)`: each batch a Lambda function got from SQS, how it ended, what failed.

`calls` is the request log or a slice of it, e.g. `ctx.log.calls("sqs", source=None)`.
"""

from __future__ import annotations

from typing import Any, Literal

from .iam_path import render_decision, render_denials
from .lambda_batches import render_batches
from .page import picture_html, report_html, write_report_html
from .sns_fanout import render_fanout
from .sqs_messages import message_lives, render_message_lives
from .vpc_flow import render_flow


def lifecycle_timeline(timeline: Any):
    """The S3 lifecycle timeline of a simulated bucket (an s3_lifecycle Timeline)."""
    from .s3_lifecycle import render_timeline

    return render_timeline(timeline)


def capacity_chart(timeline: Any, table: str, *, kind: Literal["read", "write"] = "write", index: str | None = None):
    """The DynamoDB capacity chart of one table (a dynamodb_capacity CapacityTimeline, or a LocalAWS:
    then the gateway's meter's timeline of this scenario)."""
    from .dynamodb_capacity import render_timeline

    if hasattr(timeline, "gateway"):
        from ..gateway.behaviours.dynamodb_capacity import meter_of

        timeline = meter_of(timeline.gateway).timeline
    return render_timeline(timeline, table, kind=kind, index=index)


__all__ = ["capacity_chart", "lifecycle_timeline", "message_lives", "picture_html", "render_batches", "render_decision", "render_denials",
           "render_fanout", "render_flow", "render_message_lives", "report_html", "write_report_html"]

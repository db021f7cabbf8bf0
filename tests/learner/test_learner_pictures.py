"""Pictures: SQS message lives, SNS fan-out, IAM decision path, S3 lifecycle, DynamoDB capacity, HTML."""

from __future__ import annotations

import datetime as dt
import io
import json

from rich.console import Console

from awslab.gateway.request_log import LoggedCall
from awslab.pictures import (
    capacity_chart,
    lifecycle_timeline,
    message_lives,
    render_decision,
    render_fanout,
    render_message_lives,
    report_html,
    write_report_html,
)

T0 = dt.datetime(2026, 1, 5, 10, 30, tzinfo=dt.timezone.utc)


def text_of(picture) -> str:
    console = Console(width=140, file=io.StringIO(), record=True, color_system=None)
    console.print(picture)
    return console.export_text()


def test_sqs_pictures_follow_each_message_from_send_to_delete_or_the_dlq(fresh_aws):
    sqs, clock = fresh_aws.client("sqs"), fresh_aws.clock
    dlq = sqs.create_queue(QueueName="orders-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    main = sqs.create_queue(QueueName="orders", Attributes={
        "VisibilityTimeout": "30", "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"})})["QueueUrl"]
    sqs.send_message(QueueUrl=main, MessageBody="poison")
    for _ in range(2):
        sqs.receive_message(QueueUrl=main, AttributeNames=["ApproximateReceiveCount"])
        clock.advance(seconds=31)
    sqs.receive_message(QueueUrl=main)  # the third receive moves it to the DLQ
    before_dlq_read = message_lives(fresh_aws.log.calls("sqs", source=None))
    assert [e.kind for e in before_dlq_read[0].events][-1] == "moved"  # inferred from the redrive policy
    moved = sqs.receive_message(QueueUrl=dlq)["Messages"]
    sqs.send_message(QueueUrl=main, MessageBody="fine")
    good = sqs.receive_message(QueueUrl=main)["Messages"][0]
    sqs.delete_message(QueueUrl=main, ReceiptHandle=good["ReceiptHandle"])

    calls = fresh_aws.log.calls("sqs", source=None)
    lives = {life.body: life for life in message_lives(calls)}
    assert lives["poison"].fate == "in the DLQ" and lives["poison"].receives == 3 and moved
    assert [e.kind for e in lives["poison"].events].count("moved") == 1
    assert lives["fine"].fate == "deleted"
    picture = text_of(render_message_lives(calls))
    assert "moved to orders-dlq" in picture and "receive #2" in picture and "+62s" in picture
    assert "deleted from orders" in picture


def call(operation, params, notes=None, seconds=0, service="sns"):
    return LoggedCall(seq=1, time=T0 + dt.timedelta(seconds=seconds), service=service, operation=operation,
                      params=params, region="us-east-1", access_key=None, source="learner", notes=notes or {})


def test_the_fanout_graph_shows_each_subscription_and_what_each_queue_received():
    topic = "arn:aws:sns:us-east-1:123456789012:orders"
    deliveries = [
        # the shape gateway/behaviours/sns_delivery.py records
        {"subscription": topic + ":1", "protocol": "sqs", "endpoint": "arn:aws:sqs:us-east-1:123456789012:billing",
         "queue": "billing", "delivered": True, "dropped_by": None, "why": ""},
        {"subscription": topic + ":2", "protocol": "sqs", "endpoint": "arn:aws:sqs:us-east-1:123456789012:shipping",
         "queue": "shipping", "delivered": False, "dropped_by": "filter",
         "why": "filter policy: kind is 'refund', not in ['order']"},
    ]
    calls = [call("Publish", {"TopicArn": topic, "Message": "order 1",
                              "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "refund"}}},
                  {"deliveries": deliveries}),
             call("Publish", {"TopicArn": topic, "Message": "order 2"}, {"deliveries": deliveries[:1]}, seconds=5)]
    picture = text_of(render_fanout(calls))
    assert "topic orders" in picture and "✔ billing" in picture and "✘ shipping: dropped by filter" in picture
    assert "filter policy: kind is 'refund'" in picture and "kind=refund" in picture
    assert "billing" in picture.split("what each endpoint received")[1]


def test_the_fanout_graph_says_when_nothing_was_recorded():
    assert "no message was published" in text_of(render_fanout([]))
    assert "no delivery record" in text_of(render_fanout([call("Publish", {"TopicArn": "arn:aws:sns:r:1:t"})]))


def test_the_iam_decision_path_marks_the_deciding_statement():
    from awslab.models.iam import Request, evaluate

    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "ReadReports", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"},
        {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::reports/secret/*"}]}
    decision = evaluate(Request(action="s3:GetObject", resource="arn:aws:s3:::reports/secret/pay.csv",
                                principal="arn:aws:iam::111122223333:user/alice"), identity_policies=[policy])
    picture = text_of(render_decision(decision, title="GetObject reports/secret/pay.csv"))
    assert "DENIED (explicit deny)" in picture and "NoSecrets" in picture and "← decided" in picture
    assert "s3:GetObject" in picture


def test_the_s3_and_dynamodb_pictures_render():
    from awslab.models.dynamodb_capacity import CapacityTimeline
    from awslab.models.s3_lifecycle import BucketSnapshot, ObjectVersion, simulate

    snapshot = BucketSnapshot("Enabled", (ObjectVersion("a.txt", "v1", T0, size=300_000),
                                          ObjectVersion("a.txt", "v2", T0 + dt.timedelta(days=1), size=300_000)),
                              bucket="docs")
    config = {"Rules": [{"ID": "old", "Status": "Enabled", "Filter": {},
                         "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]}
    timeline = simulate(config, snapshot, T0 + dt.timedelta(days=40), start=T0 + dt.timedelta(days=1))
    assert "v1" in text_of(lifecycle_timeline(timeline))
    capacity = CapacityTimeline()
    capacity.record_provisioned(0, "orders", 5, 5)
    for second in range(3):
        capacity.record_consumed(second, "orders", "write", 8)
    capacity.record_throttled(2, "orders", "write")
    chart = text_of(capacity_chart(capacity, "orders"))
    assert "orders: write capacity" in chart and "✗ 1" in chart


def test_the_html_page_holds_the_report_and_its_pictures(tmp_path):
    from rich.tree import Tree

    from awslab.grading.results import PASSED, CheckResult, LabResult

    result = LabResult(lab="tiny_lab", title="Tiny", backend="moto",
                       checks=[CheckResult("a", "it works", PASSED, 1, 1)], pictures=[("The tree", Tree("leaf"))])
    page = report_html([result])
    assert page.startswith("<!DOCTYPE html>") and "it works" in page and "The tree" in page and "leaf" in page
    path = write_report_html([result], tmp_path / "out" / "report.html")
    assert path.read_text() == page


def test_denied_requests_from_the_request_log_show_their_decision_path():
    from awslab.models.iam import Request, evaluate
    from awslab.pictures import render_denials

    policy = {"Version": "2012-10-17", "Statement": [{"Sid": "OnlyReports", "Effect": "Allow",
                                                      "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}
    decision = evaluate(Request(action="s3:GetObject", resource="arn:aws:s3:::payroll/x",
                                principal="arn:aws:iam::123456789012:user/bob"), identity_policies=[policy])
    note = {**decision.to_dict(), "action": "s3:GetObject", "resource": "arn:aws:s3:::payroll/x",
            "principal": "arn:aws:iam::123456789012:user/bob", "explanation": decision.explain()}
    calls = [call("GetObject", {}, {"iam": note}, service="s3"),
             call("ListBuckets", {}, {"iam": {"decision": "Allowed"}}, service="s3")]
    picture = text_of(render_denials(calls))
    assert "s3.GetObject DENIED (nothing allowed it)" in picture and "user/bob" in picture
    assert "OnlyReports" in picture and "ListBuckets" not in picture


def test_the_lambda_batches_picture_shows_each_invocation_and_what_failed():
    from awslab.gateway.behaviours.lambda_sqs import Invocation
    from awslab.pictures import render_batches

    records = [{"messageId": f"m{i}", "body": body, "receiptHandle": f"h{i}", "receive_count": 1}
               for i, body in enumerate(['{"order_id": "o-1"}', "not an order"])]
    first = Invocation("uuid", "arn:aws:lambda:us-east-1:123456789012:function:f", T0, records, outcome="partial",
                       failed=["m1"], deleted=["m0"])
    again = Invocation("uuid", first.function_arn, T0 + dt.timedelta(minutes=6), records[1:], outcome="error",
                       reason="handler() raised ValueError: not JSON", failed=["m1"])
    picture = text_of(render_batches([first, again]))
    assert "+0:00:00" in picture and "+0:06:00" in picture
    assert "partial" in picture and "raised" in picture and "✗ not an order (#1)" in picture and "not JSON" in picture
    assert "received no batch" in text_of(render_batches([]))

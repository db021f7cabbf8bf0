import json
import os
from decimal import Decimal, InvalidOperation

import boto3

# Made once per function instance, not per invocation (Lambda keeps the module between calls).
dynamodb = boto3.resource("dynamodb")


def parse_order(body):
    """The order in a record's body, or ValueError: a poison record."""
    try:
        order = json.loads(body, parse_float=Decimal)
    except ValueError as exc:
        raise ValueError(f"not JSON: {body[:40]!r}") from exc
    if not isinstance(order, dict) or not isinstance(order.get("order_id"), str) or not order["order_id"]:
        raise ValueError(f"no order_id: {body[:40]!r}")
    try:
        amount = Decimal(str(order.get("amount")))
    except InvalidOperation as exc:
        raise ValueError(f"amount is not a number: {body[:40]!r}") from exc
    if isinstance(order.get("amount"), bool) or not amount.is_finite() or amount <= 0:
        raise ValueError(f"amount must be positive: {body[:40]!r}")
    return {"order_id": order["order_id"], "amount": amount}


def store(table, order):
    """Write the order once: a redelivered record finds its order already there (idempotent)."""
    try:
        table.put_item(Item=order, ConditionExpression="attribute_not_exists(order_id)")
    except table.meta.client.exceptions.ConditionalCheckFailedException:
        pass  # written by an earlier delivery of this record


def handler(event, context):
    table = dynamodb.Table(os.environ["ORDERS_TABLE"])
    failures = []
    for record in event["Records"]:
        try:
            store(table, parse_order(record["body"]))
        except Exception:  # noqa: BLE001 - this record fails alone; the others go on
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def wire_up(lambda_client, sqs, function_name, queue_url):
    timeout = lambda_client.get_function_configuration(FunctionName=function_name)["Timeout"]
    name = queue_url.rstrip("/").rsplit("/", 1)[-1]
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq", Attributes={"MessageRetentionPeriod": "1209600"})["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={
        "VisibilityTimeout": str(6 * timeout),
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5}),
    })
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    mapping = lambda_client.create_event_source_mapping(
        FunctionName=function_name, EventSourceArn=queue_arn, BatchSize=10,
        FunctionResponseTypes=["ReportBatchItemFailures"])
    return mapping["UUID"]

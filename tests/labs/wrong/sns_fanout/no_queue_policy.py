"""Wrong answer: Forgets the queue policies: in AWS the queues stay empty."""

import json

QUEUES = ("inventory", "analytics", "fraud")
FILTERS = {
    "inventory": {"event_type": ["OrderPlaced", "OrderCancelled"]},
    "analytics": None,  # everything
    "fraud": {"event_type": ["OrderPlaced"], "amount": [{"numeric": [">=", 1000]}]},
}


def queue_policy(queue_arn, topic_arn):
    """Only this topic (through the SNS service) may send to the queue."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "OnlyTheOrdersTopic",
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
        }],
    })


def build_fanout(sns, sqs, prefix):
    topic_arn = sns.create_topic(Name=f"{prefix}-orders")["TopicArn"]
    urls = {}
    for name in QUEUES:
        url = sqs.create_queue(QueueName=f"{prefix}-{name}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        attributes = {}
        if FILTERS[name]:
            attributes["FilterPolicy"] = json.dumps(FILTERS[name])
        if name == "analytics":
            attributes["RawMessageDelivery"] = "true"
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes=attributes)
        urls[name] = url
    return {"topic_arn": topic_arn, "queues": urls}


def publish_order(sns, topic_arn, order):
    response = sns.publish(
        TopicArn=topic_arn,
        Message=json.dumps(order),
        MessageAttributes={
            "event_type": {"DataType": "String", "StringValue": order["event_type"]},
            "amount": {"DataType": "Number", "StringValue": str(order["amount"])},
        },
    )
    return response["MessageId"]


def read_events(sqs, queue_url):
    orders = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                       WaitTimeSeconds=1).get("Messages", [])
        if not messages:
            return orders
        for message in messages:
            body = json.loads(message["Body"])
            if isinstance(body, dict) and body.get("Type") == "Notification" and "TopicArn" in body:
                body = json.loads(body["Message"])  # the SNS envelope of a non-raw subscription
            orders.append(body)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])

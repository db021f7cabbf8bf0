"""Wrong answer: read_events reads every message but deletes none."""

import json

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

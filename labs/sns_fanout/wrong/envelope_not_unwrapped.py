"""Wrong answer: read_events returns SNS's envelope instead of the order."""

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
            orders.append(body)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])

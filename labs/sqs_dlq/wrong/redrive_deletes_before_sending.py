"""Wrong answer for the sqs_dlq lab: redrive deletes each message from the DLQ, then sends it."""

import json

def redrive(sqs, dlq_url, queue_url):
    moved = 0
    while True:
        messages = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, WaitTimeSeconds=5,
                                       MessageAttributeNames=["All"]).get("Messages", [])
        if not messages:
            return moved
        for message in messages:
            sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
            send = {"QueueUrl": queue_url, "MessageBody": message["Body"]}
            if message.get("MessageAttributes"):
                send["MessageAttributes"] = message["MessageAttributes"]
            sqs.send_message(**send)
            moved += 1

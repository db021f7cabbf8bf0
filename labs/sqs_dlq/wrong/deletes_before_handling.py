"""Wrong answer for the sqs_dlq lab: deletes each message as soon as it is received, then handles it."""

import json

def consume(sqs, queue_url, handler):
    messages = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=20,
        MessageSystemAttributeNames=["ApproximateReceiveCount"], MessageAttributeNames=["All"],
    ).get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])  # "got it"
    done = 0
    for message in messages:
        try:
            handler(message)
        except Exception as exc:
            print(f"message {message['MessageId']} failed ({exc})")
            continue
        done += 1
    return done

"""A different correct answer for the sqs_dlq lab: it must earn full marks.

Attributes set after creation, maxReceiveCount as a string, long polling from the queue's
ReceiveMessageWaitTimeSeconds (no WaitTimeSeconds on the receive), one delete per message, and a
redrive that sends and deletes one message at a time.
"""

import json


def create_queues(sqs, name):
    dlq_url = sqs.create_queue(QueueName=name + "-dlq")["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=dlq_url, Attributes={"MessageRetentionPeriod": "1209600"})
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["All"])["Attributes"]["QueueArn"]
    queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={
        "VisibilityTimeout": "60",
        "ReceiveMessageWaitTimeSeconds": "20",
        "RedrivePolicy": json.dumps({"maxReceiveCount": "3", "deadLetterTargetArn": dlq_arn}),
    })
    return (queue_url, dlq_url)


def consume(sqs, queue_url, handler):
    response = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)
    succeeded = 0
    for message in response.get("Messages", []):
        try:
            handler(message)
        except Exception:
            continue
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        succeeded += 1
    return succeeded


def extend_visibility(sqs, queue_url, receipt_handle, seconds):
    sqs.change_message_visibility_batch(QueueUrl=queue_url, Entries=[
        {"Id": "heartbeat", "ReceiptHandle": receipt_handle, "VisibilityTimeout": seconds}])


def redrive(sqs, dlq_url, queue_url):
    moved = 0
    while True:
        messages = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10,
                                       MessageAttributeNames=["All"]).get("Messages", [])
        if not messages:
            return moved
        for message in messages:
            sqs.send_message(QueueUrl=queue_url, MessageBody=message["Body"],
                             MessageAttributes=message.get("MessageAttributes", {}))
            sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
            moved += 1

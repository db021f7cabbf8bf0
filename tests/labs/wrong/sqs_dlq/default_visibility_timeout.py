"""Wrong answer for the sqs_dlq lab: the main queue keeps the default 30 s visibility timeout."""

import json

MAX_RECEIVES = 3  # a message that failed 3 times is poison: the 4th attempt moves it to the DLQ


def create_queues(sqs, name):
    dlq_url = sqs.create_queue(
        QueueName=f"{name}-dlq",
        Attributes={"MessageRetentionPeriod": str(14 * 24 * 3600)},
    )["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue_url = sqs.create_queue(
        QueueName=name,
        Attributes={
            "ReceiveMessageWaitTimeSeconds": "20",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVES}),
        },
    )["QueueUrl"]
    return queue_url, dlq_url


def consume(sqs, queue_url, handler):
    messages = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=20,
        MessageSystemAttributeNames=["ApproximateReceiveCount"], MessageAttributeNames=["All"],
    ).get("Messages", [])
    done = []
    for message in messages:
        try:
            handler(message)
        except Exception as exc:  # leave it: it comes back after the visibility timeout
            print(f"message {message['MessageId']} failed ({exc}); it will be redelivered")
            continue
        done.append(message)
    if done:
        entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)]
        result = sqs.delete_message_batch(QueueUrl=queue_url, Entries=entries)
        for failure in result.get("Failed", []):  # handled, but it will come back: the handler must be idempotent
            print(f"could not delete entry {failure['Id']}: {failure['Message']}")
    return len(done)


def extend_visibility(sqs, queue_url, receipt_handle, seconds):
    sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds)


def redrive(sqs, dlq_url, queue_url):
    moved = 0
    while True:
        messages = sqs.receive_message(
            QueueUrl=dlq_url, MaxNumberOfMessages=10, WaitTimeSeconds=5, MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return moved
        entries = []
        for i, message in enumerate(messages):
            entry = {"Id": str(i), "MessageBody": message["Body"]}
            if message.get("MessageAttributes"):
                entry["MessageAttributes"] = message["MessageAttributes"]
            entries.append(entry)
        sent = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)  # raises if the queue is gone
        done = [messages[int(s["Id"])] for s in sent.get("Successful", [])]
        if done:  # only what was sent leaves the DLQ
            sqs.delete_message_batch(QueueUrl=dlq_url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])
            moved += len(done)
        if sent.get("Failed"):
            failure = sent["Failed"][0]
            raise RuntimeError(f"{len(sent['Failed'])} message(s) could not be sent ({failure['Code']}: "
                               f"{failure.get('Message', '')}); they stay in the DLQ")

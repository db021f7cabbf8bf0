"""Wrong answer for the sqs_dlq lab: receives without WaitTimeSeconds on a queue without ReceiveMessageWaitTimeSeconds."""

import json

def create_queues(sqs, name):
    dlq_url = sqs.create_queue(
        QueueName=f"{name}-dlq",
        Attributes={"MessageRetentionPeriod": str(14 * 24 * 3600)},
    )["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue_url = sqs.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": "60",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVES}),
        },
    )["QueueUrl"]
    return queue_url, dlq_url

def consume(sqs, queue_url, handler):
    messages = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10,
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

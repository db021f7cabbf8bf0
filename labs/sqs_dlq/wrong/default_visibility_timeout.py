"""Wrong answer for the sqs_dlq lab: the main queue keeps the default 30 s visibility timeout."""

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
            "ReceiveMessageWaitTimeSeconds": "20",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVES}),
        },
    )["QueueUrl"]
    return queue_url, dlq_url

"""Wrong answer for the sqs_dlq lab: the try/except is around the whole loop, so the first failure ends the round."""

import json

def consume(sqs, queue_url, handler):
    messages = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=20,
        MessageSystemAttributeNames=["ApproximateReceiveCount"], MessageAttributeNames=["All"],
    ).get("Messages", [])
    done = []
    try:
        for message in messages:
            handler(message)
            done.append(message)
    except Exception as exc:
        print(f"a message failed ({exc})")
    if done:
        entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)]
        result = sqs.delete_message_batch(QueueUrl=queue_url, Entries=entries)
        for failure in result.get("Failed", []):  # handled, but it will come back: the handler must be idempotent
            print(f"could not delete entry {failure['Id']}: {failure['Message']}")
    return len(done)

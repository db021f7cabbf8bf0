"""Wrong answer for the sqs_dlq lab: long polls for 25 s, over the 20 s AWS allows (InvalidParameterValue)."""

def consume(sqs, queue_url, handler):
    messages = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=25,
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

"""Wrong answer for the sqs_dlq lab: redrive does not ask for message attributes, so it cannot pass them on."""

import json

def redrive(sqs, dlq_url, queue_url):
    moved = 0
    while True:
        messages = sqs.receive_message(
            QueueUrl=dlq_url, MaxNumberOfMessages=10, WaitTimeSeconds=5,
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

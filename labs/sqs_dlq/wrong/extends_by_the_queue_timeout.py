"""Wrong answer for the sqs_dlq lab: the heartbeat re-hides the message for the queue's 60 s, whatever `seconds` says."""

import json

def extend_visibility(sqs, queue_url, receipt_handle, seconds):
    sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=60)

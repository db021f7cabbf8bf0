"""Wrong answer: A queue policy that lets every principal send, from anywhere."""

import json

def queue_policy(queue_arn, topic_arn):
    """Only this topic (through the SNS service) may send to the queue."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "OnlyTheOrdersTopic",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
        }],
    })

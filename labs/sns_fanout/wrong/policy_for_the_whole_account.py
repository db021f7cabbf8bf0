"""Wrong answer: A queue policy that trusts any topic of the account (aws:SourceAccount only)."""

import json

def queue_policy(queue_arn, topic_arn):
    """Only this topic (through the SNS service) may send to the queue."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "OnlyTheOrdersTopic",
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {"StringEquals": {"aws:SourceAccount": topic_arn.split(":")[4]}},
        }],
    })

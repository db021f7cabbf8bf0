"""Not wrong: a different queue policy and body-scope filters with the same effect (full marks)."""

import json

FILTERS = {
    "inventory": {"$or": [{"event_type": ["OrderPlaced"]}, {"event_type": [{"prefix": "OrderCancel"}]}]},
    "analytics": None,  # everything
    "fraud": {"event_type": ["OrderPlaced"], "amount": [{"numeric": [">=", 1000]}]},
}

def queue_policy(queue_arn, topic_arn):
    """Only this topic (through the SNS service) may send to the queue."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "SQS:SendMessage", "Resource": queue_arn,
             "Condition": {"ArnLike": {"aws:SourceArn": topic_arn}}},
            {"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": queue_arn,
             "Condition": {"StringNotEquals": {"aws:SourceAccount": topic_arn.split(":")[4]}}},
        ],
    })

def build_fanout(sns, sqs, prefix):
    topic_arn = sns.create_topic(Name=f"{prefix}-orders")["TopicArn"]
    urls = {}
    for name in QUEUES:
        url = sqs.create_queue(QueueName=f"{prefix}-{name}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": queue_policy(arn, topic_arn)})
        attributes = {}
        if FILTERS[name]:
            attributes["FilterPolicy"] = json.dumps(FILTERS[name])
            attributes["FilterPolicyScope"] = "MessageBody"  # the JSON body has the same keys
        if name == "analytics":
            attributes["RawMessageDelivery"] = "true"
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes=attributes)
        urls[name] = url
    return {"topic_arn": topic_arn, "queues": urls}

"""Wrong answer: Forgets the queue policies: in AWS the queues stay empty."""

import json

def build_fanout(sns, sqs, prefix):
    topic_arn = sns.create_topic(Name=f"{prefix}-orders")["TopicArn"]
    urls = {}
    for name in QUEUES:
        url = sqs.create_queue(QueueName=f"{prefix}-{name}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        attributes = {}
        if FILTERS[name]:
            attributes["FilterPolicy"] = json.dumps(FILTERS[name])
        if name == "analytics":
            attributes["RawMessageDelivery"] = "true"
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes=attributes)
        urls[name] = url
    return {"topic_arn": topic_arn, "queues": urls}

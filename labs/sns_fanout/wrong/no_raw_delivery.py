"""Wrong answer: Analytics without raw message delivery."""

import json

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
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes=attributes)
        urls[name] = url
    return {"topic_arn": topic_arn, "queues": urls}

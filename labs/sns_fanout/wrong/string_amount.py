"""Wrong answer: Publishes amount as a String attribute: numeric filters never match it."""

import json

def publish_order(sns, topic_arn, order):
    response = sns.publish(
        TopicArn=topic_arn,
        Message=json.dumps(order),
        MessageAttributes={
            "event_type": {"DataType": "String", "StringValue": order["event_type"]},
            "amount": {"DataType": "String", "StringValue": str(order["amount"])},
        },
    )
    return response["MessageId"]

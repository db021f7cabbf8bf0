"""sns_fanout: one topic of orders, three queues that each get what they need.

Read `awslab show sns_fanout` first. In your workspace, run `awslab check sns_fanout` to see what works.
"""

import json  # noqa: F401 - you will need it


def build_fanout(sns, sqs, prefix):
    """Create the topic <prefix>-orders and the queues <prefix>-inventory, <prefix>-analytics and
    <prefix>-fraud; give each queue a policy that lets only this topic send to it; subscribe them:
    - inventory: event_type OrderPlaced or OrderCancelled
    - analytics: everything, with raw message delivery
    - fraud: event_type OrderPlaced and amount of 1000 or more

    Return {"topic_arn": ..., "queues": {"inventory": url, "analytics": url, "fraud": url}}.
    """
    raise NotImplementedError("build_fanout")


def publish_order(sns, topic_arn, order):
    """Publish `order` (a dict) as JSON, with the message attributes event_type (String) and
    amount (Number). Return the MessageId."""
    raise NotImplementedError("publish_order")


def read_events(sqs, queue_url):
    """Drain the queue and return the orders (dicts), whether the subscription is raw or not."""
    raise NotImplementedError("read_events")

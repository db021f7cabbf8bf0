"""sqs_dlq: a consumer that survives poison messages. Read `awslab show sqs_dlq` first.

Each function receives a boto3 SQS client (`sqs`) that already points at the local AWS.
In your workspace (awslab init), run `awslab check sqs_dlq` from any folder inside it to see which checks pass.
"""


def create_queues(sqs, name):
    """Create `<name>-dlq` (keeps messages 14 days) and `<name>` (60 s visibility timeout,
    20 s long polling, redrive to the DLQ after 3 receives). Return (queue_url, dlq_url)."""
    # TODO
    return None


def consume(sqs, queue_url, handler):
    """One polling round: receive up to 10 messages with long polling, call handler(message) for each,
    delete those it handled, leave the failures. Return how many were handled successfully."""
    # TODO
    return 0


def extend_visibility(sqs, queue_url, receipt_handle, seconds):
    """Keep a slow message hidden for `seconds` more, counting from now (a heartbeat)."""
    # TODO


def redrive(sqs, dlq_url, queue_url):
    """Move every message from the DLQ back to the source queue, body and attributes intact,
    deleting each from the DLQ only after it was sent. Return how many were moved."""
    # TODO
    return 0

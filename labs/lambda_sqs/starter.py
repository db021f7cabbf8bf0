"""lambda_sqs: a Lambda function fed by SQS that loses nothing and does nothing twice.
Read `awslab show lambda_sqs` first.

`handler` is the function's code: awslab's simulated event source mapping calls it with batches of
SQS records. `wire_up` receives boto3 clients (`lambda_client`, `sqs`) that already point at the
local AWS. In your workspace (awslab init), run `awslab check lambda_sqs` from any folder inside it
to see which checks pass.
"""


def handler(event, context):
    """Write each good order of event["Records"] to the DynamoDB table named by the environment
    variable ORDERS_TABLE; report the records that failed as a partial batch response:
    {"batchItemFailures": [{"itemIdentifier": <the record's messageId>}, ...]}."""
    # TODO
    return None


def wire_up(lambda_client, sqs, function_name, queue_url):
    """Connect the queue to the function: the source queue's visibility timeout at least 6x the
    function's timeout, a dead-letter queue `<queue name>-dlq` on the source queue after 5 receives,
    and an event source mapping with batch size 10 that reports batch item failures.
    Return the mapping's UUID."""
    # TODO
    return None

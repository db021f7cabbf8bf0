# The Table made when the module is imported, from the function's environment (Lambda's best practice:
# initialise outside the handler; configuration from environment variables). Lambda imports the module
# with the function's environment in os.environ, so this is right.
orders_table = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE"])


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            store(orders_table, parse_order(record["body"]))
        except Exception:  # noqa: BLE001 - this record fails alone
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}

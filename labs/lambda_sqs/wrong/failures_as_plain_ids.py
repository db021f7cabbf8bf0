def handler(event, context):
    table = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE"])
    failures = []
    for record in event["Records"]:
        try:
            store(table, parse_order(record["body"]))
        except Exception:
            failures.append(record["messageId"])  # Lambda wants {"itemIdentifier": ...} objects
    return {"batchItemFailures": failures}

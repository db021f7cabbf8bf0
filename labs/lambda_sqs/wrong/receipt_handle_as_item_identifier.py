def handler(event, context):
    table = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE"])
    failures = []
    for record in event["Records"]:
        try:
            table.put_item(Item=parse_order(record["body"]))
        except Exception:
            failures.append({"itemIdentifier": record["receiptHandle"]})
    return {"batchItemFailures": failures}

# Each record's error caught and dropped: the response never names a failure.
def handler(event, context):
    table = dynamodb.Table(os.environ["ORDERS_TABLE"])
    for record in event["Records"]:
        try:
            store(table, parse_order(record["body"]))
        except Exception:  # noqa: BLE001 - the wrong answer: swallowed
            pass
    return {"batchItemFailures": []}

# Redeliveries recognised by a set in the module: a redelivery that reaches another instance of the
# function (another execution environment) finds an empty set and writes again.
seen = set()


def handler(event, context):
    table = dynamodb.Table(os.environ["ORDERS_TABLE"])
    failures = []
    for record in event["Records"]:
        if record["messageId"] in seen:
            continue
        try:
            table.put_item(Item=parse_order(record["body"]))
            seen.add(record["messageId"])
        except Exception:  # noqa: BLE001 - this record fails alone
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}

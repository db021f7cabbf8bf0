# The variables Lambda's runtime sets (configuration-envvars.html#configuration-envvars-runtime): the
# region for the client, the function's name in a log line. Right.
REGION = os.environ["AWS_REGION"]


def handler(event, context):
    table = boto3.resource("dynamodb", region_name=REGION).Table(os.environ["ORDERS_TABLE"])
    print(f"{os.environ['AWS_LAMBDA_FUNCTION_NAME']} ({os.environ['AWS_LAMBDA_FUNCTION_MEMORY_SIZE']} MB, "
          f"{os.environ['AWS_EXECUTION_ENV']}): {len(event['Records'])} records")
    failures = []
    for record in event["Records"]:
        try:
            store(table, parse_order(record["body"]))
        except Exception:  # noqa: BLE001 - this record fails alone
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}

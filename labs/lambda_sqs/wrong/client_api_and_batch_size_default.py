def handler(event, context):
    dynamodb = boto3.client("dynamodb")
    failures = []
    for record in event["Records"]:
        try:
            order = parse_order(record["body"])
        except ValueError:
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        try:
            dynamodb.put_item(TableName=os.environ["ORDERS_TABLE"], ConditionExpression="attribute_not_exists(order_id)",
                              Item={"order_id": {"S": order["order_id"]}, "amount": {"N": str(order["amount"])}})
        except dynamodb.exceptions.ConditionalCheckFailedException:
            pass
        except Exception:
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures} if failures else None


def wire_up(lambda_client, sqs, function_name, queue_url):
    timeout = lambda_client.get_function_configuration(FunctionName=function_name)["Timeout"]
    dlq_url = sqs.create_queue(QueueName=queue_url.rsplit("/", 1)[-1] + "-dlq")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["All"])["Attributes"]
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={
        "VisibilityTimeout": str(10 * timeout),
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": attributes["QueueArn"], "maxReceiveCount": "5"})})
    source = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    mapping = lambda_client.create_event_source_mapping(EventSourceArn=source, FunctionName=function_name,
                                                        FunctionResponseTypes=["ReportBatchItemFailures"])
    return mapping["UUID"]  # BatchSize left out: SQS's default is 10

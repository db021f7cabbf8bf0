# The mapping made with Enabled=False: it never polls.
def wire_up(lambda_client, sqs, function_name, queue_url):
    timeout = lambda_client.get_function_configuration(FunctionName=function_name)["Timeout"]
    name = queue_url.rstrip("/").rsplit("/", 1)[-1]
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={
        "VisibilityTimeout": str(6 * timeout),
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5})})
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return lambda_client.create_event_source_mapping(FunctionName=function_name, EventSourceArn=queue_arn, BatchSize=10,
                                                     Enabled=False,
                                                     FunctionResponseTypes=["ReportBatchItemFailures"])["UUID"]

"""Lambda's SQS event source mapping as awslab simulates it (docs/aws-rules/lambda_sqs.md), through the
gateway on embedded moto and moto server: the mapping API with Lambda's validation, the pollers on
virtual time, the event's shape, and how each outcome of an invocation is judged.

The function's code here is a plain Python function of the test (deploy); in a lab it is the
learner's handler, run in the learner's process.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from botocore.exceptions import ClientError

from awslab.gateway.behaviours.lambda_sqs import judge_batch_response
from awslab.local_aws import LocalAWS


@pytest.fixture(scope="module", params=["moto", "moto-server"])
def backend(request):
    local = LocalAWS(request.param, serve_http=False).start()
    yield local
    local.stop()


@pytest.fixture
def aws(backend):
    backend.reset()
    return backend


@pytest.fixture
def sim(aws):
    return aws.gateway.behaviour("lambda_sqs")


POLLER_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
    "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]}]})


def make_function(aws, name: str = "orders-fn", timeout: int = 30, environment: dict | None = None,
                  policy: str | None = POLLER_POLICY) -> str:
    role = aws.client("iam").create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    if policy:
        aws.client("iam").put_role_policy(RoleName=f"{name}-role", PolicyName="poller", PolicyDocument=policy)
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return None\n")
    return aws.client("lambda").create_function(
        FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler", Code={"ZipFile": code.getvalue()},
        Timeout=timeout, Environment={"Variables": environment or {}})["FunctionArn"]


def make_queue(aws, name: str = "orders", visibility: int = 180, max_receives: int | None = None) -> tuple[str, str]:
    sqs = aws.client("sqs")
    attributes = {"VisibilityTimeout": str(visibility)}
    if max_receives:
        dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        attributes["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receives})
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def mapping(aws, queue_arn: str, function: str = "orders-fn", **params) -> dict:
    return aws.client("lambda").create_event_source_mapping(FunctionName=function, EventSourceArn=queue_arn, **params)


def send(aws, url: str, *bodies: str, **params) -> list[str]:
    return [aws.client("sqs").send_message(QueueUrl=url, MessageBody=body, **params)["MessageId"] for body in bodies]


def in_queue(aws, url: str) -> int:
    attributes = aws.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


class Recorder:
    """A function's code: records each event and answers what `respond(records)` says."""

    def __init__(self, respond=lambda records: None, clock=None, sleep: float = 0.0) -> None:
        self.events: list[dict] = []
        self.contexts: list = []
        self.environments: list[dict] = []
        self.instances: list[str] = []
        self.respond = respond
        self.clock, self.sleep = clock, sleep

    def __call__(self, event, context, environment=None, instance=None):
        self.events.append(event)
        self.contexts.append((context, context.get_remaining_time_in_millis()))
        self.environments.append(environment)
        self.instances.append(instance)
        if self.sleep:
            self.clock.advance(seconds=self.sleep)  # the learner's time.sleep, on virtual time
        return self.respond(event["Records"])

    def bodies(self) -> list[list[str]]:
        return [[r["body"] for r in event["Records"]] for event in self.events]


def refusal(call) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


# -- R1: the mapping API and its validation ----------------------------------------------------------
def test_mapping_refused_when_queue_visibility_timeout_is_less_than_function_timeout(aws):
    make_function(aws, timeout=60)
    _, arn = make_queue(aws, visibility=30)
    assert refusal(lambda: mapping(aws, arn)) == (
        "InvalidParameterValueException", "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds")


def test_mapping_accepted_when_queue_visibility_timeout_equals_function_timeout(aws):
    make_function(aws, timeout=30)
    _, arn = make_queue(aws, visibility=30)
    assert mapping(aws, arn)["State"] == "Creating"


def test_update_refused_when_the_queue_visibility_timeout_is_now_below_the_function_timeout(aws):
    make_function(aws, timeout=30)
    url, arn = make_queue(aws, visibility=180)
    uuid = mapping(aws, arn)["UUID"]
    aws.client("sqs").set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "10"})
    assert refusal(lambda: aws.client("lambda").update_event_source_mapping(UUID=uuid, BatchSize=5))[0] == \
        "InvalidParameterValueException"


def test_batch_size_over_10_needs_a_batching_window(aws):
    make_function(aws)
    _, arn = make_queue(aws)
    assert refusal(lambda: mapping(aws, arn, BatchSize=11)) == (
        "InvalidParameterValueException",
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10")
    assert mapping(aws, arn, BatchSize=11, MaximumBatchingWindowInSeconds=1)["BatchSize"] == 11


@pytest.mark.parametrize("params, field", [
    ({"BatchSize": 10_001, "MaximumBatchingWindowInSeconds": 1}, "batchSize"),
    ({"MaximumBatchingWindowInSeconds": 301}, "maximumBatchingWindowInSeconds"),
    ({"FunctionResponseTypes": ["ReportItemFailures"]}, "functionResponseTypes"),
])
def test_values_out_of_the_api_model_are_a_validation_error(aws, params, field):
    make_function(aws)
    _, arn = make_queue(aws)
    code, message = refusal(lambda: mapping(aws, arn, **params))
    assert code == "ValidationException" and f"at '{field}' failed to satisfy constraint" in message


def test_a_function_that_does_not_exist_is_resource_not_found(aws):
    _, arn = make_queue(aws)
    code, message = refusal(lambda: mapping(aws, arn, function="nobody"))
    assert code == "ResourceNotFoundException" and message.startswith("Function not found: arn:aws:lambda:")


def test_a_queue_that_does_not_exist_is_an_invalid_parameter(aws):
    make_function(aws)
    code, message = refusal(lambda: mapping(aws, f"arn:aws:sqs:us-east-1:{aws.account_id}:missing"))
    assert code == "InvalidParameterValueException" and "NonExistentQueue" in message


@pytest.mark.parametrize("policy, missing", [
    (None, "ReceiveMessage"),
    (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
        "sqs:ReceiveMessage", "sqs:GetQueueAttributes"]}]}), "DeleteMessage"),
], ids=["no policy", "no DeleteMessage"])
def test_the_execution_role_must_be_allowed_to_poll_the_queue(aws, policy, missing):
    make_function(aws, policy=policy)
    _, arn = make_queue(aws)
    assert refusal(lambda: mapping(aws, arn)) == (
        "InvalidParameterValueException",
        f"The provided execution role does not have permissions to call {missing} on SQS")


def test_a_second_mapping_of_the_same_queue_and_function_conflicts(aws):
    make_function(aws)
    _, arn = make_queue(aws)
    first = mapping(aws, arn)["UUID"]
    code, message = refusal(lambda: mapping(aws, arn))
    assert code == "ResourceConflictException" and first in message


def test_an_on_failure_destination_is_for_streams_only(aws):
    make_function(aws)
    url, arn = make_queue(aws, name="other")
    code, _ = refusal(lambda: mapping(aws, arn, DestinationConfig={"OnFailure": {"Destination": arn}}))
    assert code == "InvalidParameterValueException"


def test_get_list_update_and_delete_a_mapping(aws):
    function_arn = make_function(aws)
    _, arn = make_queue(aws)
    created = mapping(aws, arn, BatchSize=5, FunctionResponseTypes=["ReportBatchItemFailures"])
    lam = aws.client("lambda")
    got = lam.get_event_source_mapping(UUID=created["UUID"])
    assert (got["State"], got["FunctionArn"], got["EventSourceArn"], got["BatchSize"], got["FunctionResponseTypes"]) == \
        ("Enabled", function_arn, arn, 5, ["ReportBatchItemFailures"])
    assert [m["UUID"] for m in lam.list_event_source_mappings(FunctionName="orders-fn")["EventSourceMappings"]] == \
        [created["UUID"]]
    assert lam.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"][0]["UUID"] == created["UUID"]
    assert lam.update_event_source_mapping(UUID=created["UUID"], Enabled=False)["State"] == "Updating"
    assert lam.get_event_source_mapping(UUID=created["UUID"])["State"] == "Disabled"
    assert lam.delete_event_source_mapping(UUID=created["UUID"])["State"] == "Deleting"
    assert refusal(lambda: lam.get_event_source_mapping(UUID=created["UUID"]))[0] == "ResourceNotFoundException"


# -- R2: pollers and batches on virtual time ----------------------------------------------------------
def test_event_records_have_the_aws_sqs_shape(aws, sim):
    make_function(aws)
    url, arn = make_queue(aws)
    mapping(aws, arn)
    code = Recorder()
    sim.deploy("orders-fn", code)
    [message_id] = send(aws, url, "hello", MessageAttributes={
        "kind": {"DataType": "String", "StringValue": "refund"}, "blob": {"DataType": "Binary", "BinaryValue": b"\x01"}})
    aws.clock.advance(seconds=1)
    [record] = code.events[0]["Records"]
    assert set(record) >= {"messageId", "receiptHandle", "body", "attributes", "messageAttributes", "md5OfBody",
                           "eventSource", "eventSourceARN", "awsRegion"}
    assert (record["messageId"], record["body"], record["eventSource"], record["eventSourceARN"], record["awsRegion"]) == \
        (message_id, "hello", "aws:sqs", arn, "us-east-1")
    assert record["md5OfBody"] == "5d41402abc4b2a76b9719d911017c592"
    assert set(record["attributes"]) >= {"ApproximateReceiveCount", "SentTimestamp", "SenderId",
                                         "ApproximateFirstReceiveTimestamp"}
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["messageAttributes"]["kind"] == {"stringValue": "refund", "stringListValues": [],
                                                   "binaryListValues": [], "dataType": "String"}
    assert record["messageAttributes"]["blob"]["binaryValue"] == "AQ=="


def test_a_batch_holds_at_most_batch_size_records(aws, sim):
    make_function(aws)
    url, arn = make_queue(aws)
    mapping(aws, arn, BatchSize=3)
    code = Recorder()
    sim.deploy("orders-fn", code)
    send(aws, url, *[f"m{i}" for i in range(7)])
    aws.clock.advance(seconds=1)
    assert sorted(len(b) for b in code.bodies()) == [1, 3, 3] and in_queue(aws, url) == 0


def test_a_batching_window_gathers_records_until_it_ends(aws, sim):
    make_function(aws, timeout=30)
    url, arn = make_queue(aws, visibility=180)
    mapping(aws, arn, BatchSize=50, MaximumBatchingWindowInSeconds=20)
    code = Recorder()
    sim.deploy("orders-fn", code)
    send(aws, url, "first")
    aws.clock.advance(seconds=5)
    send(aws, url, "second")
    aws.clock.advance(seconds=10)
    assert code.events == []  # still gathering: 15 s of a 20 s window, 2 of 50 records
    aws.clock.advance(seconds=10)
    assert code.bodies() == [["first", "second"]]
    assert sim.invocations_of("orders-fn")[0].started == aws.clock.start_time + dt.timedelta(seconds=20, milliseconds=1)


def test_a_successful_batch_is_deleted(aws, sim):
    make_function(aws)
    url, arn = make_queue(aws)
    mapping(aws, arn)
    sim.deploy("orders-fn", Recorder())
    send(aws, url, "a", "b")
    aws.clock.advance(seconds=1)
    assert in_queue(aws, url) == 0 and sim.invocations_of()[0].outcome == "success"


def test_a_disabled_mapping_does_not_poll(aws, sim):
    make_function(aws)
    url, arn = make_queue(aws)
    mapping(aws, arn, Enabled=False)
    code = Recorder()
    sim.deploy("orders-fn", code)
    send(aws, url, "a")
    aws.clock.advance(seconds=60)
    assert code.events == [] and in_queue(aws, url) == 1


# -- R3: outcomes of an invocation ----------------------------------------------------------------------
def test_a_raised_error_fails_the_whole_batch_and_it_comes_back_after_the_visibility_timeout(aws, sim):
    make_function(aws)
    url, arn = make_queue(aws, visibility=180)
    mapping(aws, arn)

    def failing(records):
        raise RuntimeError("bad record")

    code = Recorder(failing)
    sim.deploy("orders-fn", code)
    send(aws, url, "a", "b")
    aws.clock.advance(seconds=179)
    assert len(code.events) == 1 and in_queue(aws, url) == 2
    aws.clock.advance(seconds=2)
    assert len(code.events) == 2 and sorted(code.bodies()[1]) == ["a", "b"]
    assert sim.invocations_of()[0].outcome == "error"


def test_a_partial_batch_response_retries_only_the_named_records(aws, sim):
    make_function(aws)
    url, arn = make_queue(aws, visibility=180)
    mapping(aws, arn, FunctionResponseTypes=["ReportBatchItemFailures"])
    code = Recorder(lambda records: {"batchItemFailures": [{"itemIdentifier": r["messageId"]}
                                                           for r in records if r["body"] == "bad"]})
    sim.deploy("orders-fn", code)
    send(aws, url, "a", "bad", "b")
    aws.clock.advance(seconds=181)
    assert [sorted(b) for b in code.bodies()] == [["a", "b", "bad"], ["bad"]]


@pytest.mark.parametrize("item", [{"itemIdentifier": ""}, {"itemIdentifier": None}, {"itemIdentifer": "typo"},
                                  {"itemIdentifier": "not-a-message-id"}],
                         ids=["empty", "null", "bad key name", "unknown id"])
def test_a_malformed_batch_item_failure_fails_the_whole_batch(aws, sim, item):
    make_function(aws)
    url, arn = make_queue(aws, visibility=180)
    mapping(aws, arn, FunctionResponseTypes=["ReportBatchItemFailures"])
    sim.deploy("orders-fn", Recorder(lambda records: {"batchItemFailures": [item]}))
    send(aws, url, "a", "b")
    aws.clock.advance(seconds=1)
    [invocation] = sim.invocations_of()
    assert invocation.outcome == "invalid_response" and in_queue(aws, url) == 2


@pytest.mark.parametrize("response", [None, {}, {"batchItemFailures": []}, {"batchItemFailures": None}],
                         ids=["null response", "empty response", "empty list", "null list"])
def test_an_empty_or_null_response_is_a_complete_success(aws, sim, response):
    make_function(aws)
    url, arn = make_queue(aws)
    mapping(aws, arn, FunctionResponseTypes=["ReportBatchItemFailures"])
    sim.deploy("orders-fn", Recorder(lambda records: response))
    send(aws, url, "a", "b")
    aws.clock.advance(seconds=1)
    assert in_queue(aws, url) == 0


def test_without_report_batch_item_failures_the_response_is_ignored(aws, sim):
    make_function(aws)
    url, arn = make_queue(aws)
    mapping(aws, arn)
    sim.deploy("orders-fn", Recorder(lambda records: {"batchItemFailures": [{"itemIdentifier": records[0]["messageId"]}]}))
    send(aws, url, "a", "b")
    aws.clock.advance(seconds=1)
    assert in_queue(aws, url) == 0 and sim.invocations_of()[0].outcome == "success"


def test_a_handler_that_runs_past_the_function_timeout_fails_the_batch(aws, sim):
    make_function(aws, timeout=30)
    url, arn = make_queue(aws, visibility=180)
    mapping(aws, arn)
    sim.deploy("orders-fn", Recorder(clock=aws.clock, sleep=31))
    send(aws, url, "slow")
    aws.clock.advance(seconds=1)
    [invocation] = sim.invocations_of()
    assert (invocation.outcome, invocation.reason, in_queue(aws, url)) == \
        ("timeout", "Task timed out after 30.00 seconds", 1)


def test_the_context_counts_the_time_left_on_virtual_time(aws, sim):
    make_function(aws, timeout=30, environment={"ORDERS_TABLE": "orders"})
    url, arn = make_queue(aws)
    mapping(aws, arn)
    code = Recorder()
    sim.deploy("orders-fn", code)
    send(aws, url, "a")
    aws.clock.advance(seconds=1)
    context, remaining = code.contexts[0]
    assert remaining == 30_000 and context.function_name == "orders-fn" and context.memory_limit_in_mb == 128


def test_the_function_environment_holds_its_variables_and_the_runtimes(aws, sim):
    make_function(aws, timeout=30, environment={"ORDERS_TABLE": "orders"})
    url, arn = make_queue(aws)
    mapping(aws, arn)
    code = Recorder()
    sim.deploy("orders-fn", code)
    send(aws, url, "a")
    aws.clock.advance(seconds=1)
    [environment] = code.environments
    assert environment["ORDERS_TABLE"] == "orders"
    assert {k: environment[k] for k in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME",
                                        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
                                        "AWS_EXECUTION_ENV", "AWS_LAMBDA_LOG_GROUP_NAME", "_HANDLER",
                                        "AWS_LAMBDA_INITIALIZATION_TYPE", "LAMBDA_TASK_ROOT")} == {
        "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1", "AWS_LAMBDA_FUNCTION_NAME": "orders-fn",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12", "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/orders-fn",
        "_HANDLER": "app.handler", "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand", "LAMBDA_TASK_ROOT": "/var/task"}
    assert environment["AWS_LAMBDA_LOG_STREAM_NAME"] == code.contexts[0][0].log_stream_name
    assert not {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} & set(environment)  # the learner's own stand in


def test_one_execution_environment_per_function_configuration(aws, sim):
    make_function(aws, timeout=30, environment={"ORDERS_TABLE": "orders"})
    make_function(aws, name="other-fn", timeout=30)
    url, arn = make_queue(aws)
    other_url, other_arn = make_queue(aws, name="other")
    mapping(aws, arn)
    mapping(aws, other_arn, function="other-fn")
    code = Recorder()
    sim.deploy("orders-fn", code)
    sim.deploy("other-fn", code)
    for body in ("a", "b"):
        send(aws, url, body)
        aws.clock.advance(seconds=1)
    send(aws, other_url, "c")
    aws.clock.advance(seconds=1)
    aws.client("lambda").update_function_configuration(FunctionName="orders-fn",
                                                       Environment={"Variables": {"ORDERS_TABLE": "orders-2"}})
    send(aws, url, "d")
    aws.clock.advance(seconds=1)
    first, second, other, updated = code.instances
    assert first == second and len({first, other, updated}) == 3  # warm, another function, a new configuration
    assert [e["ORDERS_TABLE"] for e in (code.environments[0], code.environments[3])] == ["orders", "orders-2"]


def test_a_message_delivered_again_comes_back_after_its_success_to_a_new_environment(aws, sim):
    make_function(aws)
    url, arn = make_queue(aws, visibility=180)
    mapping(aws, arn, FunctionResponseTypes=["ReportBatchItemFailures"])
    code = Recorder()
    sim.deploy("orders-fn", code)
    ids = send(aws, url, "a", "b")
    sim.deliver_again(ids)
    aws.clock.advance(seconds=1)
    assert sorted(sim.deliveries("orders-fn").values()) == [2, 2]  # once more each, at once: no visibility wait
    first, again = sim.invocations_of("orders-fn")[0], sim.invocations_of("orders-fn")[-1]
    assert sorted(first.delivered_again) == sorted(ids) and first.deleted == []
    assert [r["receive_count"] for r in again.records] == [2] * len(again.records)
    assert code.instances[0] != code.instances[-1]  # a cold start: the first environment was retired
    assert in_queue(aws, url) == 0  # the second delivery was deleted


def test_a_message_delivered_again_after_a_failure_waits_for_its_visibility_timeout(aws, sim):
    make_function(aws)
    url, arn = make_queue(aws, visibility=180)
    mapping(aws, arn, FunctionResponseTypes=["ReportBatchItemFailures"])
    code = Recorder(lambda records: {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in records]})
    sim.deploy("orders-fn", code)
    ids = send(aws, url, "a")
    sim.deliver_again(ids)
    aws.clock.advance(seconds=60)
    assert sim.deliveries("orders-fn") == {ids[0]: 1}  # a failure is left to the queue, as always


def test_a_poison_record_moves_to_the_dlq_after_max_receive_count_receives(aws, sim):
    make_function(aws)
    url, arn = make_queue(aws, visibility=180, max_receives=5)
    mapping(aws, arn, FunctionResponseTypes=["ReportBatchItemFailures"])
    code = Recorder(lambda records: {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in records
                                                           if r["body"] == "poison"]})
    sim.deploy("orders-fn", code)
    [poison] = send(aws, url, "poison")
    send(aws, url, "good")
    aws.clock.advance(seconds=6 * 181)
    assert sim.deliveries()[poison] == 5
    dlq = aws.client("sqs").get_queue_url(QueueName="orders-dlq")["QueueUrl"]
    assert [m["Body"] for m in aws.client("sqs").receive_message(QueueUrl=dlq).get("Messages", [])] == ["poison"]
    assert [i.records[0]["receive_count"] for i in sim.invocations_of()[1:]] == [2, 3, 4, 5]


@pytest.mark.parametrize("visibility, duplicated", [(30, True), (180, False)], ids=["equal to timeout", "6x timeout"])
def test_batches_waiting_for_a_slow_function_come_back_unless_the_visibility_timeout_allows_for_it(
        aws, sim, visibility, duplicated):
    make_function(aws, timeout=30)
    url, arn = make_queue(aws, visibility=visibility)
    mapping(aws, arn)
    sim.deploy("orders-fn", Recorder(), extra_seconds=20)  # each batch takes 20 s of a 30 s timeout
    send(aws, url, *[f"m{i}" for i in range(30)])
    aws.clock.advance(seconds=600)
    deliveries = sim.deliveries()
    assert len(deliveries) == 30 and in_queue(aws, url) == 0
    assert any(count > 1 for count in deliveries.values()) is duplicated


def test_a_mapping_whose_queue_was_deleted_polls_nothing_and_says_so(aws, sim):
    make_function(aws)
    url, arn = make_queue(aws)
    uuid = mapping(aws, arn)["UUID"]
    aws.client("sqs").delete_queue(QueueUrl=url)
    aws.clock.advance(seconds=60)  # the pollers' failed receives do not stop the clock's listeners
    assert aws.client("lambda").get_event_source_mapping(UUID=uuid)["LastProcessingResult"].startswith("PROBLEM:")


def test_the_pollers_requests_are_logged_as_lambda(aws, sim):
    make_function(aws)
    url, arn = make_queue(aws)
    mapping(aws, arn)
    sim.deploy("orders-fn", Recorder())
    send(aws, url, "a")
    aws.clock.advance(seconds=1)
    operations = {c.operation for c in aws.log.calls("sqs", source="lambda")}
    assert {"ReceiveMessage", "DeleteMessageBatch"} <= operations


def lambda_receives(aws) -> int:
    return len(aws.log.calls("sqs", "ReceiveMessage", source="lambda"))


def test_a_quiet_queue_is_looked_at_without_a_receive(aws, sim):
    make_function(aws)
    url, arn = make_queue(aws)
    mapping(aws, arn)
    sim.deploy("orders-fn", Recorder())
    aws.clock.advance(seconds=1)
    assert lambda_receives(aws) == 1  # the first poll, at once: nothing there
    aws.clock.advance(seconds=120)
    assert lambda_receives(aws) == 1  # a long poll's wait later: the queue's count (unlogged) said 0


def test_a_message_another_consumer_left_is_received_after_a_long_poll(aws, sim):
    make_function(aws)
    url, arn = make_queue(aws)
    mapping(aws, arn, Enabled=False)
    code = Recorder()
    sim.deploy("orders-fn", code)
    send(aws, url, "left")
    assert aws.client("sqs").receive_message(QueueUrl=url, VisibilityTimeout=30)["Messages"]
    aws.client("lambda").update_event_source_mapping(UUID=next(iter(sim.mappings)), Enabled=True)
    aws.clock.advance(seconds=25)
    assert code.bodies() == []  # still hidden by the other consumer's receive
    aws.clock.advance(seconds=60)
    assert code.bodies() == [["left"]]  # back after 30 s: unseen by the pollers, found by a later poll


def test_a_short_receive_ends_the_pollers_turn(aws, sim):
    make_function(aws)
    url, arn = make_queue(aws)
    mapping(aws, arn)
    code = Recorder()
    sim.deploy("orders-fn", code)
    aws.clock.advance(seconds=1)
    before = lambda_receives(aws)
    send(aws, url, "a", "b", "c")
    aws.clock.advance(seconds=1)
    assert code.bodies() == [["a", "b", "c"]] and lambda_receives(aws) == before + 1  # no empty receive after it


def test_the_pollers_use_a_visibility_timeout_changed_after_the_mapping(aws, sim):
    make_function(aws, timeout=30)
    url, arn = make_queue(aws, visibility=180)
    mapping(aws, arn)
    aws.client("sqs").set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "400"})
    code = Recorder(lambda records: 1 / 0)
    sim.deploy("orders-fn", code)
    send(aws, url, "a")
    aws.clock.advance(seconds=300)
    assert len(code.events) == 1  # hidden for 400 s, not 180
    aws.clock.advance(seconds=150)
    assert len(code.events) == 2


def test_an_invocation_gets_a_function_timeout_changed_after_the_mapping(aws, sim):
    make_function(aws, timeout=30)
    url, arn = make_queue(aws)
    mapping(aws, arn)
    code = Recorder()
    sim.deploy("orders-fn", code)
    send(aws, url, "a")
    aws.clock.advance(seconds=1)
    aws.client("lambda").update_function_configuration(FunctionName="orders-fn", Timeout=50)
    send(aws, url, "b")
    aws.clock.advance(seconds=1)
    assert [remaining for _, remaining in code.contexts] == [30_000, 50_000]


# -- the partial batch response, as a table -------------------------------------------------------------
@pytest.mark.parametrize("response, failed, whole", [
    (None, [], False),
    ({}, [], False),
    ({"batchItemFailures": []}, [], False),
    ({"batchItemFailures": [{"itemIdentifier": "m2"}]}, ["m2"], False),
    ({"batchItemFailures": [{"itemIdentifier": "m2"}, {"itemIdentifier": "m2"}]}, ["m2"], False),
    ({"batchItemFailures": [{"itemIdentifier": ""}]}, ["m1", "m2"], True),
    ({"batchItemFailures": [{"itemIdentifier": None}]}, ["m1", "m2"], True),
    ({"batchItemFailures": [{"messageId": "m2"}]}, ["m1", "m2"], True),
    ({"batchItemFailures": [{"itemIdentifier": "receipt-handle"}]}, ["m1", "m2"], True),
    ({"batchItemFailures": "m2"}, ["m1", "m2"], True),
    ("ok", ["m1", "m2"], True),
    ({"batchItemFailure": [{"itemIdentifier": "m2"}]}, [], False),  # a misspelt list is no list: all succeed
])
def test_judging_a_partial_batch_response(response, failed, whole):
    got, reason = judge_batch_response(response, ["m1", "m2"])
    assert (got, bool(reason)) == (failed, whole)

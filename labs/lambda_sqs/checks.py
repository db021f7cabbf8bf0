"""Checks of the lambda_sqs lab: a Lambda function fed by SQS, graded on virtual time.

awslab simulates the event source mapping (the `lambda_sqs` behaviour): its pollers receive batches
from the queue and call the function's code, which here is the learner's `handler`, run in the
learner's process, with AWS's SQS event. The grader makes each function itself (CreateFunction, a
60 s timeout, ORDERS_TABLE in its environment) and deploys `handler` as its code. Each function's code
runs as Lambda runs it: the learner's file imported anew for each function (its cold start), with the
function's environment in os.environ during that import and each invocation (the simulation's
`instance`); the file as the grader first imports it (for wire_up) sees the lab's
`[import_environment]`, which names the same table.

Checks of `handler` alone run behind a mapping the grader wires correctly, so a mistake in
`wire_up` costs only the checks about wiring and the scenarios; the scenarios use the learner's own
wiring, because their configuration is part of what they judge. What the handler did is judged by
its effect: the orders in the table and the writes that succeeded (the request log), and by what
the simulation delivered (how many times each message reached the function).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter

from awslab.lab import check, fixture, render_batches, render_message_lives

FUNCTION_TIMEOUT = 60
GUIDANCE = 6 * FUNCTION_TIMEOUT
MAX_RECEIVES = 5
SIMULATION = "lambda_sqs"


# -- what the grader builds ---------------------------------------------------------------------------
@fixture
def grader_clients(ctx) -> dict:
    """The grader's clients of the run, one per service: a new client costs more than most calls."""
    return {}


def client(ctx, service: str):
    clients = ctx.use(grader_clients)
    if service not in clients:
        clients[service] = ctx.client(service)
    return clients[service]


@fixture
def orders_table(ctx) -> str:
    """The one orders table of the run, named by every function's ORDERS_TABLE and by the lab's
    import environment (lab.toml), so a Table the learner's module binds when it is imported (AWS's
    advice: initialise clients outside the handler) is right wherever the module is imported."""
    name = ctx.lab.import_environment["ORDERS_TABLE"]
    client(ctx, "dynamodb").create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "order_id", "AttributeType": "S"}])
    return name


def make_table(ctx) -> str:
    return ctx.use(orders_table)


def make_function(ctx, table: str) -> str:
    name = ctx.unique("orders-fn")
    role = client(ctx, "iam").create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    # What Lambda needs to poll a queue (AWS's AWSLambdaSQSQueueExecutionRole, as an inline policy).
    client(ctx, "iam").put_role_policy(RoleName=f"{name}-role", PolicyName="sqs-poller", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
            "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]}]}))
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("lambda_function.py", "# the learner's handler; awslab runs it in the learner's process\n")
    client(ctx, "lambda").create_function(
        FunctionName=name, Runtime="python3.12", Role=role, Handler="lambda_function.handler",
        Code={"ZipFile": code.getvalue()}, Timeout=FUNCTION_TIMEOUT, Environment={"Variables": {"ORDERS_TABLE": table}})
    return name


def make_queue(ctx, name: str) -> str:
    return client(ctx, "sqs").create_queue(QueueName=name)["QueueUrl"]


def queue_arn(ctx, url: str) -> str:
    return client(ctx, "sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def grader_wiring(ctx, function: str, url: str) -> None:
    """The lab's configuration, made by the grader: to judge the handler alone."""
    sqs = client(ctx, "sqs")
    dlq = make_queue(ctx, queue_name(url) + "-dlq")
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": str(GUIDANCE), "RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": queue_arn(ctx, dlq), "maxReceiveCount": MAX_RECEIVES})})
    client(ctx, "lambda").create_event_source_mapping(FunctionName=function, EventSourceArn=queue_arn(ctx, url),
                                                     BatchSize=10, FunctionResponseTypes=["ReportBatchItemFailures"])


def deploy(ctx, function: str, extra_seconds: float = 0.0) -> None:
    def run(event, context, environment=None, instance=None):
        return ctx.learner.handler(event, context, environment=environment, instance=instance)

    ctx.behaviour(SIMULATION).deploy(function, run, extra_seconds=extra_seconds)


def queue_name(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def order(order_id: str, amount: float = 10) -> str:
    return json.dumps({"order_id": order_id, "amount": amount})


def send(ctx, url: str, bodies: list[str]) -> dict[str, str]:
    """Send the bodies in order; {message id: body}."""
    ids: dict[str, str] = {}
    for start in range(0, len(bodies), 10):
        answer = client(ctx, "sqs").send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies[start:start + 10])])
        if answer.get("Failed"):
            raise RuntimeError(f"the grader could not send its messages: {answer['Failed']}")
        for entry in answer["Successful"]:
            ids[entry["MessageId"]] = bodies[start + int(entry["Id"])]
    return ids


def stored_orders(ctx, table: str, prefix: str) -> set[str]:
    """The order ids in the table that start with `prefix` (each scenario's own: the table is shared)."""
    items = ctx.emulator_client("dynamodb").scan(TableName=table).get("Items", [])
    return {item["order_id"]["S"] for item in items
            if "S" in item.get("order_id", {}) and item["order_id"]["S"].startswith(prefix)}


def writes(ctx, table: str, since: int) -> Counter:
    """Successful writes of each order id to the table by the learner's code (the request log):
    how many times an order was processed. A conditional write that found the order already there
    failed, so an idempotent handler writes each order once however often it is delivered."""
    done: Counter = Counter()
    for call in ctx.log.calls("dynamodb", since=since):
        if call.failed:
            continue
        params = call.params
        items = []
        if call.operation == "PutItem" and params.get("TableName") == table:
            items = [params.get("Item", {})]
        elif call.operation == "UpdateItem" and params.get("TableName") == table:
            items = [params.get("Key", {})]
        elif call.operation == "BatchWriteItem":
            items = [r["PutRequest"]["Item"] for r in params.get("RequestItems", {}).get(table, []) if "PutRequest" in r]
        elif call.operation == "TransactWriteItems":
            for entry in params.get("TransactItems", []):
                for kind, key in (("Put", "Item"), ("Update", "Key")):
                    if entry.get(kind, {}).get("TableName") == table:
                        items.append(entry[kind].get(key, {}))
        for item in items:
            value = item.get("order_id", {})
            if isinstance(value, dict) and "S" in value:
                done[value["S"]] += 1
    return done


def listing(names) -> str:
    names = sorted(names, key=lambda n: (len(n), n))
    return ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")


def learner_wiring(ctx, name: str) -> dict:
    """A table, a function running the learner's handler, a queue, and the learner's wire_up."""
    table = make_table(ctx)
    function = make_function(ctx, table)
    url = make_queue(ctx, name)
    returned = ctx.learner.wire_up(ctx.learner_client("lambda"), ctx.learner_client("sqs"), function, url)
    deploy(ctx, function)
    return {"table": table, "function": function, "url": url, "returned": returned}


def visibility_of(ctx, url: str) -> int:
    return int(client(ctx, "sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])
               ["Attributes"].get("VisibilityTimeout", 30))


def mappings_of(ctx, function: str) -> list[dict]:
    return client(ctx, "lambda").list_event_source_mappings(FunctionName=function).get("EventSourceMappings", [])


def require_mapping(ctx, wired: dict) -> None:
    found = mappings_of(ctx, wired["function"])
    if not found:
        ctx.fail(f"wire_up() made no event source mapping for the function (it returned {wired['returned']!r}), "
                 "so no record ever reached the handler")
    if all(m.get("State") == "Disabled" for m in found):
        ctx.fail("the event source mapping is Disabled (Enabled=False), so no record ever reached the handler")


def dlq_url_of(ctx, url: str) -> str | None:
    policy = client(ctx, "sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"]).get("Attributes", {}).get(
        "RedrivePolicy")
    if not policy:
        return None
    target = json.loads(policy).get("deadLetterTargetArn", "")
    try:
        return client(ctx, "sqs").get_queue_url(QueueName=target.rsplit(":", 1)[-1])["QueueUrl"]
    except Exception:  # noqa: BLE001 - the policy names no queue that exists
        return None


def misspelt_key(response) -> str | None:
    """The key a response has instead of batchItemFailures (another case, an underscore, a plural), or None."""
    if not isinstance(response, dict) or "batchItemFailures" in response:
        return None
    return next((str(k) for k in response if str(k).lower().replace("_", "").startswith("batchitemfailure")), None)


def why_deleted(ctx, run: dict, message_id: str) -> str:
    """Why Lambda deleted a record that failed: what the invocation that deleted it was given back."""
    invocation = next((i for i in run["invocations"] if message_id in i.deleted), None)
    if invocation is None:
        return "Lambda deleted it"
    mapping = ctx.behaviour(SIMULATION).mappings.get(invocation.mapping)
    if mapping is not None and not mapping.reports_item_failures:
        return ("the mapping has no FunctionResponseTypes=['ReportBatchItemFailures'], so Lambda ignored the "
                "handler's response and deleted the whole batch")
    key = misspelt_key(invocation.response)
    if key:
        return (f"the handler's response has the key {key!r}, not 'batchItemFailures': Lambda read an empty response, "
                "a complete success")
    return (f"the handler's response did not name it (it returned {str(invocation.response)[:120]}): was its error "
            "caught and dropped instead of reported?")


def drain(ctx, url: str) -> list[str]:
    bodies: list[str] = []
    while True:
        messages = ctx.emulator_client("sqs").receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, VisibilityTimeout=43_200).get("Messages", [])
        if not messages:
            return bodies
        bodies += [m["Body"] for m in messages]


# -- wire_up: the configuration ---------------------------------------------------------------------------
@fixture
def wired(ctx):
    """The learner's wiring, read back by the configuration checks, then driven by the end-to-end scenario."""
    return learner_wiring(ctx, ctx.unique("orders"))


@check("The source queue's visibility timeout is at least 6x the function's timeout", points=2,
       hint="AWS's guidance for a queue feeding Lambda: at least six times the function's timeout, so a batch "
            "that waits for the function (throttled, or behind other batches) does not reappear while it is "
            "still being worked on. Read the timeout with get_function_configuration; VisibilityTimeout is a "
            "queue attribute, a string.")
def visibility_allows_six_timeouts(ctx):
    deployment = ctx.use(wired)
    visibility = visibility_of(ctx, deployment["url"])
    source = queue_arn(ctx, deployment["url"])
    window = max([int(m.get("MaximumBatchingWindowInSeconds") or 0) for m in mappings_of(ctx, deployment["function"])
                  if m.get("EventSourceArn") == source] or [0])
    if visibility == FUNCTION_TIMEOUT:
        ctx.fail(f"the source queue hides a received message for {visibility} s, exactly the function's timeout: "
                 "Lambda accepts that, but a batch that waits its turn comes back before it is processed and is "
                 f"delivered twice. AWS's guidance is at least 6x the timeout ({GUIDANCE} s)")
    if window and GUIDANCE <= visibility < GUIDANCE + window:
        ctx.fail(f"the source queue's visibility timeout is {visibility} s, 6x the function's timeout, but the mapping "
                 f"gathers records for up to {window} s first (MaximumBatchingWindowInSeconds), and that wait counts "
                 f"too: AWS's guidance is 6x the timeout plus the batching window, at least {GUIDANCE + window} s")
    ctx.expect(visibility >= GUIDANCE + window,
               f"the source queue's visibility timeout is {visibility} s; the function's timeout is {FUNCTION_TIMEOUT} "
               f"s, so at least {GUIDANCE + window} s (6x" + (f", plus the {window} s batching window)" if window else ")"))


@check("Failed records go to a dead-letter queue on the source queue after 5 receives", points=2,
       hint="The DLQ of an SQS-triggered function belongs on the source queue (a RedrivePolicy with "
            "deadLetterTargetArn and maxReceiveCount 5), not on the function: a function's DeadLetterConfig "
            "is for asynchronous invocations, and Lambda reads SQS synchronously.")
def dlq_on_the_source_queue(ctx):
    deployment = ctx.use(wired)
    url = deployment["url"]
    policy = client(ctx, "sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"]).get("Attributes", {}).get(
        "RedrivePolicy")
    if not policy:
        on_function = client(ctx, "lambda").get_function_configuration(
            FunctionName=deployment["function"]).get("DeadLetterConfig", {}).get("TargetArn") or next(
            (c.params["DeadLetterConfig"].get("TargetArn") for c in ctx.log.calls("lambda", "UpdateFunctionConfiguration")
             if c.params.get("FunctionName") == deployment["function"] and c.params.get("DeadLetterConfig")), None)
        if on_function:
            ctx.fail(f"the dead-letter queue is set on the function (DeadLetterConfig {on_function}), and the source "
                     "queue has no redrive policy: a function's DLQ catches failed asynchronous invocations only; "
                     "a poison record from SQS would be retried until the queue's retention drops it")
        ctx.fail("the source queue has no redrive policy: a poison record would be retried until the queue's "
                 "retention period drops it")
    policy = json.loads(policy)
    target = policy.get("deadLetterTargetArn")
    expected = queue_name(url) + "-dlq"
    if target == queue_arn(ctx, url):
        ctx.fail(f"the redrive policy's deadLetterTargetArn is the source queue itself ({target}): a poison record "
                 f"'moved' there stays in the queue it failed in and is retried for ever; it belongs in {expected}")
    ctx.expect(dlq_url_of(ctx, url) is not None, f"the redrive policy's deadLetterTargetArn {target!r} names no queue")
    try:
        wanted = queue_arn(ctx, client(ctx, "sqs").get_queue_url(QueueName=expected)["QueueUrl"])
    except Exception:  # noqa: BLE001 - the learner made no queue of that name
        wanted = None
    ctx.expect(target == wanted, f"the redrive policy sends failed records to {target}, not to the dead-letter queue "
                                 f"the lab names, {expected}" + ("" if wanted else " (there is no queue of that name)"))
    ctx.expect_equal(int(policy.get("maxReceiveCount", 0)), MAX_RECEIVES, "maxReceiveCount of the source queue")


@check("The mapping delivers batches of 10 and reads partial batch responses", points=2,
       hint="create_event_source_mapping(FunctionName=..., EventSourceArn=<the queue's ARN>, BatchSize=10, "
            "FunctionResponseTypes=['ReportBatchItemFailures']). Without that response type Lambda ignores the "
            "batchItemFailures your handler returns, and deletes the whole batch.")
def mapping_reports_batch_item_failures(ctx):
    deployment = ctx.use(wired)
    found = mappings_of(ctx, deployment["function"])
    source = queue_arn(ctx, deployment["url"])
    ours = [m for m in found if m.get("EventSourceArn") == source]
    ctx.expect(ours, f"no event source mapping from the queue {source} to the function (wire_up() returned "
                     f"{deployment['returned']!r}; mappings of the function: {len(found)})")
    mapping = ours[0]
    if "ReportBatchItemFailures" not in (mapping.get("FunctionResponseTypes") or []):
        ctx.fail("the mapping has no FunctionResponseTypes=['ReportBatchItemFailures']: Lambda ignores the "
                 "handler's batchItemFailures, deletes a batch whose handler returned, and a poison record is "
                 "lost after its first delivery")
    ctx.expect_equal(mapping.get("BatchSize"), 10, "BatchSize of the mapping")
    ctx.expect(mapping.get("State") == "Enabled", f"the mapping is {mapping.get('State')}, not Enabled")
    ctx.expect(deployment["returned"] == mapping.get("UUID"),
               f"wire_up() returned {deployment['returned']!r}; expected the mapping's UUID {mapping.get('UUID')!r}")


# -- handler: one batch, behind the grader's wiring --------------------------------------------------------------
MIXED = [order("o-1", 25), "{not json", order("o-2", 12.5), json.dumps({"order_id": "o-3", "amount": -5}),
         order("o-4", 3)]
POISON = {"{not json", json.dumps({"order_id": "o-3", "amount": -5})}


@fixture
def one_batch(ctx):
    table = make_table(ctx)
    function = make_function(ctx, table)
    url = make_queue(ctx, ctx.unique("batch"))
    grader_wiring(ctx, function, url)
    deploy(ctx, function)
    mark = ctx.log.mark()
    ids = send(ctx, url, MIXED)
    ctx.clock.advance(seconds=1)
    simulation = ctx.behaviour(SIMULATION)
    first = simulation.invocations_of(function)[:1]
    good_mark = ctx.log.mark()
    good_only = send(ctx, url, [order("o-5"), order("o-6")])
    # At-least-once: SQS delivers this batch a second time, to a new instance of the function, as when
    # the batch's visibility timeout ran out just before Lambda deleted it.
    simulation.deliver_again(good_only)
    ctx.clock.advance(seconds=1)
    later = [i for i in simulation.invocations_of(function) if set(i.message_ids) & set(good_only)]
    return {"table": table, "ids": ids, "invocation": first[0] if first else None, "mark": mark,
            "good_only": later[0] if later else None, "again": later[1:], "good_mark": good_mark,
            "good_ids": good_only}


def _invocation(ctx, run: dict):
    invocation = run["invocation"]
    ctx.expect(invocation is not None, "the function was never invoked with the batch (the simulation could not "
                                       "call handler)")
    if invocation.outcome in ("error", "timeout"):
        ctx.fail(f"handler failed the whole batch: {invocation.reason}. One bad record must not fail the others: "
                 "catch its error and report it in batchItemFailures")
    return invocation


@check("handler reports exactly the poison records, by messageId", points=2,
       hint="Return {'batchItemFailures': [{'itemIdentifier': record['messageId']}, ...]} for the records that "
            "failed, and an empty list when none did. Lambda matches itemIdentifier against the batch's "
            "messageIds: anything else (a receipt handle, an empty or unknown id) fails the whole batch.")
def handler_reports_poison_by_message_id(ctx):
    run = ctx.use(one_batch)
    invocation = _invocation(ctx, run)
    by_body = {body: message_id for message_id, body in run["ids"].items()}
    expected = sorted(by_body[b] for b in POISON)
    response = invocation.response
    failures = response.get("batchItemFailures") if isinstance(response, dict) else None
    ctx.note(f"handler returned {str(response)[:300]}")
    if not failures:
        if misspelt_key(response):
            ctx.fail(f"the response has no key 'batchItemFailures' (it has {sorted(map(str, response))}): Lambda "
                     "reads that as an empty response, a complete success, and deletes the poison records too")
        ctx.fail(f"handler reported no failures for a batch with {len(POISON)} poison records (it returned "
                 f"{str(response)[:120]}): Lambda deletes them as processed. Did an error get caught and "
                 "dropped instead of reported?")
    if invocation.outcome == "invalid_response":
        handles = {record["receiptHandle"] for record in invocation.records}
        named = [f.get("itemIdentifier") if isinstance(f, dict) else f for f in failures]
        if any(n in handles for n in named if isinstance(n, str)):
            ctx.fail("the itemIdentifiers are receipt handles: Lambda matches them against the records' messageId, "
                     f"so it fails the whole batch ({invocation.reason}) and the good records come back")
        ctx.fail(f"Lambda cannot read the partial batch response ({invocation.reason}), so the whole batch fails "
                 "and the good records are delivered again")
    bodies = run["ids"]
    good_failed = sorted(bodies[m] for m in invocation.failed if bodies.get(m) not in POISON)
    poison_missed = sorted(bodies[m] for m in expected if m not in invocation.failed)
    ctx.expect(not good_failed, f"handler reported good records as failed too ({listing(good_failed)}): Lambda "
                                "retries them with the poison records, and they end in the DLQ")
    ctx.expect(not poison_missed, f"handler did not report the poison records {listing(poison_missed)}: Lambda "
                                  "deletes them as processed")
    later = run["good_only"]
    ctx.expect(later is not None and later.outcome == "success" and not later.failed,
               "a batch of good orders only was not a complete success: "
               + (f"{later.outcome} {later.reason or later.failed}" if later else "it was never delivered"))


@check("handler writes each good order to the table, and no poison", points=2,
       hint="json.loads each record's body; an order is good when it has a string order_id and a positive "
            "amount. Write it with the table from os.environ['ORDERS_TABLE'] (boto3.resource('dynamodb').Table, "
            "amounts as Decimal), and skip what is not a good order.")
def handler_writes_good_orders(ctx):
    run = ctx.use(one_batch)
    _invocation(ctx, run)
    stored = stored_orders(ctx, run["table"], "o-")
    good = {"o-1", "o-2", "o-4", "o-5", "o-6"}
    missing = good - stored
    ctx.expect(not missing, f"good orders missing from the table {run['table']}: {listing(missing)}")
    ctx.expect("o-3" not in stored, "the order with amount -5 was written to the table: it is poison")
    extra = stored - good - {"o-3"}
    ctx.expect(not extra, f"the table holds orders nobody sent: {listing(extra)}")


@check("A record SQS delivers again is a success and writes nothing twice", points=2,
       hint="SQS delivers at least once: a record can come again after its order was written (its batch's "
            "visibility timeout ran out before Lambda deleted it), to another instance of the function, which "
            "remembers nothing of the first. Write conditionally (ConditionExpression="
            "'attribute_not_exists(order_id)') and treat ConditionalCheckFailedException as done: the order "
            "is there, so the record was processed.")
def handler_is_idempotent(ctx):
    run = ctx.use(one_batch)
    first, again = run["good_only"], run["again"]
    names = {message_id: json.loads(body)["order_id"] for message_id, body in run["good_ids"].items()}
    orders = sorted(names.values())
    ctx.expect(first is not None, f"the batch of good orders {listing(orders)} never reached the handler")
    if not again:
        ctx.fail(f"the batch of good orders {listing(orders)} failed the first time ({first.outcome}: "
                 f"{first.reason or listing(names.get(m, m) for m in first.failed)}), so it was never "
                 "delivered again as a success would have been")
    redelivered = again[0]
    failed = sorted(names[m] for m in redelivered.failed if m in names)
    if failed:
        what = (f"failed the whole batch ({redelivered.reason})" if redelivered.outcome != "partial" else
                f"reported {listing(failed)} as failed")
        ctx.fail(f"SQS delivered {listing(orders)} again after their orders were written, and the handler {what}: "
                 "a record whose order is already in the table has been processed; reported as failed, it "
                 f"comes back until the DLQ takes a good order (a ConditionalCheckFailedException means done)")
    done = writes(ctx, run["table"], run["good_mark"])
    never = [o for o in orders if not done[o]]
    ctx.expect(not never, f"good orders never written: {listing(never)}")
    twice = [f"{o} (x{done[o]})" for o in orders if done[o] > 1]
    ctx.expect(not twice, f"SQS delivered {listing(orders)} a second time (delivery is at least once) and the "
                          f"handler wrote them again: {listing(twice)}. A redelivery must not repeat the effect: "
                          "make the write conditional on the order not being there yet")


# -- scenarios on virtual time, with the learner's wiring -------------------------------------------------------
GOOD = [f"order-{i}" for i in range(1, 24)]
POISON_BODIES = ["{\"order_id\": \"order-x\", \"amount\": \"lots\"}", "this is not an order"]


@fixture
def end_to_end(ctx):
    deployment = ctx.use(wired)
    mark = ctx.log.mark()
    bodies = [order(o) for o in GOOD]
    bodies.insert(4, POISON_BODIES[0])
    bodies.insert(17, POISON_BODIES[1])
    ids = send(ctx, deployment["url"], bodies)
    visibility = visibility_of(ctx, deployment["url"])
    ctx.clock.advance(seconds=(MAX_RECEIVES + 1) * (visibility + 1) + 60)
    simulation = ctx.behaviour(SIMULATION)
    invocations = simulation.invocations_of(deployment["function"])
    ctx.show("Each batch the function received, on virtual time", render_batches(invocations))
    ctx.show("Each message between queue, function and DLQ", render_message_lives(ctx.log.calls("sqs", source=None,
                                                                                                  since=mark)))
    return {**deployment, "ids": ids, "mark": mark, "deliveries": simulation.deliveries(deployment["function"]),
            "invocations": invocations, "visibility": visibility}


@check("Good orders are processed exactly once", points=3, requires=["virtual_time"],
       hint="Run the scenario in your head: 25 records, 2 of them poison, batches of 10. If one record fails the "
            "batch, which records come back? A partial batch response lets Lambda delete the good ones; an "
            "idempotent write (a condition that the order is not there yet) makes a redelivery harmless.")
def good_orders_processed_exactly_once(ctx):
    run = ctx.use(end_to_end)
    require_mapping(ctx, run)
    done = writes(ctx, run["table"], run["mark"])
    never = [o for o in GOOD if not done[o]]
    twice = [f"{o} (x{done[o]})" for o in GOOD if done[o] > 1]
    ctx.note(f"{len(run['invocations'])} invocations; " + ", ".join(
        f"{i.outcome}" for i in run["invocations"][:8]) + (" ..." if len(run["invocations"]) > 8 else ""))
    ctx.expect(len(never) < len(GOOD), f"none of the {len(GOOD)} good orders was written")
    ctx.expect(not never, f"good orders never written: {listing(never)}")
    ctx.expect(not twice, f"good orders written more than once: {listing(twice)}: their batch failed and came back, "
                          "and each delivery wrote them again")
    stored = stored_orders(ctx, run["table"], "order-")
    ctx.expect(not stored - set(GOOD), f"the table holds orders that are not good: {listing(stored - set(GOOD))}")


@check("A poison record is retried alone and lands in the DLQ after 5 receives", points=3,
       requires=["virtual_time"],
       hint="Count how often each record reaches the handler. Its batch mates should arrive once; the poison "
            "record 5 times (maxReceiveCount), then SQS moves it to the source queue's DLQ. Which part of your "
            "wiring or your response decides each of those?")
def poison_retried_alone_then_dlq(ctx):
    run = ctx.use(end_to_end)
    require_mapping(ctx, run)
    deliveries = run["deliveries"]
    by_body = {body: message_id for message_id, body in run["ids"].items()}
    mates = [b for b in (order(o) for o in GOOD) if deliveries.get(by_body[b], 0) > 1]
    if mates:
        ctx.fail(f"{len(mates)} good records were delivered again with the poison records "
                 f"(e.g. {json.loads(mates[0])['order_id']}, {deliveries[by_body[mates[0]]]} times): the whole batch "
                 "failed, not the poison record alone")
    counts = {body: deliveries.get(by_body[body], 0) for body in POISON_BODIES}
    dlq = dlq_url_of(ctx, run["url"])
    in_dlq = drain(ctx, dlq) if dlq else []
    for body, count in counts.items():
        if count == 1 and body not in in_dlq:
            ctx.fail(f"the poison record {body!r} reached the handler once and was then deleted as if processed, "
                     f"so it is lost: {why_deleted(ctx, run, by_body[body])}")
        if body not in in_dlq:
            where = ("the source queue has no redrive policy" if dlq is None else
                     "it stayed there: the redrive policy names the source queue itself" if dlq == run["url"] else
                     f"it is not in {queue_name(dlq)}")
            ctx.fail(f"the poison record {body!r} reached the handler {count} times and {where}; expected "
                     f"{MAX_RECEIVES} deliveries, then the DLQ")
        ctx.expect(count == MAX_RECEIVES, f"the poison record {body!r} reached the handler {count} times before it "
                                          f"moved to the DLQ; expected {MAX_RECEIVES} (maxReceiveCount)")


@check("A slow function does not get the same batch twice", points=2, requires=["virtual_time"],
       hint="Batches wait for the function: here each takes 45 s of its 60 s timeout, and four arrive at once. "
            "A message whose visibility timeout runs out while it waits is received again and delivered a second "
            "time. AWS's guidance, 6x the function timeout, leaves room for that wait.")
def slow_function_no_duplicate_deliveries(ctx):
    deployment = ctx.use(wired)  # the learner's wiring again: after the end-to-end scenario, the queue is quiet
    require_mapping(ctx, deployment)
    simulation = ctx.behaviour(SIMULATION)
    earlier = len(simulation.invocations_of(deployment["function"]))
    deploy(ctx, deployment["function"], extra_seconds=45)
    # Four batches at once (five pollers, ten records each, the last one record): the fourth waits for three.
    ids = send(ctx, deployment["url"], [order(f"slow-{i}") for i in range(1, 32)])
    ctx.clock.advance(seconds=2 * (visibility_of(ctx, deployment["url"]) + 1) + 300)
    invocations = simulation.invocations_of(deployment["function"])[earlier:]
    deliveries = Counter(m for invocation in invocations for m in invocation.message_ids if m in ids)
    ctx.show("Batches of a slow function, on virtual time", render_batches(invocations))
    ctx.expect(deliveries, "no record reached the handler")
    twice = [ids[m] for m, n in deliveries.items() if n > 1]
    ctx.expect(not twice, f"{len(twice)} of {len(ids)} records reached the function twice: batches waiting behind "
                          f"the slow ones came back from the queue's visibility timeout "
                          f"({visibility_of(ctx, deployment['url'])} s) before the function got to them")
    missing = [m for m in ids if m not in deliveries]
    ctx.expect(not missing, f"{len(missing)} records never reached the function")

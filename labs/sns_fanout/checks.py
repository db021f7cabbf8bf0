"""Checks of the sns_fanout lab.

build_fanout is judged with orders the grader publishes itself (correctly typed), so a mistake in
publish_order never costs a subscription check; publish_order is judged on a topic of the grader's;
read_events on queues the grader fills. Queue policies are judged by effect with awslab.models.iam.
"""

from __future__ import annotations

import json
from collections import Counter

from rich.tree import Tree

from awslab.lab import check, fixture, iam

QUEUES = ("inventory", "analytics", "fraud")

# The matrix: every order, and the queues that must get it.
ORDERS = [
    ({"order_id": "o-1", "event_type": "OrderPlaced", "amount": 1500}, {"inventory", "analytics", "fraud"}),
    ({"order_id": "o-2", "event_type": "OrderPlaced", "amount": 999.5}, {"inventory", "analytics"}),
    ({"order_id": "o-3", "event_type": "OrderPlaced", "amount": 1000}, {"inventory", "analytics", "fraud"}),
    ({"order_id": "o-4", "event_type": "OrderCancelled", "amount": 2000}, {"inventory", "analytics"}),
    ({"order_id": "o-5", "event_type": "OrderShipped", "amount": 50}, {"analytics"}),
    ({"order_id": "o-6", "event_type": "OrderShipped", "amount": 5000}, {"analytics"}),
    ({"order_id": "o-7", "event_type": "orderplaced", "amount": 1200}, {"analytics"}),
    ({"order_id": "o-8", "event_type": "OrderRefunded", "amount": 10}, {"analytics"}),
]
OTHER_ACCOUNT = "210987654321"


def attributes_of(order: dict) -> dict:
    return {"event_type": {"DataType": "String", "StringValue": order["event_type"]},
            "amount": {"DataType": "Number", "StringValue": str(order["amount"])}}


def unwrap(body: str):
    """An order from an SQS body, raw or in SNS's envelope."""
    data = json.loads(body)
    if isinstance(data, dict) and data.get("Type") == "Notification" and "TopicArn" in data:
        return json.loads(data["Message"])
    return data


def queue_policy(queue_arn: str, topic_arn: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
        "Resource": queue_arn, "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}}}]})


def grader_queue(ctx, name: str, topic_arn: str) -> tuple[str, str]:
    sqs = ctx.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": queue_policy(arn, topic_arn)})
    return url, arn


# --------------------------------------------------------------------------- shared set-up
@fixture
def fanout(ctx):
    prefix = ctx.unique("shop")
    returned = ctx.learner.build_fanout(ctx.learner_client("sns"), ctx.learner_client("sqs"), prefix)
    sqs = ctx.client("sqs")
    queues = {}
    for name in QUEUES:
        try:
            url = sqs.get_queue_url(QueueName=f"{prefix}-{name}")["QueueUrl"]
        except sqs.exceptions.QueueDoesNotExist:
            url = None
        arn = policy = None
        if url:
            found = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn", "Policy"])["Attributes"]
            arn, policy = found["QueueArn"], found.get("Policy")
        queues[name] = {"url": url, "arn": arn, "policy": policy}
    topic_arn = f"arn:aws:sns:{ctx.region}:{ctx.account_id}:{prefix}-orders"
    return {"prefix": prefix, "returned": returned, "topic_arn": topic_arn, "queues": queues}


@fixture
def matrix(ctx):
    """The grader publishes every order; what SNS decided per queue, and what each queue holds."""
    setup = ctx.use(fanout)
    sns, sqs = ctx.client("sns"), ctx.client("sqs")
    mark = ctx.log.mark()
    order_of_message = {}
    for order, _ in ORDERS:
        message_id = sns.publish(TopicArn=setup["topic_arn"], Message=json.dumps(order),
                                 MessageAttributes=attributes_of(order))["MessageId"]
        order_of_message[message_id] = order["order_id"]
    notes = []
    for call in ctx.log.calls("sns", "Publish", source="grader", since=mark):
        order_id = order_of_message.get(call.notes.get("message_id"))
        notes += [dict(note, order_id=order_id) for note in call.notes.get("deliveries", [])]
    result = {}
    for name, queue in setup["queues"].items():
        mine = [n for n in notes if queue["arn"] and n.get("endpoint") == queue["arn"]]
        received = []
        while queue["url"]:
            messages = sqs.receive_message(QueueUrl=queue["url"], MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                break
            for message in messages:
                received.append(message["Body"])
                sqs.delete_message(QueueUrl=queue["url"], ReceiptHandle=message["ReceiptHandle"])
        result[name] = {"notes": mine, "received": received}
    return result


def expected_for(queue: str) -> list[str]:
    return sorted(order["order_id"] for order, queues in ORDERS if queue in queues)


def filter_check(ctx, queue: str, what: str) -> None:
    setup, seen = ctx.use(fanout), ctx.use(matrix)
    if setup["queues"][queue]["url"] is None:
        ctx.fail(f"there is no queue named {setup['prefix']}-{queue}")
    notes = seen[queue]["notes"]
    if not notes:
        ctx.fail(f"no SQS subscription of {setup['prefix']}-orders delivers to the {queue} queue")
    passed = sorted(n["order_id"] for n in notes if n.get("filter_matched"))
    expected = expected_for(queue)
    if passed != expected:
        lines = []
        for order_id in sorted(set(passed) | set(expected)):
            count, wanted = passed.count(order_id), expected.count(order_id)
            if count == wanted:
                continue
            why = next((n.get("filter") or n.get("why") for n in notes if n["order_id"] == order_id), "")
            if count > wanted:
                lines.append(f"{order_id} got through {count} time(s), expected {wanted} ({why})")
            else:
                lines.append(f"{order_id} was filtered out: {why}")
        ctx.fail(f"the {queue} queue should get {what} ({', '.join(expected)}), but: " + "; ".join(lines))
    refused = [n["order_id"] for n in notes if n.get("dropped_by") == "queue policy"]
    if refused:
        ctx.note(f"the filter is right, but the queue policy refused {len(refused)} deliveries "
                 "(see the queue-policy check)")


def decide(queue_arn: str, policy: str | None, principal: str, context: dict, identity: list | None = None):
    request = iam.Request(action="sqs:SendMessage", resource=queue_arn, principal=principal, context=context)
    return iam.evaluate(request, identity_policies=identity or [], resource_policy=policy or None)


# --------------------------------------------------------------------------- build_fanout
@check("build_fanout creates the topic and the three queues, and returns their ARN and URLs", points=1,
       hint="Names are <prefix>-orders, <prefix>-inventory, <prefix>-analytics and <prefix>-fraud; return "
            '{"topic_arn": ..., "queues": {"inventory": url, "analytics": url, "fraud": url}}.')
def topic_and_queues(ctx):
    setup = ctx.use(fanout)
    topics = [t["TopicArn"] for page in ctx.client("sns").get_paginator("list_topics").paginate()
              for t in page["Topics"]]
    ctx.expect(setup["topic_arn"] in topics, f"no topic named {setup['prefix']}-orders")
    missing = [f"{setup['prefix']}-{n}" for n, q in setup["queues"].items() if q["url"] is None]
    ctx.expect(not missing, f"missing queues: {', '.join(missing)}")
    returned = setup["returned"]
    ctx.expect(isinstance(returned, dict), f"build_fanout returned {returned!r}, not a dict")
    ctx.expect_equal(returned.get("topic_arn"), setup["topic_arn"], "returned topic_arn")
    urls = returned.get("queues")
    ctx.expect(isinstance(urls, dict) and set(urls) == set(QUEUES),
               f'returned "queues" should have the keys {list(QUEUES)}, got {urls!r}')
    for name in QUEUES:
        got = str(urls[name]).rstrip("/").rsplit("/", 1)[-1]
        ctx.expect_equal(got, f"{setup['prefix']}-{name}", f'the queue URL returned for "{name}" names')


@check("Each queue's policy lets the orders topic send to it", points=2,
       hint="A queue without a policy refuses SNS: in AWS it stays empty. Allow the service principal "
            "sns.amazonaws.com to sqs:SendMessage on the queue, on condition that aws:SourceArn is the topic.")
def queue_policies_allow_the_topic(ctx):
    setup, seen = ctx.use(fanout), ctx.use(matrix)
    show_fanout(ctx, setup, seen)
    context = {"aws:SourceArn": setup["topic_arn"], "aws:SourceAccount": ctx.account_id}
    for name, queue in setup["queues"].items():
        ctx.expect(queue["url"], f"there is no queue named {setup['prefix']}-{name}")
        if not queue["policy"]:
            refused = sum(1 for n in seen[name]["notes"] if n.get("dropped_by") == "queue policy")
            ctx.fail(f"the {name} queue has no policy, so SNS may not send to it: it stayed empty "
                     f"({refused} deliveries refused)")
        try:
            decision = decide(queue["arn"], queue["policy"], "sns.amazonaws.com", context)
        except iam.PolicyError as error:
            ctx.fail(f"the {name} queue's policy is not valid: {error}")
        if not decision.allowed:
            ctx.fail(f"the {name} queue's policy refuses the orders topic:\n{decision.explain()}")


@check("Queue policies refuse another topic, another account and other principals", points=2,
       hint="Principal \"*\" with no condition lets anyone send. Name the SNS service as principal and tie it "
            "to your topic with an aws:SourceArn condition.")
def queue_policies_refuse_others(ctx):
    setup = ctx.use(fanout)
    region, account, prefix = ctx.region, ctx.account_id, setup["prefix"]
    intruders = [
        ("another topic of this account", "sns.amazonaws.com",
         {"aws:SourceArn": f"arn:aws:sns:{region}:{account}:{prefix}-returns", "aws:SourceAccount": account}, None),
        ("the same topic name in another account", "sns.amazonaws.com",
         {"aws:SourceArn": f"arn:aws:sns:{region}:{OTHER_ACCOUNT}:{prefix}-orders",
          "aws:SourceAccount": OTHER_ACCOUNT}, None),
        ("an IAM user of this account", f"arn:aws:iam::{account}:user/intruder", {}, None),
        ("a user of another account with full SQS rights", f"arn:aws:iam::{OTHER_ACCOUNT}:user/intruder", {},
         [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}]),
        ("an anonymous caller", "anonymous", {}, None),
        ("S3 notifications of some bucket", "s3.amazonaws.com",
         {"aws:SourceArn": f"arn:aws:s3:::{prefix}-bucket", "aws:SourceAccount": account}, None),
    ]
    for name, queue in setup["queues"].items():
        ctx.expect(queue["url"], f"there is no queue named {setup['prefix']}-{name}")
        for who, principal, context, identity in intruders:
            try:
                decision = decide(queue["arn"], queue["policy"], principal, context, identity)
            except iam.PolicyError as error:
                ctx.fail(f"the {name} queue's policy is not valid: {error}")
            if decision.allowed:
                ctx.fail(f"the {name} queue's policy lets {who} send to it:\n{decision.explain()}")


@check("inventory gets exactly the OrderPlaced and OrderCancelled orders", points=2,
       hint="A filter policy on the subscription, on the message attribute event_type, with two values (OR).")
def inventory_gets_placed_and_cancelled(ctx):
    filter_check(ctx, "inventory", "every OrderPlaced and OrderCancelled order, once")


@check("analytics gets every order", points=1, hint="No filter policy: a subscription without one gets everything.")
def analytics_gets_everything(ctx):
    filter_check(ctx, "analytics", "every order, once")


@check("fraud gets exactly the OrderPlaced orders of 1000 or more", points=2,
       hint='Two keys are ANDed: event_type, and amount with a numeric condition {"numeric": [">=", 1000]}.')
def fraud_gets_large_placed_orders(ctx):
    filter_check(ctx, "fraud", "OrderPlaced orders with an amount of 1000 or more")


@check("Raw message delivery for analytics only", points=1,
       hint="RawMessageDelivery is a subscription attribute, \"true\" or \"false\".")
def raw_delivery_only_for_analytics(ctx):
    setup, seen = ctx.use(fanout), ctx.use(matrix)
    for name in QUEUES:
        notes = seen[name]["notes"]
        if not notes:
            ctx.fail(f"no SQS subscription of {setup['prefix']}-orders delivers to the {name} queue")
        raw = {n.get("raw") for n in notes}
        wanted = name == "analytics"
        if raw != {wanted}:
            state = "raw" if True in raw else "wrapped in SNS's envelope"
            ctx.fail(f"the {name} queue gets its messages {state}; it should get them "
                     + ("raw (RawMessageDelivery=true)" if wanted else "in the envelope (no raw delivery)"))


# --------------------------------------------------------------------------- publish_order
@check("publish_order sends the order as JSON with event_type (String) and amount (Number)", points=2,
       hint="Numeric filters match only Number attributes: DataType \"Number\", StringValue str(amount).")
def publish_order_types_amount_as_number(ctx):
    name = ctx.unique("probe")
    sns = ctx.client("sns")
    topic_arn = sns.create_topic(Name=name)["TopicArn"]
    url, arn = grader_queue(ctx, name, topic_arn)
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes={
        "FilterPolicy": json.dumps({"event_type": ["OrderPlaced"], "amount": [{"numeric": [">=", 1000]}]})})
    order = {"order_id": "p-1", "event_type": "OrderPlaced", "amount": 1250, "customer": "c-42"}
    mark = ctx.log.mark()
    message_id = ctx.learner.publish_order(ctx.learner_client("sns"), topic_arn, order)
    publishes = [c for c in ctx.log.calls("sns", "Publish", since=mark) if not c.failed]
    ctx.expect(publishes, "publish_order made no successful Publish call")
    call = publishes[-1]
    ctx.expect_equal(message_id, call.notes.get("message_id"), "the returned MessageId")
    try:
        sent = json.loads(call.params.get("Message", ""))
    except ValueError:
        sent = call.params.get("Message")
    ctx.expect_equal(sent, order, "the published message, parsed as JSON")
    attributes = call.params.get("MessageAttributes") or {}
    for key, data_type in (("event_type", "String"), ("amount", "Number")):
        got = (attributes.get(key) or {}).get("DataType")
        ctx.expect(got == data_type, f"the {key} message attribute has DataType {got!r}, expected {data_type!r}")
    deliveries = call.notes.get("deliveries") or [{}]
    ctx.expect(deliveries[0].get("filter_matched"), "a subscription filtering on amount >= 1000 did not get "
                                                    f"the order: {deliveries[0].get('filter')}")


# --------------------------------------------------------------------------- read_events
@fixture
def read_back(ctx):
    """Orders delivered raw to one queue and enveloped to another; read_events reads each."""
    name = ctx.unique("reader")
    sns, sqs = ctx.client("sns"), ctx.client("sqs")
    topic_arn = sns.create_topic(Name=name)["TopicArn"]
    orders = [{"order_id": f"r-{i}", "event_type": "OrderPlaced", "amount": 100 * i} for i in range(1, 13)]
    urls = {}
    for shape in ("raw", "envelope"):
        url, arn = grader_queue(ctx, f"{name}-{shape}", topic_arn)
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn,
                      Attributes={"RawMessageDelivery": "true" if shape == "raw" else "false"})
        urls[shape] = url
    for order in orders:
        sns.publish(TopicArn=topic_arn, Message=json.dumps(order), MessageAttributes=attributes_of(order))
    results = {}
    for shape, url in urls.items():
        returned = ctx.learner.read_events(ctx.learner_client("sqs"), url)
        counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        left = sum(int(v) for v in counts.values())
        results[shape] = (returned, left)
    return orders, results


def canonical(items) -> Counter:
    return Counter(json.dumps(item, sort_keys=True) for item in items)


@check("read_events returns the orders from raw and from enveloped messages", points=2,
       hint="A non-raw subscription wraps the order in SNS's JSON envelope: the order is the envelope's "
            "\"Message\" field, itself JSON text. A raw one delivers the order as the body.")
def read_events_unwraps_both_shapes(ctx):
    orders, results = ctx.use(read_back)
    for shape, (returned, _) in results.items():
        ctx.expect(isinstance(returned, list), f"read_events returned {type(returned).__name__}, not a list")
        if canonical(returned) != canonical(orders):
            sample = returned[0] if returned else None
            ctx.fail(f"from the {shape} queue read_events returned {len(returned)} items, expected the "
                     f"{len(orders)} orders; first item: {json.dumps(sample)[:200]}")


@check("read_events drains the queue (deletes what it read, past the first 10 messages)", points=1,
       hint="ReceiveMessage returns at most 10 messages: loop until a receive comes back empty, and delete "
            "each message once handled.")
def read_events_drains_the_queue(ctx):
    _, results = ctx.use(read_back)
    for shape, (_, left) in results.items():
        ctx.expect(left == 0, f"after read_events the {shape} queue still holds {left} messages "
                              "(visible or received but not deleted)")


# --------------------------------------------------------------------------- the picture
def show_fanout(ctx, setup, seen) -> None:
    tree = Tree(f"[bold]topic {setup['prefix']}-orders[/]  ({len(ORDERS)} orders published)")
    for name in QUEUES:
        notes = seen[name]["notes"]
        got = sorted(n["order_id"] for n in notes if n.get("delivered"))
        branch = tree.add(f"[bold]{setup['prefix']}-{name}[/]: received {', '.join(got) or 'nothing'}")
        filtered = sorted(n["order_id"] for n in notes if n.get("dropped_by") == "filter")
        refused = [n for n in notes if n.get("dropped_by") == "queue policy"]
        if filtered:
            branch.add(f"[dim]filtered out: {', '.join(filtered)}[/]")
        if refused:
            branch.add(f"[red]refused by the queue policy: {', '.join(sorted(n['order_id'] for n in refused))}[/]"
                       f" ({refused[0]['why']})")
        if not notes:
            branch.add("[red]no subscription delivers here[/]")
    ctx.show("Fan-out: what each queue received", tree)

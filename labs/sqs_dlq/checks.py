"""Checks of the sqs_dlq lab: a consumer that survives poison messages, on virtual time.

Each check judges one behaviour by its effect (what the queues hold, what the grader's handler
saw, what the request log shows). Checks of consume(), extend_visibility() and redrive() run on
queues the grader makes with the lab's configuration, so a mistake in create_queues() costs only
the checks about create_queues(); the long-poll check and the end-to-end scenario use the
learner's own queues, because their configuration is part of what is judged there.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from awslab.lab import CheckFailed, LearnerRaised, check, fixture, render_message_lives

VISIBILITY_TIMEOUT = 60
MAX_RECEIVES = 3
FOURTEEN_DAYS = 14 * 24 * 3600


# -- the grader's message handler ----------------------------------------------------------------
class RecordingHandler:
    """The handler given to consume(): raises for poison bodies, counts every call by body.

    It runs in the grader (the learner's code calls it across the process boundary), so the
    counts are what really happened, whatever consume() returns."""

    def __init__(self, poison=(), on_call=None) -> None:
        self.poison = set(poison)
        self.on_call = on_call
        self.handled: Counter = Counter()  # bodies handled successfully
        self.failed: Counter = Counter()  # poison bodies, one per failed call
        self.wrong_arguments: list[str] = []

    def __call__(self, message):
        body = message.get("Body") if isinstance(message, dict) else None
        if body is None:
            self.wrong_arguments.append(repr(message)[:120])
            raise TypeError("handler(message) expects a message dict as receive_message returns it")
        if self.on_call is not None:
            self.on_call(body)
        if body in self.poison:
            self.failed[body] += 1
            raise ValueError(f"cannot process {body!r}: it is a poison message")
        self.handled[body] += 1

    def calls(self, body: str) -> int:
        return self.handled[body] + self.failed[body]


def consume(ctx, url: str, handler: RecordingHandler) -> int:
    """One consume() round; a handler failure that escapes it gets a message of its own."""
    try:
        result = ctx.learner.consume(ctx.learner_client("sqs"), url, handler)
    except LearnerRaised as exc:
        if "poison message" in str(exc):
            raise CheckFailed(f"{exc}. A failing handler must not escape consume(): catch its exception, "
                              "leave that message for redelivery and go on with the others") from None
        raise
    if handler.wrong_arguments:
        raise CheckFailed(f"the handler was called with {handler.wrong_arguments[0]} instead of the message dict "
                          "that receive_message returns (with 'Body', 'ReceiptHandle', ...)")
    return result


# -- queues ----------------------------------------------------------------------------------------
def queue_name(url: str) -> str:
    return str(url).rstrip("/").rsplit("/", 1)[-1]


def learner_queues(ctx, name: str) -> tuple[str, str]:
    """Call the learner's create_queues(name); returns (queue_url, dlq_url) or fails with what came back."""
    result = ctx.learner.create_queues(ctx.learner_client("sqs"), name)
    if not (isinstance(result, (tuple, list)) and len(result) == 2 and all(isinstance(u, str) for u in result)):
        raise CheckFailed(f"create_queues() returned {result!r}; expected a tuple (queue_url, dlq_url)")
    return result[0], result[1]


def reference_queues(ctx, name: str) -> tuple[str, str]:
    """A queue pair made by the grader with the lab's configuration (to judge the other functions alone)."""
    sqs = ctx.client("sqs")
    dlq = sqs.create_queue(QueueName=f"{name}-dlq", Attributes={"MessageRetentionPeriod": str(FOURTEEN_DAYS)})
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq["QueueUrl"], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    main = sqs.create_queue(QueueName=name, Attributes={
        "VisibilityTimeout": str(VISIBILITY_TIMEOUT), "ReceiveMessageWaitTimeSeconds": "20",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVES})})
    return main["QueueUrl"], dlq["QueueUrl"]


def send(ctx, url: str, bodies, attributes: dict | None = None) -> None:
    """Send the bodies in this order (moto delivers in send order), 10 to a request."""
    bodies = list(bodies)
    for start in range(0, len(bodies), 10):
        entries = [{"Id": str(i), "MessageBody": body,
                    **({"MessageAttributes": attributes[body]} if attributes and body in attributes else {})}
                   for i, body in enumerate(bodies[start:start + 10])]
        answer = ctx.client("sqs").send_message_batch(QueueUrl=url, Entries=entries)
        if answer.get("Failed"):
            raise RuntimeError(f"the grader could not send its messages: {answer['Failed']}")


def counts(ctx, url: str) -> tuple[int, int]:
    """(visible, in flight) messages of a queue."""
    attributes = ctx.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]), int(attributes["ApproximateNumberOfMessagesNotVisible"])


def drain(ctx, url: str) -> list[dict]:
    """Every visible message of a queue, received by the grader (they are hidden afterwards)."""
    found: list[dict] = []
    while True:
        messages = ctx.client("sqs").receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, VisibilityTimeout=600,
            MessageAttributeNames=["All"], MessageSystemAttributeNames=["ApproximateReceiveCount"],
        ).get("Messages", [])
        if not messages:
            return found
        found.extend(messages)


def listing(bodies) -> str:
    bodies = sorted(bodies, key=lambda b: (len(b), b))  # order-2 before order-10
    return ", ".join(bodies[:6]) + (f" and {len(bodies) - 6} more" if len(bodies) > 6 else "")


# -- create_queues ---------------------------------------------------------------------------------
@fixture
def queues(ctx):
    name = ctx.unique("orders")
    return name, learner_queues(ctx, name)


@check("create_queues makes the queue and its DLQ and returns both URLs", points=1,
       hint="Create `<name>-dlq` first (the main queue's redrive policy needs its ARN), then `<name>`; "
            "return the two QueueUrl values as (queue_url, dlq_url).")
def creates_both_queues(ctx):
    name, (url, dlq_url) = ctx.use(queues)
    sqs = ctx.client("sqs")
    existing = {queue_name(u) for u in sqs.list_queues(QueueNamePrefix=name).get("QueueUrls", [])}
    for wanted in (name, f"{name}-dlq"):
        ctx.expect(wanted in existing, f"no queue named {wanted!r}; queues starting with {name!r}: "
                                       f"{sorted(existing) or 'none'}")
    if (queue_name(url), queue_name(dlq_url)) == (f"{name}-dlq", name):
        ctx.fail("create_queues() returned (dlq_url, queue_url); the main queue's URL comes first")
    ctx.expect_equal((queue_name(url), queue_name(dlq_url)), (name, f"{name}-dlq"),
                     "names of the queues at the returned (queue_url, dlq_url)")


@check("The DLQ keeps messages for 14 days", points=1,
       hint="A poison message waits in the DLQ until someone looks at it. MessageRetentionPeriod is a queue "
            "attribute, in seconds, given as a string; 14 days is the maximum.")
def dlq_keeps_messages_14_days(ctx):
    _, (_, dlq_url) = ctx.use(queues)
    seen = ctx.client("sqs").get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["MessageRetentionPeriod"])
    period = int(seen["Attributes"].get("MessageRetentionPeriod", 0))
    ctx.expect(period == FOURTEEN_DAYS,
               f"the DLQ keeps messages {period} s ({period / 86400:g} days); expected {FOURTEEN_DAYS} s (14 days): "
               "with less, poison messages may expire before anyone investigates them")


@check("The main queue hides a received message for 60 s", points=2,
       hint="Processing one message can take up to a minute. What happens to a message whose visibility "
            "timeout ends while its handler is still running? VisibilityTimeout is a queue attribute.")
def visibility_timeout_is_60_seconds(ctx):
    _, (url, _) = ctx.use(queues)
    seen = ctx.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])["Attributes"]
    timeout = int(seen.get("VisibilityTimeout", 30))
    if timeout < VISIBILITY_TIMEOUT:
        ctx.fail(f"the main queue's visibility timeout is {timeout} s; a handler that needs 60 s would still be "
                 f"working when the message reappears after {timeout} s, and a second consumer would process it "
                 "again. Expected 60 s")
    ctx.expect_equal(timeout, VISIBILITY_TIMEOUT, "VisibilityTimeout of the main queue (seconds)")


@check("A message received 3 times moves to the DLQ on the next attempt", points=2,
       requires=["virtual_time"],
       hint="Look at the main queue's RedrivePolicy: deadLetterTargetArn is the DLQ's ARN (not its URL), and "
            "maxReceiveCount is the number of receives a message gets before SQS gives up on it.")
def poison_moves_after_3_receives(ctx):
    url, dlq_url = learner_queues(ctx, ctx.unique("redrive"))
    sqs = ctx.client("sqs")
    send(ctx, url, ["poison"])
    receive_counts = []
    for _ in range(MAX_RECEIVES + 3):
        # The grader's own receives, each hiding the message for 1 s, so this check does not
        # depend on the queue's visibility timeout.
        messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0, VisibilityTimeout=1,
                                       MessageSystemAttributeNames=["ApproximateReceiveCount"]).get("Messages", [])
        if not messages:
            break
        receive_counts.append(int(messages[0]["Attributes"]["ApproximateReceiveCount"]))
        ctx.clock.advance(seconds=2)
    in_dlq = [m["Body"] for m in drain(ctx, dlq_url)]
    received = len(receive_counts)
    ctx.note(f"ApproximateReceiveCount of each receive: {receive_counts}")
    if "poison" not in in_dlq:
        if received > MAX_RECEIVES:
            ctx.fail(f"the message was received {received} times and never moved to the DLQ; expected it in the "
                     f"DLQ after {MAX_RECEIVES} receives. Is a RedrivePolicy set on the main queue?")
        ctx.fail(f"the message left the main queue after {received} receives but is not in the DLQ at "
                 f"{dlq_url}: does deadLetterTargetArn name that queue?")
    ctx.expect(received == MAX_RECEIVES,
               f"the message was received {received} times before it moved to the DLQ; expected {MAX_RECEIVES} "
               f"(maxReceiveCount = {MAX_RECEIVES}: receives 1 to {MAX_RECEIVES} deliver it, the next attempt "
               "moves it)")


# -- consume -----------------------------------------------------------------------------------------
@check("consume handles a batch of 10 in one round and deletes what it handled", points=2,
       hint="One receive_message can return up to 10 messages (MaxNumberOfMessages). A handled message stays "
            "in the queue until you delete it with its ReceiptHandle; delete_message_batch takes up to 10.")
def consume_handles_and_deletes_a_batch(ctx):
    url, _ = reference_queues(ctx, ctx.unique("batch"))
    bodies = [f"order-{i}" for i in range(1, 11)]
    send(ctx, url, bodies)
    handler = RecordingHandler()
    returned = consume(ctx, url, handler)
    handled = set(handler.handled)
    ctx.expect(len(handled) == len(bodies),
               f"one consume() round handled {len(handled)} of the {len(bodies)} waiting messages; expected all "
               "10 (receive up to 10 at once)")
    twice = [b for b, n in handler.handled.items() if n > 1]
    ctx.expect(not twice, f"the handler was called more than once for {listing(twice)} in one round")
    visible, in_flight = counts(ctx, url)
    ctx.expect(visible + in_flight == 0,
               f"{visible + in_flight} handled messages are still in the queue; they would be delivered again "
               "when their visibility timeout ends. Delete each message after its handler succeeds")
    ctx.expect_equal(returned, len(bodies), "consume()'s return value (messages handled successfully)")


@check("consume leaves a failed message in the queue for redelivery", points=2,
       hint="A message whose handler raised must not be deleted: leave it, and SQS delivers it again after "
            "the visibility timeout (and after enough failures, moves it to the DLQ). Delete only after success.")
def failed_message_stays_for_redelivery(ctx):
    url, _ = reference_queues(ctx, ctx.unique("retry"))
    send(ctx, url, ["poison-1"])
    handler = RecordingHandler(poison={"poison-1"})
    returned = consume(ctx, url, handler)
    ctx.expect(handler.failed["poison-1"] == 1,
               f"the handler was called {handler.calls('poison-1')} times for the one waiting message; expected once")
    visible, in_flight = counts(ctx, url)
    ctx.expect(visible + in_flight == 1,
               "the message whose handler failed was deleted: SQS will never deliver it again, so it is lost "
               "instead of retried (and can never reach the DLQ)")
    ctx.expect_equal(returned, 0, "consume()'s return value when the only handler call failed")


@check("One failing message does not stop consume from handling the others", points=2,
       hint="Where does your try/except sit? If it wraps the whole loop, the first failure jumps out of it. "
            "What should happen to the next message in the batch?")
def one_failure_does_not_stop_the_others(ctx):
    url, _ = reference_queues(ctx, ctx.unique("mixed"))
    bodies = ["poison-1", "order-1", "order-2", "poison-2", "order-3"]
    good = [b for b in bodies if b.startswith("order")]
    send(ctx, url, bodies)
    handler = RecordingHandler(poison={"poison-1", "poison-2"})
    returned = consume(ctx, url, handler)
    ctx.expect(sum(handler.handled.values()) + sum(handler.failed.values()),
               f"consume() did not call the handler for any of the {len(bodies)} waiting messages")
    missed = [b for b in good if not handler.handled[b]]
    ctx.expect(not missed, f"after the handler failed on poison-1, {listing(missed)} were not handled in that "
                           "round (the batch held 5 messages); every message deserves its own attempt")
    ctx.expect_equal(returned, len(good), "consume()'s return value (3 handled, 2 failed)")


@check("consume long-polls (waits up to 20 s for messages)", points=2,
       hint="An empty short poll costs a request and returns at once, so a consumer loop burns requests. "
            "Give receive_message WaitTimeSeconds=20, or set the queue's ReceiveMessageWaitTimeSeconds to 20.")
def consumer_long_polls(ctx):
    _, (url, _) = ctx.use(queues)  # its main queue stays empty: the long poll finds nothing
    mark = ctx.log.mark()
    before = ctx.clock.now()
    consume(ctx, url, RecordingHandler())
    receives = [c for c in ctx.log.calls("sqs", "ReceiveMessage", since=mark)
                if queue_name(c.params.get("QueueUrl", "")) == queue_name(url)]
    ctx.expect(receives, "consume() never called ReceiveMessage on the queue it was given")
    for call in receives:
        wait, origin = call.notes.get("wait_seconds", 0), call.notes.get("wait_origin", "default")
        if wait < 20:
            where = ("WaitTimeSeconds on the request" if origin == "request"
                     else "no WaitTimeSeconds on the request and the queue's ReceiveMessageWaitTimeSeconds")
            ctx.fail(f"ReceiveMessage waited at most {wait} s ({where} = {wait}): "
                     f"{'short polling' if wait == 0 else 'a short long poll'}; expected a 20 s long poll")
    waited = (ctx.clock.now() - before).total_seconds()
    ctx.note(f"{len(receives)} ReceiveMessage call(s), each waiting up to 20 s; the empty queue cost "
             f"{waited:g} s of virtual time")


@check("Good messages are handled once; the poison message is tried 3 times, then lands in the DLQ",
       points=3, requires=["virtual_time"],
       hint="Run it yourself: one poison message among good ones, a consume() round after every visibility "
            "timeout. Count how often each message reaches the handler. Which messages do you delete, and when?")
def poison_and_good_messages_over_rounds(ctx):
    mark = ctx.log.mark()
    url, dlq_url = learner_queues(ctx, ctx.unique("rounds"))
    good = [f"order-{i}" for i in range(1, 5)]
    send(ctx, url, ["poison-1", *good])
    timeout = int(ctx.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["VisibilityTimeout"])["Attributes"].get("VisibilityTimeout", 30))
    handler = RecordingHandler(poison={"poison-1"})
    rounds = MAX_RECEIVES + 1  # 3 deliveries, then the attempt that moves the poison message
    for round_number in range(rounds):
        if round_number:
            ctx.clock.advance(seconds=timeout + 1)  # the previous round's messages are visible again
        consume(ctx, url, handler)
    ctx.show("Each message between queue, consumer and DLQ, on virtual time",
             render_message_lives(ctx.log.calls("sqs", source=None, since=mark)))
    ctx.note(f"{rounds} consume() rounds, {timeout + 1} s apart; handler calls: "
             + ", ".join(f"{b} x{handler.calls(b)}" for b in ["poison-1", *good]))
    never = [b for b in good if not handler.handled[b]]
    if never:
        stuck = [b for b in never if b in {m["Body"] for m in drain(ctx, dlq_url)}]
        ctx.fail(f"{listing(never)} were never handled successfully in {rounds} rounds"
                 + (f"; {listing(stuck)} ended in the DLQ although nothing was wrong with them" if stuck else ""))
    again = [f"{b} ({handler.handled[b]} times)" for b in good if handler.handled[b] > 1]
    ctx.expect(not again, f"good messages were handled more than once: {listing(again)}; delete each after "
                          "its handler succeeds")
    tries = handler.failed["poison-1"]
    in_dlq = [m["Body"] for m in drain(ctx, dlq_url)]
    left_in_queue = sum(counts(ctx, url))
    if "poison-1" not in in_dlq:
        if tries < MAX_RECEIVES and left_in_queue == 0:
            ctx.fail(f"the poison message reached the handler {tries} time(s) and then vanished (neither in the "
                     "queue nor in the DLQ): it was deleted although its handler failed")
        ctx.fail(f"the poison message reached the handler {tries} times in {rounds} rounds and is not in the "
                 f"DLQ; expected {MAX_RECEIVES} tries, then the DLQ")
    ctx.expect(tries == MAX_RECEIVES, f"the poison message reached the handler {tries} times before it moved to "
                                      f"the DLQ; expected exactly {MAX_RECEIVES}")
    ctx.expect(left_in_queue == 0, f"{left_in_queue} message(s) are still in the main queue after {rounds} rounds")


# -- extend_visibility ---------------------------------------------------------------------------
@check("A heartbeat keeps a slow message hidden while extended, and no longer", points=2,
       requires=["virtual_time"],
       hint="ChangeMessageVisibility takes the ReceiptHandle of the receive and a new timeout that counts "
            "from now (it does not add to what is left).")
def heartbeat_keeps_a_slow_message_hidden(ctx):
    url, _ = reference_queues(ctx, ctx.unique("slow"))
    send(ctx, url, ["slow-1"])
    received_at = ctx.clock.now()
    message = ctx.client("sqs").receive_message(QueueUrl=url, WaitTimeSeconds=0)["Messages"][0]
    ctx.clock.advance(seconds=50)
    ctx.learner.extend_visibility(ctx.learner_client("sqs"), url, message["ReceiptHandle"], 120)

    def visible_at(seconds_after_receive: int) -> bool:
        ctx.clock.advance_to(received_at + dt.timedelta(seconds=seconds_after_receive))
        visible, in_flight = counts(ctx, url)
        ctx.expect(visible + in_flight == 1, f"the message is gone {seconds_after_receive} s after the receive; "
                                             "extend_visibility() must only change its visibility timeout")
        return visible == 1

    ctx.note("received at +0 s (60 s timeout), extend_visibility(..., 120) at +50 s: hidden until +170 s")
    if visible_at(VISIBILITY_TIMEOUT + 1):
        ctx.fail("the message was visible again 61 s after the receive although extend_visibility(..., 120) was "
                 "called at +50 s: a second consumer would process it while the first is still working")
    if visible_at(169):
        ctx.fail("the message was visible again before +169 s; extend_visibility(..., 120) at +50 s should hide "
                 "it until +170 s")
    ctx.expect(visible_at(171), "the message was still hidden at +171 s; extend_visibility(..., 120) at +50 s "
                                "should hide it for 120 s from that moment, not longer (if the consumer dies, "
                                "the message must come back)")


# -- redrive -----------------------------------------------------------------------------------------
REDRIVE_BODIES = [f"order-{i}" for i in range(1, 14)]  # more than one receive's worth
REDRIVE_ATTRIBUTES = {
    body: {"customer": {"DataType": "String", "StringValue": f"c-{i}"},
           "attempt": {"DataType": "Number", "StringValue": str(i)}}
    for i, body in enumerate(REDRIVE_BODIES, 1) if i % 2
}


@fixture
def redrive_run(ctx):
    url, dlq_url = reference_queues(ctx, ctx.unique("replay"))
    send(ctx, dlq_url, REDRIVE_BODIES, REDRIVE_ATTRIBUTES)
    mark = ctx.log.mark()
    returned = ctx.learner.redrive(ctx.learner_client("sqs"), dlq_url, url)
    return {"url": url, "dlq_url": dlq_url, "returned": returned, "mark": mark,
            "arrived": drain(ctx, url), "left_in_dlq": sum(counts(ctx, dlq_url))}


@check("redrive moves every message back, none lost, none twice", points=2,
       hint="One receive returns at most 10 messages: keep receiving from the DLQ until it is empty. Send each "
            "message's Body to the source queue, then delete it from the DLQ with its ReceiptHandle.")
def redrive_moves_every_message(ctx):
    run = ctx.use(redrive_run)
    arrived = Counter(m["Body"] for m in run["arrived"])
    lost = [b for b in REDRIVE_BODIES if not arrived[b]]
    twice = [f"{b} (x{n})" for b, n in arrived.items() if n > 1]
    ctx.expect(len(lost) < len(REDRIVE_BODIES), f"none of the {len(REDRIVE_BODIES)} messages in the DLQ arrived "
                                                f"in the source queue (redrive() returned {run['returned']!r})")
    ctx.expect(not lost, f"{len(lost)} of {len(REDRIVE_BODIES)} messages did not arrive in the source queue: "
                         f"{listing(lost)}")
    ctx.expect(not twice, f"messages arrived more than once: {listing(twice)}")
    ctx.expect(run["left_in_dlq"] == 0, f"{run['left_in_dlq']} message(s) are still in the DLQ after being "
                                        "moved: delete each from the DLQ once it was sent")
    ctx.expect_equal(run["returned"], len(REDRIVE_BODIES), "redrive()'s return value (messages moved)")


@check("redrive keeps each message's attributes", points=1,
       hint="receive_message returns message attributes only when asked: MessageAttributeNames=['All']. "
            "Pass them on to send_message as MessageAttributes.")
def redrive_keeps_message_attributes(ctx):
    run = ctx.use(redrive_run)
    with_attributes = [m for m in run["arrived"] if m["Body"] in REDRIVE_ATTRIBUTES]
    ctx.expect(with_attributes, "none of the messages that carried attributes arrived in the source queue")
    for message in with_attributes:
        expected = REDRIVE_ATTRIBUTES[message["Body"]]
        got = {name: {"DataType": a.get("DataType"), "StringValue": a.get("StringValue")}
               for name, a in message.get("MessageAttributes", {}).items()}
        ctx.expect_equal(got, expected, f"message attributes of {message['Body']} after redrive")


@check("redrive deletes a message from the DLQ only after it was sent", points=2,
       hint="Between the delete and the send, a crash or a failed send loses the message for good. Send first; "
            "delete when the send succeeded; let a failed send raise.")
def redrive_deletes_only_after_sending(ctx):
    run = ctx.use(redrive_run)
    sends = ctx.log.calls("sqs", "SendMessage", since=run["mark"]) + ctx.log.calls("sqs", "SendMessageBatch",
                                                                                    since=run["mark"])
    ctx.expect(sends, "redrive() sent no message to the source queue, so there is no send-then-delete order "
                      "to judge yet")
    early = deleted_before_sent(ctx, run)
    ctx.expect(not early, f"{listing(early)} were deleted from the DLQ before being sent to the source queue "
                          "(request log order): a crash between the two would lose them")
    # A send that fails: the source queue's URL names no queue.
    url, dlq_url = reference_queues(ctx, ctx.unique("broken"))
    bodies = ["order-a", "order-b", "order-c"]
    send(ctx, dlq_url, bodies)
    missing = url.rsplit("/", 1)[0] + "/" + ctx.unique("no-such-queue")
    try:
        returned = ctx.learner.redrive(ctx.learner_client("sqs"), dlq_url, missing)
    except LearnerRaised:
        returned = None
    kept = sum(counts(ctx, dlq_url))
    ctx.expect(kept == len(bodies), f"redrive() to a queue that does not exist: {len(bodies) - kept} of "
                                    f"{len(bodies)} messages vanished from the DLQ although no send succeeded")
    ctx.expect(returned is None, f"redrive() to a queue that does not exist returned {returned!r}; a failed send "
                                 "should raise, so the caller knows the move did not happen")


def deleted_before_sent(ctx, run: dict) -> list[str]:
    """Bodies whose DeleteMessage on the DLQ came before a successful send of the same body (request log)."""
    dlq, target = queue_name(run["dlq_url"]), queue_name(run["url"])
    body_of: dict[str, str] = {}
    sent: Counter = Counter()
    early: list[str] = []
    for call in ctx.log.calls("sqs", since=run["mark"]):
        queue = queue_name(call.params.get("QueueUrl", ""))
        response = call.response or {}
        if call.failed:
            continue
        if call.operation == "ReceiveMessage" and queue == dlq:
            body_of.update({m["ReceiptHandle"]: m["Body"] for m in response.get("Messages", [])})
        elif call.operation == "SendMessage" and queue == target:
            sent[call.params.get("MessageBody")] += 1
        elif call.operation == "SendMessageBatch" and queue == target:
            ok = {s["Id"] for s in response.get("Successful", [])}
            sent.update(e["MessageBody"] for e in call.params.get("Entries", []) if e["Id"] in ok)
        elif call.operation in ("DeleteMessage", "DeleteMessageBatch") and queue == dlq:
            handles = ([call.params.get("ReceiptHandle")] if call.operation == "DeleteMessage"
                       else [e["ReceiptHandle"] for e in call.params.get("Entries", [])])
            for handle in handles:
                body = body_of.get(handle)
                if body is None:
                    continue
                if sent[body]:
                    sent[body] -= 1
                else:
                    early.append(body)
    return early

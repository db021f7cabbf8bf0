"""Lambda's SQS event source mapping, simulated on virtual time without Docker (docs/aws-rules/lambda_sqs.md).

moto stores event source mappings but runs a function only in Docker (and would try to on every
SendMessage to a mapped queue), LocalStack's community Lambda needs Docker too. So for SQS sources
awslab serves the mapping API itself (Create/Update/Get/List/Delete; other sources go on to the
emulator) with Lambda's validation, and runs the pollers:

- up to five pollers per mapping receive batches (BatchSize, MaximumBatchingWindowInSeconds) through
  the gateway, as the source "lambda" in the request log, on virtual time: the clock stops where a
  message comes back from its visibility timeout, a batching window ends or a send arrives;
- each batch is an invocation with AWS's SQS event (Records with messageId, receiptHandle, body,
  attributes, messageAttributes, md5OfBody, eventSource, eventSourceARN, awsRegion) and a context;
  the function's code is what the grader deployed (`deploy`), e.g. the learner's `handler`, which
  then runs in the learner's process. Invocations run one at a time (the learner's process is one
  function instance): batches the other pollers hold wait, in flight, their visibility running;
- the outcome is judged as Lambda does: a raised error, a run past the function's timeout (virtual
  seconds) or, with ReportBatchItemFailures, a malformed partial batch response fails the batch; the
  named records fail alone; without ReportBatchItemFailures the response is ignored. Successes are
  deleted; failures are left to the queue's visibility timeout and redrive policy.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from ..aws_request import AwsCall, region_of_arn
from ..core import Forward, Gateway
from ..errors import aws_error
from ..queue_configuration import queue_configuration
from ..wire import Response, dumps

POLLER_ACCESS_KEY = "AKIDAWSLABLAMBDA0000"  # the pollers' requests, logged with source "lambda"
POLLERS = 5  # "Lambda reads up to five batches and sends them to your function" (with-sqs.html)
MAX_RECEIVE = 10
MAX_BATCH_SIZE = 10_000
MAX_WINDOW = 300
EXTENDED_VISIBILITY_MARGIN = 30  # effective visibility timeout = batch window + function timeout + 30 s
RESPONSE_TYPES = ("ReportBatchItemFailures",)
SEND_LAG = dt.timedelta(milliseconds=1)  # a long poll answers a send at once: the next stop is just after it
LONG_POLL = dt.timedelta(seconds=20)  # a quiet queue is asked again after a long poll's wait
EVENT_ATTRIBUTES = ("ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp",
                    "SequenceNumber", "MessageGroupId", "MessageDeduplicationId", "AWSTraceHeader",
                    "DeadLetterQueueSourceArn")
# What Lambda needs of the function's execution role to poll a queue (with-sqs.html, Execution role permissions).
EXECUTION_ROLE_ACTIONS = ("ReceiveMessage", "DeleteMessage", "GetQueueAttributes")
OPERATIONS = ("CreateEventSourceMapping", "UpdateEventSourceMapping", "GetEventSourceMapping",
              "DeleteEventSourceMapping", "ListEventSourceMappings")


@dataclass
class Mapping:
    uuid: str
    function_arn: str
    source_arn: str
    queue_url: str
    region: str
    batch_size: int = 10
    window: int = 0
    response_types: list[str] = field(default_factory=list)
    enabled: bool = True
    scaling: dict | None = None
    last_modified: float = 0.0
    account_id: str = "123456789012"
    quiet_since: dt.datetime | None = None  # its last receive found nothing (and nothing came since)
    problem: str = ""  # why its last poll failed (Lambda's LastProcessingResult)

    @property
    def reports_item_failures(self) -> bool:
        return "ReportBatchItemFailures" in self.response_types

    def configuration(self, state: str | None = None) -> dict[str, Any]:
        answer = {"UUID": self.uuid, "BatchSize": self.batch_size, "MaximumBatchingWindowInSeconds": self.window,
                  "EventSourceArn": self.source_arn, "FunctionArn": self.function_arn,
                  "LastModified": self.last_modified, "State": state or ("Enabled" if self.enabled else "Disabled"),
                  "StateTransitionReason": "USER_INITIATED", "FunctionResponseTypes": list(self.response_types),
                  "EventSourceMappingArn": f"arn:aws:lambda:{self.region}:{self.account_id}:event-source-mapping:{self.uuid}"}
        if self.scaling:
            answer["ScalingConfig"] = dict(self.scaling)
        if self.problem:
            answer["LastProcessingResult"] = self.problem
        return answer


@dataclass
class Poller:
    messages: list[dict] = field(default_factory=list)
    since: dt.datetime | None = None  # when its first message was received (the batching window's start)
    invoking: bool = False  # a poller waits for its invocation to return before it polls again


@dataclass
class Invocation:
    """One call of the function with one batch, as the simulation judged it."""

    mapping: str
    function_arn: str
    started: dt.datetime
    records: list[dict]  # messageId, body, receiptHandle, receive_count
    duration: float = 0.0
    outcome: str = "success"  # success | partial | error | timeout | invalid_response | no_code
    reason: str = ""
    failed: list[str] = field(default_factory=list)  # message ids left for redelivery
    deleted: list[str] = field(default_factory=list)
    delivered_again: list[str] = field(default_factory=list)  # succeeded, but SQS delivers them again (deliver_again)
    response: Any = None
    instance: str = ""  # the execution environment that ran it

    @property
    def message_ids(self) -> list[str]:
        return [record["messageId"] for record in self.records]


@dataclass
class ExecutionEnvironment:
    """One instance of a function: its code imported once (the cold start), for one configuration."""

    key: str
    environment: dict[str, str]
    log_stream: str


# What makes a new execution environment when it changes (UpdateFunctionConfiguration, UpdateFunctionCode).
INSTANCE_CONFIGURATION = ("FunctionArn", "Runtime", "Handler", "Timeout", "MemorySize", "CodeSha256", "Role",
                          "LastModified")


def runtime_environment(config: dict, region: str, log_stream: str) -> dict[str, str]:
    """The variables Lambda's runtime sets in a function's environment, beside its configured ones
    (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
    Not set: the execution role's credentials (the learner's own fake ones stand in for them),
    AWS_LAMBDA_RUNTIME_API (custom runtimes) and _X_AMZN_TRACE_ID (X-Ray)."""
    name = config.get("FunctionName", "")
    return {"_HANDLER": str(config.get("Handler", "")), "AWS_REGION": region, "AWS_DEFAULT_REGION": region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{config.get('Runtime', 'python3.12')}",
            "AWS_LAMBDA_FUNCTION_NAME": name, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.get("MemorySize", 128)),
            "AWS_LAMBDA_FUNCTION_VERSION": str(config.get("Version", "$LATEST")),
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand", "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": log_stream, "LAMBDA_TASK_ROOT": "/var/task",
            "LAMBDA_RUNTIME_DIR": "/var/runtime", "TZ": ":UTC"}


class LambdaContext:
    """The handler's `context`: Lambda's fields, and the time left on virtual time."""

    def __init__(self, config: dict, request_id: str, deadline: dt.datetime, clock, log_stream: str) -> None:
        name = config.get("FunctionName", "")
        self.fields = {"function_name": name, "function_version": config.get("Version", "$LATEST"),
                       "invoked_function_arn": config.get("FunctionArn", ""),
                       "memory_limit_in_mb": int(config.get("MemorySize", 128)), "aws_request_id": request_id,
                       "log_group_name": f"/aws/lambda/{name}", "log_stream_name": log_stream}
        self.deadline = deadline
        self.clock = clock

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - self.clock.now()).total_seconds() * 1000))

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["fields"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __learner_object__(self):
        return "LambdaContext", dict(self.fields), {"get_remaining_time_in_millis": self.get_remaining_time_in_millis}


class LambdaSqsMapping:
    name = "lambda_sqs"
    services = frozenset({"lambda", "sqs"})

    def __init__(self) -> None:
        self._gateway: Gateway | None = None
        self._lock = threading.RLock()
        self._poller_clients: dict[str, Any] = {}  # region -> the pollers' SQS client
        self.reset()

    @property
    def gateway(self) -> Gateway:
        if self._gateway is None:
            raise RuntimeError("lambda_sqs is not attached to a gateway (Gateway.add attaches it)")
        return self._gateway

    def reset(self) -> None:
        with getattr(self, "_lock", threading.RLock()):
            self.mappings: dict[str, Mapping] = {}
            self.pollers: dict[str, list[Poller]] = {}
            self.code: dict[str, Callable] = {}
            self.extra_seconds: dict[str, float] = {}
            self.invocations: list[Invocation] = []
            self.comes_back: dict[tuple[str, str], dt.datetime] = {}  # (mapping, message id) -> visible again
            self.instances: dict[str, ExecutionEnvironment] = {}  # instance key -> the function's environment
            self.generation: dict[str, int] = {}  # function ARN -> how many times its instances were retired
            self.again: dict[str, bool] = {}  # message id -> delivered once more after its next success (cold start?)
            # What the pollers read again and again, kept until a call that may change it (see handle):
            self.queue_attributes: dict[str, dict[str, str]] = {}  # queue url -> VisibilityTimeout, DelaySeconds
            self.configurations: dict[str, dict | None] = {}  # function ARN -> its configuration
            self.sent: dict[str, dt.datetime] = {}  # queue url -> earliest unpolled send's visibility
            self._invoking = False
            self._running = False

    def attach(self, gateway: Gateway) -> None:
        self._gateway = gateway
        self._poller_clients = {}
        gateway.clock.on_advance(self._on_clock, stops=self._stops, replan=True)

    # -- what checks use --------------------------------------------------------------------------
    def deploy(self, function: str, handler: Callable, *, extra_seconds: float = 0.0) -> None:
        """Run `handler(event, context, environment=..., instance=...)` as the function's code (e.g.
        the learner's `ctx.learner.handler`): `environment` is the function's (its configured variables
        and the runtime's), `instance` names its execution environment, new at each cold start (the
        learner's file is imported again there). `extra_seconds`: each invocation lasts that much more
        virtual time after the handler returns, as if it waited on a slow downstream."""
        arn = self._function_arn(function, self.gateway.region)
        self.code[arn] = handler
        self.extra_seconds[arn] = float(extra_seconds)

    def deliver_again(self, message_ids, *, cold_start: bool = True) -> None:
        """SQS delivers these messages once more: after the next invocation that processes one of them,
        Lambda's delete of it is lost and the message is visible again at once, as when a batch's
        visibility timeout runs out just before Lambda deletes it (SQS delivers at least once). With
        `cold_start` the delivery reaches a new execution environment of the function (the one that
        processed it was retired), so nothing the module kept in memory remembers the first one."""
        for message_id in message_ids:
            self.again[str(message_id)] = cold_start

    def invocations_of(self, function: str | None = None) -> list[Invocation]:
        """The invocations so far, oldest first (of one function, named by name or ARN, or of all)."""
        if function is None:
            return list(self.invocations)
        arn = self._function_arn(function, self.gateway.region)
        return [i for i in self.invocations if i.function_arn == arn]

    def deliveries(self, function: str | None = None) -> dict[str, int]:
        """How many times each message id was handed to the function (all its mappings)."""
        counts: dict[str, int] = {}
        for invocation in self.invocations_of(function):
            for message_id in invocation.message_ids:
                counts[message_id] = counts.get(message_id, 0) + 1
        return counts

    # -- the API --------------------------------------------------------------------------------------
    def handle(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        changes = _changes_what_pollers_read(call)
        if changes:
            self._forget(changes)
            try:
                return self._handle(call, forward, gateway)
            finally:
                self._forget(changes)  # and after: a poll during the call may have read the old value
        return self._handle(call, forward, gateway)

    def _forget(self, what: str) -> None:
        with self._lock:
            (self.queue_attributes if what == "sqs" else self.configurations).clear()

    def _handle(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        if call.service == "sqs" and call.operation in ("SendMessage", "SendMessageBatch") and self.mappings:
            response = forward(call)
            if response.ok:
                self._note_send(call, gateway)
            return response
        if call.service != "lambda" or call.operation not in OPERATIONS:
            return forward(call)
        with self._lock:
            if call.operation == "CreateEventSourceMapping":
                return self._create(call, forward, gateway)
            if call.operation == "ListEventSourceMappings":
                return self._list(call, forward, gateway)
            mapping = self.mappings.get(str(call.params.get("UUID", "")))
            if mapping is None:
                return forward(call)  # the emulator's own (a stream) or its 404
            if call.operation == "GetEventSourceMapping":
                return _json(200, mapping.configuration())
            if call.operation == "DeleteEventSourceMapping":
                del self.mappings[mapping.uuid]
                self.pollers.pop(mapping.uuid, None)
                return _json(202, mapping.configuration("Deleting"))
            return self._update(call, mapping, gateway)

    def _create(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        params = call.params
        source = str(params.get("EventSourceArn") or "")
        if source.split(":")[2:3] != ["sqs"]:
            return forward(call)  # streams, Kafka, MQ: the emulator's
        refusal = _model_refusal(params)
        if refusal:
            return aws_error(call, "ValidationException", refusal)
        function = self._resolve_function(call, gateway, params.get("FunctionName"))
        if isinstance(function, Response):
            return function
        queue_url = self._queue_url(gateway, source)
        if queue_url is None:
            return aws_error(call, "InvalidParameterValueException",
                             "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. "
                             "SQS Error Message: The specified queue does not exist or you do not have access to it.")
        if params.get("DestinationConfig"):
            return aws_error(call, "InvalidParameterValueException",
                             "Unsupported DestinationConfig parameter for given event source mapping type.")
        batch_size = int(params.get("BatchSize", 10))
        window = int(params.get("MaximumBatchingWindowInSeconds", 0))
        refusal = self._semantic_refusal(call, gateway, function, queue_url, source, batch_size, window)
        if refusal:
            return aws_error(call, "InvalidParameterValueException", refusal)
        for existing in self.mappings.values():
            if existing.source_arn == source and existing.function_arn == function["FunctionArn"]:
                return aws_error(call, "ResourceConflictException",
                                 f"The event source arn ({source}) and function ({function['FunctionName']}) provided "
                                 f"mapping already exists. Please update or delete the existing mapping with UUID "
                                 f"{existing.uuid}", status=409)
        mapping = Mapping(uuid=str(uuid.uuid4()), function_arn=function["FunctionArn"], source_arn=source,
                          queue_url=queue_url, region=region_of_arn(source, call.region), batch_size=batch_size,
                          window=window, response_types=list(params.get("FunctionResponseTypes") or []),
                          enabled=bool(params.get("Enabled", True)), scaling=params.get("ScalingConfig"),
                          last_modified=gateway.clock.timestamp(), account_id=gateway.account_id)
        self.mappings[mapping.uuid] = mapping
        self.pollers[mapping.uuid] = [Poller() for _ in range(POLLERS)]
        self.sent[queue_url] = gateway.clock.now()  # what waits in the queue already is polled at once
        return _json(202, mapping.configuration("Creating"))

    def _update(self, call: AwsCall, mapping: Mapping, gateway: Gateway) -> Response:
        params = call.params
        refusal = _model_refusal(params)
        if refusal:
            return aws_error(call, "ValidationException", refusal)
        function: dict = {"FunctionArn": mapping.function_arn}
        if params.get("FunctionName"):
            resolved = self._resolve_function(call, gateway, params["FunctionName"])
            if isinstance(resolved, Response):
                return resolved
            function = resolved
        if params.get("DestinationConfig"):
            return aws_error(call, "InvalidParameterValueException",
                             "Unsupported DestinationConfig parameter for given event source mapping type.")
        batch_size = int(params.get("BatchSize", mapping.batch_size))
        window = int(params.get("MaximumBatchingWindowInSeconds", mapping.window))
        refusal = self._semantic_refusal(call, gateway, function, mapping.queue_url, mapping.source_arn, batch_size,
                                         window)
        if refusal:
            return aws_error(call, "InvalidParameterValueException", refusal)
        mapping.function_arn, mapping.batch_size, mapping.window = function["FunctionArn"], batch_size, window
        if "FunctionResponseTypes" in params:
            mapping.response_types = list(params.get("FunctionResponseTypes") or [])
        if "Enabled" in params:
            mapping.enabled = bool(params["Enabled"])
        if "ScalingConfig" in params:
            mapping.scaling = params.get("ScalingConfig") or None
        mapping.last_modified = gateway.clock.timestamp()
        if mapping.enabled:
            self.sent[mapping.queue_url] = gateway.clock.now()
        return _json(202, mapping.configuration("Updating"))

    def _list(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        params = call.params
        source = params.get("EventSourceArn")
        if source and str(source).split(":")[2:3] != ["sqs"]:
            return forward(call)
        paging = _list_paging(call)
        if isinstance(paging, Response):
            return paging
        size, start = paging
        wanted = None
        if params.get("FunctionName"):
            function = self._resolve_function(call, gateway, params["FunctionName"])
            if isinstance(function, Response):
                return function
            wanted = function["FunctionArn"]
        found = [m.configuration() for m in self.mappings.values()
                 if (not source or m.source_arn == source) and (wanted is None or m.function_arn == wanted)]
        if not source:  # the emulator's own (streams) come after ours
            found += self._emulator_mappings(call, forward)
        page: dict[str, Any] = {"EventSourceMappings": found[start:start + size]}
        if start + size < len(found):
            page["NextMarker"] = str(start + size)
        return _json(200, page)

    def _emulator_mappings(self, call: AwsCall, forward: Forward) -> list[dict]:
        """The emulator's own mappings (streams), all of them: the pages are ours."""
        params = call.params
        others = forward(call.with_params({k: v for k, v in params.items() if k not in ("Marker", "MaxItems")})
                         if call.protocol == "json" else call)
        data = others.json() if others.ok else None
        return [m for m in (data or {}).get("EventSourceMappings", []) if m.get("UUID") not in self.mappings]

    # -- validation ------------------------------------------------------------------------------------
    def _resolve_function(self, call: AwsCall, gateway: Gateway, name: Any) -> dict | Response:
        try:
            config = gateway.internal_client("lambda", call.region).get_function_configuration(FunctionName=str(name))
        except Exception:  # noqa: BLE001 - any refusal of the emulator: no such function
            return aws_error(call, "ResourceNotFoundException",
                             f"Function not found: {self._function_arn(str(name), call.region)}", status=404)
        return config

    def _function_arn(self, name: str, region: str) -> str:
        """The unqualified ARN of a function named by name, ARN or partial ARN."""
        if name.startswith("arn:"):
            parts = name.split(":")
            return ":".join(parts[:7])
        if ":function:" in name:  # 123456789012:function:name
            account, _, function = name.split(":")[:3]
            return f"arn:aws:lambda:{region}:{account}:function:{function}"
        return f"arn:aws:lambda:{region}:{self.gateway.account_id}:function:{name.split(':')[0]}"

    def _queue_url(self, gateway: Gateway, arn: str) -> str | None:
        parts = arn.split(":")
        if len(parts) < 6:
            return None
        try:
            return gateway.internal_client("sqs", parts[3]).get_queue_url(
                QueueName=parts[5], QueueOwnerAWSAccountId=parts[4])["QueueUrl"]
        except Exception:  # noqa: BLE001 - no such queue
            return None

    def _semantic_refusal(self, call: AwsCall, gateway: Gateway, function: dict, queue_url: str, source: str,
                          batch_size: int, window: int) -> str | None:
        if source.endswith(".fifo") and batch_size > 10:
            return f"Invalid batch size {batch_size} for FIFO queue: must be between 1 and 10"
        if batch_size > 10 and window == 0:
            return "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
        config = function if "Timeout" in function else self._configuration(gateway, function["FunctionArn"])
        missing = self._role_cannot(gateway, (config or {}).get("Role"), source)
        if missing:
            return f"The provided execution role does not have permissions to call {missing} on SQS"
        timeout = int((config or {}).get("Timeout", 3))
        visibility = int(queue_configuration(gateway, call, queue_url, region_of_arn(source, gateway.region))
                         .get("VisibilityTimeout", 30))
        if visibility < timeout:
            return f"Queue visibility timeout: {visibility} seconds is less than Function timeout: {timeout} seconds"
        return None

    @staticmethod
    def _role_cannot(gateway: Gateway, role_arn: str | None, queue_arn: str) -> str | None:
        """The first of the SQS actions the mapping needs that the function's execution role may not
        call on the queue (its inline and attached policies, decided by awslab.models.iam), or None."""
        from ...models.iam import ALLOWED, PolicyError, Request, evaluate

        if not role_arn or ":role/" not in role_arn:
            return None
        iam = gateway.internal_client("iam")
        name = role_arn.rsplit("/", 1)[-1]
        try:
            documents = [iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
                         for policy in iam.list_role_policies(RoleName=name).get("PolicyNames", [])]
            for attached in iam.list_attached_role_policies(RoleName=name).get("AttachedPolicies", []):
                policy = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
                documents.append(iam.get_policy_version(PolicyArn=attached["PolicyArn"], VersionId=policy[
                    "DefaultVersionId"])["PolicyVersion"]["Document"])
        except Exception:  # noqa: BLE001 - a role awslab cannot read: the emulator's own rules stand
            return None
        for action in EXECUTION_ROLE_ACTIONS:
            try:
                decision = evaluate(Request(action=f"sqs:{action}", resource=queue_arn, principal=role_arn),
                                    identity_policies=documents)
            except (PolicyError, ValueError):
                return action
            if decision.decision != ALLOWED:
                return action
        return None

    def _configuration(self, gateway: Gateway, function_arn: str) -> dict | None:
        if function_arn in self.configurations:
            return self.configurations[function_arn]
        try:
            config = gateway.internal_client("lambda", region_of_arn(function_arn, gateway.region)) \
                .get_function_configuration(FunctionName=function_arn)
        except Exception:  # noqa: BLE001 - deleted since
            config = None
        self.configurations[function_arn] = config
        return config

    def _queue_attribute(self, queue_url: str, region: str, name: str, default: int,
                         call: AwsCall | None = None) -> int:
        """A queue attribute the pollers need (VisibilityTimeout, DelaySeconds), read once until changed
        (within a learner's call, with what the call's other behaviours read of the queue)."""
        if queue_url not in self.queue_attributes:
            if call is not None:
                attributes = queue_configuration(self.gateway, call, queue_url, region)
            else:
                attributes = self.gateway.internal_client("sqs", region).get_queue_attributes(
                    QueueUrl=queue_url, AttributeNames=["VisibilityTimeout", "DelaySeconds"])["Attributes"]
            self.queue_attributes[queue_url] = attributes
        return int(self.queue_attributes[queue_url].get(name, default))

    # -- virtual time ------------------------------------------------------------------------------------
    def _note_send(self, call: AwsCall, gateway: Gateway) -> None:
        url = str(call.params.get("QueueUrl") or "")
        if not any(m.queue_url == url for m in self.mappings.values()):
            return
        delays = self._send_delays(call, url)
        now = gateway.clock.now()
        for delay in delays or [0]:
            visible = now + dt.timedelta(seconds=int(delay or 0))
            if url not in self.sent or visible < self.sent[url]:
                self.sent[url] = visible

    def _send_delays(self, call: AwsCall, url: str) -> list:
        """Each sent message's DelaySeconds, the queue's own where the message gives none."""
        delays = [call.params.get("DelaySeconds")] if call.operation == "SendMessage" else \
            [e.get("DelaySeconds") for e in call.params.get("Entries") or [] if isinstance(e, dict)]
        if any(d is None for d in delays):
            queue_delay = self._queue_attribute(url, call.region, "DelaySeconds", 0, call)
            delays = [queue_delay if d is None else d for d in delays]
        return delays

    def _stops(self, old: dt.datetime, new: dt.datetime) -> list[dt.datetime]:
        if not self.mappings:
            return []
        stops = [t if t > old else old + SEND_LAG for t in self.sent.values()]
        stops += [t for t in self.comes_back.values() if t > old]
        for mapping in self.mappings.values():
            for poller in self.pollers.get(mapping.uuid, []):
                if poller.messages and mapping.window and poller.since is not None:
                    stops.append(max(poller.since + dt.timedelta(seconds=mapping.window), old + SEND_LAG))
        return [stop for stop in stops if old < stop < new]

    def _on_clock(self, now: dt.datetime) -> None:
        if not self.mappings or self._gateway is None:
            return
        with self._lock:
            if self._invoking or self._running or self.gateway.learner_busy():
                # Another poller's turn while the function runs (or the learner's process is busy):
                # batches are received and wait; they are invoked once the function is free.
                self._receive(now)
                return
            self._running = True
            try:
                while True:
                    self._receive(self.gateway.clock.now())
                    ready = self._next_ready(self.gateway.clock.now())
                    if ready is None:
                        break
                    self._invoke(*ready)
            finally:
                self._running = False

    def _poller_client(self, region: str):
        """The pollers' SQS client of a region: kept across resets (a client is stateless, and making one
        costs more than a call)."""
        from ..clients import make_client

        self.gateway.sources.setdefault(POLLER_ACCESS_KEY, "lambda")
        if region not in self._poller_clients:
            self._poller_clients[region] = make_client(self.gateway, "sqs", access_key=POLLER_ACCESS_KEY, region=region)
        return self._poller_clients[region]

    def _due(self, mapping: Mapping, now: dt.datetime) -> str:
        """Whether a receive could find something: not after an empty one ("") unless a send or a
        message's return came since ("seen"), or a long poll's wait has passed ("unseen": what happened
        outside the pollers' view, e.g. another consumer's message that came back)."""
        quiet = mapping.quiet_since
        if quiet is None:
            return "seen"
        sent = self.sent.get(mapping.queue_url)
        if sent is not None and sent <= now:
            return "seen"
        if any(quiet < when <= now for (uuid_, _), when in self.comes_back.items() if uuid_ == mapping.uuid):
            return "seen"
        return "unseen" if now - quiet >= LONG_POLL else ""

    def _receive(self, now: dt.datetime) -> None:
        for mapping in list(self.mappings.values()):
            due = self._due(mapping, now) if mapping.enabled else ""
            pending = self.sent.get(mapping.queue_url)
            if pending is not None and pending <= now:
                del self.sent[mapping.queue_url]
            if not due:
                continue
            try:
                self._receive_for(mapping, now, look_first=due == "unseen")
            except ClientError as error:  # the queue was deleted, say: the mapping polls nothing
                mapping.quiet_since = now
                mapping.problem = f"PROBLEM: {error.response.get('Error', {}).get('Message', error)}"
        stale = [key for key, when in self.comes_back.items() if when < now - dt.timedelta(hours=12)]
        for key in stale:
            del self.comes_back[key]

    def _receive_for(self, mapping: Mapping, now: dt.datetime, look_first: bool = False) -> None:
        """Each free poller receives, until the queue has nothing visible. `look_first`: when nothing the
        pollers saw says there is something, a look at the queue's count (unlogged) comes first, and
        no poller asks if it is 0 (a receive through the gateway costs more, and is in the log)."""
        if look_first:
            visible = self.gateway.internal_client("sqs", mapping.region).get_queue_attributes(
                QueueUrl=mapping.queue_url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
            if int(visible.get("ApproximateNumberOfMessages", 0)) == 0:
                mapping.quiet_since = now
                return
        visibility = self._queue_attribute(mapping.queue_url, mapping.region, "VisibilityTimeout", 30)
        extended = None
        if mapping.window:
            config = self._configuration(self.gateway, mapping.function_arn) or {}
            timeout = int(config.get("Timeout", 3))
            if mapping.window + timeout > visibility:
                extended = mapping.window + timeout + EXTENDED_VISIBILITY_MARGIN
        sqs = self._poller_client(mapping.region)
        mapping.quiet_since = None
        for poller in self.pollers.get(mapping.uuid, []):
            if poller.invoking or self._ready(mapping, poller, now):
                continue  # holds a batch for the function
            wanted = min(MAX_RECEIVE, mapping.batch_size - len(poller.messages))
            answer = sqs.receive_message(
                QueueUrl=mapping.queue_url, MaxNumberOfMessages=wanted, WaitTimeSeconds=0,
                AttributeNames=["All"], MessageAttributeNames=["All"],
                **({"VisibilityTimeout": extended} if extended else {}))
            messages = answer.get("Messages", [])
            if not messages:
                mapping.quiet_since = now
                break  # the queue has nothing visible: the other pollers would get nothing either
            back = now + dt.timedelta(seconds=extended or visibility)
            for message in messages:
                self.comes_back[(mapping.uuid, message["MessageId"])] = back
            poller.messages.extend(messages)
            poller.since = poller.since or now
            if len(messages) < wanted:
                mapping.quiet_since = now
                break  # fewer than asked for: nothing else is visible now

    @staticmethod
    def _ready(mapping: Mapping, poller: Poller, now: dt.datetime) -> bool:
        if not poller.messages or poller.since is None:  # `since` is set with the first message
            return False
        if not mapping.window or len(poller.messages) >= mapping.batch_size:
            return True
        return now >= poller.since + dt.timedelta(seconds=mapping.window)

    def _next_ready(self, now: dt.datetime) -> tuple[Mapping, Poller] | None:
        ready = [(since, mapping, poller) for mapping in self.mappings.values()
                 for poller in self.pollers.get(mapping.uuid, [])
                 if not poller.invoking and self._ready(mapping, poller, now) and (since := poller.since) is not None]
        if not ready:
            return None
        _, mapping, poller = min(ready, key=lambda item: item[0])
        return mapping, poller

    # -- one invocation ----------------------------------------------------------------------------------
    def _invoke(self, mapping: Mapping, poller: Poller) -> Invocation:
        poller.invoking = True
        try:
            return self._run_batch(mapping, list(poller.messages))
        finally:
            # The poller is free. What the others could not take is its: the mapping is still due unless its
            # last receive found the queue empty, and then only what the pollers see (a send, a return) or a
            # long poll's wait makes it due again.
            poller.messages, poller.since, poller.invoking = [], None, False

    def _run_batch(self, mapping: Mapping, messages: list[dict]) -> Invocation:
        clock = self.gateway.clock
        started = clock.now()
        records = [_record(m, mapping) for m in messages]
        invocation = Invocation(mapping.uuid, mapping.function_arn, started,
                                [{"messageId": r["messageId"], "body": r["body"], "receiptHandle": r["receiptHandle"],
                                  "receive_count": int(r["attributes"].get("ApproximateReceiveCount", 0))}
                                 for r in records])
        self.invocations.append(invocation)
        config = self._configuration(self.gateway, mapping.function_arn)
        code = self.code.get(mapping.function_arn)
        if config is None or code is None:
            invocation.outcome = "no_code"
            invocation.reason = ("the function no longer exists" if config is None else
                                 "awslab has no code for this function (the grader deploys it)")
            invocation.failed = invocation.message_ids
            return invocation
        timeout = int(config.get("Timeout", 3))
        instance = self._instance(config, mapping.region, started)
        invocation.instance = instance.key
        context = LambdaContext(config, str(uuid.uuid4()), started + dt.timedelta(seconds=timeout), clock,
                                instance.log_stream)
        raised = self._call_function(mapping, code, records, context, instance, invocation, clock)
        invocation.duration = (clock.now() - started).total_seconds()
        _judge_invocation(invocation, mapping, timeout, raised)
        self._settle(mapping, messages, invocation)
        return invocation

    def _call_function(self, mapping: Mapping, code: Any, records: list[dict], context: LambdaContext,
                       instance: "ExecutionEnvironment", invocation: Invocation, clock: Any) -> Exception | None:
        """Run the function on the batch; what it raised, or None."""
        raised = None
        self._invoking = True
        try:
            try:
                invocation.response = code({"Records": records}, context, environment=dict(instance.environment),
                                           instance=instance.key)
            except Exception as exc:  # noqa: BLE001 - whatever the function raised is its error
                raised = exc
            if self.extra_seconds.get(mapping.function_arn):
                clock.advance(seconds=self.extra_seconds[mapping.function_arn])
        finally:
            self._invoking = False
        return raised

    def _settle(self, mapping: Mapping, messages: list[dict], invocation: Invocation) -> None:
        """Delete what succeeded, or show it again where the learner asked for it once more."""
        succeeded = [m for m in messages if m["MessageId"] not in set(invocation.failed)]
        again = [m for m in succeeded if m["MessageId"] in self.again]
        if any([self.again.pop(m["MessageId"]) for m in again]):  # every one popped, not only the first
            self.generation[mapping.function_arn] = self.generation.get(mapping.function_arn, 0) + 1
        try:
            invocation.deleted = self._delete(mapping, [m for m in succeeded if m not in again])
            invocation.delivered_again = self._show_again(mapping, again)
        except ClientError as error:  # the queue went away while the function ran
            mapping.problem = f"PROBLEM: {error.response.get('Error', {}).get('Message', error)}"

    def _instance(self, config: dict, region: str, now: dt.datetime) -> "ExecutionEnvironment":
        """The function's execution environment for this configuration: a new one (a cold start: the
        code is imported again) when the configuration changed or the last one was retired."""
        arn = config.get("FunctionArn", "")
        variables = (config.get("Environment") or {}).get("Variables") or {}
        fingerprint = json.dumps([config.get(k) for k in INSTANCE_CONFIGURATION] + [variables], sort_keys=True,
                                 default=str)
        key = f"{arn}#{uuid.uuid5(uuid.NAMESPACE_URL, fingerprint)}#{self.generation.get(arn, 0)}"
        if key not in self.instances:
            stream = f"{now:%Y/%m/%d}/[{config.get('Version', '$LATEST')}]{uuid.uuid4().hex}"
            self.instances[key] = ExecutionEnvironment(key, {**variables, **runtime_environment(config, region,
                                                                                                 stream)}, stream)
        return self.instances[key]

    def _show_again(self, mapping: Mapping, messages: list[dict]) -> list[str]:
        """The messages SQS delivers once more: visible again now instead of deleted."""
        if not messages:
            return []
        sqs = self._poller_client(mapping.region)
        sqs.change_message_visibility_batch(QueueUrl=mapping.queue_url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0} for i, m in enumerate(messages)])
        now = self.gateway.clock.now()
        for message in messages:
            self.comes_back[(mapping.uuid, message["MessageId"])] = now
        mapping.quiet_since = None
        return [m["MessageId"] for m in messages]

    def _delete(self, mapping: Mapping, messages: list[dict]) -> list[str]:
        sqs = self._poller_client(mapping.region)
        deleted = []
        for start in range(0, len(messages), 10):
            chunk = messages[start:start + 10]
            answer = sqs.delete_message_batch(QueueUrl=mapping.queue_url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)])
            ok = {entry["Id"] for entry in answer.get("Successful", [])}
            for i, message in enumerate(chunk):
                if str(i) in ok:
                    deleted.append(message["MessageId"])
                    self.comes_back.pop((mapping.uuid, message["MessageId"]), None)
        return deleted


# -- the event and the response ----------------------------------------------------------------------
def _record(message: dict, mapping: Mapping) -> dict:
    attributes = message.get("Attributes") or {}
    record = {"messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"],
              "body": message.get("Body", ""),
              "attributes": {k: attributes[k] for k in EVENT_ATTRIBUTES if k in attributes},
              "messageAttributes": {name: _event_attribute(value)
                                    for name, value in (message.get("MessageAttributes") or {}).items()},
              "md5OfBody": message.get("MD5OfBody", ""), "eventSource": "aws:sqs",
              "eventSourceARN": mapping.source_arn, "awsRegion": mapping.region}
    if message.get("MD5OfMessageAttributes"):
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def _event_attribute(value: dict) -> dict:
    """A message attribute as Lambda's event spells it (camelCase, binary as base64)."""
    answer = {"stringListValues": [], "binaryListValues": [], "dataType": value.get("DataType", "String")}
    if "StringValue" in value:
        answer["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        binary = value["BinaryValue"]
        answer["binaryValue"] = base64.b64encode(binary).decode() if isinstance(binary, (bytes, bytearray)) else binary
    return answer


def _marshal_refusal(response: Any) -> str | None:
    """Lambda's Python runtime returns the handler's value as JSON (Decimal allowed); what cannot be is an error."""
    try:
        json.dumps(response, default=_decimal)
    except (TypeError, ValueError) as exc:
        return f"Runtime.MarshalError: Unable to marshal response: {exc}"
    return None


def _decimal(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def judge_batch_response(response: Any, message_ids: list[str]) -> tuple[list[str], str]:
    """(message ids that failed, why the whole batch failed or ""), as Lambda reads a partial batch
    response with ReportBatchItemFailures (services-sqs-errorhandling.html, "Success and failure conditions")."""
    everything = list(message_ids)
    refusal = _marshal_refusal(response)
    if refusal:
        return everything, refusal
    if response is None:
        return [], ""
    if not isinstance(response, dict):
        return everything, f"the response is not a JSON object with batchItemFailures: {response!r}"[:300]
    failures = response.get("batchItemFailures")
    if failures is None or failures == []:
        return [], ""
    if not isinstance(failures, list):
        return everything, "batchItemFailures is not a list"
    failed: list[str] = []
    for item in failures:
        if not isinstance(item, dict) or "itemIdentifier" not in item:
            return everything, f"a batch item failure without itemIdentifier: {item!r}"[:300]
        identifier = item["itemIdentifier"]
        if identifier is None or identifier == "":
            return everything, f"an itemIdentifier that is {'null' if identifier is None else 'empty'}"
        if identifier not in message_ids:
            return everything, f"itemIdentifier {identifier!r} is no message id of the batch"[:300]
        if identifier not in failed:
            failed.append(identifier)
    return failed, ""


def _judge_invocation(invocation: Invocation, mapping: Mapping, timeout: int, raised: Exception | None) -> None:
    """The invocation's outcome and its failed messages: a timeout or an error fails the whole batch; with
    ReportBatchItemFailures the response names the failed ones."""
    ids = invocation.message_ids
    if invocation.duration > timeout:
        invocation.outcome, invocation.failed = "timeout", ids
        invocation.reason = f"Task timed out after {timeout:.2f} seconds"
    elif raised is not None:
        invocation.outcome, invocation.failed = "error", ids
        invocation.reason = str(raised)[:300] or type(raised).__name__
    elif mapping.reports_item_failures:
        failed, reason = judge_batch_response(invocation.response, ids)
        invocation.failed = failed
        if reason:
            invocation.outcome, invocation.reason = "invalid_response", reason
        elif failed:
            invocation.outcome = "partial"
    else:
        refusal = _marshal_refusal(invocation.response)
        if refusal:
            invocation.outcome, invocation.failed, invocation.reason = "error", ids, refusal


def _list_paging(call: AwsCall) -> tuple[int, int] | Response:
    """ListEventSourceMappings' MaxItems and Marker, or AWS's refusal of them."""
    params = call.params
    try:
        size = int(params.get("MaxItems", 100))
        start = int(params.get("Marker") or 0)
    except (TypeError, ValueError):
        return aws_error(call, "InvalidParameterValueException", "Invalid marker")
    if not 1 <= size <= 10_000:
        return aws_error(call, "ValidationException",
                         f"1 validation error detected: Value '{size}' at 'maxItems' failed to satisfy constraint: "
                         f"Member must have value {'less' if size > 1 else 'greater'} than or equal to "
                         f"{10_000 if size > 1 else 1}")
    return size, start


def _model_refusal(params: dict) -> str | None:
    """The constraints of Lambda's API model AWS checks server-side, worded as its model validation."""
    found = (_batch_size_problem(params), _batching_window_problem(params), _response_types_problem(params),
             _maximum_concurrency_problem(params))
    problems = [problem for problem in found if problem]
    if not problems:
        return None
    return f"{len(problems)} validation error{'s' if len(problems) > 1 else ''} detected: " + "; ".join(problems)


def _batch_size_problem(params: dict) -> str | None:
    size = params.get("BatchSize")
    if "BatchSize" in params and isinstance(size, int) and not 1 <= size <= MAX_BATCH_SIZE:
        bound = "less than or equal to 10000" if size > 1 else "greater than or equal to 1"
        return f"Value '{size}' at 'batchSize' failed to satisfy constraint: Member must have value {bound}"
    return None


def _batching_window_problem(params: dict) -> str | None:
    window = params.get("MaximumBatchingWindowInSeconds")
    if "MaximumBatchingWindowInSeconds" in params and isinstance(window, int) and not 0 <= window <= MAX_WINDOW:
        bound = "less than or equal to 300" if window > 0 else "greater than or equal to 0"
        return (f"Value '{window}' at 'maximumBatchingWindowInSeconds' failed to satisfy constraint: "
                f"Member must have value {bound}")
    return None


def _response_types_problem(params: dict) -> str | None:
    types = params.get("FunctionResponseTypes")
    if types is None or not (len(types) > 1 or any(t not in RESPONSE_TYPES for t in types)):
        return None
    if len(types) <= 1:
        return (f"Value '{types}' at 'functionResponseTypes' failed to satisfy constraint: Member must "
                "satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]")
    return (f"Value '{types}' at 'functionResponseTypes' failed to satisfy constraint: Member must have "
            "length less than or equal to 1")


def _maximum_concurrency_problem(params: dict) -> str | None:
    scaling = params.get("ScalingConfig") or {}
    if "MaximumConcurrency" in scaling and not 2 <= int(scaling["MaximumConcurrency"]) <= 1000:
        return (f"Value '{scaling['MaximumConcurrency']}' at 'scalingConfig.maximumConcurrency' failed to "
                "satisfy constraint: Member must have value "
                + ("greater than or equal to 2" if int(scaling["MaximumConcurrency"]) < 2 else
                   "less than or equal to 1000"))
    return None


def _changes_what_pollers_read(call: AwsCall) -> str:
    """"sqs" for a call that may change a queue's attributes the pollers keep, "lambda" for one that may
    change a function's configuration, else ""."""
    if call.service == "sqs" and call.operation in ("SetQueueAttributes", "CreateQueue", "DeleteQueue"):
        return "sqs"
    if call.service == "lambda" and not call.operation.startswith(("Get", "List")) and call.operation not in OPERATIONS:
        return "lambda"
    return ""


def _json(status: int, body: dict) -> Response:
    return Response(status, [("Content-Type", "application/json"), ("x-amzn-RequestId", str(uuid.uuid4()))],
                    dumps(body).encode())


BEHAVIOUR = LambdaSqsMapping

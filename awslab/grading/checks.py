"""What a lab's checks.py is written with: `@check`, `@fixture`, and the context a check receives.

    from awslab.lab import check, fixture

    @fixture
    def queues(ctx):
        return ctx.learner.create_queues(ctx.learner_client("sqs"), ctx.unique("orders"))

    @check("The main queue hides a received message for 60 s", points=2,
           hint="VisibilityTimeout is a queue attribute, in seconds, as a string.")
    def visibility_timeout_is_60_seconds(ctx):
        url, _ = ctx.use(queues)
        seen = ctx.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        ctx.expect_equal(seen.get("VisibilityTimeout"), "60", "VisibilityTimeout of the main queue")

A check fails by raising CheckFailed (ctx.expect... do it for you) or when a learner function it
calls fails; one check's failure never stops the others.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .transfer import ClientSpec

if TYPE_CHECKING:
    from ..local_aws import LocalAWS
    from .labs import Lab


class CheckFailed(Exception):
    """The behaviour the check looks for is not there. The message says what was seen vs expected."""


class NotApplicable(Exception):
    """The check cannot judge on this backend; the message names what the backend lacks."""


@dataclass
class Check:
    name: str
    title: str
    points: int
    hint: str
    function: Callable[["CheckContext"], Any]
    requires: tuple[str, ...] = ()
    order: int = 0

    @property
    def description(self) -> str:
        return (self.function.__doc__ or "").strip()


@dataclass
class Fixture:
    """Shared set-up of several checks, computed once per grading run (a failure fails each user)."""

    name: str
    function: Callable[["CheckContext"], Any]


_order = itertools.count()


def check(title: str, *, points: int = 1, hint: str = "", requires: Iterable[str] = ()) -> Callable:
    def decorate(function: Callable) -> Check:
        return Check(name=function.__name__, title=title, points=points, hint=hint, function=function,
                     requires=tuple(requires), order=next(_order))

    return decorate


def fixture(function: Callable) -> Fixture:
    return Fixture(function.__name__, function)


def short_repr(value: Any, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class LearnerFunctions:
    """`ctx.learner.name(*args)` calls the learner's function `name` in the learner's process."""

    def __init__(self, process) -> None:
        self._process = process
        self.last: tuple[str, Any] | None = None  # (function, what it returned): the latest value from the learner

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args: Any, timeout: float | None = None, environment: dict[str, str] | None = None,
                 instance: str | None = None, **kwargs: Any) -> Any:
            value = self._process.call(name, *args, timeout=timeout, environment=environment, instance=instance,
                                       **kwargs)
            self.last = (name, value)
            return value

        return call

    def has(self, name: str) -> bool:
        return self._process.has_function(name)


@dataclass
class CheckContext:
    aws: LocalAWS
    learner: LearnerFunctions
    lab: Lab
    fixtures: dict[str, tuple[bool, Any]]
    details: list[str] = field(default_factory=list)
    pictures: list[tuple[str, Any]] = field(default_factory=list)
    names: itertools.count = field(default_factory=lambda: itertools.count(1))  # shared by the run

    # -- AWS --------------------------------------------------------------------------------------
    def client(self, service: str):
        """The grader's own client: admin credentials, never subject to simulated IAM."""
        return self.aws.client(service)

    def learner_client(self, service: str, **config: Any) -> ClientSpec:
        """A fresh boto3 client for the learner's function (built in the learner's process).

        `config` is passed to botocore's Config, e.g. retries={"max_attempts": 0}."""
        return ClientSpec(service, False, config)

    def learner_client_as(self, service: str, access_key: str, secret_key: str, session_token: str | None = None,
                          **config: Any) -> ClientSpec:
        """A learner-side client signing as an IAM user or role session created on the backend (subject
        to simulated IAM), e.g. to run the learner's function as the application role it configured."""
        credentials = {"aws_access_key_id": access_key, "aws_secret_access_key": secret_key}
        if session_token:
            credentials["aws_session_token"] = session_token
        return ClientSpec(service, False, config, credentials)

    def learner_resource(self, service: str, **config: Any) -> ClientSpec:
        return ClientSpec(service, True, config)

    @property
    def clock(self):
        return self.aws.clock

    @property
    def log(self):
        return self.aws.log

    # -- the scenario ---------------------------------------------------------------------------------
    @property
    def account_id(self) -> str:
        return self.aws.account_id

    @property
    def region(self) -> str:
        return self.aws.region

    @property
    def settings(self) -> dict[str, Any]:
        """The scenario's switches, e.g. `ctx.settings["page_size"] = 5` (list calls served in small
        pages); cleared before each lab."""
        return self.aws.settings

    def has(self, feature: str) -> bool:
        """Whether the backend has a feature (`virtual_time`, a service name, ...)."""
        return self.aws.has(feature)

    def client_as(self, service: str, access_key: str, secret_key: str, session_token: str | None = None):
        """A client signing as an IAM user or role created on the backend (subject to simulated IAM)."""
        return self.aws.client_as(service, access_key, secret_key, session_token)

    def emulator_client(self, service: str):
        """A client straight to the emulator: unlogged, through no simulated behaviour. To look at
        what is stored without changing what the learner's calls see (e.g. without spending capacity)."""
        return self.aws.gateway.internal_client(service)

    def behaviour(self, name: str) -> Any:
        """The simulated behaviour `name` of this scenario (e.g. "s3_lifecycle": `.events(bucket)`,
        `.lifecycle(bucket)`, `.timeline(bucket)`); not applicable if the gateway runs without it."""
        found = self.aws.gateway.behaviour(name)
        if found is None:
            raise NotApplicable(f"awslab's {name} simulation is not running")
        return found

    def meter(self, name: str) -> Any:
        """What the behaviour `name` measured in this scenario (e.g. "dynamodb_capacity": the
        capacity meter, whose `.timeline` charts consumed vs provisioned units per second)."""
        behaviour = self.behaviour(name)
        if not hasattr(behaviour, "meter"):
            raise AttributeError(f"the {name} behaviour keeps no meter")
        return behaviour.meter(self.aws.gateway)

    def unique(self, name: str) -> str:
        """A resource name no other check of this run uses."""
        return f"{name}-{self.lab.id.replace('_', '-')}-{next(self.names)}"

    # -- shared set-up ----------------------------------------------------------------------------
    def use(self, shared: Fixture) -> Any:
        if shared.name not in self.fixtures:
            try:
                self.fixtures[shared.name] = (True, shared.function(self))
            except Exception as exc:  # noqa: BLE001 - remembered and re-raised for every check using it
                self.fixtures[shared.name] = (False, exc)
        ok, value = self.fixtures[shared.name]
        if not ok:
            raise value
        return value

    # -- verdicts -----------------------------------------------------------------------------------
    def expect(self, condition: Any, message: str) -> None:
        if not condition:
            raise CheckFailed(message)

    def expect_equal(self, actual: Any, expected: Any, what: str) -> None:
        if actual != expected:
            raise CheckFailed(f"{what}: expected {short_repr(expected)}, got {short_repr(actual)}")

    def fail(self, message: str) -> None:
        raise CheckFailed(message)

    def not_applicable(self, reason: str) -> None:
        raise NotApplicable(reason)

    def note(self, text: str) -> None:
        """A detail shown under the check's result (e.g. what the request log showed)."""
        self.details.append(text)

    def show(self, title: str, picture: Any) -> None:
        """A picture for the learner after the report (a rich renderable: a chart, a timeline, a tree)."""
        self.pictures.append((title, picture))

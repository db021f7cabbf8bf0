"""The gateway: the one layer every request passes through, whatever the backend.

    learner / grader boto3 ──HTTP or in-process──▶ Gateway ──▶ behaviours ──▶ upstream emulator

The gateway reads each request into boto3 terms (`AwsCall`), runs it through the chain of
simulated behaviours (virtual-time long polls, small pages, capacity metering, IAM enforcement,
...), forwards what is left to the emulator, and records the call in the request log.
A behaviour is an object with `handle(call, forward, gateway) -> Response`; it may answer itself,
change the call (`call.with_params`), call `forward(call)` once or several times, or edit the
response. It may declare `services` (and `operations`, of every one of them or per service) it
handles: the chain is built per service and operation, so an SQS receive never visits S3's
behaviours. Its name is its module's name.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from ..clock import VirtualClock
from .aws_request import AwsCall, identify
from .clients import make_client
from .errors import error_of
from .queue_configuration import forget_if_changed
from .request_log import LoggedCall, RequestLog
from .wire import UNLOGGED_HEADER, HttpRequest, Response, request_from_environ

if TYPE_CHECKING:
    from ..backends import Backend

Forward = Callable[[AwsCall], Response]

CONTROL_PATHS = ("/_awslab/", "/moto-api", "/_localstack/", "/_aws/")
_MAX_LOGGED_RESPONSE = 256 * 1024


class Behaviour(Protocol):
    def handle(self, call: AwsCall, forward: Forward, gateway: "Gateway") -> Response: ...

    # Optional: `services` / `operations` (frozensets; absent: every one; `operations` may also map a
    # service to its operations, a service it does not name: every operation), `attach(gateway)`, `reset()`.


class Upstream(Protocol):
    def send(self, http: HttpRequest) -> Response: ...


class CallableUpstream:
    """An upstream that is a function of the request (a fake emulator in tests, as httpx's MockTransport)."""

    def __init__(self, answer: Callable[[HttpRequest], Response]) -> None:
        self.send = answer


def behaviour_name(behaviour: Any) -> str:
    """A behaviour's name: its module's (`gateway.behaviour("pagination")`), or its own `name`."""
    module = type(behaviour).__module__
    if module.startswith(__package__ + ".behaviours."):
        return module.rsplit(".", 1)[-1]
    return getattr(behaviour, "name", None) or type(behaviour).__name__


class Gateway:
    def __init__(self, upstream: Upstream | Callable[[HttpRequest], Response], clock: VirtualClock, *,
                 region: str = "us-east-1", account_id: str = "123456789012",
                 features: frozenset[str] = frozenset(), backend: Backend | None = None) -> None:
        self.upstream = upstream if hasattr(upstream, "send") else CallableUpstream(upstream)
        self.clock = clock
        self.region = region
        self.account_id = account_id
        self.features = features  # what the backend behind this gateway supports (virtual_time, ...)
        self._backend = backend  # capabilities beyond the API (e.g. set_storage_class); none in unit tests
        self.log = RequestLog()
        self.behaviours: list[Behaviour] = []
        self.sources: dict[str, str] = {}  # access key id -> "learner" | "grader"
        self.settings: dict[str, Any] = {}
        self.state: dict[str, Any] = {}  # per-scenario memory of behaviours (see memory())
        # Whether the learner's process is running a call now (set by the grader): a behaviour that
        # runs learner code itself (Lambda's poller) waits until it is not, or the two would deadlock.
        self.learner_busy: Callable[[], bool] = lambda: False
        self._lock = threading.RLock()
        self._chains: dict[tuple[str, str], tuple[list, Forward]] = {}
        self._internal_clients: dict[tuple[str, str], Any] = {}  # kept across resets: they hold no state
        self._advancing = threading.local()  # the service whose call moves the clock (a long poll's)
        self._pending_listeners: dict[Callable, frozenset[str]] = {}

    @property
    def backend(self) -> Backend:
        """The backend behind the upstream, for what its API cannot do (moto's state, storage classes)."""
        if self._backend is None:
            raise RuntimeError("this gateway was made without a backend: nothing can edit the emulator's state")
        return self._backend

    @property
    def has_backend(self) -> bool:
        return self._backend is not None

    # -- configuration -------------------------------------------------------------------------
    def add(self, behaviour: Behaviour) -> Behaviour:
        """Put a behaviour at the end of the chain; its optional `attach(gateway)` runs once now
        (e.g. to follow the clock with `gateway.clock.on_advance`)."""
        self.behaviours.append(behaviour)
        attach = getattr(behaviour, "attach", None)
        if attach is not None:
            attach(self)
        return behaviour

    def behaviour(self, name: str) -> Behaviour | None:
        return next((b for b in self.behaviours if behaviour_name(b) == name), None)

    def memory(self, key: str, start: Callable[[], Any] = dict) -> Any:
        """A behaviour's memory of the current scenario under `key` (made by `start()` on first use,
        forgotten by reset())."""
        with self._lock:
            if key not in self.state:
                self.state[key] = start()
            return self.state[key]

    # -- the virtual clock, per service -----------------------------------------------------------
    def on_advance(self, listener: Callable, *, services: Iterable[str] | None = None,
                   stops: Callable | None = None) -> None:
        """Follow the virtual clock (`clock.on_advance`). With `services`, a move of the clock made for
        another service's call (each virtual second of an SQS long poll) skips the listener: it
        catches up on the next move of the clock that is not, or before its services' next call."""
        wanted = frozenset(services) if services is not None else None

        def moved(now):
            scope = getattr(self._advancing, "service", None)
            if wanted is None or scope is None or scope in wanted:
                self._pending_listeners.pop(listener, None)
                listener(now)
            else:
                self._pending_listeners[listener] = wanted

        def halts(old, new):
            scope = getattr(self._advancing, "service", None)
            return stops(old, new) if wanted is None or scope is None or scope in wanted else []

        self.clock.on_advance(moved, stops=halts if stops is not None else None)

    def advance_for(self, call: AwsCall, seconds: float) -> None:
        """Move the virtual clock on for `call` alone (a long poll waiting): listeners of other
        services wait."""
        self._advancing.service = call.service
        try:
            self.clock.advance(seconds=seconds)
        finally:
            self._advancing.service = None

    def _catch_up(self, service: str) -> None:
        for listener, services in list(self._pending_listeners.items()):
            if service in services:
                self._pending_listeners.pop(listener, None)
                listener(self.clock.now())

    def reset(self) -> None:
        """Forget the log, the scenario's settings and behaviour state (the backend resets itself)."""
        self.log.clear()
        self.state.clear()
        self.settings.clear()
        self._pending_listeners.clear()
        for behaviour in self.behaviours:
            reset = getattr(behaviour, "reset", None)
            if reset:
                reset()

    def internal_client(self, service: str, region: str | None = None):
        """A boto3 client for behaviours: goes straight to the emulator, unlogged, no behaviours.

        `region` is the region of the resource it will touch (the call's, or the one in an ARN):
        SQS, SNS and DynamoDB keep each region's resources apart."""
        region = region or self.region
        with self._lock:
            if (service, region) not in self._internal_clients:
                self._internal_clients[(service, region)] = make_client(self, service, internal=True, region=region)
            return self._internal_clients[(service, region)]

    # -- entries: WSGI (loopback HTTP), handle_http (in-process clients) -----------------------------
    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        http = request_from_environ(environ)
        response = self.handle_http(http)
        # A HEAD answer has no body but keeps the emulator's Content-Length: the size of what a GET
        # would return (HeadObject's ContentLength, boto3's managed copy and ranged downloads read it).
        length = response.header("content-length") if http.method == "HEAD" else None
        start_response(f"{response.status} {_reason(response.status)}",
                       [(k, v) for k, v in response.headers if k.lower() not in ("content-length", "transfer-encoding")]
                       + [("Content-Length", length or str(len(response.body)))])
        return [response.body] if http.method != "HEAD" else [b""]

    def handle_http(self, http: HttpRequest) -> Response:
        if http.path.startswith("/_awslab/health"):
            return Response(200, [("Content-Type", "application/json")], b'{"status": "ok"}')
        http.headers.pop(UNLOGGED_HEADER, None)  # only awslab's own requests are left out of the logs
        if http.path.startswith(CONTROL_PATHS):
            # The emulators' control routes (reset, time travel, storage class) are the grader's
            # alone: through the gateway, learner code could otherwise change its own verdict.
            return Response(403, [("Content-Type", "text/plain")],
                            b"awslab: control routes of the backend are not reachable through the gateway")
        call = identify(http, self.region)
        if call is None:
            return self.upstream.send(http)
        return self.handle_call(call)

    def handle_call(self, call: AwsCall) -> Response:
        entry = LoggedCall(seq=0, time=self.clock.now(), service=call.service, operation=call.operation,
                           params=call.params, region=call.region, access_key=call.access_key,
                           source=self.sources.get(call.access_key or "", "other"))
        call.log_entry = entry  # behaviours annotate entry.notes
        if self._pending_listeners:
            self._catch_up(call.service)
        response = self.chain(call.service, call.operation)(call)
        entry.status = response.status
        entry.error_code, entry.error_message = error_of(response)
        if call.protocol == "json" and len(response.body) <= _MAX_LOGGED_RESPONSE:
            entry.response = response.json()
        entry.seq = self.log.next_seq()
        self.log.append(entry)
        return response

    def chain(self, service: str, operation: str) -> Forward:
        """The behaviours a call of `service`'s `operation` meets, in order, then the upstream."""
        key = (service, operation)
        cached = self._chains.get(key)
        if cached is not None and cached[0] == self.behaviours:
            return cached[1]
        members = [b for b in self.behaviours if _handles(b, service, operation)]
        forward: Forward = self._send_upstream
        for behaviour in reversed(members):
            forward = _link(behaviour, forward, self)
        self._chains[key] = (list(self.behaviours), forward)
        return forward

    def _send_upstream(self, call: AwsCall) -> Response:
        response = self.upstream.send(call.http)
        forget_if_changed(call)  # a behaviour looking after this answer reads the queue's new settings
        return response


def _handles(behaviour: Any, service: str, operation: str) -> bool:
    services = getattr(behaviour, "services", None)
    operations = getattr(behaviour, "operations", None)
    if isinstance(operations, dict):
        operations = operations.get(service)
    return (services is None or service in services) and (operations is None or operation in operations)


def _link(behaviour: Behaviour, following: Forward, gateway: Gateway) -> Forward:
    return lambda call: behaviour.handle(call, following, gateway)


def _reason(status: int) -> str:
    from http import HTTPStatus
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"

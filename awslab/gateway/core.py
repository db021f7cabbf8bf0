"""The gateway: the one layer every request passes through, whatever the backend.

    learner / grader boto3 ──HTTP or in-process──▶ Gateway ──▶ behaviours ──▶ upstream emulator

The gateway reads each request into boto3 terms (`AwsCall`), runs it through the chain of
simulated behaviours (virtual-time long polls, small pages, capacity metering, IAM enforcement,
...), forwards what is left to the emulator, and records the call in the request log.
A behaviour is an object with `name` and `handle(call, forward, gateway) -> Response`; it may
answer itself, change the call, call `forward(call)` once or several times, or edit the response.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from typing import Any, Protocol

from ..clock import VirtualClock
from .clients import make_client
from .aws_request import AwsCall, HttpRequest, identify
from .errors import error_of
from .request_log import LoggedCall, RequestLog
from .wire import Response, request_from_environ

Forward = Callable[[AwsCall], Response]

INTERNAL_HEADER = "x-awslab-internal"
# What an internal request carries upstream instead: the emulator leaves it out of S3 server access
# logs (awslab/backends/moto_embedded.py), as AWS logs only the requests the account's callers make.
UNLOGGED_HEADER = "x-awslab-unlogged"
CONTROL_PATHS = ("/_awslab/", "/moto-api", "/_localstack/", "/_aws/")
_MAX_LOGGED_RESPONSE = 256 * 1024


class Behaviour(Protocol):
    name: str

    def handle(self, call: AwsCall, forward: Forward, gateway: "Gateway") -> Response: ...


class Upstream(Protocol):
    def send(self, http: HttpRequest) -> Response: ...


class Gateway:
    def __init__(self, upstream: Upstream, clock: VirtualClock, *, region: str = "us-east-1",
                 account_id: str = "123456789012", features: frozenset[str] = frozenset()) -> None:
        self.upstream = upstream
        self.clock = clock
        self.region = region
        self.account_id = account_id
        self.features = features  # what the backend behind this gateway supports (virtual_time, ...)
        self.log = RequestLog()
        self.behaviours: list[Behaviour] = []
        self.sources: dict[str, str] = {}  # access key id -> "learner" | "grader"
        self.settings: dict[str, Any] = {}
        self.internal_token = secrets.token_hex(16)
        self.state: dict[str, Any] = {}  # per-scenario memory of behaviours (e.g. capacity meters)
        # Whether the learner's process is running a call now (set by the grader): a behaviour that
        # runs learner code itself (Lambda's poller) waits until it is not, or the two would deadlock.
        self.learner_busy: Callable[[], bool] = lambda: False
        self._lock = threading.RLock()

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
        return next((b for b in self.behaviours if b.name == name), None)

    def reset(self) -> None:
        """Forget the log, the scenario's settings and behaviour state (the backend resets itself)."""
        self.log.clear()
        self.state.clear()
        self.settings.clear()
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
            cache = self.state.setdefault("_internal_clients", {})
            if (service, region) not in cache:
                cache[(service, region)] = make_client(self, service, internal=True, region=region)
            return cache[(service, region)]

    # -- WSGI entry ------------------------------------------------------------------------------
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
        if http.headers.get(INTERNAL_HEADER) == self.internal_token:
            http.headers.pop(INTERNAL_HEADER)
            http.headers[UNLOGGED_HEADER] = "1"
            return self.upstream.send(http)
        http.headers.pop(UNLOGGED_HEADER, None)
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
        response = self._chain(0)(call)
        entry.status = response.status
        entry.error_code, entry.error_message = error_of(response)
        if call.protocol == "json" and len(response.body) <= _MAX_LOGGED_RESPONSE:
            entry.response = response.json()
        entry.seq = self.log.next_seq()
        self.log.append(entry)
        return response

    def _chain(self, index: int) -> Forward:
        if index >= len(self.behaviours):
            return self._send_upstream
        behaviour = self.behaviours[index]
        following = self._chain(index + 1)
        return lambda call: behaviour.handle(call, following, self)

    def _send_upstream(self, call: AwsCall) -> Response:
        return self.upstream.send(call.http)


def _reason(status: int) -> str:
    from http import HTTPStatus
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"

"""A local AWS for one scenario: backend + gateway + virtual clock + request log.

    with LocalAWS("moto") as aws:
        s3 = aws.client("s3")
        aws.clock.advance(days=31)
        aws.log.calls("sqs", "ReceiveMessage")
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from botocore.config import Config

from . import safety
from .backends import Backend, make_backend
from .clock import DEFAULT_START, VirtualClock
from .gateway import Gateway
from .gateway.behaviours import default_behaviours
from .gateway.clients import make_client
from .gateway.request_log import RequestLog
from .gateway.server import LoopbackServer


class LocalAWS:
    def __init__(self, backend: str | Backend = "moto", *, start: dt.datetime | None = DEFAULT_START,
                 serve_http: bool = True) -> None:
        self.backend = make_backend(backend) if isinstance(backend, str) else backend
        if "virtual_time" not in self.backend.features:
            # The emulator stamps objects and messages with its own, real clock: awslab's
            # simulations (lifecycle ages, capacity) must start from the same instant.
            start = None
        self.clock = VirtualClock(start, follow_process=self.backend.follows_process_clock)
        self._gateway: Gateway | None = None
        self.server: LoopbackServer | None = None
        self._serve_http = serve_http
        self._started = False

    # -- life cycle ------------------------------------------------------------------------------
    def start(self) -> "LocalAWS":
        if self._started:
            return self
        safety.scrub_process_environment()
        safety.guard_network(loopback_only=False)
        self.backend.start()
        try:
            self.clock.start()
            if "virtual_time" in self.backend.features and not self.backend.follows_process_clock:
                self.clock.on_advance(self.backend.set_time)
                self.backend.set_time(self.clock.now())
            gateway = self._gateway = Gateway(
                self.backend.upstream(), self.clock, region=self.backend.region, account_id=self.backend.account_id,
                features=self.backend.features, backend=self.backend)
            gateway.sources = {safety.GRADER_ACCESS_KEY: "grader", safety.LEARNER_ACCESS_KEY: "learner"}
            for behaviour in default_behaviours():
                gateway.add(behaviour)
            if self._serve_http:
                self.server = LoopbackServer(gateway).start()
        except BaseException:
            self.stop()
            raise
        self._started = True
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        self.clock.stop()
        self.backend.stop()
        self._started = False

    def __enter__(self) -> "LocalAWS":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        """A fresh account: every resource, the request log and behaviour state are gone."""
        self.backend.reset()
        self.gateway.reset()
        self.clock.rewind()
        self.client.cache_clear()

    # -- what scenarios use ----------------------------------------------------------------------
    @property
    def gateway(self) -> Gateway:
        """The gateway every call passes through; there is one from start() on."""
        if self._gateway is None:
            raise RuntimeError("this LocalAWS is not started: call start() or use it in a `with` block")
        return self._gateway

    @property
    def endpoint_url(self) -> str:
        if self.server is None:
            raise RuntimeError("this LocalAWS does not serve HTTP (serve_http=False)")
        return self.server.url

    @property
    def log(self) -> RequestLog:
        return self.gateway.log

    @property
    def account_id(self) -> str:
        return self.backend.account_id

    @property
    def region(self) -> str:
        return self.backend.region

    @property
    def settings(self) -> dict[str, Any]:
        return self.gateway.settings

    @functools.lru_cache(maxsize=None)  # noqa: B019 - one client per service per scenario is the point
    def client(self, service: str):
        """The grader's own client (admin credentials, never subject to simulated IAM)."""
        return make_client(self.gateway, service)

    def client_as(self, service: str, access_key: str, secret_key: str, session_token: str | None = None,
                  config: Config | None = None):
        """A client signing with other credentials (an IAM user or role created on the backend)."""
        return make_client(self.gateway, service, access_key=access_key, secret_key=secret_key,
                           session_token=session_token, config=config)

    def has(self, feature: str) -> bool:
        return feature in self.backend.features

    def learner_environment(self, home: str) -> dict[str, str]:
        return safety.learner_environment(self.endpoint_url, home)

"""Embedded moto: moto's server app called in-process. No server, no Docker, no account."""

from __future__ import annotations

from ..gateway.aws_request import HttpRequest
from ..gateway.wire import WsgiUpstream
from .base import Backend


def moto_app():
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return DomainDispatcherApplication(create_backend_app)


class EmbeddedMotoBackend(Backend):
    name = "moto"
    account_id = "123456789012"
    follows_process_clock = True
    features = frozenset({"virtual_time", "s3", "sqs", "sns", "dynamodb", "iam"})

    def __init__(self, **_: object) -> None:
        self._upstream: WsgiUpstream | None = None

    def start(self) -> None:
        if self._upstream is None:
            self._upstream = WsgiUpstream(moto_app())

    def upstream(self) -> WsgiUpstream:
        self.start()
        return self._upstream

    def reset(self) -> None:
        response = self.upstream().send(HttpRequest("POST", "/moto-api/reset", "/moto-api/reset", "", {}, b""))
        if response.status != 200:
            raise RuntimeError(f"moto reset failed: HTTP {response.status}")

"""The gateway on a loopback port, for code in other processes (the learner's)."""

from __future__ import annotations

import socket
import threading

from moto.moto_server.werkzeug_app import MotoRequestHandler
from werkzeug.serving import ThreadedWSGIServer

from .wire import WsgiApp


class _QuietHandler(MotoRequestHandler):
    """moto's handler (keeps S3 metadata headers with underscores) without a log line per request.

    HTTP/1.1 keeps a learner's connection open between requests: without it every call pays for a
    new TCP connection and a new server thread."""

    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in separate writes; without NODELAY, Nagle's algorithm and the
        # client's delayed ACK add tens of milliseconds to every response on a kept-alive connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_request(self, *args, **kwargs) -> None:
        pass

    def log(self, *args, **kwargs) -> None:
        pass


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 and a free port; `stop()` ends it."""

    def __init__(self, app: WsgiApp, host: str = "127.0.0.1", port: int = 0) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("awslab servers listen on loopback only")
        self._server = ThreadedWSGIServer(host, port, app, _QuietHandler)  # what make_server(threaded=True) makes
        self._server.daemon_threads = True
        self.host = host
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="awslab-gateway", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "LoopbackServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

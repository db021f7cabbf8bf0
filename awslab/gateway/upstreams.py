"""The emulators behind the gateway: one in this process (embedded moto, a WSGI app) or in another
(moto server, LocalStack), each reached by `send(HttpRequest) -> Response`."""

from __future__ import annotations

import urllib3
from werkzeug.test import run_wsgi_app

from .wire import HttpRequest, Response, WsgiApp, environ_for

# Headers a proxy must not pass on (RFC 9110 7.6.1) plus those the WSGI layer recomputes. An
# answer's Content-Length is kept: the gateway recomputes it, except for HEAD, whose length is the
# emulator's (the size of the body a GET would have).
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
               "transfer-encoding", "upgrade", "server", "date"}
_NOT_FORWARDED = _HOP_BY_HOP | {"content-length"}


def call_wsgi(app: WsgiApp, environ: dict) -> Response:
    app_iter, status, headers = run_wsgi_app(app, environ, buffered=True)
    try:
        body = b"".join(app_iter)
    finally:
        close = getattr(app_iter, "close", None)
        if close:
            close()
    return Response(int(status.split(" ", 1)[0]), list(headers.items()), body)


class WsgiUpstream:
    """An emulator living in this process, reached by calling its WSGI app (embedded moto)."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def send(self, http: HttpRequest) -> Response:
        return call_wsgi(self.app, environ_for(http))


class HttpUpstream:
    """An emulator in another process, reached over loopback HTTP (moto server, LocalStack)."""

    def __init__(self, base_url: str, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.pool = urllib3.PoolManager(maxsize=16, retries=False, timeout=urllib3.Timeout(connect=5, read=timeout))

    def send(self, http: HttpRequest) -> Response:
        url = self.base_url + http.raw_path + (f"?{http.query}" if http.query else "")
        # The Host header goes on: the emulator names resources after it (a queue URL is the
        # endpoint the caller used, not the emulator's private port).
        headers = {k: v for k, v in http.headers.items() if k not in _NOT_FORWARDED}
        reply = self.pool.request(http.method, url, body=http.body or None, headers=headers,
                                  redirect=False, preload_content=True, decode_content=False)
        return Response(reply.status, [(k, v) for k, v in reply.headers.items() if k.lower() not in _HOP_BY_HOP],
                        reply.data)

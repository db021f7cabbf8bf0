"""HTTP plumbing of the gateway: WSGI environs, responses, and the upstreams behind it."""

from __future__ import annotations

import io
import json
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import urllib3
from moto.core.request import PRESERVED_HEADER_NAMES_ENVIRON_KEY, should_preserve_original_header_name
from werkzeug.test import run_wsgi_app

from .aws_request import HttpRequest

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]

# Headers a proxy must not pass on (RFC 9110 7.6.1) plus those the WSGI layer recomputes. An
# answer's Content-Length is kept: the gateway recomputes it, except for HEAD, whose length is the
# emulator's (the size of the body a GET would have).
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
               "transfer-encoding", "upgrade", "server", "date"}
_NOT_FORWARDED = _HOP_BY_HOP | {"content-length"}


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    _json: Any = field(default=None, repr=False)

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    def json(self) -> Any:
        """The body as JSON (JSON protocols), or None when it is not JSON."""
        if self._json is None:
            try:
                self._json = json.loads(self.body or b"null")
            except ValueError:
                self._json = False
        return self._json if self._json is not False else None

    def with_json(self, data: Any) -> "Response":
        body = json.dumps(data).encode()
        headers = [(k, v) for k, v in self.headers if k.lower() not in ("content-length", "x-amz-crc32")]
        return Response(self.status, headers, body)

    @property
    def ok(self) -> bool:
        return self.status < 400


def request_from_environ(environ: dict) -> HttpRequest:
    length = environ.get("CONTENT_LENGTH") or "0"
    stream = environ.get("wsgi.input")
    if environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked" or environ.get("wsgi.input_terminated"):
        body = stream.read() if stream else b""
    else:
        body = stream.read(int(length)) if stream and int(length or 0) > 0 else b""
    # WSGI folds "-" and "_" into "_"; moto's request handler (the gateway's server uses it) keeps
    # the original names of S3 metadata headers, where "has_underscore" and "has-underscore" differ.
    preserved = environ.get(PRESERVED_HEADER_NAMES_ENVIRON_KEY) or {}
    headers = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[preserved.get(key, key[5:].replace("_", "-")).lower()] = value
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    # WSGI strings carry bytes as Latin-1 (PEP 3333): PATH_INFO's bytes are the UTF-8 of the path.
    raw_path = raw_uri.split("?", 1)[0] if raw_uri else urllib.parse.quote(environ.get("PATH_INFO", "/").encode("latin-1"))
    return HttpRequest(
        method=environ["REQUEST_METHOD"].upper(),
        path=urllib.parse.unquote(raw_path),
        raw_path=raw_path,
        query=environ.get("QUERY_STRING", ""),
        headers=headers,
        body=body,
    )


def environ_for(http: HttpRequest, host: str = "127.0.0.1", port: int = 80) -> dict:
    """A WSGI environ that replays `http` (for an in-process app such as moto's)."""
    environ = {
        "REQUEST_METHOD": http.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": urllib.parse.unquote_to_bytes(http.raw_path).decode("latin-1"),  # PEP 3333's bytes-as-str
        "RAW_URI": http.raw_path + (f"?{http.query}" if http.query else ""),
        "REQUEST_URI": http.raw_path + (f"?{http.query}" if http.query else ""),
        "QUERY_STRING": http.query,
        "SERVER_NAME": host,
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(http.body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(http.body)),
    }
    preserved = environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = {}
    for name, value in http.headers.items():
        if name == "content-type":
            environ["CONTENT_TYPE"] = value
        elif name != "content-length":
            key = "HTTP_" + name.upper().replace("-", "_")
            if should_preserve_original_header_name(name):
                if key in environ:
                    continue  # as moto's server does: an underscored name never stands in for a dashed one
                preserved[key] = name
            else:
                preserved.pop(key, None)
            environ[key] = value
    environ.setdefault("HTTP_HOST", f"{host}:{port}")
    return environ


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

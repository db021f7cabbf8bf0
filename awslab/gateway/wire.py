"""The gateway's wire types: the HTTP request and response, and their conversions (a WSGI environ,
botocore's request and response, JSON of boto3-shaped values). The upstreams behind the gateway are
in upstreams.py; reading and writing each AWS protocol is in protocols/."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from moto.core.request import PRESERVED_HEADER_NAMES_ENVIRON_KEY, should_preserve_original_header_name

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]

_BODY_HEADERS = {"content-length", "content-md5", "x-amz-crc32"}  # what a new body makes wrong


def dumps(value: Any, **options: Any) -> str:
    """JSON text of boto3-shaped values as the JSON protocols carry them: bytes as base64, datetimes
    as epoch seconds (a behaviour that answers with what the caller sent, e.g. UnprocessedItems)."""
    return json.dumps(value, default=_wire_value, **options)


def _wire_value(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dt.datetime):
        seconds = value.timestamp()
        return int(seconds) if seconds == int(seconds) else seconds
    return str(value)


# What an internal request (a behaviour's, clients.py) carries upstream: the emulator leaves it out of
# S3 server access logs (awslab/backends/moto_embedded.py), as AWS logs only its callers' requests.
UNLOGGED_HEADER = "x-awslab-unlogged"


@dataclass
class HttpRequest:
    """The raw request as the gateway received it."""

    method: str
    path: str  # percent-decoded path
    raw_path: str  # as sent
    query: str
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def query_params(self) -> dict[str, list[str]]:
        return urllib.parse.parse_qs(self.query, keep_blank_values=True)


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

    def with_headers(self, headers: dict[str, str] | list[tuple[str, str]] | None = None, *,
                     without: Iterable[str] = ()) -> "Response":
        """The same answer with `headers` set (each replacing any of its name) and `without` gone."""
        added = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
        gone = {name.lower() for name in without} | {name.lower() for name, _ in added}
        return Response(self.status, [(k, v) for k, v in self.headers if k.lower() not in gone] + added, self.body)

    def with_body(self, body: bytes) -> "Response":
        """The same answer with another body (the old body's length and checksums go)."""
        headers = [(k, v) for k, v in self.headers if k.lower() not in _BODY_HEADERS]
        return Response(self.status, headers, body)

    def with_json(self, data: Any) -> "Response":
        return self.with_body(dumps(data).encode())

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


class _RawBody(io.BytesIO):
    """What botocore expects of `AWSResponse.raw`: read() for streaming bodies, stream() for the rest."""

    def stream(self, **kwargs):  # botocore passes decode_content
        contents = self.read()
        while contents:
            yield contents
            contents = self.read()


def from_botocore(request: AWSPreparedRequest) -> HttpRequest:
    """The HTTP request botocore is about to send (with the Host header urllib3 would add)."""
    url = urllib.parse.urlsplit(request.url)
    body = request.body
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode()
    headers = {k.lower(): (v.decode() if isinstance(v, bytes) else str(v)) for k, v in request.headers.items()}
    headers.setdefault("host", url.netloc)
    return HttpRequest(
        method=request.method.upper(),
        path=urllib.parse.unquote(url.path or "/"),
        raw_path=url.path or "/",
        query=url.query,
        headers=headers,
        body=body or b"",
    )


def to_botocore(request: AWSPreparedRequest, response: Response) -> AWSResponse:
    """The answer as botocore reads it off the wire: a HEAD's has no body but keeps the emulator's
    Content-Length (the size a GET would return: HeadObject's ContentLength)."""
    if request.method.upper() == "HEAD":
        return AWSResponse(request.url, response.status, dict(response.headers), _RawBody(b""))
    headers = {k: v for k, v in response.headers if k.lower() not in ("content-length", "transfer-encoding")}
    headers["Content-Length"] = str(len(response.body))
    return AWSResponse(request.url, response.status, headers, _RawBody(response.body))

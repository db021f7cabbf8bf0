"""An in-process transport for boto3: the grader's own clients reach the gateway without sockets.

Requests still pass through the gateway (log, behaviours), only the TCP hop is skipped; the
learner's code, in its own process, uses real HTTP on loopback.
"""

from __future__ import annotations

import io
import urllib.parse

from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from .aws_request import HttpRequest
from .wire import WsgiApp, call_wsgi, environ_for


class _RawBody(io.BytesIO):
    """What botocore expects of `AWSResponse.raw`: read() for streaming bodies, stream() for the rest."""

    def stream(self, **kwargs):  # noqa: ARG002 - botocore passes decode_content
        contents = self.read()
        while contents:
            yield contents
            contents = self.read()


def request_from_botocore(request: AWSPreparedRequest) -> HttpRequest:
    """The HTTP request botocore is about to send."""
    url = urllib.parse.urlsplit(request.url)
    body = request.body
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode()
    return HttpRequest(
        method=request.method.upper(),
        path=urllib.parse.unquote(url.path or "/"),
        raw_path=url.path or "/",
        query=url.query,
        headers={k.lower(): (v.decode() if isinstance(v, bytes) else str(v)) for k, v in request.headers.items()},
        body=body or b"",
    )


def send_in_process(app: WsgiApp, request: AWSPreparedRequest) -> AWSResponse:
    url = urllib.parse.urlsplit(request.url)
    http = request_from_botocore(request)
    host, _, port = url.netloc.partition(":")
    response = call_wsgi(app, environ_for(http, host, int(port or 80)))
    return AWSResponse(request.url, response.status, dict(response.headers), _RawBody(response.body))


def attach(client, app: WsgiApp, extra_headers: dict[str, str] | None = None) -> None:
    """Make `client` send every request straight to the WSGI `app` (the gateway)."""

    def before_send(request: AWSPreparedRequest, **kwargs):  # noqa: ARG001
        for name, value in (extra_headers or {}).items():
            request.headers[name] = value
        return send_in_process(app, request)

    client.meta.events.register_first("before-send", before_send)

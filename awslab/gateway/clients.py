"""boto3 clients that reach the gateway in-process, with awslab's fake credentials.

A grader client's request goes to `Gateway.handle_http` (log, behaviours), a behaviour's internal
client's straight to the upstream emulator: no socket, no WSGI environ. The learner's code, in its
own process, uses real HTTP on loopback."""

from __future__ import annotations

import functools
from typing import Any

import boto3
from botocore.config import Config

from ..safety import FAKE_SECRET, GRADER_ACCESS_KEY
from .wire import UNLOGGED_HEADER, from_botocore, to_botocore

# The endpoint is never dialled: the in-process transport answers first. It only has to be local.
PLACEHOLDER_ENDPOINT = "http://127.0.0.1:4566"


@functools.lru_cache(maxsize=1)
def _session() -> boto3.session.Session:
    # One session: botocore caches service models per session, so the second client is cheap.
    return boto3.session.Session(aws_access_key_id=GRADER_ACCESS_KEY, aws_secret_access_key=FAKE_SECRET,
                                 region_name="us-east-1")


def make_client(gateway, service: str, *, internal: bool = False, access_key: str | None = None,
                secret_key: str | None = None, session_token: str | None = None, config: Config | None = None,
                region: str | None = None):
    base = Config(retries={"max_attempts": 0 if internal else 2, "mode": "standard"},
                  s3={"addressing_style": "path"}, connect_timeout=5, read_timeout=120)
    client = _session().client(
        service, endpoint_url=PLACEHOLDER_ENDPOINT, region_name=region or gateway.region,
        aws_access_key_id=access_key or GRADER_ACCESS_KEY, aws_secret_access_key=secret_key or FAKE_SECRET,
        aws_session_token=session_token, config=base.merge(config) if config else base)
    send = gateway.upstream.send if internal else gateway.handle_http

    def before_send(request, **kwargs):
        http = from_botocore(request)
        if internal:
            http.headers[UNLOGGED_HEADER] = "1"
        return to_botocore(request, send(http))

    client.meta.events.register_first("before-send", before_send)
    return client


def all_pages(client: Any, operation: str, key: str, **params: Any) -> list:
    """Every item under `key` of every page of a paginated `operation` (list_users, "Users")."""
    return [item for page in client.get_paginator(operation).paginate(**params) for item in page.get(key, [])]

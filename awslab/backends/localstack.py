"""LocalStack at an endpoint (default http://127.0.0.1:4566, localstack-client's conventions).

LocalStack keeps real time in its own process, so it lacks `virtual_time`: checks that need the
emulator's clock to jump are reported not applicable there, with this reason.
"""

from __future__ import annotations

import os
import time

import urllib3

from ..gateway.wire import HttpUpstream
from .base import Backend, BackendError


def default_endpoint() -> str:
    from localstack_client.config import get_service_endpoint

    host = os.environ.get("LOCALSTACK_HOST", "127.0.0.1:4566")
    return get_service_endpoint("s3", localstack_host=host) or f"http://{host}"


class LocalStackBackend(Backend):
    name = "localstack"
    account_id = "000000000000"
    features = frozenset({"s3", "sqs", "sns", "dynamodb", "iam"})
    lacks = {"virtual_time": "LocalStack keeps real time in its own process, so awslab cannot move its clock "
                             "(SQS visibility timeouts and receive counts would cost real seconds)",
             "s3_storage_class_in_place": "LocalStack cannot change an object's storage class in place "
                                          "(only CopyObject, which adds a version and resets Last-Modified), "
                                          "so awslab cannot carry out lifecycle transitions there"}

    def __init__(self, url: str | None = None, **_: object) -> None:
        self.url = (url or default_endpoint()).rstrip("/")
        self._http = urllib3.PoolManager(retries=False, timeout=5)
        self._upstream = HttpUpstream(self.url)

    def start(self) -> None:
        deadline = time.monotonic() + 5
        while True:
            try:
                if self._http.request("GET", f"{self.url}/_localstack/health").status == 200:
                    return
            except urllib3.exceptions.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise BackendError(
                    f"no LocalStack answers at {self.url}: start one with `awslab backend up localstack` "
                    "(or `docker compose up localstack`), or set LOCALSTACK_HOST")
            time.sleep(0.2)

    def upstream(self) -> HttpUpstream:
        return self._upstream

    def reset(self) -> None:
        response = self._http.request("POST", f"{self.url}/_localstack/state/reset")
        if response.status >= 400:
            raise BackendError(f"LocalStack at {self.url} refused a state reset (HTTP {response.status})")

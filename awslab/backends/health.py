"""Waiting for a server to answer its health URL, or for a clear reason why it never will."""

from __future__ import annotations

import time
from collections.abc import Callable

import urllib3

from .base import BackendError

_http = urllib3.PoolManager(retries=False, timeout=2)


def wait_healthy(url: str, *, timeout: float, not_answering: Callable[[], str], interval: float = 0.1,
                 died: Callable[[], str | None] | None = None) -> None:
    """Poll GET `url` until it answers 200. Raises BackendError with `died()`'s reason as soon as
    it gives one (the server exited), or with `not_answering()` once `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        reason = died() if died is not None else None
        if reason:
            raise BackendError(reason)
        try:
            if _http.request("GET", url).status == 200:
                return
        except urllib3.exceptions.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise BackendError(not_answering())
        time.sleep(interval)

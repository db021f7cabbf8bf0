"""The request log: what the learner's code called, with which parameters, on virtual time.

CloudTrail for the grader: checks ask it "did the consumer long-poll?" or "how long did the
learner wait between retries?" instead of guessing from the code.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class LoggedCall:
    seq: int
    time: dt.datetime  # virtual time the request arrived
    service: str
    operation: str
    params: dict[str, Any]
    region: str
    access_key: str | None
    source: str  # "learner", "grader", or "other" (a key awslab did not hand out, e.g. an IAM user's)
    status: int = 0
    error_code: str | None = None
    error_message: str | None = None
    response: Any = None  # the parsed JSON response for JSON protocols, when small
    notes: dict[str, Any] = field(default_factory=dict)  # what simulated behaviours did or decided

    @property
    def failed(self) -> bool:
        return self.error_code is not None



class RequestLog:
    def __init__(self) -> None:
        self._calls: list[LoggedCall] = []
        self._lock = threading.Lock()

    def append(self, call: LoggedCall) -> None:
        with self._lock:
            self._calls.append(call)

    def next_seq(self) -> int:
        with self._lock:
            return len(self._calls) + 1

    def mark(self) -> int:
        """A bookmark: pass it as `since=` to see only what came after."""
        with self._lock:
            return len(self._calls)

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()

    def calls(self, service: str | None = None, operation: str | None = None, *, source: str | None = "learner",
              since: int = 0, errors: bool | None = None) -> list[LoggedCall]:
        """Calls matching every given filter, oldest first. `source=None` means from anyone;
        "learner" means every call not signed with the grader's key (an IAM user's key the learner
        made, or a key it guessed, is still the learner calling)."""
        with self._lock:
            snapshot = self._calls[since:]
        return [c for c in snapshot
                if (service is None or c.service == service)
                and (operation is None or c.operation == operation)
                and (source is None or c.source == source or (source == "learner" and c.source != "grader"))
                and (errors is None or c.failed == errors)]

    def __iter__(self) -> Iterator[LoggedCall]:
        with self._lock:
            return iter(list(self._calls))

    def __len__(self) -> int:
        return len(self._calls)

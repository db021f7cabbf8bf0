"""The simulated behaviours, in the order a request meets them.

Adding a behaviour (capacity metering, IAM enforcement, ...) means adding its module here;
labs never touch this list: they turn behaviours on and tune them through `gateway.settings`.
"""

from __future__ import annotations

from .pagination import SmallPages
from .sqs_long_poll import VirtualLongPoll


def default_behaviours() -> list:
    return [VirtualLongPoll(), SmallPages()]

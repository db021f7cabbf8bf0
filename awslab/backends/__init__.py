"""How a lab reaches "AWS": an emulator behind awslab's gateway.

Every backend hands the gateway an upstream, resets its state between scenarios, says which
simulated features it supports, and (where it can) follows the virtual clock.
"""

from __future__ import annotations

from .base import FEATURES, Backend, BackendError
from .localstack import LocalStackBackend
from .moto_embedded import EmbeddedMotoBackend
from .moto_server import MotoServerBackend

BACKENDS: dict[str, type[Backend]] = {
    "moto": EmbeddedMotoBackend,
    "moto-server": MotoServerBackend,
    "localstack": LocalStackBackend,
}


def make_backend(name: str, **options) -> Backend:
    try:
        cls = BACKENDS[name]
    except KeyError:
        raise BackendError(f"unknown backend {name!r}: choose one of {', '.join(BACKENDS)}") from None
    return cls(**options)


__all__ = ["BACKENDS", "Backend", "BackendError", "FEATURES", "make_backend",
           "EmbeddedMotoBackend", "MotoServerBackend", "LocalStackBackend"]

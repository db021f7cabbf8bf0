"""`awslab serve`: the learner-facing endpoint (gateway, every behaviour, virtual clock) for any client."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Optional

import typer

from .common import UsageError


def serve(
    backend: str = typer.Option("moto", "--backend", "-b", help="moto (embedded), moto-server or localstack."),
    port: int = typer.Option(4567, "--port", "-p", help="Loopback port to listen on (0: any free port)."),
    token_file: Optional[Path] = typer.Option(None, "--token-file", help="Also write the control token to this file (mode 600)."),
    moto_api_reset: bool = typer.Option(False, "--moto-api-reset",
                                        help="Let moto's POST /moto-api/reset (sent by moto's own test suite) reset "
                                             "everything, without the token. For running moto's tests only."),
) -> None:
    """Serve awslab's simulated AWS on 127.0.0.1 until Ctrl-C or SIGTERM; prints the endpoint and the control token."""
    from ..backends import BACKENDS, BackendError
    from ..gateway.server import LoopbackServer
    from ..local_aws import LocalAWS
    from ..serve import ServedEndpoint

    if backend not in BACKENDS:
        raise UsageError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {port}")
    if token_file is not None and not token_file.parent.is_dir():
        raise UsageError(f"--token-file: no such folder {token_file.parent}")
    _require_free(port)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        aws = LocalAWS(backend, serve_http=False).start()
    except BackendError as exc:
        raise UsageError(str(exc)) from exc
    server = None
    try:
        endpoint = ServedEndpoint(aws, moto_api_reset=moto_api_reset)
        server = LoopbackServer(endpoint, port=port).start()
        if token_file is not None:
            fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(endpoint.token + "\n")
        print(f"awslab serving {backend} on {server.url}")
        print(f"control token: {endpoint.token}")
        print(f"  e.g. curl -X POST -H 'X-Awslab-Token: {endpoint.token}' -d '{{\"days\": 31}}' "
              f"{server.url}/_awslab/control/clock/advance")
        print(f"  clients: AWS_ENDPOINT_URL={server.url} AWS_ACCESS_KEY_ID=testing "
              f"AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION={aws.region}", flush=True)
        while not stop.wait(0.2):
            pass
        print("stopping", flush=True)
    finally:
        if server is not None:
            server.stop()
        aws.stop()
        if token_file is not None and server is not None:
            token_file.unlink(missing_ok=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _require_free(port: int) -> None:
    """Refuse a taken port before starting a backend (werkzeug would print a paragraph and exit 1)."""
    import socket

    if port == 0:
        return
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            raise UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)

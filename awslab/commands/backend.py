"""`awslab backend up|down|status [localstack|moto-server]`: start, stop and watch a backend.

LocalStack: in Docker where a daemon answers (the docker SDK), else LocalStack 4.14.0 on the host
(installed on first use; see awslab.backends.localstack_host). moto-server: awslab's moto server
launcher, detached. Each running backend has a state file (endpoint, mode, PIDs); `down` stops by
those PIDs (SIGTERM, then SIGKILL), `status` asks the health endpoints.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from enum import Enum
from typing import Any, Optional

import typer

from .common import UsageError, console, errors

app = typer.Typer(help="Start, stop and check the local AWS backends (LocalStack, moto server).",
                  no_args_is_help=True)

DEFAULT_PORTS = {"localstack": 4566, "moto-server": 5000}


class Managed(str, Enum):
    localstack = "localstack"
    moto_server = "moto-server"


class Mode(str, Enum):
    auto = "auto"
    docker = "docker"
    host = "host"


def _out(message: str) -> None:
    console.print(message, highlight=False)


def _err(message: str) -> None:
    errors.print(message, highlight=False)


# -- up ----------------------------------------------------------------------------------------------
@app.command()
def up(
    backend: Managed = typer.Argument(Managed.localstack, help="localstack or moto-server."),
    port: Optional[int] = typer.Option(None, "--port", "-p", help="Loopback port (4566 for LocalStack, 5000 for moto server)."),
    mode: Mode = typer.Option(Mode.auto, "--mode", help="LocalStack only: docker, host (no Docker), or auto."),
) -> None:
    """Start a backend and leave it running (until `awslab backend down`)."""
    from ..backends import BackendError
    from ..backends.running import clear_state, read_state, write_state

    name = backend.value
    port = DEFAULT_PORTS[name] if port is None else port
    if not 0 < port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, not {port}")
    state = read_state(name)
    if state and _health(name, state)[0]:
        _out(f"{name} is already running at {state['url']} ({state.get('mode', '?')}); "
             "`awslab backend down` stops it")
        return
    if state:  # a stale record: whatever it named is dead or unhealthy; clean it up first
        _stop(name, state)
        clear_state(name)
    try:
        state = _start_localstack(port, mode.value) if name == "localstack" else _start_moto_server(port)
    except BackendError as exc:
        raise UsageError(str(exc)) from exc
    try:
        path = write_state(name, state)
    except BaseException:  # interrupted before the state file names it: nothing stays running
        _stop(name, state)
        raise
    _out(f"[green]{name} is up[/] at {state['url']} ({state['mode']}, ready in {state['startup_seconds']:.1f} s)")
    if state.get("dynamodb") not in (None, "available"):
        _out(f"[yellow]DynamoDB is unavailable:[/] {state['dynamodb']}")
    _out(f"state: {path}. Grade with `awslab check LAB --backend {name}`; stop with `awslab backend down {name}`.")


def _start_localstack(port: int, mode: str) -> dict:
    from ..backends import BackendError, localstack_host as host
    from ..backends.localstack import LocalStackBackend

    mode = os.environ.get("AWSLAB_LOCALSTACK_MODE", mode) if mode == "auto" else mode
    client = host.docker_client() if mode in ("auto", "docker") else None
    if mode == "docker" and client is None:
        raise BackendError("no Docker daemon answers (is Docker running? is DOCKER_HOST right?); "
                           "`awslab backend up localstack --mode host` runs LocalStack 4.14.0 without Docker")
    began = time.monotonic()
    state: dict | None = None
    try:  # failed or interrupted (Ctrl-C): nothing stays running without a state file
        if client is not None:
            state = host.start_docker(client, port, log=_err)
        else:
            try:  # a host start that fails or is interrupted stops what it started itself
                state = host.HostLocalStack(port=port, log=_err).start().to_state()
            except host.HostModeUnavailable as exc:
                raise BackendError(  # one line: it is read in CI logs and by scripts
                    f"cannot start LocalStack: no Docker daemon answers, and without Docker: {exc} "
                    f"With Docker: `docker compose up -d localstack` ({host.IMAGE}). "
                    f"{host.AUTH_TOKEN_HINT}.") from exc
        LocalStackBackend(url=state["url"]).start()  # health and warm-up: the first lab does not pay
    except BaseException:
        if state is not None:
            _stop("localstack", state)
        raise
    state["startup_seconds"] = round(time.monotonic() - began, 2)
    return state


def _start_moto_server(port: int) -> dict:
    from ..backends.health import wait_healthy
    from ..backends.localstack_host import state_dir
    from ..backends.supervisor import ProcessRef, interruptions_deferred, stop_tree

    began = time.monotonic()
    state_dir().mkdir(parents=True, exist_ok=True)
    log_path = state_dir() / "moto-server.log"
    url = f"http://127.0.0.1:{port}"

    def exited() -> str | None:
        if process.poll() is None:
            return None
        tail = log_path.read_text(errors="replace").strip().splitlines()[-5:]
        return (f"moto server exited at start (code {process.returncode}): " + " | ".join(tail)
                + (f" (is port {port} taken? try --port)" if "in use" in " ".join(tail) else ""))

    ref: ProcessRef | None = None
    try:  # failed or interrupted (Ctrl-C): nothing stays running without a state file
        # a Ctrl-C inside Popen takes effect once the PID is known, so the clean-up can stop it
        with open(log_path, "wb") as log, interruptions_deferred():
            process = subprocess.Popen([sys.executable, "-m", "awslab.backends.moto_server_main", "--port", str(port)],
                                       stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True)
            ref = ProcessRef.of(process.pid) or ProcessRef(process.pid, 0)
        wait_healthy(f"{url}/moto-api/data.json", timeout=30, interval=0.05, died=exited,
                     not_answering=lambda: f"moto server did not answer at {url} within 30 s")
    except BaseException:
        if ref is not None:
            stop_tree(ref)
        raise
    return {"backend": "moto-server", "mode": "process", "url": url, "port": port, "log": str(log_path),
            "started_at": time.time(), "startup_seconds": round(time.monotonic() - began, 2),
            "processes": {"moto-server": ref.to_dict()}}


# -- down --------------------------------------------------------------------------------------------
@app.command()
def down(backend: Optional[Managed] = typer.Argument(None, help="localstack or moto-server (default: both).")) -> None:
    """Stop a backend `awslab backend up` started (by PID: SIGTERM, then SIGKILL)."""
    from ..backends.running import clear_state, read_state

    names = [backend.value] if backend else [m.value for m in Managed]
    stopped = False
    for name in names:
        state = read_state(name)
        if state is None:
            if backend:
                _out(f"{name} is not running (no state file); nothing to stop")
            continue
        how = _stop(name, state)
        clear_state(name)
        stopped = True
        _out(f"{name} stopped ({how})")
    if not stopped and not backend:
        _out("no backend started by `awslab backend up` is running")


def _stop(name: str, state: dict) -> str:
    from ..backends.localstack_host import HostLocalStack, stop_docker
    from ..backends.supervisor import ProcessRef, stop_tree

    if state.get("mode") == "docker":
        return stop_docker(state)
    if name == "localstack":
        result = HostLocalStack.from_state(state).stop()
        return ", ".join(f"{process}: {how}" for process, how in result.items()) or "gone"
    results = [f"{process}: {stop_tree(ProcessRef.from_dict(ref))}" for process, ref in state.get("processes", {}).items()]
    return ", ".join(results) or "gone"


# -- status ------------------------------------------------------------------------------------------
@app.command()
def status(
    backend: Optional[Managed] = typer.Argument(None, help="localstack or moto-server (default: both)."),
    as_json: bool = typer.Option(False, "--json", help="Print the status as JSON."),
) -> None:
    """Is each backend running, where, and is it healthy? Exit 0 when every one asked about is."""
    names = [backend.value] if backend else [m.value for m in Managed]
    report = [_backend_status(name) for name in names]
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        for entry in report:
            _print_status(entry)
    if backend is not None and not all(entry["healthy"] for entry in report):
        raise typer.Exit(1)


def _backend_status(name: str) -> dict:
    from ..backends.localstack import default_endpoint
    from ..backends.running import read_state

    state = read_state(name)
    entry: dict[str, Any] = {"backend": name, "running": False, "healthy": False, "managed": state is not None}
    if state is None and name == "localstack":
        # Not started by awslab: a LocalStack from docker compose (or elsewhere) counts too.
        state = {"url": default_endpoint(), "mode": "external"}
    if state is not None:
        healthy, detail = _health(name, state)
        pids = {process: ref["pid"] for process, ref in state.get("processes", {}).items()}
        entry.update({"url": state.get("url"), "mode": state.get("mode"), "healthy": healthy,
                      "running": healthy or _alive(state), "detail": detail, "pids": pids})
        if state.get("dynamodb"):
            entry["dynamodb"] = state["dynamodb"]
    return entry


def _print_status(entry: dict) -> None:
    if entry["healthy"]:
        pids = ", ".join(f"{k} {v}" for k, v in entry.get("pids", {}).items())
        _out(f"[green]{entry['backend']}: healthy[/] at {entry['url']} ({entry['mode']}"
             + (f"; PIDs {pids}" if pids else "") + f"){_services_line(entry)}")
    elif entry["running"]:
        _out(f"[yellow]{entry['backend']}: running but unhealthy[/] at {entry['url']}: {entry['detail']}")
    else:
        hint = f" (`awslab backend up {entry['backend']}` starts it)"
        where = f" at {entry['url']}" if entry.get("url") else ""
        _out(f"{entry['backend']}: not running{where}{hint}")


def _services_line(entry: dict) -> str:
    detail = entry.get("detail")
    if isinstance(detail, dict) and detail.get("services"):
        running = sorted(name for name, state in detail["services"].items() if state == "running")
        return f"\n  services running: {', '.join(running) or 'none yet'}; version {detail.get('version', '?')}"
    return ""


def _alive(state: dict) -> bool:
    from ..backends.supervisor import ProcessRef

    refs = [ProcessRef.from_dict(ref) for ref in state.get("processes", {}).values()]
    return any(ref.alive() for ref in refs)


def _health(name: str, state: dict) -> tuple[bool, object]:
    import urllib3

    path = "/_localstack/health" if name == "localstack" else "/moto-api/data.json"
    try:
        response = urllib3.PoolManager(retries=False, timeout=3).request("GET", state["url"] + path)
    except urllib3.exceptions.HTTPError as exc:
        return False, f"no answer ({type(exc).__name__})"
    if response.status != 200:
        return False, f"HTTP {response.status}"
    if name == "localstack":
        try:
            return True, json.loads(response.data)
        except ValueError:
            return True, "healthy"
    return True, "healthy"


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="backend", help="Start, stop and check the local AWS backends (LocalStack, moto server).")

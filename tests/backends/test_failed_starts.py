"""A backend whose start fails or is interrupted leaves no process and no state file behind, and
`awslab backend status` then says it is not running."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, awslab_command


def _ours(needles: list[str]) -> set[int]:
    """Living processes of this test: a needle (its state folder, its port) is in the command line,
    environment or working directory. Other processes of the machine (other test runs) never count."""
    found = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            text = " ".join([Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"),
                             Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace"),
                             os.readlink(f"/proc/{pid}/cwd")])
        except OSError:
            continue
        if stat[stat.rindex(")") + 2] not in "ZX" and any(needle in text for needle in needles):
            found.add(int(pid))
    found.discard(os.getpid())
    return found


def _settle(needles: list[str], seconds: float = 10) -> set[int]:
    deadline = time.monotonic() + seconds
    while (left := _ours(needles)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def state_env(tmp_path):
    # LOCALSTACK_HOST: with no state file, `status` asks the conventional endpoint, which must not be
    # some other LocalStack of this machine's.
    return {"AWSLAB_STATE_DIR": str(tmp_path / "run"), "DOCKER_HOST": "unix:///nonexistent/docker.sock",
            "LOCALSTACK_HOST": f"127.0.0.1:{_free_port()}"}


def _assert_not_running(backend: str, state_env: dict) -> None:
    assert not (Path(state_env["AWSLAB_STATE_DIR"]) / f"{backend}.json").exists()
    status = awslab_command("backend", "status", backend, "--json", env=state_env)
    assert status.returncode == 1
    [entry] = json.loads(status.stdout)
    assert not entry["running"] and not entry["healthy"]


def _needles(state_env: dict, port: int) -> list[str]:
    return [state_env["AWSLAB_STATE_DIR"], f"awslab-localstack-{port}-", f"127.0.0.1:{port}"]


def test_moto_server_on_a_taken_port_leaves_nothing_running(state_env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        up = awslab_command("backend", "up", "moto-server", "--port", str(port), env=state_env)
    assert up.returncode == 2 and "moto server exited at start" in up.stderr and "--port" in up.stderr
    assert "Traceback" not in up.stderr
    assert not _settle(_needles(state_env, port))
    _assert_not_running("moto-server", state_env)


def test_stale_state_file_is_removed_when_the_new_start_fails(state_env):
    run = Path(state_env["AWSLAB_STATE_DIR"])
    run.mkdir(parents=True)
    (run / "moto-server.json").write_text(json.dumps(
        {"backend": "moto-server", "mode": "process", "url": "http://127.0.0.1:9", "port": 9,
         "processes": {"moto-server": {"pid": 999999999, "start_time": 1}}}))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        up = awslab_command("backend", "up", "moto-server", "--port", str(taken.getsockname()[1]), env=state_env)
    assert up.returncode == 2
    _assert_not_running("moto-server", state_env)


def test_moto_server_backend_that_never_answers_is_stopped(monkeypatch):
    from awslab.backends import BackendError
    from awslab.backends.moto_server import MotoServerBackend

    backend = MotoServerBackend()

    def never(self=None):
        raise BackendError("not answering, on purpose")

    monkeypatch.setattr(backend, "_wait_healthy", never)
    with pytest.raises(BackendError, match="on purpose"):
        backend.start()
    assert backend.process is None and backend.url is None


@pytest.mark.localstack
def test_localstack_start_that_times_out_leaves_nothing_running(host_prerequisites, state_env):
    port = _free_port()
    env = {**state_env, "AWSLAB_LOCALSTACK_START_TIMEOUT": "0.5"}
    up = awslab_command("backend", "up", "localstack", "--mode", "host", "--port", str(port), env=env, timeout=300)
    assert up.returncode == 2 and "did not become healthy" in up.stderr, up.stderr[-2000:]
    assert "Traceback" not in up.stderr
    assert not _settle(_needles(state_env, port))
    _assert_not_running("localstack", state_env)


def _ctrl_c_as_at_a_terminal() -> None:
    """In the child before it runs: SIGINT back to its default action. A shell starts a background job
    (`bash .ci/run &`) with SIGINT ignored, every process below inherits that, and Python then keeps
    ignoring it: `backend up` went on to start LocalStack fully, and the test left it running."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def ctrl_c_raises():
    """This process's Ctrl-C raises KeyboardInterrupt, as at a terminal, even when the test run was
    started with SIGINT ignored (see _ctrl_c_as_at_a_terminal)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.localstack
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_localstack_start_interrupted_leaves_nothing_running(host_prerequisites, state_env, how):
    port = _free_port()
    up = subprocess.Popen([sys.executable, "-m", "awslab", "backend", "up", "localstack", "--mode", "host",
                           "--port", str(port)], env={**os.environ, **state_env}, cwd=ROOT,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          preexec_fn=_ctrl_c_as_at_a_terminal)
    deadline = time.monotonic() + 120
    while not _ours([f"awslab-localstack-{port}-"]):  # LocalStack has been launched
        assert up.poll() is None and time.monotonic() < deadline, up.communicate()
        time.sleep(0.05)
    up.send_signal(how)
    _, stderr = up.communicate(timeout=60)
    assert up.returncode in (130, 143) and "Traceback" not in stderr, stderr[-2000:]
    assert not _settle(_needles(state_env, port))
    _assert_not_running("localstack", state_env)


@pytest.mark.localstack
def test_localstack_backend_whose_warm_up_fails_stops_what_it_started(host_prerequisites, monkeypatch):
    from awslab.backends import BackendError
    from awslab.backends.localstack import LocalStackBackend

    monkeypatch.setenv("AWSLAB_LOCALSTACK_MODE", "host")
    port = _free_port()

    def fail(self, timeout=180):
        raise BackendError("LocalStack's s3 did not start: on purpose")

    monkeypatch.setattr(LocalStackBackend, "warm_up", fail)
    backend = LocalStackBackend(start=True, port=port)
    with pytest.raises(BackendError, match="on purpose"):
        backend.start()
    assert backend.launched is None
    assert not _settle([f"awslab-localstack-{port}-", f"127.0.0.1:{port}"])


def test_an_interruption_inside_the_block_takes_effect_when_it_ends(ctrl_c_raises):
    from awslab.backends.supervisor import interruptions_deferred

    done = []
    with pytest.raises(KeyboardInterrupt):
        with interruptions_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # a handler of Python's own would have raised by now
            done.append("recorded")
    assert done == ["recorded"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def _popen_interrupted_on_return(monkeypatch, module) -> list[subprocess.Popen]:
    """subprocess.Popen, as `module` calls it, starts the child and then meets a Ctrl-C before it
    returns: the instant at which CI found a host-mode LocalStack orphaned by `backend up`."""
    real = subprocess.Popen
    started: list[subprocess.Popen] = []

    def popen_then_ctrl_c(*args, **kwargs):
        process = real(*args, **kwargs)
        started.append(process)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        return process

    monkeypatch.setattr(module.subprocess, "Popen", popen_then_ctrl_c)
    return started


def _ended(process: subprocess.Popen) -> bool:
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        return False
    return True


def test_localstack_interrupted_as_it_is_launched_is_stopped(tmp_path, monkeypatch, ctrl_c_raises):
    from awslab.backends import localstack_host

    python = tmp_path / "python"  # stands in for LocalStack's Python: runs until stopped
    python.write_text("#!/bin/sh\nexec /bin/sleep 300\n")
    python.chmod(0o755)
    monkeypatch.setattr(localstack_host, "install", lambda log=None: python)
    monkeypatch.setattr(localstack_host, "install_dynamodb_local", lambda log=None: None)
    # launched as it is, no namespace in between: the process Popen returns is the one that must stop
    monkeypatch.setattr(localstack_host, "isolation_mode", lambda: ("none", "a test"))
    started = _popen_interrupted_on_return(monkeypatch, localstack_host)
    stack = localstack_host.HostLocalStack(port=0)
    with pytest.raises(KeyboardInterrupt):
        stack.start(timeout=30)
    assert started and _ended(started[0])
    assert not stack.processes and not Path(stack.run_dir).exists()


def test_moto_server_interrupted_as_it_is_launched_is_stopped(monkeypatch, tmp_path, ctrl_c_raises):
    from awslab.commands import backend

    monkeypatch.setenv("AWSLAB_STATE_DIR", str(tmp_path / "run"))
    started = _popen_interrupted_on_return(monkeypatch, backend)
    with pytest.raises(KeyboardInterrupt):
        backend._start_moto_server(_free_port())
    assert started and _ended(started[0])

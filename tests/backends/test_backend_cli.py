"""`awslab backend up|down|status`: moto server round trip, the no-Docker path, clear messages."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, awslab_command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def state_env(tmp_path):
    return {"AWSLAB_STATE_DIR": str(tmp_path / "run")}


def test_moto_server_up_status_down(state_env, tmp_path):
    port = _free_port()
    up = awslab_command("backend", "up", "moto-server", "--port", str(port), env=state_env)
    assert up.returncode == 0, up.stderr
    assert f"http://127.0.0.1:{port}" in up.stdout
    state = json.loads((tmp_path / "run" / "moto-server.json").read_text())
    pid = state["processes"]["moto-server"]["pid"]
    try:
        status = awslab_command("backend", "status", "moto-server", "--json", env=state_env)
        assert status.returncode == 0, status.stderr
        [entry] = json.loads(status.stdout)
        assert entry["healthy"] and entry["pids"] == {"moto-server": pid}
        again = awslab_command("backend", "up", "moto-server", "--port", str(port), env=state_env)
        assert again.returncode == 0 and "already running" in again.stdout
    finally:
        down = awslab_command("backend", "down", "moto-server", env=state_env)
    assert down.returncode == 0 and "stopped" in down.stdout
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split(")")[1][:3]
    status = awslab_command("backend", "status", "moto-server", env=state_env)
    assert status.returncode == 1 and "not running" in status.stdout


def test_down_with_nothing_running(state_env):
    down = awslab_command("backend", "down", env=state_env)
    assert down.returncode == 0 and "no backend" in down.stdout


def test_no_docker_daemon_is_detected_without_an_exception(monkeypatch):
    from awslab.backends.localstack_host import docker_client

    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    assert docker_client() is None


def test_docker_mode_without_a_daemon_says_what_to_do(state_env):
    env = {**state_env, "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    up = awslab_command("backend", "up", "localstack", "--mode", "docker", "--port", str(_free_port()), env=env)
    assert up.returncode == 2
    assert "no Docker daemon answers" in up.stderr and "--mode host" in up.stderr


def test_host_mode_without_a_python_that_runs_localstack_says_what_to_install(state_env, tmp_path):
    env = {**state_env, "DOCKER_HOST": "unix:///nonexistent/docker.sock", "AWSLAB_CACHE": str(tmp_path / "cache"),
           "AWSLAB_LOCALSTACK_PYTHON": "/nonexistent/python3.13", "COLUMNS": "100000"}
    up = awslab_command("backend", "up", "localstack", "--port", str(_free_port()), env=env)
    assert up.returncode == 2 and "Traceback" not in up.stderr
    [message] = [line for line in up.stderr.splitlines() if line.startswith("error:")]  # one line
    assert "needs a Python it runs on" in message and "/nonexistent/python3.13" in message
    assert "Install Python 3.13" in message and "AWSLAB_LOCALSTACK_PYTHON" in message
    assert "docker compose up -d localstack" in message and "LOCALSTACK_AUTH_TOKEN" in message
    assert not (tmp_path / "cache" / "localstack-4.14.0" / "venv").exists()


def test_check_against_no_localstack_says_how_to_start_one(fixture_labs, monkeypatch):
    port = _free_port()
    result = awslab_command("check", "tiny_lab", "--file", str(ROOT / "tests/fixtures/submissions/good.py"),
                            "--backend", "localstack",
                            env={"AWSLAB_LABS_DIR": str(fixture_labs), "LOCALSTACK_HOST": f"127.0.0.1:{port}",
                                 "AWSLAB_STATE_DIR": "/nonexistent"})
    assert result.returncode == 2
    message = " ".join(result.stderr.split())
    assert f"no LocalStack answers at http://127.0.0.1:{port}" in message and "--start" in message


def test_endpoint_follows_localstack_client_conventions(monkeypatch):
    from awslab.backends.localstack import default_endpoint

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("LOCALSTACK_HOST", raising=False)
    assert default_endpoint() == "http://localhost:4566"
    monkeypatch.setenv("LOCALSTACK_HOST", "127.0.0.1:4599")
    assert default_endpoint() == "http://127.0.0.1:4599"


def test_constraints_ship_with_the_package():
    from awslab.backends.localstack_host import constraints_file

    pins = constraints_file().read_text().split()
    assert len(pins) == 111 and "boto3==1.42.54" in pins


def test_docker_compose_pins_localstack_on_loopback():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    localstack, moto = compose["services"]["localstack"], compose["services"]["moto-server"]
    assert localstack["image"].endswith("localstack/localstack:4.14.0}")
    assert localstack["ports"] == ["127.0.0.1:4566:4566"] and moto["ports"] == ["127.0.0.1:5000:5000"]
    assert set(localstack["environment"]["SERVICES"].split(",")) == {"s3", "sqs", "sns", "iam", "sts", "dynamodb"}
    assert "LOCALSTACK_AUTH_TOKEN" in localstack["environment"]
    assert localstack["healthcheck"]["test"] and moto["healthcheck"]["test"]

"""docker-compose.yml's services are used by documented awslab commands, on versions awslab runs on,
with no container name that `awslab backend up` manages; `--backend moto-server --endpoint URL`
grades through the gateway on an already running moto server (no Docker daemon needed: a
moto_server started here on 127.0.0.1 and stopped by its PID)."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
import yaml

from awslab.backends.localstack_host import CONTAINER_NAME
from tests.conftest import FIXTURES, ROOT, SUBMISSIONS, awslab_command

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
LABS_ENV = {"AWSLAB_LABS_DIR": str(FIXTURES / "labs"), "AWSLAB_SOLUTIONS_DIR": str(FIXTURES / "solutions")}


def test_compose_file_parses_with_services_that_have_images_and_loopback_ports():
    assert set(COMPOSE["services"]) == {"localstack", "moto-server"}
    for service in COMPOSE["services"].values():
        assert service["image"]
        assert all(port.startswith("127.0.0.1:") for port in service["ports"])


def test_compose_has_no_container_name_that_backend_up_manages():
    names = {s.get("container_name") for s in COMPOSE["services"].values()} - {None}
    assert CONTAINER_NAME not in names and not any(n.startswith("awslab-") for n in names)


def test_compose_moto_image_is_a_version_awslab_runs_on():
    image = COMPOSE["services"]["moto-server"]["image"]
    tag = re.search(r":-?([0-9.]+)\}?$", image).group(1)
    floor = re.search(r'"moto\[[^\]]*\]>=([0-9.]+)', (ROOT / "pyproject.toml").read_text()).group(1)
    assert tuple(map(int, tag.split("."))) >= tuple(map(int, floor.split(".")))


def test_compose_services_are_each_named_with_the_command_that_uses_them():
    header = (ROOT / "docker-compose.yml").read_text()
    assert "awslab check LAB --backend localstack" in header
    assert "awslab check LAB --backend moto-server --endpoint http://127.0.0.1:5000" in header


@pytest.fixture
def running_moto_server(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = open(tmp_path / "moto.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield url, tmp_path / "moto.log"
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
        log.close()


def test_check_with_endpoint_grades_on_the_running_moto_server(running_moto_server):
    url, log = running_moto_server
    done = awslab_command("check", "tiny_lab", "--file", str(SUBMISSIONS / "good.py"), "--backend", "moto-server",
                          "--endpoint", url, "--format", "json", env=LABS_ENV)
    assert done.returncode in (0, 1), done.stderr
    (report,) = json.loads(done.stdout)["labs"]
    assert report["backend"] == "moto-server"
    assert {c["name"]: c["passed"] for c in report["checks"]}["bucket_exists"] is True
    assert "PUT /" in log.read_text()  # the bucket was made on that server, not on one awslab started


def test_endpoint_without_moto_server_backend_is_a_usage_error():
    done = awslab_command("check", "tiny_lab", "--endpoint", "http://127.0.0.1:5000", env=LABS_ENV)
    assert done.returncode == 2 and "--backend moto-server" in done.stderr and "Traceback" not in done.stderr


def test_endpoint_must_be_loopback():
    done = awslab_command("check", "tiny_lab", "--backend", "moto-server", "--endpoint", "https://s3.amazonaws.com",
                          env=LABS_ENV)
    assert done.returncode == 2 and "loopback" in done.stderr

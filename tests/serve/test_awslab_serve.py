"""`awslab serve`: the learner-facing endpoint as a process, used by boto3 and by its control route."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import boto3
import pytest

from tests.conftest import awslab_command


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    token_file = tmp_path_factory.mktemp("serve") / "token"
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "awslab", "serve", "--port", str(port), "--token-file",
                                str(token_file), "--moto-api-reset"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    try:
        first = process.stdout.readline()
        second = process.stdout.readline()
        assert first.startswith("awslab serving moto on http://127.0.0.1:"), first + process.stderr.read()
        token = second.split(":", 1)[1].strip()
        yield {"url": f"http://127.0.0.1:{port}", "token": token, "token_file": token_file, "process": process}
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=20)


def _client(served, service, region="us-east-1"):
    return boto3.client(service, endpoint_url=served["url"], region_name=region,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _control(served, method, route, body=None, token=None):
    request = urllib.request.Request(f"{served['url']}/_awslab/control/{route}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    if token:
        request.add_header("X-Awslab-Token", token)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_serve_prints_the_token_and_writes_it_to_the_token_file(served):
    assert served["token_file"].read_text().strip() == served["token"]
    assert oct(served["token_file"].stat().st_mode & 0o777) == "0o600"


def test_boto3_reaches_the_gateway_through_serve(served):
    sqs = _client(served, "sqs", "eu-west-1")
    url = sqs.create_queue(QueueName="served")["QueueUrl"]
    assert url.startswith(served["url"])  # the endpoint's own address, not the backend's
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "hello"
    s3 = _client(served, "s3")
    s3.create_bucket(Bucket="served-bucket")
    s3.put_object(Bucket="served-bucket", Key="k", Body=b"12345")
    assert s3.head_object(Bucket="served-bucket", Key="k")["ContentLength"] == 5


def test_control_route_without_token_is_forbidden(served):
    assert _control(served, "GET", "clock")[0] == 403
    assert _control(served, "POST", "clock/advance", {"days": 1}, token="wrong")[0] == 403
    assert _control(served, "POST", "reset", {}, token="")[0] == 403


def test_backend_control_routes_stay_closed_through_serve(served):
    request = urllib.request.Request(f"{served['url']}/moto-api/data.json")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 403


def test_control_route_advances_and_sets_the_virtual_clock(served):
    status, before = _control(served, "GET", "clock", token=served["token"])
    assert status == 200
    status, after = _control(served, "POST", "clock/advance", {"days": 31}, token=served["token"])
    assert status == 200 and after["elapsed_seconds"] - before["elapsed_seconds"] == 31 * 86400
    status, later = _control(served, "POST", "clock/set", {"time": "2030-01-01T00:00:00Z"}, token=served["token"])
    assert status == 200 and later["now"].startswith("2030-01-01T00:00:00")
    status, refused = _control(served, "POST", "clock/set", {"time": "2001-01-01T00:00:00Z"}, token=served["token"])
    assert status == 400 and "forward" in refused["error"]
    assert _control(served, "POST", "clock/advance", {"weeks": 1}, token=served["token"])[0] == 400


def test_virtual_time_reaches_the_emulator(served):
    _control(served, "POST", "clock/set", {"time": "2031-06-01T00:00:00Z"}, token=served["token"])
    s3 = _client(served, "s3")
    s3.create_bucket(Bucket="timed")
    s3.put_object(Bucket="timed", Key="k", Body=b"x")
    assert s3.head_object(Bucket="timed", Key="k")["LastModified"].year == 2031


def test_control_reset_gives_a_fresh_account_and_log(served):
    sqs = _client(served, "sqs")
    sqs.create_queue(QueueName="before-reset")
    status, log = _control(served, "GET", "log", token=served["token"])
    assert status == 200 and any(c["operation"] == "CreateQueue" for c in log["calls"])
    assert _control(served, "POST", "reset", {}, token=served["token"])[0] == 200
    assert _control(served, "GET", "log", token=served["token"])[1]["calls"] == []
    assert sqs.list_queues().get("QueueUrls", []) == []


def test_moto_api_reset_resets_localaws_when_allowed(served):
    _client(served, "sqs").create_queue(QueueName="before-moto-reset")
    _control(served, "POST", "clock/advance", {"days": 3}, token=served["token"])
    request = urllib.request.Request(f"{served['url']}/moto-api/reset", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    assert _client(served, "sqs").list_queues().get("QueueUrls", []) == []
    assert _control(served, "GET", "clock", token=served["token"])[1]["elapsed_seconds"] == 0


def _reset_auth(served, count: str) -> dict:
    request = urllib.request.Request(f"{served['url']}/moto-api/reset-auth", method="POST", data=count.encode(),
                                     headers={"Content-Type": "application/octet-stream"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_moto_api_reset_auth_reaches_the_emulator_as_on_moto_server(served):
    # moto's auth decorator in server mode reads the previous count from the answer (its S3 auth
    # tests then skip themselves); the gateway alone refuses the emulator's control routes.
    previous = _reset_auth(served, "7")["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"]
    assert float(_reset_auth(served, str(previous))["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"]) == 7


def test_serve_stops_cleanly_on_sigterm_and_removes_the_token_file(tmp_path):
    token_file = tmp_path / "token"
    process = subprocess.Popen([sys.executable, "-m", "awslab", "serve", "--port", "0", "--token-file", str(token_file)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    assert process.stdout.readline().startswith("awslab serving")
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0
    assert not token_file.exists()


@pytest.mark.parametrize("args, message", [
    (["--backend", "nope"], "unknown backend"),
    (["--port", "70000"], "--port must be between"),
    (["--token-file", "/no/such/folder/token"], "no such folder"),
])
def test_serve_bad_arguments_give_one_line_error(args, message):
    result = awslab_command("serve", *args, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_serve_port_in_use_gives_one_line_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = awslab_command("serve", "--port", str(taken.getsockname()[1]), timeout=60)
    assert result.returncode == 2 and "cannot listen" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

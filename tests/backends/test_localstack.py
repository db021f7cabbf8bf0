"""The LocalStack backend on a real LocalStack 4.14.0 (host mode): health, reset, account and queue
URL forms, the gateway in front of it, the fixture lab with its virtual_time check not applicable,
and `awslab backend up|status|down` / `awslab check --start` through the CLI."""

from __future__ import annotations

import json
import time

import pytest
import urllib3

from tests.conftest import ROOT, awslab_command

pytestmark = pytest.mark.localstack


def test_health_endpoint_lists_the_lab_services(host_localstack):
    from awslab.backends.localstack import LocalStackBackend

    health = LocalStackBackend(url=host_localstack.url).health()
    assert health["version"] == "4.14.0"
    for service in ("s3", "sqs", "sns", "iam", "sts", "dynamodb"):
        assert health["services"][service] in ("available", "running"), service


def test_listens_on_loopback_only(host_localstack):
    assert host_localstack.url.startswith("http://127.0.0.1:")
    if host_localstack.isolation != "none":
        # LocalStack and DynamoDB Local live in a network namespace of their own: only the forwarder
        # is in ours, and it listens on 127.0.0.1.
        pid = host_localstack.processes["localstack"].pid
        import os

        assert os.readlink(f"/proc/{pid}/ns/net") != os.readlink("/proc/self/ns/net")


def test_account_id_and_queue_url_forms(fresh_localstack):
    aws = fresh_localstack
    assert aws.account_id == "000000000000"
    assert aws.client("sts").get_caller_identity()["Account"] == "000000000000"
    url = aws.client("sqs").create_queue(QueueName="orders")["QueueUrl"]
    assert url == aws.backend.queue_url("orders")
    assert url.endswith("/queue/us-east-1/000000000000/orders")
    arn = aws.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert arn == "arn:aws:sqs:us-east-1:000000000000:orders"
    # The request went through awslab's gateway: it is in the request log.
    assert [c.operation for c in aws.log.calls("sqs", "CreateQueue", source="grader")] == ["CreateQueue"]


def test_reset_forgets_every_service_and_is_fast(fresh_localstack):
    aws = fresh_localstack
    s3, sqs, sns, iam, ddb = (aws.client(s) for s in ("s3", "sqs", "sns", "iam", "dynamodb"))
    s3.create_bucket(Bucket="keep-me-not")
    s3.put_bucket_versioning(Bucket="keep-me-not", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="keep-me-not", Key="a", Body=b"1")
    s3.put_object(Bucket="keep-me-not", Key="a", Body=b"2")
    sqs.create_queue(QueueName="gone")
    sns.create_topic(Name="gone")
    iam.create_user(UserName="gone")
    iam.create_access_key(UserName="gone")
    ddb.create_table(TableName="gone", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    started = time.monotonic()
    aws.reset()
    took = time.monotonic() - started
    assert s3.list_buckets()["Buckets"] == []
    assert sqs.list_queues().get("QueueUrls", []) == []
    assert sns.list_topics()["Topics"] == []
    assert iam.list_users()["Users"] == []
    assert ddb.list_tables()["TableNames"] == []
    assert took < 5, f"reset took {took:.1f} s"
    # A bucket of the same name starts empty (object bodies are gone too).
    s3.create_bucket(Bucket="keep-me-not")
    assert s3.list_object_versions(Bucket="keep-me-not").get("Versions", []) == []


def test_dynamodb_local_unpacks_its_native_library_into_the_run_folder_not_tmp(host_localstack, fresh_localstack):
    """DynamoDB Local writes sqlite-*-libsqlite4java.so into java.io.tmpdir on each start and never
    removes it: 27 of them (884 KB each) had filled a 64 MB /tmp. It now lives in the run folder."""
    import glob
    import tempfile
    from pathlib import Path

    before = set(glob.glob(str(Path(tempfile.gettempdir()) / "sqlite-*libsqlite4java*")))
    ddb = fresh_localstack.client("dynamodb")
    ddb.create_table(TableName="native", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    ddb.put_item(TableName="native", Item={"k": {"S": "1"}})
    assert set(glob.glob(str(Path(tempfile.gettempdir()) / "sqlite-*libsqlite4java*"))) == before
    assert glob.glob(str(Path(host_localstack.run_dir) / "tmp" / "*libsqlite4java*"))


def test_reset_without_the_route_sweeps_through_the_api(fresh_localstack):
    backend = fresh_localstack.backend
    s3 = fresh_localstack.client("s3")
    s3.create_bucket(Bucket="swept")
    backend._has_reset_route = False  # as against a community Docker image
    try:
        backend.reset()
    finally:
        backend._has_reset_route = None
    assert s3.list_buckets()["Buckets"] == []


def test_reset_without_the_route_sweeps_kms_too(fresh_localstack):
    """The sweep follows the services running (kms_envelope's KMS included), not a fixed list."""
    backend = fresh_localstack.backend
    kms = fresh_localstack.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/tenant-records", TargetKeyId=key)
    backend._has_reset_route = False
    try:
        backend.reset()
    finally:
        backend._has_reset_route = None
    assert [a for a in kms.list_aliases()["Aliases"] if not a["AliasName"].startswith("alias/aws/")] == []
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "PendingDeletion"


def test_virtual_time_is_lacking_with_a_reason(localstack_aws):
    assert not localstack_aws.has("virtual_time")
    assert "LocalStack keeps real time" in localstack_aws.backend.why_lacking("virtual_time")
    # The gateway's clock starts at real time, like LocalStack's own timestamps.
    from datetime import datetime, timezone

    assert abs((localstack_aws.clock.now() - datetime.now(timezone.utc)).total_seconds()) < 3600 * 24


def test_tiny_lab_on_localstack(localstack_aws, fixture_labs):
    from awslab.grading import get_lab, grade_submission

    lab = get_lab("tiny_lab")
    result = grade_submission(lab, ROOT / "tests/fixtures/submissions/good.py", localstack_aws)
    by_name = {c.name: c for c in result.checks}
    assert by_name["clocked"].status == "not_applicable"
    assert "LocalStack keeps real time" in by_name["clocked"].message
    assert by_name["clocked"].max_points == 0
    assert all(c.status == "passed" for name, c in by_name.items() if name != "clocked"), \
        {n: c.message for n, c in by_name.items()}
    assert result.full_marks and result.score == result.max_score == 5

    starter = grade_submission(lab, lab.starter, localstack_aws)
    assert starter.score == 0


def test_cli_check_reports_not_applicable_with_the_reason(host_localstack, fixture_labs):
    result = awslab_command("check", "tiny_lab", "--file", str(ROOT / "tests/fixtures/submissions/good.py"),
                            "--backend", "localstack", "--format", "json",
                            env={"AWSLAB_LABS_DIR": str(fixture_labs), "LOCALSTACK_HOST": host_localstack.url[7:],
                                 "AWSLAB_STATE_DIR": "/nonexistent"})
    assert result.returncode == 0, result.stderr
    (report,) = json.loads(result.stdout)["labs"]
    assert report["score"] == report["max_score"] == 5
    [clocked] = [c for c in report["checks"] if c["name"] == "clocked"]
    assert not clocked["passed"] and "LocalStack keeps real time" in clocked["message"]


def test_cli_check_start_starts_and_stops_localstack(host_prerequisites, fixture_labs):
    before = _localstack_processes()
    result = awslab_command("check", "tiny_lab", "--file", str(ROOT / "tests/fixtures/submissions/good.py"),
                            "--backend", "localstack", "--start", "--format", "json",
                            env={"AWSLAB_LABS_DIR": str(fixture_labs), "AWSLAB_LOCALSTACK_MODE": "host"},
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    (report,) = json.loads(result.stdout)["labs"]
    assert report["score"] == 5
    # Nothing that run started is left: no launcher, forwarder or DynamoDB Local java.
    assert _localstack_processes() <= before


def _localstack_processes() -> set[int]:
    import os
    from pathlib import Path

    found = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if stat[stat.rindex(")") + 2] in "ZX":
            continue
        if any(mark in cmdline for mark in ("localstack_launch.py", "portforward.py", "DynamoDBLocal.jar")):
            found.add(int(pid))
    return found


def test_cli_backend_up_status_down_localstack(host_prerequisites, tmp_path):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"AWSLAB_STATE_DIR": str(tmp_path), "AWSLAB_LOCALSTACK_MODE": "host"}
    up = awslab_command("backend", "up", "localstack", "--port", str(port), env=env, timeout=300)
    assert up.returncode == 0, up.stderr[-2000:]
    state = json.loads((tmp_path / "localstack.json").read_text())
    refs = state["processes"]
    try:
        assert state["url"] == f"http://127.0.0.1:{port}" and state["mode"] == "host"
        status = awslab_command("backend", "status", "localstack", "--json", env=env)
        assert status.returncode == 0, status.stderr
        [entry] = json.loads(status.stdout)
        assert entry["healthy"] and entry["detail"]["version"] == "4.14.0"
        assert urllib3.request("GET", f"http://127.0.0.1:{port}/_localstack/health").status == 200
    finally:
        down = awslab_command("backend", "down", "localstack", env=env, timeout=120)
    assert down.returncode == 0 and "stopped" in down.stdout
    from awslab.backends.supervisor import ProcessRef

    assert not any(ProcessRef.from_dict(ref).alive() for ref in refs.values())
    assert awslab_command("backend", "status", "localstack", env=env).returncode == 1

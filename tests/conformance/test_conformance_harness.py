"""The conformance harness's comparison (benchmarks/conformance/run.py) without running moto's tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("conformance_run", ROOT / "benchmarks" / "conformance" / "run.py")
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)

FILE = "tests/test_sqs/test_sqs.py"


def test_unlisted_difference_is_unexpected_and_listed_one_is_not():
    plain = {f"{FILE}::a": "passed", f"{FILE}::b": "passed", f"{FILE}::c": "passed"}
    gateway = {f"{FILE}::a": "passed", f"{FILE}::b": "failed", f"{FILE}::c": "failed"}
    listed = {f"{FILE}::b": {"test": f"{FILE}::b", "reason": "r", "aws_page": "https://docs.aws.amazon.com/"}}
    differing, unexpected, stale = run.compare(plain, gateway, listed, [FILE])
    assert differing == [f"{FILE}::b", f"{FILE}::c"] and unexpected == [f"{FILE}::c"] and stale == []


def test_listed_difference_that_no_longer_differs_is_stale():
    same = {f"{FILE}::a": "passed"}
    listed = {f"{FILE}::a": {"test": f"{FILE}::a", "reason": "r", "aws_page": "p"}}
    assert run.compare(same, same, listed, [FILE])[2] == [f"{FILE}::a"]


def test_listed_difference_of_a_file_not_run_is_not_stale():
    # CI runs the core files; the list also holds differences of files only --all runs
    other = "tests/test_sns/test_publish_batch.py::test_publish_batch_to_sqs"
    same = {f"{FILE}::a": "passed"}
    listed = {other: {"test": other, "reason": "r", "aws_page": "p"}}
    assert run.compare(same, same, listed, [FILE]) == ([], [], [])


def test_junit_outcomes_are_keyed_by_file_and_test(tmp_path):
    junit = tmp_path / "r.xml"
    junit.write_text('<testsuites><testsuite><testcase classname="tests.test_sqs.test_sqs" name="test_ok"/>'
                     '<testcase classname="tests.test_sqs.test_sqs.TestX" name="test_bad"><failure/></testcase>'
                     '</testsuite></testsuites>')
    assert run.outcomes(junit) == {f"{FILE}::test_ok": "passed", f"{FILE}::TestX::test_bad": "failed"}


def test_intended_differences_file_entries_have_test_reason_and_page():
    assert isinstance(run.intended(), dict)


def test_totals_count_passes_per_file_for_every_target():
    results = {"moto": {f"{FILE}::a": "passed", f"{FILE}::b": "passed"},
               "awslab:moto": {f"{FILE}::a": "passed", f"{FILE}::b": "failed"},
               "bare:moto": {f"{FILE}::a": "passed", f"{FILE}::b": "passed"}}
    assert run.totals(results) == {FILE: {"tests": 2, "moto": 2, "awslab:moto": 1, "bare:moto": 2}}


def test_unknown_target_is_a_one_line_error():
    import pytest

    with pytest.raises(run.HarnessError, match="unknown target 'awslab:localstack'"):
        run.parse_target("awslab:localstack")
    assert run.parse_target("bare:moto-server") == ("bare", "moto-server")


def test_targets_must_start_with_plain_moto(capsys):
    assert run.main(["--targets", "awslab:moto,moto"]) == 2
    assert capsys.readouterr().err.startswith("error: --targets: the first target is moto")


def test_server_log_goes_to_a_file_not_a_pipe_nobody_reads(tmp_path):
    # moto_server logs every request; through an unread pipe it blocked once 64 KB were written.
    process, endpoint, _ = run.start_target("moto", tmp_path)
    try:
        import urllib.request

        for _ in range(1200):  # about 94 KB of log lines, over a pipe's 64 KB
            urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=10).read()
        assert (tmp_path / "moto.log").stat().st_size > 0
    finally:
        process.terminate()
        process.wait(timeout=20)


# The fast subset of the full run (python benchmarks/conformance/run.py): moto's own DynamoDB query
# and batch-write tests through `awslab serve`. A new unintended difference fails here.
FAST_SUBSET = ["tests/test_dynamodb/test_dynamodb_batch_write.py", "tests/test_dynamodb/test_dynamodb_query.py"]


def test_moto_fast_subset_through_the_gateway_differs_only_as_listed(capsys):
    code = run.main([*FAST_SUBSET, "--per-test-timeout", "60"])
    out = capsys.readouterr()
    assert code == 0, out.out + out.err



def test_every_awslab_target_is_checked_and_bare_only_without_one():
    assert run.checked_targets(["moto", "awslab:moto", "awslab:moto-server", "bare:moto"]) == [
        "awslab:moto", "awslab:moto-server"]
    assert run.checked_targets(["moto", "bare:moto"]) == ["bare:moto"]


def test_virtual_sleep_advances_the_served_clock_instead_of_waiting(tmp_path):
    """Through an awslab target, moto's test sleeps as a graded learner does: on virtual time."""
    import importlib.util as util
    import json
    import urllib.request

    plugin_spec = util.spec_from_file_location("awslab_virtual_sleep", ROOT / "benchmarks" / "conformance" /
                                               "awslab_virtual_sleep.py")
    plugin = util.module_from_spec(plugin_spec)
    plugin_spec.loader.exec_module(plugin)
    process, endpoint, token = run.start_target("awslab:moto", tmp_path)
    try:
        def clock():
            request = urllib.request.Request(f"{endpoint}/_awslab/control/clock", headers={"X-Awslab-Token": token})
            return json.loads(urllib.request.urlopen(request, timeout=10).read())["elapsed_seconds"]

        before = clock()
        plugin.virtual_sleep_for(endpoint, token)(3600)
        assert clock() - before == 3600
    finally:
        plugin.stop_following()
        process.terminate()
        process.wait(timeout=20)


def test_test_process_reads_the_served_clock_after_a_sleep_and_a_reset(tmp_path):
    """moto's tests compare the emulator's timestamps with utcnow() (an object lock until utcnow() + 2 s,
    IfUnmodifiedSince=utcnow() - 1 h): through an awslab target the test process reads the virtual time."""
    import datetime as dt
    import importlib.util as util
    import json
    import urllib.request

    plugin_spec = util.spec_from_file_location("awslab_virtual_sleep_clock", ROOT / "benchmarks" / "conformance" /
                                               "awslab_virtual_sleep.py")
    plugin = util.module_from_spec(plugin_spec)
    plugin_spec.loader.exec_module(plugin)
    process, endpoint, token = run.start_target("awslab:moto", tmp_path)
    try:
        def served_now():
            request = urllib.request.Request(f"{endpoint}/_awslab/control/clock", headers={"X-Awslab-Token": token})
            return dt.datetime.fromisoformat(json.loads(urllib.request.urlopen(request, timeout=10).read())["now"])

        plugin._follow(plugin._control(endpoint, token, "clock"))
        assert dt.datetime.now(dt.timezone.utc) == served_now()
        until = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=2)  # an object lock's end
        plugin.virtual_sleep_for(endpoint, token)(2)
        assert dt.datetime.now(dt.timezone.utc) == served_now() == until
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10)
        plugin._follow(plugin._control(endpoint, token, "clock"))
        assert dt.datetime.now(dt.timezone.utc) == served_now()
    finally:
        plugin.stop_following()
        process.terminate()
        process.wait(timeout=20)


def test_bare_target_keeps_real_time(tmp_path):
    """bare:moto is moto plus the transport: no virtual clock, so a real sleep passes on the emulator."""
    import time
    import urllib.request

    import boto3

    process, endpoint, token = run.start_target("bare:moto", tmp_path)
    try:
        assert token is None
        sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1",
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        url = sqs.create_queue(QueueName="real-time", Attributes={"VisibilityTimeout": "1"})["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="x")
        assert len(sqs.receive_message(QueueUrl=url).get("Messages", [])) == 1
        time.sleep(1.2)
        assert len(sqs.receive_message(QueueUrl=url).get("Messages", [])) == 1  # visible again
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10)
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_file_that_cannot_be_imported_does_not_stop_the_others(tmp_path):
    """--all includes moto files that import what is not extracted (test_awslambda): each is one
    failed <collection> entry, and the other files still run (before, pytest ran nothing)."""
    (tmp_path / "tests" / "test_sqs").mkdir(parents=True)
    (tmp_path / "tests" / "test_sqs" / "test_ok.py").write_text("def test_fine():\n    assert True\n")
    (tmp_path / "tests" / "test_sqs" / "test_broken.py").write_text("import not_a_module_anywhere\n")
    files = ["tests/test_sqs/test_ok.py", "tests/test_sqs/test_broken.py"]
    result = run.run_tests(tmp_path, files, "http://127.0.0.1:9", tmp_path / "r.xml", 120, 30)
    assert result["tests/test_sqs/test_ok.py::test_fine"] == "passed"
    assert result["tests/test_sqs/test_broken.py::<collection>"] == "failed"


def test_moto_in_process_server_tests_run_on_real_time_and_the_others_stand_still(tmp_path):
    """A test in test_server.py waits on moto's app in its own process (test_sqs/test_server.py long-polls
    an empty queue for real seconds): it gets the process's own clock and real sleeps. Every other test
    stands still on the served clock, so real seconds never enter what a sleep refills (a ticking clock
    made test_query_gsi_pagination_with_string_gsi_range throttle in CI under load and pass alone)."""
    (tmp_path / "tests" / "test_sqs").mkdir(parents=True)
    (tmp_path / "tests" / "test_sqs" / "test_server.py").write_text(
        "import time\n\n"
        "def test_real_time():\n"
        "    began, wall = time.perf_counter(), time.time()\n"
        "    time.sleep(0.3)\n"
        "    assert time.perf_counter() - began >= 0.3 and time.time() - wall >= 0.3\n")
    (tmp_path / "tests" / "test_sqs" / "test_virtual.py").write_text(
        "import time\n\n"
        "def test_stands_still():\n"
        "    wall = time.time()\n"
        "    began = time.perf_counter()\n"
        "    while time.perf_counter() - began < 0.2:\n"
        "        pass\n"
        "    assert time.time() == wall\n"
        "    time.sleep(3600)\n"
        "    assert time.time() == wall + 3600 and time.perf_counter() - began < 30\n")
    (tmp_path / "target").mkdir()
    process, endpoint, token = run.start_target("awslab:moto", tmp_path / "target")
    try:
        files = ["tests/test_sqs/test_server.py", "tests/test_sqs/test_virtual.py"]
        result = run.run_tests(tmp_path, files, endpoint, tmp_path / "r.xml", 300, 120, token)
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert result == {"tests/test_sqs/test_server.py::test_real_time": "passed",
                      "tests/test_sqs/test_virtual.py::test_stands_still": "passed"}


def test_an_entry_about_an_older_moto_applies_only_below_its_release():
    """moto 5.2.6's test_sqs.py no longer names 'VisibilityTimeout ' (with a space), which SQS refuses:
    its six entries are neither expected nor stale on 5.2.6, and still expected on 5.2.5."""
    entry = "tests/test_sqs/test_sqs.py::test_queue_length"
    assert entry in run.intended("5.2.5")
    assert entry not in run.intended("5.2.6") and entry not in run.intended("6.0.0")
    assert len(run.intended("5.2.5")) - len(run.intended("5.2.6")) == 6

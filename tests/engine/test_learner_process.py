"""The learner's process: plain data across, callbacks, virtual sleep, limits."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest

from awslab.grading import LearnerProcess, transfer
from awslab.grading.learner_process import LearnerRaised


@pytest.mark.parametrize("value", [
    None, 1, 1.5, "é", b"\x00\xff", [1, (2, 3)], {"a": {"b": [b"x"]}}, {1: "int key"},
    dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc), decimal.Decimal("1.10"), {"x", "y"},
])
def test_values_cross_unchanged(value):
    assert transfer.decode(transfer.encode(value)) == value


def test_unrepresentable_values_become_their_repr():
    decoded = transfer.decode(transfer.encode(object()))
    assert isinstance(decoded, transfer.Unrepresentable) and "object" in decoded.text


def write(tmp_path, source: str):
    path = tmp_path / "learner.py"
    path.write_text(source)
    return path


def test_callbacks_run_in_the_grader_and_their_failures_reach_the_learner(tmp_path, fresh_aws):
    path = write(tmp_path, "def run(items, handler):\n"
                           "    out = []\n"
                           "    for i in items:\n"
                           "        try:\n            out.append(handler(i))\n"
                           "        except Exception as e:\n            out.append('failed: ' + str(e))\n"
                           "    return out\n")
    seen = []

    def handler(item):
        seen.append(item)
        if item == 2:
            raise ValueError("poison")
        return item * 10

    with LearnerProcess(path, fresh_aws.learner_environment(str(tmp_path))) as learner:
        assert learner.call("run", [1, 2, 3], handler) == [10, "failed: poison", 30]
    assert seen == [1, 2, 3]


def test_sleep_advances_the_callers_clock_not_real_time(tmp_path, fresh_aws):
    path = write(tmp_path, "import time\n\ndef wait():\n    time.sleep(86400)\n    return 'rested'\n")
    slept = []
    with LearnerProcess(path, fresh_aws.learner_environment(str(tmp_path)), on_sleep=slept.append) as learner:
        assert learner.call("wait", timeout=5) == "rested"
    assert slept == [86400.0]


def test_wrong_signature_is_named(tmp_path, fresh_aws):
    path = write(tmp_path, "def f(a):\n    return a\n")
    with LearnerProcess(path, fresh_aws.learner_environment(str(tmp_path))) as learner:
        with pytest.raises(LearnerRaised, match=r"f\(a\) cannot be called with 2 argument"):
            learner.call("f", 1, 2)


def test_memory_hog_fails_with_memory_error_not_the_machine(tmp_path, fresh_aws):
    path = write(tmp_path, "def hog():\n    blocks = []\n    while True:\n        blocks.append(bytearray(10**8))\n")
    with LearnerProcess(path, fresh_aws.learner_environment(str(tmp_path)), memory_mb=600) as learner:
        with pytest.raises(Exception) as raised:
            learner.call("hog", timeout=20)
    assert "MemoryError" in str(raised.value) or "ended" in str(raised.value)


def test_printed_output_is_kept_up_to_a_limit(tmp_path, fresh_aws):
    path = write(tmp_path, "def shout():\n    print('x' * 1_000_000)\n    return 1\n")
    with LearnerProcess(path, fresh_aws.learner_environment(str(tmp_path))) as learner:
        assert learner.call("shout") == 1
        assert "more characters of output not kept" in learner.take_call_output()


def test_a_client_signing_as_a_role_reaches_the_learner_with_its_keys(tmp_path, fresh_aws):
    """`ctx.learner_client_as(...)`: the learner's function gets a client that signs as a role session
    of the backend, so a check can run learner code as the role it configured."""
    iam = fresh_aws.client("iam")
    trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},' \
            '"Action":"sts:AssumeRole"}]}'
    arn = iam.create_role(RoleName="app", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    creds = fresh_aws.client("sts").assume_role(RoleArn=arn, RoleSessionName="check")["Credentials"]
    spec = transfer.ClientSpec("sts", credentials={"aws_access_key_id": creds["AccessKeyId"],
                                                    "aws_secret_access_key": creds["SecretAccessKey"],
                                                    "aws_session_token": creds["SessionToken"]})
    assert transfer.decode(transfer.encode(spec), make_client=lambda s: s) == spec
    path = write(tmp_path, "def who(sts):\n    return sts.get_caller_identity()['Arn']\n")
    with LearnerProcess(path, fresh_aws.learner_environment(str(tmp_path))) as learner:
        assert learner.call("who", spec) == "arn:aws:sts::123456789012:assumed-role/app/check"
        assert ":assumed-role/" not in learner.call("who", transfer.ClientSpec("sts"))


def test_the_learner_warms_the_services_its_lab_uses(tmp_path, fresh_aws):
    """The grader passes the lab's services (lab.toml) to the learner's process, which loads each
    service's model while the grader sets up; kms is not among the defaults."""
    from awslab.grading import learner_child

    assert "kms" not in learner_child.PRELOADED_SERVICES
    path = write(tmp_path, "import select\n\ndef warmed(service):\n    import boto3\n"
                           "    loader = boto3.DEFAULT_SESSION._session.get_component('data_loader')\n"
                           "    select.select([], [], [], 3)  # real time: the warm-up thread finishes\n"
                           "    return any(key[:2] == ('load_service_model', service) for key in list(loader._cache))\n")
    env = {**fresh_aws.learner_environment(str(tmp_path)), "AWSLAB_PRELOAD_SERVICES": "kms,sts"}
    with LearnerProcess(path, env) as learner:
        assert learner.call("warmed", "kms") is True
        assert learner.call("warmed", "dynamodb") is False  # the defaults are replaced, not added to


def test_an_early_learner_process_warms_the_models_of_its_labs_services(tmp_path):
    """`awslab check` and watch know the lab when they start the learner early: its own services are
    warmed (kms for kms_envelope), not a fixed list."""
    from awslab.grading.learner_process import LearnerProcess

    path = tmp_path / "lab.py"
    path.write_text("def f():\n    return 1\n")
    learner = LearnerProcess.spawn_early(path, services=["kms", "sts"])
    try:
        assert learner.env["AWSLAB_PRELOAD_SERVICES"] == "kms,sts"
        assert learner.load().call("f") == 1
    finally:
        learner.close()
    assert "AWSLAB_PRELOAD_SERVICES" not in LearnerProcess(path, {}).env


def test_learner_clock_is_the_scenarios_virtual_time(tmp_path, fresh_aws):
    """The learner's datetime.now() agrees with what the emulator stamps (the scenario's date, not
    today's), and follows the learner's own virtual sleep: comparing an object's LastModified with
    datetime.now() gives what it would on AWS."""
    path = write(tmp_path, "import datetime as dt, time\n\n"
                           "def now():\n    return dt.datetime.now(dt.timezone.utc)\n\n"
                           "def later():\n    time.sleep(7200)\n    return dt.datetime.now(dt.timezone.utc)\n")
    clock = fresh_aws.clock
    with LearnerProcess(path, fresh_aws.learner_environment(str(tmp_path)),
                        on_sleep=lambda s: clock.advance(seconds=s)) as learner:
        learner.clock = clock.now
        start = clock.now()
        seen = learner.call("now")
        assert dt.timedelta(0) <= seen - start < dt.timedelta(minutes=5)
        after = learner.call("later")
        assert clock.now() - start >= dt.timedelta(hours=2)
        assert dt.timedelta(hours=2) <= after - start < dt.timedelta(hours=2, minutes=5)


def test_the_learner_process_has_time_machine_before_its_first_command_and_pytest_only_if_asked(tmp_path):
    """time-machine is imported while the process waits for the grader (not on the load command,
    which the grader waits for), without the pytest it would pull in; the learner can still import
    pytest."""
    path = write(tmp_path, "import sys\n"
                           "AT_IMPORT = ('time_machine' in sys.modules, 'pytest' in sys.modules)\n\n"
                           "def seen():\n    return AT_IMPORT\n\n"
                           "def pytest_importable():\n    import pytest\n    return pytest.__name__\n")
    learner = LearnerProcess(path, {}).spawn()
    learner.clock = lambda: dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)  # the load command travels
    try:
        assert tuple(learner.load().call("seen")) == (True, False)
        assert learner.call("pytest_importable") == "pytest"
    finally:
        learner.close()

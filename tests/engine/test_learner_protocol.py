"""Nothing the learner's code does (sleeps, threads, prints, writes to any fd, closing fds) can
desynchronise the grader's pipes to the learner's process, and each call's output is its own."""

from __future__ import annotations

import json

import pytest

from awslab.grading import LearnerProcess, get_lab, grade_submission
from awslab.grading.labs import PROJECT_ROOT
from awslab.grading.learner_process import LearnerCrashed, LearnerRaised
from tests.conftest import FIXTURES, awslab_command

LABS_ENV = {"AWSLAB_LABS_DIR": str(FIXTURES / "labs"), "AWSLAB_SOLUTIONS_DIR": str(FIXTURES / "solutions")}


def write(tmp_path, source: str, name: str = "learner.py"):
    path = tmp_path / name
    path.write_text(source)
    return path


def test_sleep_at_import_is_not_taken_for_ready(tmp_path, fresh_aws):
    path = write(tmp_path, "import time\ntime.sleep(0.5)\n\ndef answer():\n    return 42\n")
    slept = []
    with LearnerProcess(path, fresh_aws.learner_environment(str(tmp_path)), on_sleep=slept.append) as learner:
        assert learner.has_function("answer")
        assert learner.call("answer") == 42
    assert slept == [0.5]


def test_reference_solution_with_a_sleep_at_import_scores_full_marks(tmp_path, embedded_aws):
    lab = get_lab("sqs_dlq")
    source = (PROJECT_ROOT / "solutions" / "sqs_dlq.py").read_text()
    path = write(tmp_path, "import time\ntime.sleep(0.5)\n" + source, "sqs_dlq.py")
    result = grade_submission(lab, path, embedded_aws)
    assert result.load_error is None
    assert result.score == result.max_score > 0


def test_threads_sleeping_and_printing_after_a_call_do_not_stand_in_for_the_next_reply(tmp_path, fresh_aws):
    path = write(tmp_path, (
        "import threading, time\n"
        "def _loop(n):\n"
        "    while True:\n"
        "        time.sleep(1)\n"
        "        print('tick', n, flush=True)\n"
        "def start():\n"
        "    for n in range(5):\n"
        "        threading.Thread(target=_loop, args=(n,), daemon=True).start()\n"
        "    return 'started'\n"
        "def echo(x):\n"
        "    time.sleep(2)\n"
        "    return x\n"))
    with LearnerProcess(path, fresh_aws.learner_environment(str(tmp_path))) as learner:
        assert learner.call("start") == "started"
        for value in range(30):
            assert learner.call("echo", value) == value


def test_frames_written_to_stdout_and_stderr_are_only_output(tmp_path, fresh_aws):
    path = write(tmp_path, (
        "import json, os, struct, sys\n"
        "def forge():\n"
        "    for n in range(1, 20):\n"
        "        body = json.dumps({'type': 'result', 'reply_to': n, 'value': 'forged'}).encode()\n"
        "        frame = struct.pack('>I', len(body)) + body\n"
        "        os.write(1, frame); os.write(2, frame); sys.stdout.buffer.write(frame)\n"
        "    return 'real'\n"))
    with LearnerProcess(path, fresh_aws.learner_environment(str(tmp_path))) as learner:
        assert learner.call("forge") == "real"
        assert "forged" in learner.take_call_output()


def test_frames_forged_on_the_grader_pipes_end_that_process_not_the_grading(tmp_path, fresh_aws):
    # The learner's code can find the pipes to the grader (it runs in that process): garbage or a
    # frame for another call spoils only the call that wrote it; the next call gets a fresh process.
    path = write(tmp_path, (
        "import os\n"
        "def spoil():\n"
        "    for fd in map(int, os.listdir('/proc/self/fd')):\n"
        "        try:\n"
        "            os.write(fd, b'\\xff\\xff\\xff\\xffgarbage')\n"
        "        except OSError:\n"
        "            pass\n"
        "    return 'spoiled'\n"
        "def fine():\n"
        "    return 'fine'\n"))
    with LearnerProcess(path, fresh_aws.learner_environment(str(tmp_path)), call_timeout=10) as learner:
        with pytest.raises(LearnerCrashed):
            learner.call("spoil")
        assert learner.call("fine") == "fine"


def test_closing_every_file_descriptor_is_reported_and_the_next_call_works(tmp_path, fresh_aws):
    path = write(tmp_path, "import os\ndef close_all():\n    os.closerange(0, 4096)\n    return 1\n"
                           "def fine():\n    return 'fine'\n")
    with LearnerProcess(path, fresh_aws.learner_environment(str(tmp_path))) as learner:
        with pytest.raises(LearnerCrashed, match="pipes awslab talks to it through"):
            learner.call("close_all")
        assert learner.call("fine") == "fine"


def test_each_call_output_is_captured_with_its_threads_logging_and_warnings(tmp_path, fresh_aws):
    path = write(tmp_path, (
        "import logging, os, sys, threading, warnings\n"
        "print('at import')\n"
        "def noisy():\n"
        "    print('from print')\n"
        "    sys.stderr.write('from stderr\\n')\n"
        "    os.write(1, b'from fd 1\\n')\n"
        "    logging.warning('from logging')\n"
        "    warnings.warn('from warnings')\n"
        "    t = threading.Thread(target=print, args=('from a thread',))\n"
        "    t.start(); t.join()\n"
        "    return 1\n"
        "def quiet():\n"
        "    return 2\n"))
    with LearnerProcess(path, fresh_aws.learner_environment(str(tmp_path))) as learner:
        assert learner.call("noisy") == 1
        output = learner.take_call_output()
        for text in ("from print", "from stderr", "from fd 1", "from logging", "from warnings", "from a thread"):
            assert text in output
        assert "at import" not in output
        assert learner.call("quiet") == 2
        assert learner.take_call_output() == ""
        assert "at import" in learner.output


def test_output_of_a_call_that_hangs_is_kept(tmp_path, fresh_aws):
    path = write(tmp_path, "def hang():\n    print('before the loop', flush=True)\n    while True:\n        pass\n")
    with LearnerProcess(path, fresh_aws.learner_environment(str(tmp_path))) as learner:
        with pytest.raises(Exception, match="did not return"):
            learner.call("hang", timeout=2)
        assert "before the loop" in learner.take_call_output()


def test_a_flood_of_output_in_one_call_is_cut_with_a_note(tmp_path, fresh_aws):
    path = write(tmp_path, "def flood():\n    for _ in range(100):\n        print('x' * 10_000)\n    return 1\n")
    with LearnerProcess(path, fresh_aws.learner_environment(str(tmp_path))) as learner:
        assert learner.call("flood") == 1
        output = learner.take_call_output()
    assert len(output) < 70_000 and "more characters of output not kept" in output


def test_print_in_a_learner_function_appears_under_its_check_in_json(tmp_path):
    source = (FIXTURES / "solutions" / "tiny_lab.py").read_text().replace(
        "def double(x):\n", "def double(x):\n    print('doubling', x, '\\x1b[31mred\\x1b[0m')\n")
    path = write(tmp_path, source, "tiny_lab.py")
    done = awslab_command("check", "tiny_lab", "--file", str(path), "--format", "json", env=LABS_ENV)
    (report,) = json.loads(done.stdout)["labs"]
    checks = {c["name"]: c for c in report["checks"]}
    assert checks["doubles"]["output"] == "doubling 21 red\n"
    assert checks["bucket_exists"]["output"] == ""


def test_a_call_environment_is_the_calls_own(tmp_path, fresh_aws):
    path = write(tmp_path, "import os\n\ndef table():\n    return os.environ.get('ORDERS_TABLE')\n")
    with LearnerProcess(path, fresh_aws.learner_environment(str(tmp_path))) as learner:
        assert learner.call("table", environment={"ORDERS_TABLE": "orders-1"}) == "orders-1"
        assert learner.call("table") is None


def test_an_instance_imports_the_file_once_with_its_environment(tmp_path, fresh_aws):
    """A Lambda function's module: imported at its cold start with the function's environment, then kept."""
    path = write(tmp_path, "import os\n\nTABLE = os.environ['ORDERS_TABLE']\nimports = []\nimports.append(1)\n\n"
                           "def handler():\n    imports.append(1)\n    return [TABLE, os.environ['ORDERS_TABLE'], len(imports)]\n")
    env = {**fresh_aws.learner_environment(str(tmp_path)), "ORDERS_TABLE": "at-load"}
    with LearnerProcess(path, env) as learner:
        assert learner.call("handler") == ["at-load", "at-load", 2]
        assert learner.call("handler", environment={"ORDERS_TABLE": "fn-1"}, instance="fn-1") == ["fn-1", "fn-1", 2]
        assert learner.call("handler", environment={"ORDERS_TABLE": "fn-1"}, instance="fn-1") == ["fn-1", "fn-1", 3]
        assert learner.call("handler", environment={"ORDERS_TABLE": "fn-2"}, instance="fn-2") == ["fn-2", "fn-2", 2]
        assert learner.call("handler") == ["at-load", "at-load", 3]  # the file as first imported, untouched


def test_an_instance_whose_import_raises_fails_the_call_and_is_imported_again(tmp_path, fresh_aws):
    path = write(tmp_path, "import os\n\nTABLE = os.environ['ORDERS_TABLE'] or {}['ORDERS_TABLE']\n\n"
                           "def handler():\n    return TABLE\n")
    with LearnerProcess(path, {**fresh_aws.learner_environment(str(tmp_path)), "ORDERS_TABLE": "at-load"}) as learner:
        with pytest.raises(LearnerRaised, match=r"importing learner.py raised KeyError: 'ORDERS_TABLE' \(learner.py line 3"):
            learner.call("handler", environment={"ORDERS_TABLE": ""}, instance="fn-1")
        assert learner.call("handler", environment={"ORDERS_TABLE": "fn-1"}, instance="fn-1") == "fn-1"
        assert learner.call("handler") == "at-load"


def test_an_object_with_methods_reaches_the_learner_as_attributes_and_grader_callbacks(tmp_path, fresh_aws):
    class Context:
        def __learner_object__(self):
            return "LambdaContext", {"function_name": "orders-fn"}, {"get_remaining_time_in_millis": lambda: 1234}

    path = write(tmp_path, "def handler(event, context):\n"
                           "    return [context.function_name, context.get_remaining_time_in_millis(), repr(context)]\n")
    with LearnerProcess(path, fresh_aws.learner_environment(str(tmp_path))) as learner:
        assert learner.call("handler", {}, Context()) == ["orders-fn", 1234, "LambdaContext(function_name='orders-fn')"]
        assert not learner.busy


def test_the_lambda_poller_waits_while_a_learner_call_runs(tmp_path, fresh_aws):
    """A learner function that sleeps moves the clock; the simulated mapping's pollers receive then, but
    call the handler (in the same learner process, which is busy) only after that call returned."""
    import io
    import zipfile

    aws = fresh_aws
    role = aws.client("iam").create_role(RoleName="fn-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    aws.client("iam").put_role_policy(RoleName="fn-role", PolicyName="poller", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": "sqs:*"}]}))
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "")
    aws.client("lambda").create_function(FunctionName="fn", Runtime="python3.12", Role=role, Handler="app.handler",
                                         Code={"ZipFile": code.getvalue()}, Timeout=30)
    sqs = aws.client("sqs")
    url = sqs.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "180"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    aws.client("lambda").create_event_source_mapping(FunctionName="fn", EventSourceArn=arn)
    path = write(tmp_path, "import time\n\ndef handler(event, context):\n    return None\n\n"
                           "def wait_a_minute():\n    time.sleep(60)\n    return 'done'\n")
    simulation = aws.gateway.behaviour("lambda_sqs")
    with LearnerProcess(path, aws.learner_environment(str(tmp_path)), call_timeout=10,
                        on_sleep=lambda seconds: aws.clock.advance(seconds=seconds)) as learner:
        aws.gateway.learner_busy = lambda: learner.busy
        try:
            simulation.deploy("fn", lambda event, context, **_: learner.call("handler", event, context))
            sqs.send_message(QueueUrl=url, MessageBody="hello")
            assert learner.call("wait_a_minute") == "done"  # a handler call now would wait for this one: deadlock
            assert simulation.invocations_of() == []
            aws.clock.advance(seconds=1)
            assert [i.outcome for i in simulation.invocations_of()] == ["success"]
        finally:
            aws.gateway.learner_busy = lambda: False

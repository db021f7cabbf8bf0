"""The sqs_dlq lab: the reference solution earns full marks on moto and moto-server, the starter
none (with messages that say what is missing), and each typical wrong answer loses exactly the
check(s) its mistake deserves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from awslab.grading import get_lab, grade_submission
from awslab.local_aws import LocalAWS
from tests.conftest import awslab_command
from tests.labs.wrong import names as wrong_names, wrong_answer

ROOT = Path(__file__).resolve().parents[2]
LAB = get_lab("sqs_dlq", ROOT / "labs")

# wrong answer -> the checks it loses (every other check must pass)
LOSES = {
    "deletes_before_handling": {"failed_message_stays_for_redelivery", "poison_and_good_messages_over_rounds"},
    "stops_at_first_failure": {"one_failure_does_not_stop_the_others", "poison_and_good_messages_over_rounds"},
    "handler_error_escapes": {"failed_message_stays_for_redelivery", "one_failure_does_not_stop_the_others",
                              "poison_and_good_messages_over_rounds"},
    "max_receive_count_off_by_one": {"poison_moves_after_3_receives", "poison_and_good_messages_over_rounds"},
    "default_visibility_timeout": {"visibility_timeout_is_60_seconds"},
    "short_polling": {"consumer_long_polls"},
    "extends_by_the_queue_timeout": {"heartbeat_keeps_a_slow_message_hidden"},
    "redrive_deletes_before_sending": {"redrive_deletes_only_after_sending"},
    "redrive_drops_attributes": {"redrive_keeps_message_attributes"},
    "redrive_first_batch_only": {"redrive_moves_every_message"},
    "equivalent_single_calls": set(),
}

# what a learner must read in the message of a lost check (the mistake named, not just "failed")
SAYS = {
    "deletes_before_handling": {"failed_message_stays_for_redelivery": "was deleted"},
    "stops_at_first_failure": {"one_failure_does_not_stop_the_others": "were not handled in that round"},
    "handler_error_escapes": {"one_failure_does_not_stop_the_others": "must not escape consume()"},
    "max_receive_count_off_by_one": {"poison_moves_after_3_receives": "received 4 times"},
    "default_visibility_timeout": {"visibility_timeout_is_60_seconds": "is 30 s"},
    "short_polling": {"consumer_long_polls": "short polling"},
    "extends_by_the_queue_timeout": {"heartbeat_keeps_a_slow_message_hidden": "before +169 s"},
    "redrive_deletes_before_sending": {"redrive_deletes_only_after_sending": "deleted from the DLQ before"},
    "redrive_drops_attributes": {"redrive_keeps_message_attributes": "got {}"},
    "redrive_first_batch_only": {"redrive_moves_every_message": "3 of 13 messages did not arrive"},
}


@pytest.fixture(scope="module")
def aws():
    local = LocalAWS("moto").start()
    yield local
    local.stop()


def failed(result) -> set[str]:
    return {c.name for c in result.checks if c.status != "passed"}


def messages(result) -> str:
    return "\n".join(f"{c.name}: {c.message}" for c in result.checks if c.status != "passed")


def test_every_wrong_answer_has_a_file_and_an_expectation():
    assert wrong_names("sqs_dlq") == set(LOSES)


def test_reference_solution_earns_full_marks_on_embedded_moto(aws):
    result = grade_submission(LAB, LAB.solution, aws)
    assert result.score == result.max_score == LAB.max_score, messages(result)
    # minutes of SQS waiting (visibility timeouts, long polls) covered on virtual time
    assert result.virtual_seconds >= 5 * 60


def test_reference_solution_earns_full_marks_on_moto_server():
    with LocalAWS("moto-server") as server:
        result = grade_submission(LAB, LAB.solution, server)
    assert result.backend == "moto-server"
    assert result.score == result.max_score == LAB.max_score, messages(result)


def test_starter_scores_zero_through_the_cli_with_pointed_messages():
    done = awslab_command("check", "sqs_dlq", "--file", str(LAB.starter), "--format", "json")
    report = json.loads(done.stdout)
    assert done.returncode == 1, done.stderr
    assert report["score"] == 0 and report["max_score"] == LAB.max_score
    said = {c["name"]: c["message"] for c in report["checks"]}
    assert "create_queues() returned None" in said["creates_both_queues"]
    assert "handled 0 of the 10 waiting messages" in said["consume_handles_and_deletes_a_batch"]
    assert "did not call the handler" in said["one_failure_does_not_stop_the_others"]
    assert "visible again 61 s after the receive" in said["heartbeat_keeps_a_slow_message_hidden"]
    assert "none of the 13 messages" in said["redrive_moves_every_message"]
    assert "sent no message" in said["redrive_deletes_only_after_sending"]
    assert all(c["hint"] for c in report["checks"])


@pytest.mark.parametrize("wrong", sorted(LOSES))
def test_wrong_answer_loses_exactly_the_checks_it_deserves(aws, wrong):
    result = grade_submission(LAB, wrong_answer("sqs_dlq", wrong), aws)
    assert failed(result) == LOSES[wrong], messages(result)
    by_name = {c.name: c for c in result.checks}
    for name, text in SAYS.get(wrong, {}).items():
        assert text in by_name[name].message


def test_checks_that_need_virtual_time_say_so():
    needing = {c.name for c in LAB.checks if "virtual_time" in c.requires}
    assert needing == {"poison_moves_after_3_receives", "poison_and_good_messages_over_rounds",
                       "heartbeat_keeps_a_slow_message_hidden"}

"""The sns_fanout lab: the reference solution earns full marks, the starter none, and each typical
wrong answer loses exactly the check(s) its mistake deserves."""

from __future__ import annotations

from pathlib import Path

import pytest

from awslab.grading import get_lab, grade_submission
from awslab.local_aws import LocalAWS
from tests.labs.wrong import names as wrong_names, wrong_answer

ROOT = Path(__file__).resolve().parents[2]
LAB = get_lab("sns_fanout")

# wrong answer -> the checks it loses (every other check must pass)
LOSES = {
    "no_queue_policy": {"queue_policies_allow_the_topic"},
    "policy_open_to_everyone": {"queue_policies_refuse_others"},
    "policy_for_the_whole_account": {"queue_policies_refuse_others"},
    "string_amount": {"publish_order_types_amount_as_number"},
    "filter_on_wrong_key": {"inventory_gets_placed_and_cancelled"},
    "fraud_without_numeric_filter": {"fraud_gets_large_placed_orders"},
    "no_raw_delivery": {"raw_delivery_only_for_analytics"},
    "raw_everywhere": {"raw_delivery_only_for_analytics"},
    "envelope_not_unwrapped": {"read_events_unwraps_both_shapes"},
    "read_without_delete": {"read_events_drains_the_queue"},
    "equivalent_policy_and_body_filters": set(),
}


@pytest.fixture(scope="module")
def aws():
    local = LocalAWS("moto").start()
    yield local
    local.stop()


@pytest.fixture(scope="module")
def graded(aws):
    """Each wrong answer graded once per module (grading starts a learner process: seconds)."""
    results: dict = {}

    def grade(name: str):
        if name not in results:
            results[name] = grade_submission(LAB, wrong_answer("sns_fanout", name), aws)
        return results[name]

    return grade


def failed(result) -> set[str]:
    return {c.name for c in result.checks if c.status != "passed"}


def messages(result) -> str:
    return "\n".join(f"{c.name}: {c.message}" for c in result.checks if c.status != "passed")


def test_every_wrong_answer_has_a_file_and_an_expectation():
    assert wrong_names("sns_fanout") == set(LOSES)


def test_reference_solution_earns_full_marks(aws):
    result = grade_submission(LAB, LAB.solution, aws)
    assert result.score == result.max_score == LAB.max_score, messages(result)
    assert any("Fan-out" in title for title, _ in result.pictures)


def test_starter_scores_zero(aws):
    result = grade_submission(LAB, LAB.starter, aws)
    assert result.score == 0, [c.name for c in result.checks if c.status == "passed"]


@pytest.mark.parametrize("name", sorted(LOSES))
def test_wrong_answer_loses_exactly_its_checks(graded, name):
    result = graded(name)
    assert failed(result) == LOSES[name], messages(result)


def test_failed_policy_check_explains_with_the_iam_decision(graded):
    result = graded("policy_open_to_everyone")
    (check,) = [c for c in result.checks if c.name == "queue_policies_refuse_others"]
    assert "Decision: Allowed" in check.message and "statement #1" in check.message


def test_queues_without_policy_are_said_to_stay_empty(graded):
    result = graded("no_queue_policy")
    (check,) = [c for c in result.checks if c.name == "queue_policies_allow_the_topic"]
    assert "stayed empty" in check.message


@pytest.mark.slow
def test_reference_solution_earns_full_marks_on_moto_server():
    with LocalAWS("moto-server") as server:
        result = grade_submission(LAB, LAB.solution, server)
    assert result.score == result.max_score, messages(result)

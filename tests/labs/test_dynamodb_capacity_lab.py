"""The dynamodb_capacity lab: the reference solution earns full marks (moto and moto-server), the
starter none, and each typical wrong answer loses exactly the check(s) its mistake deserves."""

from __future__ import annotations

from pathlib import Path

import pytest

from awslab.grading import get_lab, grade_submission
from awslab.local_aws import LocalAWS
from tests.labs.wrong import names as wrong_names, wrong_answer

ROOT = Path(__file__).resolve().parents[2]
LAB = get_lab("dynamodb_capacity")
LOAD_CHECKS = {"every_item_loaded_once", "retries_back_off", "load_report_matches_gateway"}

# wrong answer -> the checks it loses (every other check must pass)
LOSES = {
    "floor_instead_of_ceiling": {"read_units_round_up_to_4kb", "write_units_round_up_to_1kb"},
    "reads_in_1kb_blocks": {"read_units_round_up_to_4kb"},
    "eventual_as_strong": {"read_units_by_consistency"},
    "forgets_unprocessed_items": {"every_item_loaded_once"},
    # Without a pause virtual time never moves, the table never refills: the load gives up.
    "retries_without_delay": LOAD_CHECKS,
    "constant_delay": {"retries_back_off"},
    "reads_always_strong": {"reads_report_their_cost"},
}


@pytest.fixture(scope="module")
def aws():
    local = LocalAWS("moto").start()
    yield local
    local.stop()


def failed(result) -> set[str]:
    return {c.name for c in result.checks if not c.passed}


def test_reference_solution_earns_full_marks(aws):
    result = grade_submission(LAB, LAB.solution, aws)
    assert failed(result) == set(), [(c.name, c.message) for c in result.checks if not c.passed]
    assert result.score == LAB.max_score
    assert result.virtual_seconds > 60  # the throttled load spans minutes of virtual time
    assert any("Write capacity" in title for title, _ in result.pictures)


def test_starter_scores_zero(aws):
    result = grade_submission(LAB, LAB.starter, aws)
    assert result.score == 0, [(c.name, c.message) for c in result.checks if c.passed]


@pytest.mark.parametrize("name", sorted(LOSES))
def test_wrong_answer_loses_exactly_its_checks(aws, name):
    result = grade_submission(LAB, wrong_answer("dynamodb_capacity", name), aws)
    assert failed(result) == LOSES[name], [(c.name, c.message) for c in result.checks if not c.passed]


def test_every_wrong_answer_file_is_listed():
    assert wrong_names("dynamodb_capacity") == set(LOSES)


def test_reference_solution_earns_full_marks_on_moto_server():
    with LocalAWS("moto-server") as local:
        result = grade_submission(LAB, LAB.solution, local)
    assert failed(result) == set(), [(c.name, c.message) for c in result.checks if not c.passed]

"""The iam_policy lab: the reference solution earns full marks on moto and moto-server, the starter
none, and each typical wrong answer loses exactly the check(s) its mistake deserves."""

from __future__ import annotations

from pathlib import Path

import pytest

from awslab.grading import get_lab, grade_submission
from awslab.local_aws import LocalAWS
from tests.labs.wrong import names as wrong_names, wrong_answer

ROOT = Path(__file__).resolve().parents[2]
LAB = get_lab("iam_policy", ROOT / "labs")
DEVELOPER = {"developer_allows_own_home", "developer_lists_only_own_prefix", "developer_least_privilege",
             "developer_end_to_end"}
EVALUATE = {"evaluate_visible", "evaluate_hidden"}

# wrong answer -> the checks it loses (every other check must pass)
LOSES = {
    "developer_s3_star": {"developer_lists_only_own_prefix", "developer_least_privilege", "developer_end_to_end"},
    "developer_no_prefix_condition": {"developer_lists_only_own_prefix", "developer_end_to_end"},
    "developer_no_version": DEVELOPER,
    "developer_malformed": DEVELOPER,
    "secure_misses_encryption": {"secure_requires_encryption"},
    "secure_aes256_only": {"secure_requires_encryption"},
    "boundary_forgets_region": {"boundary_caps_region"},
    "boundary_every_service": {"boundary_caps_services"},
    "partner_principal_star": {"partner_least_privilege"},
    "partner_whole_account": {"partner_least_privilege"},
    "evaluate_allow_beats_deny": EVALUATE,
    "evaluate_boundary_before_resource": EVALUATE,
    "evaluate_case_sensitive_actions": EVALUATE,
    "equivalent_policies": set(),
}

# what the learner reads in a lost check's message
SAYS = {
    "developer_s3_star": {"developer_least_privilege": "should deny alice"},
    "developer_no_prefix_condition": {"developer_lists_only_own_prefix": "should deny alice listing bob's home",
                                      "developer_end_to_end": "alice listing home/bob/ should be denied"},
    "developer_malformed": {"developer_allows_own_home": "awslab.iam cannot use"},
    "secure_aes256_only": {"secure_requires_encryption": "SSE-KMS"},
    "boundary_forgets_region": {"boundary_caps_region": "eu-west-1"},
    "partner_principal_star": {"partner_least_privilege": "should deny"},
    "evaluate_allow_beats_deny": {"evaluate_visible": "expected 'ExplicitDeny', got 'Allow'"},
}


@pytest.fixture(scope="module")
def aws():
    local = LocalAWS("moto").start()
    yield local
    local.stop()


def failed(result) -> set[str]:
    return {c.name for c in result.checks if c.status != "passed"}


def test_reference_solution_full_marks_on_moto(aws):
    result = grade_submission(LAB, LAB.solution, aws)
    assert failed(result) == set(), [(c.name, c.message) for c in result.checks if c.status != "passed"]
    assert result.score == result.max_score == LAB.max_score


def test_reference_solution_full_marks_on_moto_server():
    with LocalAWS("moto-server") as local:
        result = grade_submission(LAB, LAB.solution, local)
    assert failed(result) == set(), [(c.name, c.message) for c in result.checks if c.status != "passed"]


def test_starter_scores_zero(aws):
    result = grade_submission(LAB, LAB.starter, aws)
    assert result.score == 0
    assert all(c.message for c in result.checks)


def test_enforcement_is_off_after_grading(aws):
    grade_submission(LAB, LAB.solution, aws)
    assert not aws.settings.get("iam_enforcement")


@pytest.mark.parametrize("name", sorted(LOSES))
def test_wrong_answer_loses_exactly_its_checks(aws, name):
    result = grade_submission(LAB, wrong_answer("iam_policy", name), aws)
    assert failed(result) == LOSES[name], {c.name: c.message for c in result.checks if c.status != "passed"}
    messages = {c.name: c.message for c in result.checks}
    for check_name, text in SAYS.get(name, {}).items():
        assert text in messages[check_name], messages[check_name]


def test_every_wrong_answer_file_is_listed():
    assert wrong_names("iam_policy") == set(LOSES)


def test_hidden_cases_are_deterministic_and_mixed():
    import collections

    import importlib.util

    spec = importlib.util.spec_from_file_location("iam_policy_checks_for_test", LAB.folder / "checks.py")
    checks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(checks)
    assert checks.hidden_cases() == checks.hidden_cases()
    outcomes = collections.Counter(checks.expected_answer(r, p)[0] for r, p in checks.hidden_cases())
    assert min(outcomes.values()) >= 20, outcomes

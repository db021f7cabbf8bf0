"""The s3_versioning lab: the reference solution earns full marks on moto and moto-server, the
starter none (with messages that point to the task), and each typical wrong answer loses exactly
the check(s) its mistake deserves. Scenarios span more than a year of virtual time."""

from __future__ import annotations

from pathlib import Path

import pytest

from awslab.grading import get_lab, grade_submission
from awslab.local_aws import LocalAWS
from tests.labs.wrong import names as wrong_names, wrong_answer

ROOT = Path(__file__).resolve().parents[2]
LAB = get_lab("s3_versioning")

# wrong answer -> the checks it loses (every other check must pass)
LOSES = {
    "expiration_instead_of_noncurrent": {"noncurrent_expire"},
    "no_logs_filter": {"only_logs_move"},
    "undelete_wrong_version": {"undelete_restores", "undelete_stacked"},
    "undelete_one_marker": {"undelete_stacked"},
    "history_prefix_leak": {"history_exact"},
    "history_no_pagination": {"history_paginated"},
}


@pytest.fixture(scope="module")
def aws():
    local = LocalAWS("moto").start()
    yield local
    local.stop()


@pytest.fixture(scope="module")
def graded(aws):
    """Each file graded once per module (grading starts a learner process)."""
    results: dict = {}

    def grade(path: Path):
        if path not in results:
            results[path] = grade_submission(LAB, path, aws)
        return results[path]

    return grade


def failed(result) -> set[str]:
    return {c.name for c in result.checks if c.status != "passed"}


def messages(result) -> str:
    return "\n".join(f"{c.name}: {c.message}" for c in result.checks if c.status != "passed")


def test_reference_solution_earns_full_marks_on_embedded_moto(graded):
    result = graded(LAB.solution)
    assert result.score == result.max_score == LAB.max_score, messages(result)


def test_grading_covers_more_than_a_year_of_virtual_time(graded):
    result = graded(LAB.solution)
    assert result.virtual_seconds > 365 * 86400


def test_solution_report_shows_the_lifecycle_timeline(graded):
    result = graded(LAB.solution)
    titles = [title for title, _ in result.pictures]
    assert "What lifecycle did to the graded bucket" in titles


def test_reference_solution_earns_full_marks_on_moto_server():
    with LocalAWS("moto-server") as server:
        result = grade_submission(LAB, LAB.solution, server)
    assert result.score == result.max_score == LAB.max_score, messages(result)


def test_starter_scores_zero(graded):
    result = graded(LAB.starter)
    assert result.score == 0
    assert failed(result) == {c.name for c in LAB.checks}


@pytest.mark.parametrize("check, words", [
    ("versioning_enabled", "expected 'Enabled'"),
    ("undelete_restores", "undelete() did nothing"),
    ("history_exact", "returned an empty list"),
    ("transition_to_ia", "apply_lifecycle() put no lifecycle configuration"),
    ("multipart_aborted", "put_bucket_lifecycle_configuration was never called"),
])
def test_starter_messages_point_to_the_task(graded, check, words):
    result = graded(LAB.starter)
    message = next(c.message for c in result.checks if c.name == check)
    assert words in message


@pytest.mark.parametrize("name", sorted(LOSES))
def test_wrong_answer_loses_exactly_its_checks(graded, name):
    result = graded(wrong_answer("s3_versioning", name))
    assert failed(result) == LOSES[name], messages(result)


def test_every_wrong_answer_file_is_listed():
    assert wrong_names("s3_versioning") == set(LOSES)


def test_expiration_instead_of_noncurrent_is_told_what_expiration_does(graded):
    result = graded(wrong_answer("s3_versioning", "expiration_instead_of_noncurrent"))
    message = next(c.message for c in result.checks if c.name == "noncurrent_expire")
    assert "NoncurrentVersionExpiration" in message and "delete marker on day 31" in message
    glacier = next(c for c in result.checks if c.name == "transition_to_glacier")
    assert any("without that rule" in detail for detail in glacier.details)


def test_transition_checks_are_not_applicable_without_in_place_storage_class(aws, monkeypatch):
    monkeypatch.setattr(aws.backend, "features", aws.backend.features - {"s3_storage_class_in_place"})
    result = grade_submission(LAB, LAB.solution, aws)
    not_applicable = {c.name for c in result.checks if c.status == "not_applicable"}
    assert not_applicable == {"transition_to_ia", "transition_to_glacier", "only_logs_move"}
    assert result.score == result.max_score

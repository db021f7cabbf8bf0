"""Every lab keeps the same contract (awslab.grading.contract): its content holds together, its
reference solution earns full marks on moto and moto-server, its starter loses every check, and each
wrong answer in wrong/answers.toml loses exactly its checks with the words its table quotes.
LocalStack: tests/backends/test_labs_on_localstack.py (marker `localstack`)."""

from __future__ import annotations

import pytest

from awslab.grading import all_labs, grade_submission
from awslab.grading.contract import (
    SOLUTION,
    answers,
    compose,
    content_problems,
    score_problems,
    service_problems,
)
from awslab.local_aws import LocalAWS

LABS = all_labs()
ANSWERS = [(lab, answer) for lab in LABS for answer in answers(lab)]


@pytest.fixture(scope="module")
def aws():
    local = LocalAWS("moto").start()
    yield local
    local.stop()


@pytest.fixture(scope="module")
def moto_server():
    local = LocalAWS("moto-server").start()
    yield local
    local.stop()


def test_there_are_labs_and_each_has_wrong_answers():
    assert len(LABS) >= 5
    for lab in LABS:
        assert any(answer.wrong for answer in answers(lab)), f"{lab.id} has no wrong answers"


@pytest.mark.parametrize("lab", LABS, ids=[lab.id for lab in LABS])
def test_lab_content_keeps_the_contract(lab):
    assert content_problems(lab, LABS) == []


@pytest.mark.parametrize("lab, answer", ANSWERS, ids=[f"{lab.id}-{answer.name}" for lab, answer in ANSWERS])
def test_answer_scores_as_the_lab_says(aws, tmp_path, lab, answer):
    result = grade_submission(lab, compose(lab, answer, tmp_path), aws)
    assert score_problems(lab, answer, result) == []
    if answer.name == SOLUTION:
        assert result.score == result.max_score == lab.max_score
        assert service_problems(lab, aws) == []


@pytest.mark.parametrize("lab", LABS, ids=[lab.id for lab in LABS])
def test_reference_solution_full_marks_on_moto_server(moto_server, lab):
    (solution,) = [answer for answer in answers(lab) if answer.name == SOLUTION]
    result = grade_submission(lab, lab.solution, moto_server)
    assert result.backend == "moto-server"
    assert score_problems(lab, solution, result) == []

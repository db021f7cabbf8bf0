"""vpc_nacl judges what LocalStack's EC2 stores (its own copy of moto's EC2, with its own reset), so
wrong answers must lose there exactly what they lose on moto: the ACL entries, port ranges,
associations and group references read back the same (all 22 answers were graded once by hand;
these cover each layer, and the harmless one)."""

from __future__ import annotations

import pytest

from awslab.grading import all_labs, grade_submission
from awslab.grading.contract import answers, compose, score_problems

pytestmark = pytest.mark.localstack

LAB = next(lab for lab in all_labs() if lab.id == "vpc_nacl")
CHOSEN = ("forgot_nacl_replies", "deny_after_allow", "never_associated", "db_group_open_to_world", "sg_reply_rules")
ANSWERS = [answer for answer in answers(LAB) if answer.name in CHOSEN]
assert {a.name for a in ANSWERS} == set(CHOSEN), "a chosen answer of vpc_nacl was renamed or removed"


@pytest.mark.parametrize("answer", ANSWERS, ids=[a.name for a in ANSWERS])
def test_vpc_nacl_answer_scores_on_localstack_as_on_moto(localstack_aws, tmp_path, answer):
    result = grade_submission(LAB, compose(LAB, answer, tmp_path), localstack_aws)
    assert result.backend == "localstack"
    assert score_problems(LAB, answer, result) == []

"""Every lab's reference solution on LocalStack 4.14 (host mode) scores as on moto, except checks
reported not applicable (with the backend's reason); every starter scores zero there too.

A check that passes on moto and fails on LocalStack is a deviation: it is listed in KNOWN_DEVIATIONS
with its cause (and reported as an expected failure) until the lab or awslab is fixed."""

from __future__ import annotations

import pytest

from awslab.grading import all_labs, grade_submission

pytestmark = pytest.mark.localstack

LABS = [lab for lab in all_labs() if "localstack" in lab.backends]

# (lab, check) -> why the reference solution loses it on LocalStack. Keep precise; remove when fixed.
KNOWN_DEVIATIONS: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def moto_aws():
    from awslab.local_aws import LocalAWS

    aws = LocalAWS("moto").start()
    yield aws
    aws.stop()


@pytest.mark.parametrize("lab", LABS, ids=[lab.id for lab in LABS])
def test_solution_scores_as_on_moto(lab, localstack_aws, moto_aws):
    on_moto = grade_submission(lab, lab.solution, moto_aws)
    on_localstack = grade_submission(lab, lab.solution, localstack_aws)
    moto_status = {c.name: c.status for c in on_moto.checks}
    lost, not_applicable = {}, {}
    for check in on_localstack.checks:
        if check.status == "not_applicable":
            assert check.max_points == 0 and check.message.startswith("not applicable"), check
            not_applicable[check.name] = check.message
        elif check.status != "passed" and moto_status.get(check.name) == "passed":
            lost[check.name] = check.message
    for name in not_applicable:
        # Not applicable only for a reason this backend states (never a silent pass).
        assert "LocalStack" in not_applicable[name] or "localstack" in not_applicable[name], not_applicable[name]
    unexplained = {name: message for name, message in lost.items() if (lab.id, name) not in KNOWN_DEVIATIONS}
    assert not unexplained, f"{lab.id} loses points on LocalStack: {unexplained}"
    expected_score = on_moto.score - sum(c.points for c in on_moto.checks if c.name in not_applicable or c.name in lost)
    assert on_localstack.score == expected_score
    if lost:
        pytest.xfail("; ".join(f"{name}: {KNOWN_DEVIATIONS[(lab.id, name)]}" for name in lost))


@pytest.mark.parametrize("lab", LABS, ids=[lab.id for lab in LABS])
def test_starter_scores_zero(lab, localstack_aws):
    result = grade_submission(lab, lab.starter, localstack_aws)
    assert result.score == 0, {c.name: c.status for c in result.checks if c.status == "passed"}

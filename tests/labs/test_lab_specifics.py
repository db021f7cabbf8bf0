"""What a lab promises beyond the contract every lab keeps (tests/labs/test_lab_contract.py)."""

from __future__ import annotations

import collections
import importlib.util

import pytest

from awslab.grading import get_lab, grade_submission


def test_iam_enforcement_is_off_after_grading(embedded_aws):
    grade_submission(get_lab("iam_policy"), get_lab("iam_policy").solution, embedded_aws)
    assert not embedded_aws.settings.get("iam_enforcement")


def test_iam_hidden_cases_are_deterministic_and_mixed():
    lab = get_lab("iam_policy")
    spec = importlib.util.spec_from_file_location("iam_policy_checks_for_test", lab.folder / "checks.py")
    checks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(checks)
    assert checks.hidden_cases() == checks.hidden_cases()
    outcomes = collections.Counter(checks.expected_answer(r, p)[0] for r, p in checks.hidden_cases())
    assert min(outcomes.values()) >= 20, outcomes


def test_s3_transition_checks_are_not_applicable_without_in_place_storage_class(embedded_aws, monkeypatch):
    lab = get_lab("s3_versioning")
    monkeypatch.setattr(embedded_aws.backend, "features", embedded_aws.backend.features - {"s3_storage_class_in_place"})
    result = grade_submission(lab, lab.solution, embedded_aws)
    not_applicable = {c.name for c in result.checks if c.status == "not_applicable"}
    assert not_applicable == {"transition_to_ia", "transition_to_glacier", "only_logs_move"}
    assert result.score == result.max_score


def test_sqs_checks_that_need_virtual_time_say_so():
    needing = {c.name for c in get_lab("sqs_dlq").checks if "virtual_time" in c.requires}
    assert needing == {"poison_moves_after_3_receives", "poison_and_good_messages_over_rounds",
                       "heartbeat_keeps_a_slow_message_hidden"}


@pytest.mark.parametrize("lab_id", ["sqs_dlq"])
def test_starter_scores_zero_through_the_cli(lab_id):
    import json

    from tests.conftest import awslab_command

    lab = get_lab(lab_id)
    done = awslab_command("check", lab_id, "--file", str(lab.starter), "--format", "json")
    (report,) = json.loads(done.stdout)["labs"]
    assert done.returncode == 1, done.stderr
    assert report["score"] == 0 and report["max_score"] == lab.max_score
    assert all(c["hint_levels"] >= 1 for c in report["checks"])


def test_wrong_answers_and_solutions_are_private_to_the_instructor():
    lab = get_lab("sqs_dlq")
    assert lab.wrong_dir == lab.folder / "wrong"
    assert set(lab.private_dirs) == {lab.solution.parent, lab.folder / "wrong"}


def test_the_gradescope_autograder_leaves_out_the_wrong_answers(tmp_path):
    import zipfile

    from awslab.classroom.gradescope import build

    names = zipfile.ZipFile(build([get_lab("sqs_dlq")], tmp_path / "autograder.zip")).namelist()
    assert "labs/sqs_dlq/checks.py" in names
    assert not [name for name in names if "/wrong/" in name or "solutions" in name]

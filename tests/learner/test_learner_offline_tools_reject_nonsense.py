"""The offline tools refuse nonsense with one line on stderr and exit 2, never a traceback."""

from __future__ import annotations

import pytest

from learner_helpers import run_awslab


@pytest.mark.parametrize("args, says", [
    (["iam", "simulate", "--action", "s3:GetObject", "--resource", "notanarn"], "is not an ARN"),
    (["iam", "simulate", "--action", "s3:GetObject", "--resource", "arn:aws:s3:::b/k", "--principal", "bob"],
     "--principal 'bob' is not an ARN"),
    (["dynamodb", "capacity", "--size", "100", "--per-second", "-3"], "--per-second must be above 0"),
    (["dynamodb", "capacity", "--size", "100", "--per-second", "nan"], "--per-second must be above 0"),
    (["dynamodb", "capacity", "--size", "1000000000000"], "over DynamoDB's limit of 400 KB"),
])
def test_offline_tool_rejects_nonsense_with_one_line_and_exit_2(args, says):
    done = run_awslab(*args)
    assert done.returncode == 2 and says in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_lifecycle_explain_rejects_days_past_a_hundred_years_with_one_line(tmp_path):
    (tmp_path / "lc.json").write_text('{"Rules": []}')
    done = run_awslab("s3", "lifecycle", "explain", "--config", str(tmp_path / "lc.json"), "--days", "100000000")
    assert done.returncode == 2 and done.stderr.strip() == "error: --days must be at most 36500 (100 years), not 100000000"


def test_iam_simulate_accepts_arns_account_ids_services_and_anonymous():
    for principal in ("arn:aws:iam::123456789012:user/bob", "123456789012", "lambda.amazonaws.com", "anonymous"):
        done = run_awslab("iam", "simulate", "--action", "s3:GetObject", "--resource", "arn:aws:s3:::b/k",
                          "--principal", principal)
        assert done.returncode in (0, 1), (principal, done.stderr)

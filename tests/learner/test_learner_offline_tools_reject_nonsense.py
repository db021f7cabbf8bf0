"""The offline tools refuse nonsense with one line on stderr and exit 2, never a traceback."""

from __future__ import annotations

import json

import pytest
from learner_helpers import run_awslab


@pytest.mark.parametrize("args, says", [
    (["iam", "simulate", "--action", "s3:GetObject", "--resource", "notanarn"], "is not an ARN"),
    (["iam", "simulate", "--action", "s3:GetObjekt", "--resource", "arn:aws:s3:::b/k"],
     "--action s3:GetObjekt is not an action of s3; did you mean s3:GetObject?"),
    (["iam", "simulate", "--action", "s4:GetObject"], "'s4' is not a service prefix"),
    (["iam", "simulate", "--action", "getobject"], "--action 'getobject' is not one action as service:ActionName"),
    (["iam", "simulate", "--action", "s3:Get*"], "a request names one action, without wildcards"),
    (["dynamodb", "capacity", "--size", "-5"], "--size must not be negative"),
    (["dynamodb", "capacity", "--size", "abc"], "'abc' is not a valid int"),
    (["dynamodb", "capacity"], "give an item or --size"),
    (["dynamodb", "item-size", '{"a": {"Q": "1"}}'], "unknown attribute type 'Q'"),
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


@pytest.mark.parametrize("days, says", [("0", "--days must be at least 1, not 0"), ("-4", "--days must be at least 1, not -4"),
                                        ("many", "'many' is not a valid int")])
def test_lifecycle_explain_rejects_days_out_of_range_with_one_line(tmp_path, days, says):
    (tmp_path / "lc.json").write_text('{"Rules": []}')
    done = run_awslab("s3", "lifecycle", "explain", "--config", str(tmp_path / "lc.json"), "--days", days)
    assert done.returncode == 2 and says in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def _policy(action: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]})


@pytest.mark.parametrize("document, says", [
    (_policy("s3:GetObjekt"), "statement #1: s3:GetObjekt is not an action of s3; did you mean s3:GetObject?"),
    (_policy("s4:GetObject"), "'s4' is not a service prefix"),
    (_policy("s3:Frob*"), "s3:Frob* matches no action of s3"),
    (_policy("s3:GetObject,PutObject"), "contains a comma and matches nothing"),
    ("{nope", "not valid JSON"),
])
def test_iam_validate_rejects_a_nonsense_policy_with_one_line_and_exit_2(tmp_path, document, says):
    (tmp_path / "p.json").write_text(document)
    done = run_awslab("iam", "validate", str(tmp_path / "p.json"))
    assert done.returncode == 2 and says in done.stderr, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("error: ") and not done.stdout


def test_iam_validate_names_every_problem_on_a_line_of_its_own(tmp_path):
    (tmp_path / "p.json").write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"},
        {"Effect": "Allow", "Action": "sqs:SendMesage", "Resource": "*"}]}))
    done = run_awslab("iam", "validate", str(tmp_path / "p.json"))
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 2 and all(line.startswith("error: ") for line in lines)
    assert "statement #1" in lines[0] and "statement #2" in lines[1]


def test_iam_validate_passes_a_real_policy_with_exit_0(tmp_path):
    (tmp_path / "p.json").write_text(_policy("s3:GetObject"))
    done = run_awslab("iam", "validate", str(tmp_path / "p.json"))
    assert done.returncode == 0 and "no problems" in done.stdout and not done.stderr


def test_iam_simulate_accepts_arns_account_ids_services_and_anonymous():
    for principal in ("arn:aws:iam::123456789012:user/bob", "123456789012", "lambda.amazonaws.com", "anonymous"):
        done = run_awslab("iam", "simulate", "--action", "s3:GetObject", "--resource", "arn:aws:s3:::b/k",
                          "--principal", principal)
        assert done.returncode in (0, 1), (principal, done.stderr)

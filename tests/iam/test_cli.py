"""`awslab iam simulate` / `awslab iam validate`, run through typer's CliRunner on the iam app (awslab.commands.iam)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from awslab.commands.iam import app

from .conftest import ALICE, OBJECT, allow, deny, policy, stmt

runner = CliRunner()


@pytest.fixture
def files(tmp_path):
    def write(name: str, content) -> str:
        path = tmp_path / name
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return str(path)

    return write


def simulate(*args: str):
    return runner.invoke(app, ["simulate", *args])


def test_simulate_allowed_exits_zero_and_highlights_the_deciding_statement(files):
    path = files("p.json", policy(stmt(Sid="ReadIt")))
    result = simulate("--policy", path, "--action", "s3:GetObject", "--resource", OBJECT, "--principal", ALICE)
    assert result.exit_code == 0, result.output
    assert "Allowed" in result.output
    assert '>> statement #1 (Sid "ReadIt") [Allow] DECIDED' in result.output


def test_simulate_explicit_deny_exits_one_and_names_the_deny(files):
    path = files("p.json", {"Version": "2012-10-17", "Statement": [stmt(), stmt("Deny", Sid="NoGet")]})
    result = simulate("--policy", path, "--action", "s3:GetObject", "--resource", OBJECT)
    assert result.exit_code == 1
    assert "ExplicitlyDenied" in result.output and "NoGet" in result.output


def test_simulate_reads_context_and_explains_the_condition(files):
    path = files("p.json", allow(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    result = simulate("-p", path, "-a", "s3:GetObject", "-r", OBJECT, "--context", "aws:SourceIp=192.0.2.1")
    assert result.exit_code == 1
    assert "ImplicitlyDenied" in result.output and "aws:SourceIp" in result.output


def test_simulate_context_lists_are_multivalued(files):
    path = files("p.json", allow(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}))
    result = simulate("-p", path, "-a", "s3:GetObject", "-r", OBJECT, "-c", 'aws:TagKeys=["a","c"]')
    assert result.exit_code == 1


def test_simulate_with_resource_policy_boundary_and_scps(files):
    result = simulate(
        "--policy", files("p.json", allow()),
        "--resource-policy", files("r.json", policy(stmt(Principal="*"))),
        "--boundary", files("b.json", allow("s3:*")),
        "--scp", files("root.json", allow("*")),
        "--scp", files("ou.json", allow("ec2:*")),
        "-a", "s3:GetObject", "-r", OBJECT, "--principal", ALICE,
    )
    assert result.exit_code == 1
    assert "SCP level 2" in result.output


def test_simulate_json_output(files):
    result = simulate("-p", files("p.json", deny()), "-a", "s3:GetObject", "-r", OBJECT, "--json")
    data = json.loads(result.output)
    assert data["decision"] == "ExplicitlyDenied" and data["deciding"][0]["effect"] == "Deny"


@pytest.mark.parametrize(
    "content, message",
    [(None, "does not exist"), ("{nope", "not valid JSON"), (json.dumps({"Statement": [{"Effect": "Allow"}]}), "malformed policy")],
    ids=["missing file", "unparsable file", "malformed policy"],
)
def test_simulate_bad_input_is_one_clear_line(files, tmp_path, content, message):
    path = str(tmp_path / "absent.json") if content is None else files("p.json", content)
    result = simulate("--policy", path, "--action", "s3:GetObject")
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_simulate_bad_context_is_a_clear_error(files):
    result = simulate("-p", files("p.json", allow()), "-a", "s3:GetObject", "-c", "novalue")
    assert result.exit_code == 2 and "key=value" in result.output


def test_validate_good_policy_exits_zero(files):
    result = runner.invoke(app, ["validate", files("p.json", allow())])
    assert result.exit_code == 0 and "no problems" in result.output


def test_validate_lists_each_problem_on_an_error_line_and_exits_two(files):
    result = runner.invoke(app, ["validate", files("p.json", {"Version": "2013", "Statement": [{"Effect": "Alow"}]})])
    assert result.exit_code == 2
    assert "bad Version" in result.output and "Effect 'Alow'" in result.output
    assert all(line.startswith("error: ") for line in result.output.strip().splitlines())


def test_validate_checks_the_kind_given(files):
    result = runner.invoke(app, ["validate", "--kind", "identity", files("p.json", policy(stmt(Principal="*")))])
    assert result.exit_code == 2 and "Principal" in result.output


def test_validate_unparsable_file_is_a_problem(files):
    result = runner.invoke(app, ["validate", files("p.json", "{nope")])
    assert result.exit_code == 2 and "not valid JSON" in result.output


def test_validate_missing_file_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["validate", str(tmp_path / "absent.json")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_validate_unknown_kind_is_a_clear_error(files):
    result = runner.invoke(app, ["validate", "--kind", "group", files("p.json", allow())])
    assert result.exit_code == 2 and "unknown policy kind" in result.output


def test_validate_reports_an_unknown_action_with_the_closest_real_one(files):
    result = runner.invoke(app, ["validate", files("p.json", policy(stmt(Action="s3:GetObjekt")))])
    assert result.exit_code == 2
    assert "s3:GetObjekt is not an action of s3; did you mean s3:GetObject?" in result.output


def test_validate_reports_an_unknown_service_prefix(files):
    result = runner.invoke(app, ["validate", files("p.json", policy(stmt(Action="s4:GetObject")))])
    assert result.exit_code == 2 and "'s4' is not a service prefix" in result.output


def test_validate_reports_a_wildcard_that_matches_no_action(files):
    result = runner.invoke(app, ["validate", files("p.json", policy(stmt(Action="s3:Frob*")))])
    assert result.exit_code == 2 and "s3:Frob* matches no action of s3" in result.output


@pytest.mark.parametrize("action", ["s3:ListBucket", "s3:getobject", "s3:Get*", "dynamodb:PutItem", "sqs:ReceiveMessage",
                                    "sts:AssumeRole", "kms:Decrypt", "iam:PassRole", "sns:Publish", "*:Get*", "s3:*"])
def test_validate_accepts_the_real_actions_of_the_catalogue(files, action):
    result = runner.invoke(app, ["validate", files("p.json", policy(stmt(Action=action)))])
    assert result.exit_code == 0, result.output


def test_mounting_the_commands_does_not_load_the_iam_engine():
    import subprocess
    import sys

    code = ("import sys, awslab.cli as cli; cli._mount_subcommands(); "
            "print(sorted(m for m in sys.modules if m.startswith('awslab.models.iam')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"

"""Malformed policies: a clear PolicyError naming the statement and the problem, never a traceback."""

from __future__ import annotations

import pytest

from awslab.models.iam import PolicyError, Request, evaluate, parse_policy, validate

from .conftest import ALICE, OBJECT, allow, policy, stmt

BAD = [
    # (name, policy, kind, words expected in the problem)
    ("missing Effect", {"Version": "2012-10-17", "Statement": [{"Action": "s3:*", "Resource": "*"}]}, "identity",
     ["statement #1", "Effect is missing"]),
    ("bad Effect", policy(stmt("allow")), "identity", ["Effect 'allow'"]),
    ("unknown operator", allow(Condition={"StringEqualz": {"s3:x": "a"}}), "identity", ["unknown condition operator 'StringEqualz'"]),
    ("unknown set operator", allow(Condition={"ForSomeValues:StringEquals": {"s3:x": "a"}}), "identity", ["ForSomeValues"]),
    ("Null with IfExists", allow(Condition={"NullIfExists": {"s3:x": "true"}}), "identity", ["Null"]),
    ("bad Version", {"Version": "2012-10-18", "Statement": [stmt()]}, "identity", ["bad Version '2012-10-18'"]),
    ("Action and NotAction", policy(stmt(NotAction="s3:Put*")), "identity", ["both Action and NotAction"]),
    ("neither Action nor NotAction", policy(stmt(action=None)), "identity", ["neither Action nor NotAction"]),
    ("Resource and NotResource", policy(stmt(NotResource="*")), "identity", ["both Resource and NotResource"]),
    ("no Resource in identity policy", policy(stmt(resource=None)), "identity", ["neither Resource nor NotResource"]),
    ("Principal in identity policy", policy(stmt(Principal="*")), "identity", ["has a Principal", "identity policy"]),
    ("Principal in boundary", policy(stmt(Principal="*")), "boundary", ["boundary policy"]),
    ("Principal in SCP", policy(stmt(Principal="*")), "scp", ["scp policy"]),
    ("no Principal in resource policy", policy(stmt()), "resource", ["no Principal"]),
    ("Principal and NotPrincipal", policy(stmt(Principal="*", NotPrincipal="*")), "resource", ["both Principal and NotPrincipal"]),
    ("wildcard in AWS principal", policy(stmt(Principal={"AWS": "arn:aws:iam::111122223333:user/*"})), "resource", ["wildcard"]),
    ("unknown principal type", policy(stmt(Principal={"Users": "x"})), "resource", ["unknown principal type 'Users'"]),
    ("bad action", allow("GetObject"), "identity", ["action 'GetObject'"]),
    ("bad resource", allow(resource="bucket/key"), "identity", ["resource 'bucket/key'"]),
    ("numeric value not a number", allow(Condition={"NumericLessThan": {"s3:max-keys": "ten"}}), "identity", ["'ten' is not a number"]),
    ("date value not a date", allow(Condition={"DateLessThan": {"aws:CurrentTime": "soon"}}), "identity", ["not an ISO 8601 date"]),
    ("bool value not a boolean", allow(Condition={"Bool": {"aws:SecureTransport": "yes"}}), "identity", ["not true or false"]),
    ("ip value not an ip", allow(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}), "identity", ["not an IP address"]),
    ("binary value not base64", allow(Condition={"BinaryEquals": {"s3:k": "***"}}), "identity", ["not base64"]),
    ("condition value an object", allow(Condition={"StringEquals": {"s3:x": {"a": 1}}}), "identity", ["must be a string"]),
    ("condition not an object", allow(Condition=["StringEquals"]), "identity", ["Condition must be an object"]),
    ("unknown statement element", policy(stmt(Actions="s3:*")), "identity", ["unknown element 'Actions'"]),
    ("unknown top-level element", {"Version": "2012-10-17", "Statement": [stmt()], "Extra": 1}, "identity", ["unknown top-level element 'Extra'"]),
    ("missing Statement", {"Version": "2012-10-17"}, "identity", ["Statement is missing"]),
    ("statement not an object", {"Version": "2012-10-17", "Statement": ["x"]}, "identity", ["statement #1", "must be an object"]),
    ("duplicate Sid", policy(stmt(Sid="A"), stmt(Sid="A")), "identity", ["statement #2", "Sid"]),
    ("empty Action list", allow([]), "identity", ["Action is empty"]),
    ("policy not an object", ["Statement"], "identity", ["must be a JSON object"]),
    ("invalid JSON text", "{not json", "identity", ["not valid JSON"]),
]


@pytest.mark.parametrize("name, document, kind, words", BAD, ids=[b[0] for b in BAD])
def test_malformed_policy_raises_policy_error_naming_the_problem(name, document, kind, words):
    with pytest.raises(PolicyError) as caught:
        parse_policy(document, kind)
    for word in words:
        assert word in str(caught.value)


@pytest.mark.parametrize("name, document, kind, words", BAD, ids=[b[0] for b in BAD])
def test_validate_lists_the_problem(name, document, kind, words):
    problems = validate(document, kind)
    assert problems
    assert all(word in " ".join(problems) for word in words)


def test_problem_names_the_statement_by_sid():
    problems = validate(policy(stmt(Sid="ReadAll", NotAction="x:y")))
    assert problems == ['statement #1 (Sid "ReadAll"): has both Action and NotAction (use one)']


def test_validate_returns_every_problem():
    document = {"Version": "2013", "Statement": [{"Effect": "Alow", "Action": "s3:*"}]}
    assert len(validate(document)) == 3


def test_a_good_policy_has_no_problems():
    assert validate(allow(Condition={"StringEquals": {"s3:x": "${aws:username}"}})) == []


def test_validate_infers_a_resource_policy_from_its_principal():
    assert validate(policy(stmt(Principal={"AWS": "111122223333"}))) == []


def test_condition_value_with_variable_is_checked_at_evaluation_not_parse():
    assert validate(allow(Condition={"NumericLessThan": {"s3:max-keys": "${aws:PrincipalTag/limit}"}})) == []


def test_evaluate_labels_the_malformed_policy():
    with pytest.raises(PolicyError) as caught:
        evaluate(Request("s3:GetObject", OBJECT, ALICE), identity_policies=[allow(), {"Statement": [{}]}])
    assert str(caught.value).startswith("identity policy 2:")


def test_policy_error_is_a_value_error_with_problems():
    with pytest.raises(ValueError) as caught:
        parse_policy({"Statement": [{"Effect": "Allow"}]})
    assert caught.value.problems  # type: ignore[attr-defined]


def test_compiled_identity_policy_cannot_serve_as_resource_policy():
    compiled = parse_policy(allow())
    with pytest.raises(PolicyError):
        parse_policy(compiled, "resource")


def test_compiled_policies_can_be_passed_to_evaluate():
    compiled = parse_policy(allow())
    assert evaluate(Request("s3:GetObject", OBJECT, ALICE), identity_policies=[compiled]).allowed


def test_validate_checks_actions_against_the_catalogue_only_when_asked():
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}]}
    assert validate(document) == []
    assert validate(document, known_actions=True) == [
        "statement #1: s3:GetObjekt is not an action of s3; did you mean s3:GetObject?"]

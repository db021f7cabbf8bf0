"""The Decision explains itself: the deciding statement, and why every other statement did not apply."""

from __future__ import annotations

from awslab.models.iam import Request, evaluate

from .conftest import ALICE, OBJECT, SESSION, allow, policy, resource_allow, stmt


def test_explain_names_decision_reason_and_deciding_statement():
    document = policy(stmt(Sid="ReadAll"), stmt("Deny", "s3:Delete*", Sid="NoDelete"))
    text = evaluate(Request("s3:GetObject", OBJECT, ALICE), identity_policies=[document]).explain()
    assert text.startswith("Decision: Allowed")
    assert '>> statement #1 (Sid "ReadAll") [Allow] APPLIES' in text
    assert "statement #2 (Sid \"NoDelete\") [Deny] does not apply" in text
    assert "matches none of 's3:Delete*'" in text


def test_explain_says_why_a_condition_failed():
    document = allow(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
    text = evaluate(
        Request("s3:GetObject", OBJECT, ALICE, context={"aws:SourceIp": "192.0.2.1"}), identity_policies=[document]
    ).explain()
    assert "IpAddress {aws:SourceIp: '10.0.0.0/8'} is false: request value '192.0.2.1'" in text


def test_explain_says_a_missing_key_fails_a_condition():
    text = evaluate(
        Request("s3:GetObject", OBJECT, ALICE), identity_policies=[allow(Condition={"Bool": {"aws:SecureTransport": "true"}})]
    ).explain()
    assert "the key is missing from the request" in text


def test_explain_reports_type_mismatch():
    text = evaluate(
        Request("s3:GetObject", OBJECT, ALICE, context={"s3:max-keys": "ten"}),
        identity_policies=[allow(Condition={"NumericLessThan": {"s3:max-keys": "10"}})],
    ).explain()
    assert "type mismatch for Numeric" in text


def test_explain_shows_unresolved_policy_variables():
    text = evaluate(
        Request("s3:GetObject", "arn:aws:s3:::bucket/home/x", SESSION),
        identity_policies=[allow(resource="arn:aws:s3:::bucket/home/${aws:username}")],
    ).explain()
    assert "${aws:username} has no value" in text


def test_explain_says_how_the_resource_policy_named_the_caller():
    text = evaluate(
        Request("s3:GetObject", OBJECT, SESSION), resource_policy=resource_allow({"AWS": "arn:aws:iam::111122223333:role/App"})
    ).explain()
    assert "names the role of the caller's session" in text


def test_explain_cross_account_states_both_sides():
    decision = evaluate(
        Request("s3:GetObject", OBJECT, "arn:aws:iam::444455556666:user/bob", resource_account="111122223333"),
        identity_policies=[allow()],
    )
    assert "cross-account" in decision.reason
    assert "resource policy" in decision.missing


def test_decision_to_dict_is_plain_data():
    decision = evaluate(Request("s3:GetObject", OBJECT, ALICE), identity_policies=[allow()])
    data = decision.to_dict()
    assert data["decision"] == "Allowed"
    assert data["deciding"] == [
        {"policy": "identity policy 1", "policy_kind": "identity", "policy_id": None, "index": 0, "sid": None, "effect": "Allow"}
    ]


def test_policy_id_appears_in_the_explanation():
    document = {**allow(), "Id": "ReadOnly"}
    text = evaluate(Request("s3:GetObject", OBJECT, ALICE), identity_policies=[document]).explain()
    assert 'identity policy 1 "ReadOnly"' in text

"""Action, Resource, Principal matching and policy variables."""

from __future__ import annotations

import pytest

from awslab.models.iam import Request, evaluate

from .conftest import ACCOUNT, ALICE, OBJECT, OTHER, ROLE, SESSION, allow, policy, resource_allow, stmt


def allowed(action="s3:GetObject", resource=OBJECT, principal=ALICE, context=None, **policies) -> bool:
    request = Request(action, resource, principal, context=context or {})
    return evaluate(request, **policies).allowed


ACTIONS = [
    ("s3:GetObject", "s3:GetObject", True),
    ("s3:getobject", "s3:GetObject", True),  # case-insensitive
    ("S3:GETOBJECT", "s3:GetObject", True),
    ("s3:Get*", "s3:GetObject", True),
    ("s3:*Object", "s3:GetObject", True),
    ("s3:Get?bject", "s3:GetObject", True),
    ("s3:Get?", "s3:GetObject", False),
    ("s3:Put*", "s3:GetObject", False),
    ("*", "s3:GetObject", True),
    ("s3:*", "sqs:SendMessage", False),
    ("s3:GetObject", "s3:GetObjectAcl", False),  # no implicit prefix match
]


@pytest.mark.parametrize("pattern, action, matches", ACTIONS)
def test_action_matching(pattern, action, matches):
    assert allowed(action, identity_policies=[allow(pattern)]) is matches


def test_not_action_applies_to_every_other_action():
    document = policy(stmt("Allow", None, "*", NotAction="s3:Delete*"))
    assert allowed("s3:GetObject", identity_policies=[document])
    assert not allowed("s3:DeleteObject", identity_policies=[document])


RESOURCES = [
    ("arn:aws:s3:::bucket/key", "arn:aws:s3:::bucket/key", True),
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c", True),
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", False),
    ("arn:aws:s3:::bucket*", "arn:aws:s3:::bucket/key", True),
    ("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/key", False),  # case-sensitive
    ("arn:aws:s3:::bucket/ke?", "arn:aws:s3:::bucket/key", True),
    ("arn:aws:sqs:*:111122223333:q", "arn:aws:sqs:eu-west-1:111122223333:q", True),
    ("arn:aws:sqs:*:111122223333:q", "arn:aws:sqs:eu:west:111122223333:q", False),  # * stays within a segment
    ("arn:aws:logs:eu-west-1:111122223333:log-group:*", "arn:aws:logs:eu-west-1:111122223333:log-group:g:log-stream:s", True),
    ("*", "arn:aws:s3:::anything", True),
    ("arn:aws:s3:::*", "arn:aws:sqs:eu-west-1:111122223333:q", False),
]


@pytest.mark.parametrize("pattern, resource, matches", RESOURCES)
def test_resource_matching(pattern, resource, matches):
    request = Request("s3:GetObject", resource, ALICE, resource_account=ACCOUNT)
    assert evaluate(request, identity_policies=[allow("s3:GetObject", pattern)]).allowed is matches


def test_not_resource_applies_to_every_other_resource():
    document = policy(stmt("Allow", "s3:*", None, NotResource="arn:aws:s3:::secret/*"))
    assert allowed(resource="arn:aws:s3:::bucket/key", identity_policies=[document])
    assert not allowed(resource="arn:aws:s3:::secret/key", identity_policies=[document])


VARIABLES = [
    ("home ${aws:username}", "arn:aws:s3:::bucket/home/${aws:username}/*", "arn:aws:s3:::bucket/home/alice/x", {}, True),
    ("other user's home", "arn:aws:s3:::bucket/home/${aws:username}/*", "arn:aws:s3:::bucket/home/bob/x", {}, False),
    ("principal tag", "arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*", "arn:aws:s3:::bucket/red/x",
     {"aws:PrincipalTag/team": "red"}, True),
    ("missing key matches nothing", "arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*", "arn:aws:s3:::bucket//x", {}, False),
    ("default value", "arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'shared'}/*", "arn:aws:s3:::bucket/shared/x", {}, True),
    ("default ignored when key present", "arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'shared'}/*",
     "arn:aws:s3:::bucket/shared/x", {"aws:PrincipalTag/team": "red"}, False),
    ("${*} is a literal star", "arn:aws:s3:::bucket/${*}", "arn:aws:s3:::bucket/*", {}, True),
    ("${*} does not act as a wildcard", "arn:aws:s3:::bucket/${*}", "arn:aws:s3:::bucket/key", {}, False),
    ("${?} is a literal question mark", "arn:aws:s3:::bucket/a${?}", "arn:aws:s3:::bucket/a?", {}, True),
    ("${$} is a literal dollar", "arn:aws:s3:::bucket/${$}x", "arn:aws:s3:::bucket/$x", {}, True),
    ("a value's wildcards are literal", "arn:aws:s3:::bucket/${aws:PrincipalTag/team}", "arn:aws:s3:::bucket/abc",
     {"aws:PrincipalTag/team": "a*"}, False),
    ("a multivalued key does not resolve", "arn:aws:s3:::bucket/${aws:TagKeys}", "arn:aws:s3:::bucket/a",
     {"aws:TagKeys": ["a", "b"]}, False),
    ("variable keys are case-insensitive", "arn:aws:s3:::bucket/${AWS:UserName}/x", "arn:aws:s3:::bucket/alice/x", {}, True),
]


@pytest.mark.parametrize("name, pattern, resource, context, matches", VARIABLES, ids=[v[0] for v in VARIABLES])
def test_policy_variables_in_resources(name, pattern, resource, context, matches):
    assert allowed(resource=resource, context=context, identity_policies=[allow("s3:*", pattern)]) is matches


def test_policy_variables_in_condition_values():
    document = allow(Condition={"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}})
    assert allowed(context={"s3:prefix": "home/alice/docs"}, identity_policies=[document])
    assert not allowed(context={"s3:prefix": "home/bob/docs"}, identity_policies=[document])


def test_without_version_2012_variables_are_plain_text():
    old = policy(stmt("Allow", "s3:*", "arn:aws:s3:::bucket/${aws:username}/*"), version=None)
    assert not allowed(resource="arn:aws:s3:::bucket/alice/x", identity_policies=[old])
    assert allowed(resource="arn:aws:s3:::bucket/${aws:username}/x", identity_policies=[old])


def test_version_2008_variables_are_plain_text():
    old = policy(stmt("Allow", "s3:*", "arn:aws:s3:::bucket/${aws:username}/*"), version="2008-10-17")
    assert not allowed(resource="arn:aws:s3:::bucket/alice/x", identity_policies=[old])


PRINCIPALS = [
    ("Principal *", "*", ALICE, True),
    ("AWS *", {"AWS": "*"}, ALICE, True),
    ("account id", {"AWS": OTHER}, f"arn:aws:iam::{OTHER}:user/bob", True),
    ("account root ARN", {"AWS": f"arn:aws:iam::{OTHER}:root"}, f"arn:aws:iam::{OTHER}:user/bob", True),
    ("another account", {"AWS": ACCOUNT}, f"arn:aws:iam::{OTHER}:user/bob", False),
    ("user ARN", {"AWS": f"arn:aws:iam::{OTHER}:user/bob"}, f"arn:aws:iam::{OTHER}:user/bob", True),
    ("other user ARN", {"AWS": f"arn:aws:iam::{OTHER}:user/carol"}, f"arn:aws:iam::{OTHER}:user/bob", False),
    ("list of ARNs", {"AWS": [f"arn:aws:iam::{OTHER}:user/carol", f"arn:aws:iam::{OTHER}:user/bob"]},
     f"arn:aws:iam::{OTHER}:user/bob", True),
    ("role ARN names its sessions", {"AWS": f"arn:aws:iam::{OTHER}:role/path/App"},
     f"arn:aws:sts::{OTHER}:assumed-role/App/s1", True),
    ("session ARN", {"AWS": f"arn:aws:sts::{OTHER}:assumed-role/App/s1"}, f"arn:aws:sts::{OTHER}:assumed-role/App/s1", True),
    ("other session", {"AWS": f"arn:aws:sts::{OTHER}:assumed-role/App/s2"}, f"arn:aws:sts::{OTHER}:assumed-role/App/s1", False),
    ("service", {"Service": "sns.amazonaws.com"}, "sns.amazonaws.com", True),
    ("service list", {"Service": ["events.amazonaws.com", "sns.amazonaws.com"]}, "sns.amazonaws.com", True),
    ("AWS * is documented as equivalent to *, services included", {"AWS": "*"}, "sns.amazonaws.com", True),
    ("* includes services", "*", "sns.amazonaws.com", True),
    ("* includes anonymous", "*", "anonymous", True),
    ("federated", {"Federated": "cognito-identity.amazonaws.com"}, "cognito-identity.amazonaws.com", True),
]


@pytest.mark.parametrize("name, principal, caller, matches", PRINCIPALS, ids=[p[0] for p in PRINCIPALS])
def test_principal_matching_cross_account(name, principal, caller, matches):
    # Cross-account for IAM callers so the resource policy must name them; identity side allows.
    request = Request("s3:GetObject", OBJECT, caller, resource_account="999999999999")
    decision = evaluate(request, identity_policies=[allow()], resource_policy=resource_allow(principal))
    assert decision.allowed is matches, decision.explain()


NOT_PRINCIPALS = [
    # (name, NotPrincipal, caller, deny applies?)
    ("an unlisted user is denied", {"AWS": [f"arn:aws:iam::{ACCOUNT}:user/bob", f"arn:aws:iam::{ACCOUNT}:root"]}, ALICE, True),
    ("a listed user with the account is exempt", {"AWS": [ALICE, f"arn:aws:iam::{ACCOUNT}:root"]}, ALICE, False),
    ("a listed user without the account is still denied", {"AWS": ALICE}, ALICE, True),
    ("a session needs session, role and account listed",
     {"AWS": [SESSION, ROLE, f"arn:aws:iam::{ACCOUNT}:root"]}, SESSION, False),
    ("a session with only its ARN listed is denied", {"AWS": SESSION}, SESSION, True),
    ("listing a service exempts it", {"Service": "sns.amazonaws.com"}, "sns.amazonaws.com", False),
]


@pytest.mark.parametrize("name, not_principal, caller, denied", NOT_PRINCIPALS, ids=[n[0] for n in NOT_PRINCIPALS])
def test_not_principal_in_deny(name, not_principal, caller, denied):
    document = policy(
        stmt("Allow", "s3:GetObject", OBJECT, Principal="*"),
        stmt("Deny", "s3:GetObject", OBJECT, NotPrincipal=not_principal),
    )
    decision = evaluate(Request("s3:GetObject", OBJECT, caller), resource_policy=document)
    assert (decision.decision == "ExplicitlyDenied") is denied, decision.explain()


def test_derived_context_keys_come_from_the_principal():
    document = allow(Condition={
        "StringEquals": {"aws:PrincipalAccount": ACCOUNT, "aws:PrincipalArn": ROLE, "aws:PrincipalType": "AssumedRole"}
    })
    assert allowed(principal=SESSION, identity_policies=[document])


def test_given_context_overrides_derived_keys():
    document = allow(Condition={"StringEquals": {"aws:username": "carol"}})
    assert allowed(context={"aws:username": "carol"}, identity_policies=[document])


def test_service_principal_with_source_arn_condition():
    topic = "arn:aws:sns:eu-west-1:111122223333:orders"
    queue = "arn:aws:sqs:eu-west-1:111122223333:q"
    document = policy(stmt("Allow", "sqs:SendMessage", queue, Principal={"Service": "sns.amazonaws.com"},
                           Condition={"ArnEquals": {"aws:SourceArn": topic}}))
    ok = Request("sqs:SendMessage", queue, "sns.amazonaws.com", context={"aws:SourceArn": topic})
    other = Request("sqs:SendMessage", queue, "sns.amazonaws.com", context={"aws:SourceArn": topic + "-x"})
    assert evaluate(ok, resource_policy=document).allowed
    assert evaluate(other, resource_policy=document).decision == "ImplicitlyDenied"

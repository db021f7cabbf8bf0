"""One row per rule of AWS's policy evaluation logic: (rule, request principal, policies, decision)."""

from __future__ import annotations

import pytest

from awslab.models.iam import Request, evaluate

from .conftest import (
    ACCOUNT,
    ALICE,
    BOB_OTHER,
    OBJECT,
    OTHER,
    ROLE,
    SESSION,
    allow,
    deny,
    resource_allow,
    resource_deny,
)

A, E, I = "Allowed", "ExplicitlyDenied", "ImplicitlyDenied"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
OTHER_ROOT = f"arn:aws:iam::{OTHER}:root"
OTHER_OBJECT = "arn:aws:sqs:eu-west-1:444455556666:queue"

RULES = [
    # (rule, principal, resource, resource_account, policies, expected)
    ("no policy at all: implicit deny", ALICE, OBJECT, None, {}, I),
    ("an identity allow allows", ALICE, OBJECT, None, {"identity_policies": [allow()]}, A),
    ("an identity allow for another action does not", ALICE, OBJECT, None, {"identity_policies": [allow("s3:PutObject")]}, I),
    ("one of several identity policies allowing is enough", ALICE, OBJECT, None,
     {"identity_policies": [allow("s3:PutObject"), allow()]}, A),
    ("an identity deny beats an identity allow", ALICE, OBJECT, None, {"identity_policies": [allow(), deny()]}, E),
    ("a deny alone is an explicit deny", ALICE, OBJECT, None, {"identity_policies": [deny()]}, E),
    ("same account: resource policy naming the user allows without identity policy", ALICE, OBJECT, None,
     {"resource_policy": resource_allow({"AWS": ALICE})}, A),
    ("same account: resource policy with Principal * allows", ALICE, OBJECT, None,
     {"resource_policy": resource_allow("*")}, A),
    ("same account: identity allow suffices without resource policy statement", ALICE, OBJECT, None,
     {"identity_policies": [allow()], "resource_policy": resource_allow({"AWS": BOB_OTHER})}, A),
    ("same account: resource policy deny beats identity allow", ALICE, OBJECT, None,
     {"identity_policies": [allow()], "resource_policy": resource_deny("*")}, E),
    ("same account: identity deny beats resource allow", ALICE, OBJECT, None,
     {"identity_policies": [deny()], "resource_policy": resource_allow({"AWS": ALICE})}, E),
    ("same account: naming the account only delegates, identity policy still needed", ALICE, OBJECT, None,
     {"resource_policy": resource_allow({"AWS": ACCOUNT})}, I),
    ("same account: account principal plus identity allow", ALICE, OBJECT, None,
     {"identity_policies": [allow()], "resource_policy": resource_allow({"AWS": ROOT})}, A),
    ("boundary caps identity policies: allowed by both", ALICE, OBJECT, None,
     {"identity_policies": [allow()], "permission_boundary": allow("s3:*")}, A),
    ("boundary caps identity policies: boundary does not allow", ALICE, OBJECT, None,
     {"identity_policies": [allow()], "permission_boundary": allow("sqs:*")}, I),
    ("boundary alone grants nothing", ALICE, OBJECT, None, {"permission_boundary": allow("s3:*")}, I),
    ("boundary deny is an explicit deny", ALICE, OBJECT, None,
     {"identity_policies": [allow()], "permission_boundary": deny()}, E),
    ("boundary does not limit a resource policy naming the user", ALICE, OBJECT, None,
     {"resource_policy": resource_allow({"AWS": ALICE}), "permission_boundary": allow("sqs:*")}, A),
    ("boundary limits a resource policy naming the session's role", SESSION, OBJECT, None,
     {"resource_policy": resource_allow({"AWS": ROLE}), "permission_boundary": allow("sqs:*")}, I),
    ("resource policy naming the role allows the role's session", SESSION, OBJECT, None,
     {"resource_policy": resource_allow({"AWS": ROLE})}, A),
    ("resource policy naming the session itself is not limited by the boundary", SESSION, OBJECT, None,
     {"resource_policy": resource_allow({"AWS": SESSION}), "permission_boundary": allow("sqs:*")}, A),
    ("session policy caps identity policies: both allow", SESSION, OBJECT, None,
     {"identity_policies": [allow()], "session_policy": allow("s3:Get*")}, A),
    ("session policy caps identity policies: session policy does not allow", SESSION, OBJECT, None,
     {"identity_policies": [allow()], "session_policy": allow("s3:Put*")}, I),
    ("session policy alone grants nothing", SESSION, OBJECT, None, {"session_policy": allow()}, I),
    ("session policy deny is an explicit deny", SESSION, OBJECT, None,
     {"identity_policies": [allow()], "session_policy": deny()}, E),
    ("session policy limits a resource policy naming the role", SESSION, OBJECT, None,
     {"resource_policy": resource_allow({"AWS": ROLE}), "session_policy": allow("sqs:*")}, I),
    ("boundary, session policy and identity all allow", SESSION, OBJECT, None,
     {"identity_policies": [allow()], "permission_boundary": allow(), "session_policy": allow()}, A),
    ("SCP allows at every level", ALICE, OBJECT, None,
     {"identity_policies": [allow()], "scps": [[allow("*")], [allow("s3:*")]]}, A),
    ("SCP level without an allow denies implicitly", ALICE, OBJECT, None,
     {"identity_policies": [allow()], "scps": [[allow("*")], [allow("ec2:*")]]}, I),
    ("SCP allow grants nothing by itself", ALICE, OBJECT, None, {"scps": [[allow("*")]]}, I),
    ("SCP deny is an explicit deny", ALICE, OBJECT, None,
     {"identity_policies": [allow()], "scps": [[allow("*"), deny()]]}, E),
    ("one policy per SCP level is enough if any allows", ALICE, OBJECT, None,
     {"identity_policies": [allow()], "scps": [[allow("ec2:*"), allow("s3:*")]]}, A),
    ("a bare policy stands for a level of one", ALICE, OBJECT, None,
     {"identity_policies": [allow()], "scps": [allow("*"), allow("s3:GetObject")]}, A),
    ("empty SCP list means no Organizations", ALICE, OBJECT, None, {"identity_policies": [allow()], "scps": []}, A),
    ("SCP also caps a same-account resource policy", ALICE, OBJECT, None,
     {"resource_policy": resource_allow({"AWS": ALICE}), "scps": [[allow("ec2:*")]]}, I),
    ("SCPs do not apply to service principals", "sns.amazonaws.com", OBJECT, None,
     {"resource_policy": resource_allow({"Service": "sns.amazonaws.com"}), "scps": [[allow("ec2:*")]]}, A),
    ("RCP levels must all allow", ALICE, OBJECT, None,
     {"identity_policies": [allow()], "rcps": [[resource_allow("*", "*", "*")], [resource_allow("*", "ec2:*", "*")]]}, I),
    ("RCP allowing at every level lets identity decide", ALICE, OBJECT, None,
     {"identity_policies": [allow()], "rcps": [[resource_allow("*", "*", "*")]]}, A),
    ("RCP deny is an explicit deny", ALICE, OBJECT, None,
     {"identity_policies": [allow()], "rcps": [[resource_allow("*", "*", "*"), resource_deny("*", "s3:*", "*")]]}, E),
    ("RCPs apply to service principals too", "sns.amazonaws.com", OBJECT, None,
     {"resource_policy": resource_allow({"Service": "sns.amazonaws.com"}), "rcps": [[resource_deny("*", "s3:*", "*")]]}, E),
    ("cross-account: identity allow alone is not enough", BOB_OTHER, OBJECT, ACCOUNT,
     {"identity_policies": [allow()]}, I),
    ("cross-account: resource allow alone is not enough", BOB_OTHER, OBJECT, ACCOUNT,
     {"resource_policy": resource_allow({"AWS": BOB_OTHER})}, I),
    ("cross-account: both sides allow", BOB_OTHER, OBJECT, ACCOUNT,
     {"identity_policies": [allow()], "resource_policy": resource_allow({"AWS": BOB_OTHER})}, A),
    ("cross-account: naming the caller's account counts on the resource side", BOB_OTHER, OBJECT, ACCOUNT,
     {"identity_policies": [allow()], "resource_policy": resource_allow({"AWS": OTHER})}, A),
    ("cross-account: naming a different account does not", BOB_OTHER, OBJECT, ACCOUNT,
     {"identity_policies": [allow()], "resource_policy": resource_allow({"AWS": ACCOUNT})}, I),
    ("cross-account: the boundary caps the identity side", BOB_OTHER, OBJECT, ACCOUNT,
     {"identity_policies": [allow()], "resource_policy": resource_allow({"AWS": BOB_OTHER}),
      "permission_boundary": allow("sqs:*")}, I),
    ("cross-account: resource deny wins", BOB_OTHER, OBJECT, ACCOUNT,
     {"identity_policies": [allow()], "resource_policy": resource_deny({"AWS": OTHER})}, E),
    ("cross-account derived from the resource ARN's account", ALICE, OTHER_OBJECT, None,
     {"identity_policies": [allow("sqs:SendMessage")]}, I),
    ("S3 ARN has no account: defaults to the caller's account", BOB_OTHER, OBJECT, None,
     {"identity_policies": [allow()]}, A),
    ("service principal allowed by the resource policy", "sns.amazonaws.com", OBJECT, None,
     {"resource_policy": resource_allow({"Service": "sns.amazonaws.com"})}, A),
    ("another service is not", "events.amazonaws.com", OBJECT, None,
     {"resource_policy": resource_allow({"Service": "sns.amazonaws.com"})}, I),
    ("a service principal has no identity policies", "sns.amazonaws.com", OBJECT, None,
     {"identity_policies": [allow()]}, I),
    ("anonymous caller allowed by Principal *", "anonymous", OBJECT, None, {"resource_policy": resource_allow("*")}, A),
    ("anonymous caller not allowed by an AWS account principal", "anonymous", OBJECT, None,
     {"resource_policy": resource_allow({"AWS": ACCOUNT})}, I),
    ("root user of the account needs no identity policy", ROOT, OBJECT, ACCOUNT, {}, A),
    ("root user is still bound by SCPs", ROOT, OBJECT, ACCOUNT, {"scps": [[allow("ec2:*")]]}, I),
    ("root user is still denied explicitly", ROOT, OBJECT, ACCOUNT, {"resource_policy": resource_deny("*")}, E),
    ("another account's root needs the resource policy", OTHER_ROOT, OBJECT, ACCOUNT, {}, I),
    ("unnamed principal: identity policies apply", None, OBJECT, None, {"identity_policies": [allow()]}, A),
]


@pytest.mark.parametrize(
    "rule, principal, resource, resource_account, policies, expected", RULES, ids=[r[0] for r in RULES]
)
def test_evaluation_rule(rule, principal, resource, resource_account, policies, expected):
    action = "sqs:SendMessage" if resource == OTHER_OBJECT else "s3:GetObject"
    request = Request(action=action, resource=resource, principal=principal, resource_account=resource_account)
    decision = evaluate(request, **policies)
    assert decision.decision == expected, decision.explain()


def test_explicit_deny_names_the_deny_statement():
    policies = [allow(), {"Version": "2012-10-17", "Statement": [{"Sid": "NoGet", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}]
    decision = evaluate(Request("s3:GetObject", OBJECT, ALICE), identity_policies=policies)
    assert [(r.policy, r.sid, r.index) for r in decision.deciding] == [("identity policy 2", "NoGet", 0)]


def test_allow_names_the_granting_statement():
    decision = evaluate(Request("s3:GetObject", OBJECT, ALICE), identity_policies=[deny("s3:PutObject"), allow()])
    assert [(r.policy, r.effect) for r in decision.deciding] == [("identity policy 2", "Allow")]


def test_implicit_deny_names_what_is_missing():
    decision = evaluate(
        Request("s3:GetObject", OBJECT, ALICE), identity_policies=[allow()], permission_boundary=allow("sqs:*")
    )
    assert decision.missing == ("permissions boundary",)
    assert decision.deciding == ()


def test_scp_implicit_deny_names_the_level():
    decision = evaluate(
        Request("s3:GetObject", OBJECT, ALICE), identity_policies=[allow()], scps=[[allow("*")], [allow("ec2:*")]]
    )
    assert decision.missing == ("SCP level 2",)


def test_policies_may_be_json_text():
    import json

    decision = evaluate(Request("s3:GetObject", OBJECT, ALICE), identity_policies=[json.dumps(allow())])
    assert decision.allowed


def test_a_mutated_policy_dict_is_recompiled():
    document = allow()
    request = Request("s3:GetObject", OBJECT, ALICE)
    assert evaluate(request, identity_policies=[document]).allowed
    document["Statement"][0]["Effect"] = "Deny"
    assert evaluate(request, identity_policies=[document]).decision == "ExplicitlyDenied"

"""IAM's service rules, one table per family: (rule, request, policies, decision), each with its AWS page.

Where a service decides differently from the general evaluation logic (awslab/models/iam/services.py).
"""

from __future__ import annotations

import pytest

from awslab.models.iam import Request, evaluate, parse_policy, validate

from .conftest import (
    ACCOUNT,
    ALICE,
    OBJECT,
    OTHER,
    ROLE,
    SESSION,
    allow,
    deny,
    policy,
    resource_allow,
    resource_deny,
    stmt,
)

A, E, I = "Allowed", "ExplicitlyDenied", "ImplicitlyDenied"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
BOB = f"arn:aws:iam::{ACCOUNT}:user/bob"
OTHER_USER = f"arn:aws:iam::{OTHER}:user/carol"
TARGET_ROLE = f"arn:aws:iam::{ACCOUNT}:role/Deploy"
KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def decide(principal, action, resource, policies, resource_account=None):
    request = Request(action=action, resource=resource, principal=principal, resource_account=resource_account)
    return evaluate(request, **policies)


# -- actions with commas or whitespace ------------------------------------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html: each action is
# its own string ("Action": ["s3:GetObject", "s3:PutObject"]); AWS compares the text as written, so
# "s3:GetObject,PutObject" or "s3:GetObject " names no action and matches no request.
UNMATCHABLE = ["s3:GetObject,PutObject", "s3:GetObject,", "s3:Get*,Put*", "s3:GetObject ", " s3:GetObject",
               "s3:Get Object", "s3:", "s3:   "]


@pytest.mark.parametrize("action", UNMATCHABLE)
def test_action_with_comma_or_whitespace_in_an_allow_matches_nothing(action):
    decision = decide(ALICE, "s3:GetObject", OBJECT, {"identity_policies": [allow(action)]})
    assert decision.decision == I


@pytest.mark.parametrize("action", UNMATCHABLE)
def test_action_with_comma_or_whitespace_in_a_deny_matches_nothing(action):
    decision = decide(ALICE, "s3:GetObject", OBJECT, {"identity_policies": [allow("s3:*"), deny(action)]})
    assert decision.decision == A


@pytest.mark.parametrize("action", UNMATCHABLE)
def test_notaction_with_comma_or_whitespace_excludes_nothing(action):
    grant = policy(stmt("Allow", None, "*", NotAction=action))
    assert decide(ALICE, "s3:GetObject", OBJECT, {"identity_policies": [grant]}).decision == A


def test_unmatchable_action_beside_a_valid_one_leaves_the_valid_one_working():
    grant = allow(["s3:GetObject,PutObject", "s3:PutObject"])
    assert decide(ALICE, "s3:PutObject", OBJECT, {"identity_policies": [grant]}).decision == A
    assert decide(ALICE, "s3:GetObject", OBJECT, {"identity_policies": [grant]}).decision == I


@pytest.mark.parametrize("action", UNMATCHABLE)
def test_validate_reports_an_action_with_comma_or_whitespace(action):
    problems = validate(allow(action))
    assert len(problems) == 1 and "matches nothing" in problems[0] and repr(action) in problems[0]


def test_validate_suggests_separate_strings_for_a_comma_list():
    (problem,) = validate(allow("s3:GetObject,PutObject"))
    assert "'s3:GetObject', 'PutObject'" in problem


def test_policy_with_an_unmatchable_action_still_parses():
    parse_policy(allow("s3:GetObject,PutObject"))  # no PolicyError: evaluation goes on


# -- sts:GetCallerIdentity ----------------------------------------------------------------------
# https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html: "No permissions are
# required to perform this operation. If an administrator attaches a policy to your identity that
# explicitly denies access to the sts:GetCallerIdentity action, you can still perform this operation."
GET_CALLER_IDENTITY = [
    ("no policy at all", ALICE, {}),
    ("explicit deny in an identity policy", ALICE, {"identity_policies": [deny("sts:GetCallerIdentity")]}),
    ("deny of everything", SESSION, {"identity_policies": [deny("*")]}),
    ("session policy allowing nothing of sts", SESSION, {"session_policy": allow("s3:*")}),
    ("permissions boundary deny", ALICE, {"permission_boundary": deny("*")}),
    ("SCP deny", ALICE, {"scps": [[deny("*")]]}),
]


@pytest.mark.parametrize("rule,principal,policies", GET_CALLER_IDENTITY, ids=[r[0] for r in GET_CALLER_IDENTITY])
def test_get_caller_identity_is_always_allowed(rule, principal, policies):
    assert decide(principal, "sts:GetCallerIdentity", "*", policies).decision == A


def test_get_caller_identity_is_not_granted_to_an_anonymous_caller():
    assert decide("anonymous", "sts:GetCallerIdentity", "*", {}).decision == I


# -- sts:AssumeRole: the trust policy must allow ---------------------------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
# ("IAM role trust policies and KMS key policies are exceptions ... they must explicitly allow access for
# principals"); https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user.html (a trust policy
# that names the account delegates: an identity policy must then allow sts:AssumeRole);
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html.
ASSUME = "sts:AssumeRole"
TRUST_ALICE = resource_allow({"AWS": ALICE}, ASSUME, "*")
TRUST_ACCOUNT = resource_allow({"AWS": ROOT}, ASSUME, "*")
TRUST_ACCOUNT_ID = resource_allow({"AWS": ACCOUNT}, ASSUME, "*")
TRUST_BOB = resource_allow({"AWS": BOB}, ASSUME, "*")
TRUST_OTHER_ACCOUNT = resource_allow({"AWS": f"arn:aws:iam::{OTHER}:root"}, ASSUME, "*")
MAY_ASSUME = allow(ASSUME, TARGET_ROLE)
ASSUME_ROLE = [
    ("no trust policy, no identity policy", ALICE, {}, I),
    ("identity policy allows but there is no trust policy", ALICE, {"identity_policies": [MAY_ASSUME]}, I),
    ("identity policy allows but the trust policy names someone else", ALICE,
     {"identity_policies": [MAY_ASSUME], "resource_policy": TRUST_BOB}, I),
    ("trust policy names the caller: enough on its own", ALICE, {"resource_policy": TRUST_ALICE}, A),
    ("trust policy names the account: the identity policy must allow too", ALICE, {"resource_policy": TRUST_ACCOUNT}, I),
    ("trust policy names the account id: the identity policy must allow too", ALICE,
     {"resource_policy": TRUST_ACCOUNT_ID}, I),
    ("trust policy names the account and the identity policy allows", ALICE,
     {"identity_policies": [MAY_ASSUME], "resource_policy": TRUST_ACCOUNT}, A),
    ("account delegation within the permissions boundary", ALICE,
     {"identity_policies": [MAY_ASSUME], "resource_policy": TRUST_ACCOUNT, "permission_boundary": allow("sts:*")}, A),
    ("account delegation outside the permissions boundary", ALICE,
     {"identity_policies": [MAY_ASSUME], "resource_policy": TRUST_ACCOUNT, "permission_boundary": allow("s3:*")}, I),
    ("identity deny beats a trust policy naming the caller", ALICE,
     {"identity_policies": [deny(ASSUME)], "resource_policy": TRUST_ALICE}, E),
    ("trust policy deny beats an identity allow", ALICE,
     {"identity_policies": [MAY_ASSUME], "resource_policy": resource_deny({"AWS": ROOT}, ASSUME, "*")}, E),
    ("the account's root user still needs the trust policy", ROOT, {"resource_policy": TRUST_BOB}, I),
    ("a session assuming another role needs the trust policy", SESSION,
     {"identity_policies": [MAY_ASSUME], "resource_policy": TRUST_BOB}, I),
    ("cross-account: trust policy names the other account, identity policy allows", OTHER_USER,
     {"identity_policies": [MAY_ASSUME], "resource_policy": TRUST_OTHER_ACCOUNT}, A),
    ("cross-account: trust policy alone is not enough", OTHER_USER, {"resource_policy": TRUST_OTHER_ACCOUNT}, I),
    ("sts:TagSession is governed by the trust policy too", ALICE, {"identity_policies": [allow("sts:TagSession")]}, I),
]


@pytest.mark.parametrize("rule,principal,policies,expected", ASSUME_ROLE, ids=[r[0] for r in ASSUME_ROLE])
def test_assume_role_needs_the_trust_policy_to_allow_the_caller(rule, principal, policies, expected):
    action = "sts:TagSession" if "TagSession" in rule else ASSUME
    assert decide(principal, action, TARGET_ROLE, policies).decision == expected


def test_assume_role_denial_says_the_trust_policy_must_allow():
    decision = decide(ALICE, ASSUME, TARGET_ROLE, {"identity_policies": [MAY_ASSUME], "resource_policy": TRUST_BOB})
    assert "trust policy must allow the caller even within one account" in decision.reason


def test_other_sts_actions_need_only_an_identity_policy():
    # sts:GetFederationToken acts on the caller, no resource policy takes part.
    resource = f"arn:aws:sts::{ACCOUNT}:federated-user/x"
    assert decide(ALICE, "sts:GetFederationToken", resource,
                  {"identity_policies": [allow("sts:GetFederationToken")]}).decision == A


# -- KMS: the key policy must allow ---------------------------------------------------------------
# https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html ("Unless the key policy explicitly
# allows it, you cannot use IAM policies to allow access to a KMS key"; "no AWS principal, including the account
# root user or key creator, has any permissions to a KMS key unless they are explicitly allowed ... in a key
# policy"); https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
KEY_ALICE = resource_allow({"AWS": ALICE}, "kms:*", "*")
KEY_ACCOUNT = resource_allow({"AWS": ROOT}, "kms:*", "*")
MAY_DECRYPT = allow("kms:Decrypt", KEY)
KMS = [
    ("identity policy allows, no key policy", ALICE, {"identity_policies": [MAY_DECRYPT]}, I),
    ("identity policy allows, key policy names someone else", ALICE,
     {"identity_policies": [MAY_DECRYPT], "resource_policy": resource_allow({"AWS": BOB}, "kms:*", "*")}, I),
    ("key policy names the caller: enough on its own", ALICE, {"resource_policy": KEY_ALICE}, A),
    ("key policy enables IAM policies (names the account), none allows", ALICE, {"resource_policy": KEY_ACCOUNT}, I),
    ("key policy enables IAM policies and an identity policy allows", ALICE,
     {"identity_policies": [MAY_DECRYPT], "resource_policy": KEY_ACCOUNT}, A),
    ("key policy enables IAM policies, identity policy allows another key", ALICE,
     {"identity_policies": [allow("kms:Decrypt", KEY + "-other")], "resource_policy": KEY_ACCOUNT}, I),
    ("the root user has no access the key policy does not give", ROOT,
     {"resource_policy": resource_allow({"AWS": BOB}, "kms:*", "*")}, I),
    ("the root user named by the key policy has access", ROOT, {"resource_policy": KEY_ACCOUNT}, A),
    ("key policy deny beats everything", ALICE,
     {"identity_policies": [MAY_DECRYPT], "resource_policy": policy(
         stmt("Allow", "kms:*", "*", Principal={"AWS": ROOT}),
         stmt("Deny", "kms:Decrypt", "*", Principal="*"))}, E),
    ("cross-account: key policy names the account and its identity policy allows", OTHER_USER,
     {"identity_policies": [MAY_DECRYPT], "resource_policy": resource_allow({"AWS": OTHER}, "kms:*", "*")}, A),
    ("cross-account: identity policy alone", OTHER_USER, {"identity_policies": [MAY_DECRYPT]}, I),
]


@pytest.mark.parametrize("rule,principal,policies,expected", KMS, ids=[r[0] for r in KMS])
def test_kms_key_policy_must_allow_even_in_the_same_account(rule, principal, policies, expected):
    assert decide(principal, "kms:Decrypt", KEY, policies).decision == expected


def test_kms_actions_on_no_key_need_only_an_identity_policy():
    # kms:CreateKey and kms:ListKeys have no key to have a policy.
    assert decide(ALICE, "kms:ListKeys", "*", {"identity_policies": [allow("kms:ListKeys")]}).decision == A


# -- what no customer policy can change -----------------------------------------------------------
AWS_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
CUSTOMER_POLICY = f"arn:aws:iam::{ACCOUNT}:policy/Mine"
SSO_ROLE = f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef"
LINKED_ROLE = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"
KMS_AWS_ALIAS = f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/aws/s3"
KMS_ALIAS = f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/mine"
EVERYTHING = {"identity_policies": [allow("*")]}
UNCHANGEABLE = [
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies
    ("AWS managed policy: new version", "iam:CreatePolicyVersion", AWS_POLICY, I),
    ("AWS managed policy: delete", "iam:DeletePolicy", AWS_POLICY, I),
    ("AWS managed policy: delete a version", "iam:DeletePolicyVersion", AWS_POLICY, I),
    ("AWS managed policy: set default version", "iam:SetDefaultPolicyVersion", AWS_POLICY, I),
    ("AWS managed policy: tag", "iam:TagPolicy", AWS_POLICY, I),
    ("AWS managed policy: read", "iam:GetPolicyVersion", AWS_POLICY, A),
    ("customer managed policy: delete", "iam:DeletePolicy", CUSTOMER_POLICY, A),
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
    ("service-linked role: attach a policy", "iam:AttachRolePolicy", LINKED_ROLE, I),
    ("service-linked role: inline policy", "iam:PutRolePolicy", LINKED_ROLE, I),
    ("service-linked role: trust policy", "iam:UpdateAssumeRolePolicy", LINKED_ROLE, I),
    ("service-linked role: DeleteRole", "iam:DeleteRole", LINKED_ROLE, I),
    ("service-linked role: DeleteServiceLinkedRole", "iam:DeleteServiceLinkedRole", LINKED_ROLE, A),
    ("service-linked role: edit the description", "iam:UpdateRoleDescription", LINKED_ROLE, A),
    ("service-linked role: read", "iam:GetRole", LINKED_ROLE, A),
    # https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html
    ("Identity Center role: attach a policy", "iam:AttachRolePolicy", SSO_ROLE, I),
    ("Identity Center role: update", "iam:UpdateRole", SSO_ROLE, I),
    ("Identity Center role: pass", "iam:PassRole", SSO_ROLE, I),
    ("Identity Center role: tag", "iam:TagRole", SSO_ROLE, I),
    ("Identity Center role: read", "iam:ListAttachedRolePolicies", SSO_ROLE, A),
    ("ordinary role: attach a policy", "iam:AttachRolePolicy", ROLE, A),
    # https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html
    ("AWS-managed KMS alias: delete", "kms:DeleteAlias", KMS_AWS_ALIAS, I),
    ("AWS-managed KMS alias: create", "kms:CreateAlias", KMS_AWS_ALIAS, I),
    ("AWS-managed KMS alias: update", "kms:UpdateAlias", KMS_AWS_ALIAS, I),
    ("customer KMS alias: delete", "kms:DeleteAlias", KMS_ALIAS, A),
]


@pytest.mark.parametrize("rule,action,resource,expected", UNCHANGEABLE, ids=[r[0] for r in UNCHANGEABLE])
def test_aws_managed_resources_cannot_be_changed_by_any_customer_policy(rule, action, resource, expected):
    assert decide(ALICE, action, resource, EVERYTHING).decision == expected


def test_unchangeable_resource_denial_says_why():
    decision = decide(ALICE, "iam:DeletePolicy", AWS_POLICY, EVERYTHING)
    assert "AWS managed policies are maintained by AWS" in decision.reason


def test_explicit_deny_on_an_unchangeable_resource_stays_explicit():
    decision = decide(ALICE, "iam:DeletePolicy", AWS_POLICY, {"identity_policies": [allow("*"), deny("iam:*")]})
    assert decision.decision == E


# -- a Deny with NotPrincipal and a permissions boundary ------------------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html: "The NotPrincipal element with
# a Deny effect will always deny any IAM principal that has a permissions boundary policy attached, regardless of
# the values specified in the NotPrincipal element." (also reference_policies_elements_notprincipal.html)
EXEMPT_ALICE = policy(stmt("Deny", "s3:GetObject", OBJECT, NotPrincipal={"AWS": [ALICE, ROOT]}))
EXEMPT_SESSION = policy(stmt("Deny", "s3:GetObject", OBJECT,
                             NotPrincipal={"AWS": [SESSION, ROLE, ROOT]}))
NOT_PRINCIPAL = [
    ("named in NotPrincipal, no boundary: exempt", ALICE,
     {"identity_policies": [allow()], "resource_policy": EXEMPT_ALICE}, A),
    ("named in NotPrincipal, with a boundary: denied", ALICE,
     {"identity_policies": [allow()], "resource_policy": EXEMPT_ALICE, "permission_boundary": allow("*")}, E),
    ("session named in NotPrincipal, no boundary: exempt", SESSION,
     {"identity_policies": [allow()], "resource_policy": EXEMPT_SESSION}, A),
    ("session named in NotPrincipal, role has a boundary: denied", SESSION,
     {"identity_policies": [allow()], "resource_policy": EXEMPT_SESSION, "permission_boundary": allow("*")}, E),
    ("an Allow with NotPrincipal is not affected by the boundary rule", ALICE,
     {"identity_policies": [allow()], "permission_boundary": allow("*"),
      "resource_policy": policy(stmt("Allow", "s3:GetObject", OBJECT, NotPrincipal={"AWS": BOB}))}, A),
]


@pytest.mark.parametrize("rule,principal,policies,expected", NOT_PRINCIPAL, ids=[r[0] for r in NOT_PRINCIPAL])
def test_deny_with_notprincipal_always_denies_a_principal_with_a_permissions_boundary(rule, principal, policies, expected):
    assert decide(principal, "s3:GetObject", OBJECT, policies).decision == expected


def test_notprincipal_boundary_rule_is_explained():
    decision = decide(ALICE, "s3:GetObject", OBJECT, {"identity_policies": [allow()], "resource_policy": EXEMPT_ALICE,
                                                      "permission_boundary": allow("*")})
    assert "permissions boundary, whatever it names" in decision.explain()


# -- a role ARN as the caller ---------------------------------------------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html:
# a resource policy that names a role (not its session) is limited by the role's permissions boundary.
def test_resource_policy_naming_the_role_is_limited_by_the_boundary_when_the_role_calls():
    policies = {"resource_policy": resource_allow({"AWS": ROLE}), "permission_boundary": allow("sqs:*")}
    assert decide(ROLE, "s3:GetObject", OBJECT, policies).decision == I
    assert decide(ROLE, "s3:GetObject", OBJECT, {"resource_policy": resource_allow({"AWS": ROLE})}).decision == A

"""Service rules: where a service decides differently from the general evaluation logic.

Each rule cites the AWS page it follows (docs/iam.md lists them):

- `sts:GetCallerIdentity` needs no permission and cannot be denied:
  https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
  ("No permissions are required ... If an administrator attaches a policy to your identity that
  explicitly denies access to the sts:GetCallerIdentity action, you can still perform this operation").
- A role's trust policy and a KMS key policy must allow the caller even within one account; an
  identity policy counts only where the trust/key policy delegates to the account
  (`arn:aws:iam::ACCOUNT:root`):
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
  ("IAM role trust policies and KMS key policies are exceptions ... they must explicitly allow access
  for principals"), https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
  ("Allows access to the AWS account and enables IAM policies") and
  https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html ("no AWS principal,
  including the account root user ... has any permissions to a KMS key unless they are explicitly
  allowed ... in a key policy").
- AWS-managed resources no customer policy can change: AWS managed policies
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html: "You
  cannot change the permissions defined in AWS managed policies"), service-linked roles
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html: only the
  service edits their permissions; they are deleted with DeleteServiceLinkedRole), the roles IAM
  Identity Center reserves under `/aws-reserved/`
  (https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html: the
  roles are managed by IAM Identity Center, edits made in IAM are not supported), and AWS-managed
  KMS aliases `alias/aws/*`
  (https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html: you cannot create, update
  or delete aliases that begin with `alias/aws/`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# How the resource's own policy takes part.
DEFAULT = "default"  # the general logic: within one account an identity policy alone can allow
TRUST_POLICY = "trust policy"  # the role's trust policy must allow (sts:AssumeRole and friends)
KEY_POLICY = "key policy"  # the KMS key policy must allow

GET_CALLER_IDENTITY = "sts:getcalleridentity"

# The actions a role's trust policy governs (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage-assume.html,
# https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html, id_credentials_temp_control-access_monitor.html).
_TRUST_ACTIONS = frozenset({
    "sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity",
    "sts:tagsession", "sts:setsourceidentity", "sts:setcontext",
})
_ROLE_ARN = re.compile(r"^arn:[^:]+:iam::[^:]*:role/", re.IGNORECASE)
_KMS_KEY_ARN = re.compile(r"^arn:[^:]+:kms:[^:]*:[^:]*:key/", re.IGNORECASE)
_KMS_AWS_ALIAS = re.compile(r"^arn:[^:]+:kms:[^:]*:[^:]*:alias/aws/", re.IGNORECASE)
_AWS_MANAGED_POLICY = re.compile(r"^arn:[^:]+:iam::aws:policy/", re.IGNORECASE)
_SERVICE_LINKED_ROLE = re.compile(r"^arn:[^:]+:iam::[^:]*:role/aws-service-role/", re.IGNORECASE)
_RESERVED_ROLE = re.compile(r"^arn:[^:]+:iam::[^:]*:role/aws-reserved/", re.IGNORECASE)

POLICY_CHANGES = frozenset({
    "iam:createpolicy", "iam:createpolicyversion", "iam:deletepolicy", "iam:deletepolicyversion",
    "iam:setdefaultpolicyversion", "iam:tagpolicy", "iam:untagpolicy",
})
# What changes a role's permissions, trust or existence (a service-linked role's service does these).
SERVICE_LINKED_ROLE_CHANGES = frozenset({
    "iam:attachrolepolicy", "iam:detachrolepolicy", "iam:putrolepolicy", "iam:deleterolepolicy",
    "iam:updateassumerolepolicy", "iam:putrolepermissionsboundary", "iam:deleterolepermissionsboundary",
    "iam:deleterole", "iam:createrole",
})
# IAM Identity Center's roles: nothing about them is changed (or passed) from IAM.
RESERVED_ROLE_CHANGES = SERVICE_LINKED_ROLE_CHANGES | frozenset({
    "iam:createservicelinkedrole", "iam:deleteservicelinkedrole", "iam:passrole", "iam:tagrole",
    "iam:untagrole", "iam:updaterole", "iam:updateroledescription",
})
KMS_ALIAS_CHANGES = frozenset({"kms:createalias", "kms:deletealias", "kms:updatealias"})


@dataclass(frozen=True, slots=True)
class ServiceRule:
    resource_policy: str = DEFAULT  # DEFAULT | TRUST_POLICY | KEY_POLICY
    always_allowed: bool = False  # sts:GetCallerIdentity
    unchangeable: str | None = None  # why no policy can allow it (an AWS-managed resource)


_DEFAULT_RULE = ServiceRule()


def rule_for(action: str, resource: str) -> ServiceRule:
    """The service rule for a (lower-case) action on a resource."""
    if action == GET_CALLER_IDENTITY:
        return ServiceRule(always_allowed=True)
    if action in _TRUST_ACTIONS and _ROLE_ARN.match(resource):
        return ServiceRule(resource_policy=TRUST_POLICY)
    service = action.partition(":")[0]
    if service == "kms":
        if action in KMS_ALIAS_CHANGES and _KMS_AWS_ALIAS.match(resource):
            return ServiceRule(unchangeable="aliases beginning with alias/aws/ belong to AWS-managed keys; no one can "
                               "create, update or delete them")
        if _KMS_KEY_ARN.match(resource):
            return ServiceRule(resource_policy=KEY_POLICY)
    elif service == "iam":
        if action in POLICY_CHANGES and _AWS_MANAGED_POLICY.match(resource):
            return ServiceRule(unchangeable="AWS managed policies are maintained by AWS; no customer can create, "
                               "change, tag or delete them")
        if action in RESERVED_ROLE_CHANGES and _RESERVED_ROLE.match(resource):
            return ServiceRule(unchangeable="roles under /aws-reserved/ are managed by IAM Identity Center; they "
                               "cannot be changed or passed from IAM")
        if action in SERVICE_LINKED_ROLE_CHANGES and _SERVICE_LINKED_ROLE.match(resource):
            return ServiceRule(unchangeable="a service-linked role's permissions and trust are set by its service; "
                               "it is deleted only with iam:DeleteServiceLinkedRole")
    return _DEFAULT_RULE

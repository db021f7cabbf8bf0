"""AWS's policy evaluation flow: explicit deny, Organizations (SCPs, RCPs), then the allows.

1. An explicit Deny in any policy that applies wins.
2. Every SCP level (for an IAM caller) and every RCP level must allow.
3. Same account: an allow in the resource-based policy that names the caller (its ARN, its session,
   "*" or its service) is enough on its own; one that names the caller's role still needs the
   permissions boundary and session policy; otherwise an identity policy must allow, within the
   permissions boundary and the session policy. The account's root user needs no identity policy.
4. Across accounts both sides must allow: the identity side (identity policy, boundary, session
   policy) and the resource-based policy.
5. A service principal or an anonymous caller has only the resource-based policy.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from awslab.models.iam.explain import Decision, PolicySet
from awslab.models.iam.policy import CompiledPolicy, PolicyError, PolicyInput, parse_labelled
from awslab.models.iam.principal import BOUNDED_KINDS, EXACT, ROLE, SERVICE, WILDCARD
from awslab.models.iam.request import PreparedRequest, Request, prepare
from awslab.models.iam.services import DEFAULT, rule_for

ALLOWED = "Allowed"
EXPLICITLY_DENIED = "ExplicitlyDenied"
IMPLICITLY_DENIED = "ImplicitlyDenied"

_DIRECT = (EXACT, WILDCARD, SERVICE)


def _policy_set(policy: PolicyInput, kind: str, label: str, level: int | None = None) -> PolicySet:
    """The compiled policy in its place; PolicySets are kept on the compiled policy and reused."""
    compiled = parse_labelled(policy, kind, label)
    key = (label, kind, level)
    found = compiled.places.get(key)
    if found is None:
        found = compiled.places[key] = PolicySet(label, kind, compiled, level)
    return found


def _as_list(value: Any, what: str) -> list:
    if value is None:
        return []
    if isinstance(value, (dict, str, bytes, CompiledPolicy)):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise PolicyError([f"{what} must be a list of policies, got {type(value).__name__}"])


def _levels(levels: Any, name: str, kind: str) -> list[list[PolicySet]]:
    out = []
    for level_number, level in enumerate(_as_list(levels, f"{name}s"), start=1):
        policies = _as_list(level, f"{name} level {level_number}")
        sets = []
        for number, policy in enumerate(policies, start=1):
            label = f"{name} level {level_number} policy {number}"
            sets.append(_policy_set(policy, kind, label, level_number))
        out.append(sets)
    return out


def gather(
    identity_policies: Iterable[PolicyInput] | None,
    resource_policy: PolicyInput | None,
    permission_boundary: PolicyInput | None,
    session_policy: PolicyInput | None,
    scps: Sequence[Any] | None,
    rcps: Sequence[Any] | None,
) -> tuple[list[PolicySet], list[list[PolicySet]], list[list[PolicySet]]]:
    """Compile every policy; returns (single policies, SCP levels, RCP levels)."""
    singles: list[PolicySet] = []
    for number, policy in enumerate(_as_list(identity_policies, "identity_policies"), start=1):
        label = f"identity policy {number}"
        singles.append(_policy_set(policy, "identity", label))
    if resource_policy is not None:
        singles.append(_policy_set(resource_policy, "resource", "resource policy"))
    if permission_boundary is not None:
        label = "permissions boundary"
        singles.append(_policy_set(permission_boundary, "boundary", label))
    if session_policy is not None:
        singles.append(_policy_set(session_policy, "session", "session policy"))
    return singles, _levels(scps, "SCP", "scp"), _levels(rcps, "RCP", "rcp")


Hit = tuple  # (PolicySet, Statement, how the principal matched)


def _hits(policy_set: PolicySet, request: PreparedRequest, allows: list, denies: list, bounded: bool = False) -> bool:
    """Add the statements of a policy that apply; True if one of them allows. `bounded`: the caller
    has a permissions boundary, so a Deny with NotPrincipal applies whatever it names."""
    allowed = False
    for statement in policy_set.policy.statements_for(request.action):
        how = statement.match_beyond_action(request, bounded)
        if how is not None:
            if statement.allow:
                allows.append((policy_set, statement, how))
                allowed = True
            else:
                denies.append((policy_set, statement, how))
    return allowed


def evaluate(
    request: Request,
    identity_policies: Iterable[PolicyInput] | None = None,
    resource_policy: PolicyInput | None = None,
    permission_boundary: PolicyInput | None = None,
    session_policy: PolicyInput | None = None,
    scps: Sequence[Any] | None = None,
    rcps: Sequence[Any] | None = None,
) -> Decision:
    """Decide a request the way AWS does. Policies are dicts, JSON text or `parse_policy` results;
    `scps`/`rcps` are lists of organisation levels (root, OUs, account), each a list of policies
    (a bare policy stands for a level of one). Raises PolicyError for a malformed policy."""
    prepared = prepare(request)
    singles, scp_levels, rcp_levels = gather(
        identity_policies, resource_policy, permission_boundary, session_policy, scps, rcps
    )
    return decide(prepared, singles, scp_levels, rcp_levels)


class _Matched:
    """Every statement that applies to the request, sorted by the place of its policy, and the
    Decision built from them; each step of the module's flow reads these and decides or passes."""

    def __init__(
        self,
        request: PreparedRequest,
        singles: list[PolicySet],
        scp_levels: list[list[PolicySet]],
        rcp_levels: list[list[PolicySet]],
    ) -> None:
        self.request = request
        self.caller = request.caller
        self.iam = self.caller.is_iam
        self.singles = singles
        self.scp_levels = scp_levels
        self.rcp_levels = rcp_levels
        self.denies: list[Hit] = []
        self.allows: dict[str, list[Hit]] = {"identity": [], "resource": [], "boundary": [], "session": []}
        self.org_allows: list[Hit] = []
        self.ignored: list[str] = []
        self.present = {policy_set.kind for policy_set in singles if self.iam or policy_set.kind == "resource"}
        self._match_single_policies()
        self.level_missing = self._match_organisation_levels()

    def _match_single_policies(self) -> None:
        # "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a
        # permissions boundary policy attached" (access_policies_boundaries.html).
        bounded = "boundary" in self.present and self.caller.kind in BOUNDED_KINDS
        for policy_set in self.singles:
            if not self.iam and policy_set.kind != "resource":
                self.ignored.append(policy_set.label)
                continue
            resource_bounded = bounded and policy_set.kind == "resource"
            _hits(policy_set, self.request, self.allows[policy_set.kind], self.denies, resource_bounded)

    def _match_organisation_levels(self) -> tuple[str, int] | None:
        """The first SCP or RCP level where nothing allows, or None."""
        level_missing = None
        for name, levels in (("SCP", self.scp_levels), ("RCP", self.rcp_levels)):
            for number, level in enumerate(levels, start=1):
                level_allowed = False
                for policy_set in level:
                    level_allowed = _hits(policy_set, self.request, self.org_allows, self.denies) or level_allowed
                if not level_allowed and level_missing is None:
                    level_missing = (name, number)
        return level_missing

    def finish(self, decision: str, reason: str, deciding=(), missing=()) -> Decision:
        every = self.denies + [hit for found in self.allows.values() for hit in found] + self.org_allows
        return Decision(
            decision, reason, deciding, every, tuple(missing), self.request, self.singles, self.scp_levels,
            self.rcp_levels, self.ignored,
        )

    def limits_missing(self) -> list[str]:
        """The permissions boundary and session policy that are attached and do not allow."""
        missing = []
        if "boundary" in self.present and not self.allows["boundary"]:
            missing.append("permissions boundary")
        if "session" in self.present and not self.allows["session"]:
            missing.append("session policy")
        return missing

    def identity_side(self) -> list[Hit]:
        return self.allows["identity"] + self.allows["boundary"] + self.allows["session"]


def decide(
    request: PreparedRequest,
    singles: list[PolicySet],
    scp_levels: list[list[PolicySet]],
    rcp_levels: list[list[PolicySet]],
) -> Decision:
    if not request.caller.is_iam:
        scp_levels = []  # SCPs limit the IAM principals of member accounts only
    matched = _Matched(request, singles, scp_levels, rcp_levels)
    rule = rule_for(request.action, request.resource)
    for step in (_needs_no_permission, _explicit_deny, _organisation_levels, _unchangeable_resource):
        decision = step(matched, rule)
        if decision is not None:
            return decision
    if not matched.iam:
        return _resource_policy_only(matched)
    if request.same_account:
        return _same_account(matched, rule)
    return _cross_account(matched)


def _needs_no_permission(matched: _Matched, rule) -> Decision | None:
    if rule.always_allowed and matched.caller.kind not in ("anonymous", "service"):
        return matched.finish(ALLOWED, "sts:GetCallerIdentity needs no permission and no policy can deny it "
                              "(https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html)")
    return None


def _explicit_deny(matched: _Matched, rule) -> Decision | None:
    """Step 1: an explicit Deny in any policy that applies wins."""
    denies = matched.denies
    if not denies:
        return None
    names = "; ".join(f"{s.name} of {p.label}" for p, s, _ in denies)
    return matched.finish(
        EXPLICITLY_DENIED, f"explicitly denied by {names}: an explicit Deny overrides every Allow", denies
    )


def _organisation_levels(matched: _Matched, rule) -> Decision | None:
    """Step 2: every SCP level and every RCP level must allow."""
    if matched.level_missing is None:
        return None
    name, number = matched.level_missing
    what = "service control policies" if name == "SCP" else "resource control policies"
    return matched.finish(
        IMPLICITLY_DENIED,
        f"no statement of the {what} at organisation level {number} allows the request; "
        f"every level (root, OUs, account) must allow",
        missing=[f"{name} level {number}"],
    )


def _unchangeable_resource(matched: _Matched, rule) -> Decision | None:
    if not rule.unchangeable:
        return None
    request = matched.request
    return matched.finish(IMPLICITLY_DENIED, f"no policy can allow {request.request.action} on {request.resource}: "
                          f"{rule.unchangeable}", missing=["an AWS-managed resource"])


def _resource_policy_only(matched: _Matched) -> Decision:
    """Step 5: a service principal or an anonymous caller has only the resource-based policy."""
    caller = matched.caller
    resource_allows = matched.allows["resource"]
    if resource_allows:
        return matched.finish(ALLOWED, f"the resource policy allows {caller.describe()}", resource_allows)
    present = "resource" in matched.present
    why = "no resource policy statement allows" if present else "there is no resource policy to allow"
    return matched.finish(
        IMPLICITLY_DENIED,
        f"{why} {caller.describe()}, and such a caller has no identity policies",
        missing=["resource policy"],
    )


def _same_account(matched: _Matched, rule) -> Decision:
    """Step 3: within one account, a resource-based policy that names the caller is enough; otherwise
    the permissions boundary and session policy cap what is granted."""
    decision = _resource_policy_required(matched, rule)
    if decision is None:
        decision = _resource_policy_names_caller(matched)
    if decision is None:
        decision = _within_boundary_and_session(matched)
    return decision


def _resource_policy_required(matched: _Matched, rule) -> Decision | None:
    # Trust policies and key policies are the exception to "an identity policy is enough".
    if rule.resource_policy == DEFAULT or matched.allows["resource"]:
        return None
    why = "there is none" if "resource" not in matched.present else "none of its statements allows the caller"
    return matched.finish(
        IMPLICITLY_DENIED,
        f"implicitly denied: the {rule.resource_policy} must allow the caller even within one account, and "
        f"{why}; identity policies count only where it allows the account "
        f"(arn:aws:iam::{matched.caller.account}:root)",
        missing=["resource policy"],
    )


def _resource_policy_names_caller(matched: _Matched) -> Decision | None:
    direct = [hit for hit in matched.allows["resource"] if hit[2] in _DIRECT]
    if not direct:
        return None
    return matched.finish(
        ALLOWED,
        f"the resource policy allows {matched.caller.describe()} by name; within one account that is enough "
        "(identity policies, permissions boundary and session policy do not limit it)",
        direct,
    )


def _within_boundary_and_session(matched: _Matched) -> Decision:
    """The resource policy names the caller's role, or an identity policy allows (the root user needs
    none); either way within the permissions boundary and the session policy."""
    via_role = [hit for hit in matched.allows["resource"] if hit[2] == ROLE]
    limits_missing = matched.limits_missing()
    if via_role and not limits_missing:
        return matched.finish(
            ALLOWED,
            "the resource policy allows the caller's role, within the permissions boundary and session policy",
            via_role + matched.allows["boundary"] + matched.allows["session"],
        )
    identity_allows = matched.allows["identity"]
    root = matched.caller.kind == "root"
    if (identity_allows or root) and not limits_missing:
        if root and not identity_allows:
            return matched.finish(ALLOWED, "the account's root user has full access to its own account's resources")
        return matched.finish(
            ALLOWED,
            _IDENTITY_REASONS[("boundary" in matched.present, "session" in matched.present)],
            matched.identity_side(),
        )
    missing = [] if (identity_allows or root or via_role) else ["identity policy or resource policy"]
    missing += limits_missing
    return matched.finish(IMPLICITLY_DENIED, _implicit_reason(missing, same_account=True), missing=missing)


def _cross_account(matched: _Matched) -> Decision:
    """Step 4: across accounts both the identity side and the resource-based policy must allow."""
    request, caller = matched.request, matched.caller
    resource_allows = matched.allows["resource"]
    identity_side = bool(matched.allows["identity"]) or caller.kind == "root"
    missing = [] if identity_side else ["identity policy"]
    missing += matched.limits_missing()
    if not resource_allows:
        missing.append("resource policy")
    if not missing:
        return matched.finish(
            ALLOWED,
            f"cross-account request (caller's account {caller.account}, resource's account "
            f"{request.resource_account}): the identity side and the resource policy both allow",
            matched.identity_side() + resource_allows,
        )
    return matched.finish(
        IMPLICITLY_DENIED, _implicit_reason(missing, same_account=False, request=request), missing=missing
    )


_IDENTITY_REASONS = {
    (False, False): "an identity policy allows the request",
    (True, False): "an identity policy allows the request, within the permissions boundary",
    (False, True): "an identity policy allows the request, within the session policy",
    (True, True): "an identity policy allows the request, within the permissions boundary and the session policy",
}


def _implicit_reason(missing: list[str], same_account: bool, request: PreparedRequest | None = None) -> str:
    parts = []
    for item in missing:
        if item == "identity policy or resource policy":
            parts.append("no identity policy and no resource policy statement allows the request")
        elif item in ("permissions boundary", "session policy"):
            parts.append(f"the {item} does not allow it (it caps what identity policies can grant)")
        elif item == "identity policy":
            parts.append("no identity policy allows it")
        elif item == "resource policy":
            parts.append("the resource policy does not allow the caller")
    text = "; ".join(parts) or "nothing allows the request"
    if not same_account and request is not None:
        text = (
            f"cross-account request (caller's account {request.caller.account}, resource's account "
            f"{request.resource_account}) needs an allow on both sides: " + text
        )
    return "implicitly denied: " + text

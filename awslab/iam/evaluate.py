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

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from awslab.iam.explain import Decision, PolicySet, StatementRef
from awslab.iam.policy import CompiledPolicy, PolicyError, PolicyInput, Statement, parse_policy
from awslab.iam.principal import ACCOUNT, EXACT, ROLE, SERVICE, WILDCARD
from awslab.iam.request import PreparedRequest, Request, prepare

ALLOWED = "Allowed"
EXPLICITLY_DENIED = "ExplicitlyDenied"
IMPLICITLY_DENIED = "ImplicitlyDenied"

_DIRECT = (EXACT, WILDCARD, SERVICE)


def _compile(policy: PolicyInput, kind: str, label: str) -> CompiledPolicy:
    try:
        return parse_policy(policy, kind)
    except PolicyError as error:
        raise error.with_label(label) from None


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
            sets.append(PolicySet(label, kind, _compile(policy, kind, label), level_number))
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
        singles.append(PolicySet(label, "identity", _compile(policy, "identity", label)))
    if resource_policy is not None:
        singles.append(PolicySet("resource policy", "resource", _compile(resource_policy, "resource", "resource policy")))
    if permission_boundary is not None:
        label = "permissions boundary"
        singles.append(PolicySet(label, "boundary", _compile(permission_boundary, "boundary", label)))
    if session_policy is not None:
        singles.append(PolicySet("session policy", "session", _compile(session_policy, "session", "session policy")))
    return singles, _levels(scps, "SCP", "scp"), _levels(rcps, "RCP", "rcp")


@dataclass
class _Hits:
    allows: list[tuple[PolicySet, Statement, str]]
    denies: list[tuple[PolicySet, Statement, str]]


def _hits(policy_set: PolicySet, request: PreparedRequest) -> _Hits:
    hits = _Hits([], [])
    for statement in policy_set.policy.statements:
        how = statement.match(request)
        if how is not None:
            (hits.allows if statement.allow else hits.denies).append((policy_set, statement, how))
    return hits


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


def decide(
    request: PreparedRequest,
    singles: list[PolicySet],
    scp_levels: list[list[PolicySet]],
    rcp_levels: list[list[PolicySet]],
) -> Decision:
    caller = request.caller
    iam = caller.is_iam
    applicable = [s for s in singles if iam or s.kind == "resource"]
    if not iam:
        scp_levels = []  # SCPs limit the IAM principals of member accounts only
    hits = {id(s): _hits(s, request) for s in applicable}
    for level in scp_levels + rcp_levels:
        for policy_set in level:
            hits[id(policy_set)] = _hits(policy_set, request)

    def finish(decision: str, reason: str, deciding=(), missing=()) -> Decision:
        matched = tuple(
            StatementRef.of(policy_set, statement, how)
            for found in hits.values()
            for policy_set, statement, how in found.denies + found.allows
        )
        return Decision(
            decision,
            reason,
            tuple(StatementRef.of(p, s, how) for p, s, how in deciding),
            matched,
            tuple(missing),
            request,
            tuple(singles),
            tuple(tuple(level) for level in scp_levels),
            tuple(tuple(level) for level in rcp_levels),
            ignored=tuple(s.label for s in singles if s not in applicable),
        )

    denies = [hit for found in hits.values() for hit in found.denies]
    if denies:
        names = "; ".join(f"{s.name} of {p.label}" for p, s, _ in denies)
        return finish(EXPLICITLY_DENIED, f"explicitly denied by {names}: an explicit Deny overrides every Allow", denies)

    for name, levels in (("SCP", scp_levels), ("RCP", rcp_levels)):
        for number, level in enumerate(levels, start=1):
            if not any(hits[id(s)].allows for s in level):
                what = "service control policies" if name == "SCP" else "resource control policies"
                return finish(
                    IMPLICITLY_DENIED,
                    f"no statement of the {what} at organisation level {number} allows the request; "
                    f"every level (root, OUs, account) must allow",
                    missing=[f"{name} level {number}"],
                )

    def allows(kind: str) -> list:
        return [hit for s in applicable if s.kind == kind for hit in hits[id(s)].allows]

    def present(kind: str) -> bool:
        return any(s.kind == kind for s in applicable)

    resource_allows = allows("resource")
    if not iam:
        if resource_allows:
            return finish(ALLOWED, f"the resource policy allows {caller.describe()}", resource_allows)
        why = "no resource policy statement allows" if present("resource") else "there is no resource policy to allow"
        return finish(
            IMPLICITLY_DENIED,
            f"{why} {caller.describe()}, and such a caller has no identity policies",
            missing=["resource policy"],
        )

    identity_allows = allows("identity")
    boundary_allows, session_allows = allows("boundary"), allows("session")
    boundary_ok = not present("boundary") or bool(boundary_allows)
    session_ok = not present("session") or bool(session_allows)
    limits_missing = [
        label
        for label, ok in (("permissions boundary", boundary_ok), ("session policy", session_ok))
        if not ok
    ]
    root = caller.kind == "root"

    if request.same_account:
        direct = [hit for hit in resource_allows if hit[2] in _DIRECT]
        if direct:
            return finish(
                ALLOWED,
                f"the resource policy allows {caller.describe()} by name; within one account that is enough "
                "(identity policies, permissions boundary and session policy do not limit it)",
                direct,
            )
        via_role = [hit for hit in resource_allows if hit[2] == ROLE]
        if via_role and not limits_missing:
            return finish(
                ALLOWED,
                "the resource policy allows the caller's role, within the permissions boundary and session policy",
                via_role + boundary_allows + session_allows,
            )
        if (identity_allows or root) and not limits_missing:
            if root and not identity_allows:
                return finish(ALLOWED, "the account's root user has full access to its own account's resources")
            return finish(
                ALLOWED,
                "an identity policy allows the request"
                + (" within the permissions boundary" if present("boundary") else "")
                + (" and the session policy" if present("session") else ""),
                identity_allows + boundary_allows + session_allows,
            )
        missing = [] if (identity_allows or root or via_role) else ["identity policy or resource policy"]
        missing += limits_missing
        return finish(IMPLICITLY_DENIED, _implicit_reason(missing, same_account=True), missing=missing)

    identity_side = bool(identity_allows) or root
    missing = [] if identity_side else ["identity policy"]
    missing += limits_missing
    if not resource_allows:
        missing.append("resource policy")
    if not missing:
        return finish(
            ALLOWED,
            f"cross-account request (caller's account {caller.account}, resource's account "
            f"{request.resource_account}): the identity side and the resource policy both allow",
            identity_allows + boundary_allows + session_allows + resource_allows,
        )
    return finish(IMPLICITLY_DENIED, _implicit_reason(missing, same_account=False, request=request), missing=missing)


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

"""The Decision: the verdict, the statements that decided it, and an explanation a learner can follow.

Evaluation records only which statements applied (fast); `Decision.explain()` re-checks every
statement element by element (slow, only when asked).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from awslab.models.iam.policy import CompiledPolicy, Statement, statement_name
from awslab.models.iam.principal import (
    ACCOUNT,
    BOUNDED_KINDS,
    EXACT,
    ROLE,
    SERVICE,
    WILDCARD,
    PrincipalMatcher,
)
from awslab.models.iam.request import PreparedRequest, Request
from awslab.models.iam.resource import ResourceMatcher


@dataclass(eq=False)
class PolicySet:
    """A compiled policy in its place in the evaluation."""

    label: str  # "identity policy 1", "resource policy", "SCP level 2 policy 1", ...
    kind: str
    policy: CompiledPolicy
    level: int | None = None

    @property
    def title(self) -> str:
        return self.label + (f' "{self.policy.id}"' if self.policy.id else "")


@dataclass(frozen=True)
class StatementRef:
    """One statement of one policy, as data (for the gateway, the grader and tests)."""

    policy: str  # label, e.g. "identity policy 1"
    policy_kind: str
    policy_id: str | None
    index: int  # 0-based
    sid: str | None
    effect: str
    principal_match: str | None = None  # how a resource policy named the caller

    @classmethod
    def of(cls, policy_set: PolicySet, statement: Statement, how: str | None = None) -> "StatementRef":
        return cls(
            policy_set.label,
            policy_set.kind,
            policy_set.policy.id,
            statement.index,
            statement.sid,
            statement.effect,
            None if how == "identity" else how,
        )

    @property
    def statement(self) -> str:
        return statement_name(self.index, self.sid)

    def __str__(self) -> str:
        return f"{self.statement} of {self.policy}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "policy_kind": self.policy_kind,
            "policy_id": self.policy_id,
            "index": self.index,
            "sid": self.sid,
            "effect": self.effect,
        }


@dataclass(frozen=True)
class Check:
    element: str  # Action, NotResource, Principal, Condition ...
    passed: bool
    detail: str


@dataclass(frozen=True)
class StatementExplanation:
    ref: StatementRef
    applies: bool
    checks: tuple[Check, ...]
    deciding: bool


@dataclass(frozen=True)
class PolicyExplanation:
    title: str
    kind: str
    statements: tuple[StatementExplanation, ...]
    note: str | None = None


class Decision:
    """The verdict on one request.

    decision: "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied"; reason: one sentence;
    deciding: the statements that denied, or that granted; matched: every statement that applied;
    missing: for an implicit deny, what did not allow (e.g. "SCP level 2", "permissions boundary").
    """

    __slots__ = (
        "decision", "reason", "missing", "prepared", "singles", "scp_levels", "rcp_levels", "ignored",
        "_deciding_hits", "_matched_hits", "_deciding", "_matched",
    )

    def __init__(self, decision, reason, deciding_hits, matched_hits, missing, prepared,
                 singles=(), scp_levels=(), rcp_levels=(), ignored=()) -> None:
        self.decision: str = decision
        self.reason: str = reason
        self.missing: tuple[str, ...] = tuple(missing)
        self.prepared: PreparedRequest = prepared
        self.singles = tuple(singles)
        self.scp_levels = tuple(tuple(level) for level in scp_levels)
        self.rcp_levels = tuple(tuple(level) for level in rcp_levels)
        self.ignored = tuple(ignored)
        self._deciding_hits = deciding_hits
        self._matched_hits = matched_hits
        self._deciding: tuple[StatementRef, ...] | None = None
        self._matched: tuple[StatementRef, ...] | None = None

    @property
    def deciding(self) -> tuple[StatementRef, ...]:
        if self._deciding is None:
            self._deciding = tuple(StatementRef.of(p, s, how) for p, s, how in self._deciding_hits)
        return self._deciding

    @property
    def matched(self) -> tuple[StatementRef, ...]:
        if self._matched is None:
            self._matched = tuple(StatementRef.of(p, s, how) for p, s, how in self._matched_hits)
        return self._matched

    def __repr__(self) -> str:
        return f"Decision({self.decision!r}, reason={self.reason!r})"

    @property
    def allowed(self) -> bool:
        return self.decision == "Allowed"

    @property
    def request(self) -> Request:
        return self.prepared.request

    def __bool__(self) -> bool:
        return self.allowed

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "reason": self.reason,
            "deciding": [r.to_dict() for r in self.deciding],
            "matched": [r.to_dict() for r in self.matched],
            "missing": list(self.missing),
        }

    def details(self) -> list[PolicyExplanation]:
        """Every policy in evaluation order, every statement checked element by element."""
        deciding = {(r.policy, r.index) for r in self.deciding}
        out = []
        ordered = [s for level in self.scp_levels for s in level] + [s for level in self.rcp_levels for s in level]
        ordered += list(self.singles)
        bounded = (any(p.kind == "boundary" for p in self.singles) and self.prepared.caller.is_iam
                   and self.prepared.caller.kind in BOUNDED_KINDS)
        for policy_set in ordered:
            note = None
            if policy_set.label in self.ignored:
                note = f"not evaluated: {self.prepared.caller.describe()} has no identity policies"
            statements = tuple(
                explain_statement(policy_set, statement, self.prepared, (policy_set.label, statement.index) in deciding,
                                  bounded and policy_set.kind == "resource")
                for statement in policy_set.policy.statements
            )
            out.append(PolicyExplanation(policy_set.title, policy_set.kind, statements, note))
        return out

    def explain(self) -> str:
        """Plain text: the decision, why, then every statement and why it did or did not apply."""
        request = self.prepared
        lines = [
            f"Decision: {self.decision}",
            f"Why: {self.reason}",
            f"Request: {request.caller.describe()} calls {request.request.action} on {request.resource}",
        ]
        if request.caller.account or request.resource_account:
            relation = "same account" if request.same_account else "cross-account"
            lines.append(
                f"Accounts: caller {request.caller.account or '-'}, resource {request.resource_account or '-'} ({relation})"
            )
        if self.deciding:
            lines.append("Deciding statements: " + "; ".join(str(r) for r in self.deciding))
        for policy in self.details():
            lines += _policy_lines(policy)
        return "\n".join(lines)

    def __str__(self) -> str:
        return f"{self.decision}: {self.reason}"


def _policy_lines(policy: PolicyExplanation) -> list[str]:
    lines = ["", f"{policy.title} ({policy.kind})"]
    if policy.note:
        return lines + [f"  {policy.note}"]
    if not policy.statements:
        lines.append("  (no statements)")
    for statement in policy.statements:
        marker = ">>" if statement.deciding else "  "
        state = "APPLIES" if statement.applies else "does not apply"
        lines.append(f"{marker} {statement.ref.statement} [{statement.ref.effect}] {state}")
        for check in statement.checks:
            lines.append(f"      {'ok ' if check.passed else 'NO '} {check.element}: {check.detail}")
    return lines


_PRINCIPAL_WORDS = {
    EXACT: "names the caller itself",
    WILDCARD: 'names everyone ("*")',
    SERVICE: "names the calling service",
    ROLE: "names the role of the caller's session",
    ACCOUNT: "names the caller's account (a delegation: within the account an identity policy must also allow)",
}


def _action_check(statement: Statement, action: str) -> Check:
    matching = statement.actions.matching(action)
    listed = ", ".join(repr(p) for p in statement.actions.patterns)
    if statement.not_action:
        if matching:
            return Check("NotAction", False, f"{action!r} is listed ({', '.join(matching)}), so the statement skips it")
        return Check("NotAction", True, f"{action!r} is not among {listed}")
    if matching:
        return Check("Action", True, f"{action!r} matches {', '.join(repr(m) for m in matching)}")
    return Check("Action", False, f"{action!r} matches none of {listed} (actions ignore case)")


def _resource_check(resources: ResourceMatcher, not_resource: bool, request: PreparedRequest) -> Check:
    resource = request.resource
    found, notes = resources.explain(resource, request.context)
    listed = ", ".join(repr(p) for p in resources.patterns)
    tail = ("; " + "; ".join(notes)) if notes else ""
    if not_resource:
        if found:
            return Check("NotResource", False, f"{resource!r} is listed ({', '.join(found)}){tail}")
        return Check("NotResource", True, f"{resource!r} is not among {listed}{tail}")
    if found:
        return Check("Resource", True, f"{resource!r} matches {', '.join(found)}{tail}")
    return Check("Resource", False, f"{resource!r} matches none of {listed} (resources are case-sensitive){tail}")


def _principal_check(principal: PrincipalMatcher, statement: Statement, caller: Any, bounded: bool) -> Check:
    if statement.not_principal:
        unnamed = principal.unnamed_identities(caller)
        if bounded and not statement.allow:
            return Check("NotPrincipal", True, "a Deny with NotPrincipal applies to every IAM principal that "
                         "has a permissions boundary, whatever it names (access_policies_boundaries.html)")
        if unnamed:
            return Check("NotPrincipal", True, f"does not name {', '.join(unnamed)}, so the statement covers the caller")
        return Check("NotPrincipal", False, "names every identity of the caller, so it is exempt")
    how = principal.match(caller)
    if how is None:
        return Check("Principal", False, f"{principal} does not name {caller.describe()}")
    return Check("Principal", True, f"{principal} {_PRINCIPAL_WORDS[how]}")


def explain_statement(
    policy_set: PolicySet, statement: Statement, request: PreparedRequest, deciding: bool, bounded: bool = False
) -> StatementExplanation:
    checks: list[Check] = [_action_check(statement, request.request.action)]
    if statement.resources is not None:
        checks.append(_resource_check(statement.resources, statement.not_resource, request))
    if statement.principal is not None:
        checks.append(_principal_check(statement.principal, statement, request.caller, bounded))
    for clause in statement.conditions:
        result, sentence = clause.explain(request.context)
        checks.append(Check("Condition", result, sentence))

    applies = statement.match(request, bounded) is not None
    ref = StatementRef.of(policy_set, statement)
    return StatementExplanation(ref, applies, tuple(checks), deciding)

"""Principals: who makes the request (`Caller`) and the Principal/NotPrincipal element that names them.

A caller has several identities AWS compares against a policy: its own ARN, the role of an
assumed-role session, and its account. `Principal` matches if any of them is named; `NotPrincipal`
applies unless every one of them is named (which is why AWS asks a NotPrincipal to list the
session, the role and the account together).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

ACCOUNT_ID = re.compile(r"^\d{12}$")
_IAM_ARN = re.compile(r"^arn:([^:]+):(iam|sts)::(\d{12}):(.+)$")
ANONYMOUS_NAMES = {"anonymous", "*"}
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")

# How a statement's Principal matched the caller: it decides what else must allow.
EXACT = "exact"  # the caller's own ARN (user, session, ...)
WILDCARD = "wildcard"  # "*"
SERVICE = "service"  # a service principal
ROLE = "role"  # the role of an assumed-role session
ACCOUNT = "account"  # the caller's account (delegation to the account)

# The callers a permissions boundary can be attached to (a user, a role, a role's session).
BOUNDED_KINDS = ("user", "role", "assumed-role")


@dataclass(frozen=True, slots=True)
class Caller:
    """The principal making a request, parsed from its ARN (or service name)."""

    text: str
    kind: str  # user | role | assumed-role | federated-user | root | service | anonymous | unspecified | other
    account: str | None = None
    arn: str | None = None
    name: str | None = None  # user name, role name or service name
    role_arn: str | None = None  # for an assumed-role session: the role

    @property
    def is_iam(self) -> bool:
        """An IAM identity of an account (its identity policies, boundary and SCPs apply)."""
        return self.kind not in ("service", "anonymous")

    def describe(self) -> str:
        if self.kind == "anonymous":
            return "an anonymous caller"
        if self.kind == "service":
            return f"the service principal {self.text}"
        if self.kind == "unspecified":
            return "an unnamed principal of the resource's account"
        return f"{self.kind} {self.arn or self.text}"


@lru_cache(maxsize=4096)
def parse_caller(principal: str | None) -> Caller:
    text = (principal or "").strip()
    if not text:
        # No principal given: an IAM identity of the resource's account, known by nothing else.
        return Caller("", "unspecified")
    if text.lower() in ANONYMOUS_NAMES:
        return Caller(text, "anonymous")
    if ACCOUNT_ID.match(text):
        return Caller(text, "root", text, f"arn:aws:iam::{text}:root")
    match = _IAM_ARN.match(text)
    if match:
        return _iam_or_sts_caller(text, *match.groups())
    if not text.startswith("arn:") and "." in text and "/" not in text and ":" not in text:
        return Caller(text, "service", name=text.lower())
    if text.startswith("arn:"):
        parts = text.split(":")
        account = parts[4] if len(parts) > 5 and ACCOUNT_ID.match(parts[4]) else None
        return Caller(text, "other", account, text)
    return Caller(text, "other")


def _iam_or_sts_caller(text: str, partition: str, service: str, account: str, rest: str) -> Caller:
    """An IAM ARN (root, user, role) or an STS one (assumed role, federated user)."""
    kind, _, tail = rest.partition("/")
    if service == "iam" and rest == "root":
        return Caller(text, "root", account, text)
    if service == "iam" and kind in ("user", "role"):
        return Caller(text, kind, account, text, tail.rsplit("/", 1)[-1])
    if service == "sts" and kind == "assumed-role" and "/" in tail:
        role_name = tail.split("/", 1)[0]
        return Caller(text, "assumed-role", account, text, role_name, f"arn:{partition}:iam::{account}:role/{role_name}")
    if service == "sts" and kind == "federated-user":
        return Caller(text, "federated-user", account, text, tail)
    return Caller(text, "other", account, text)


def caller_identities(caller: Caller) -> list[tuple[str, str]]:
    """(kind of match, description) for every identity AWS compares a NotPrincipal with."""
    if caller.kind in ("anonymous", "service", "unspecified"):
        return [(EXACT, caller.text)]
    out = []
    if caller.kind != "root":
        out.append((EXACT, caller.arn or caller.text))
    if caller.role_arn:
        out.append((ROLE, caller.role_arn))
    if caller.account:
        out.append((ACCOUNT, f"arn:aws:iam::{caller.account}:root"))
    return out


@dataclass(frozen=True, slots=True)
class PrincipalEntry:
    """One named principal of a Principal element."""

    type: str  # AWS | Service | Federated | CanonicalUser | *
    value: str
    account: str | None = None  # for an account principal
    role_account: str | None = None  # for a role principal
    role_name: str | None = None

    def match(self, caller: Caller) -> str | None:
        """How this entry names the caller (EXACT, ROLE, ...), or None."""
        if self.type == "*":
            return WILDCARD
        if self.type == "AWS":
            return self._match_aws(caller)
        if self.type == "Service":
            return SERVICE if caller.kind == "service" and caller.name == self.value.lower() else None
        return EXACT if caller.text and caller.text == self.value else None

    def _match_aws(self, caller: Caller) -> str | None:
        if self.value == "*":
            # AWS documents {"AWS": "*"} as equivalent to "*"; the classic SNS-to-SQS queue
            # policy (Principal {"AWS": "*"} with an aws:SourceArn condition) relies on it.
            return WILDCARD
        if self.account is not None:
            if caller.is_iam and caller.account == self.account:
                return EXACT if caller.kind == "root" else ACCOUNT
            return None
        if caller.arn is not None and caller.arn == self.value:
            # A role acts only through its sessions: naming the role is naming the session's role,
            # which the permissions boundary and session policy still limit (policy-eval-basics).
            return ROLE if caller.kind == "role" else EXACT
        if self.role_name is not None and caller.role_arn is not None:
            if caller.account == self.role_account and caller.name == self.role_name:
                return ROLE
        return None

    def names(self, kind: str, identity: str, caller: Caller) -> bool:
        """Does this entry name one specific identity of the caller (for NotPrincipal)?"""
        if self.type == "*" or (self.type == "AWS" and self.value == "*"):
            return True
        if kind == ACCOUNT:
            return self.account is not None and self.account == caller.account
        if kind == ROLE:
            return self.role_name is not None and self.role_account == caller.account and self.role_name == caller.name
        match = self.match(caller)
        return match in (EXACT, SERVICE) or (match == ROLE and caller.kind == "role")

    def __str__(self) -> str:
        return "*" if self.type == "*" else f"{self.type}: {self.value}"


def parse_entry(kind: str, value: str) -> PrincipalEntry:
    if kind != "AWS":
        return PrincipalEntry(kind, value)
    if ACCOUNT_ID.match(value):
        return PrincipalEntry("AWS", value, account=value)
    match = _IAM_ARN.match(value)
    if match:
        _, service, account, rest = match.groups()
        if service == "iam" and rest == "root":
            return PrincipalEntry("AWS", value, account=account)
        if service == "iam" and rest.startswith("role/"):
            return PrincipalEntry("AWS", value, role_account=account, role_name=rest.rsplit("/", 1)[-1])
    return PrincipalEntry("AWS", value)


def principal_problems(value: object) -> tuple[list[PrincipalEntry], list[str]]:
    """Parse a Principal/NotPrincipal value into entries, and the problems found."""
    if value == "*":
        return [PrincipalEntry("*", "*")], []
    if not isinstance(value, dict):
        return [], ['must be "*" or an object such as {"AWS": "arn:aws:iam::111122223333:root"}']
    if not value:
        return [], ["names no principal"]
    entries: list[PrincipalEntry] = []
    problems: list[str] = []
    for kind, raw in value.items():
        if kind not in PRINCIPAL_TYPES:
            problems.append(f"has an unknown principal type {kind!r} (expected one of {', '.join(PRINCIPAL_TYPES)})")
            continue
        items = raw if isinstance(raw, list) else [raw]
        if not items:
            problems.append(f"{kind} names no principal")
        for item in items:
            if not isinstance(item, str) or not item:
                problems.append(f"{kind} entry {item!r} is not a non-empty string")
                continue
            problem = _aws_principal_problem(item) if kind == "AWS" else None
            if problem is not None:
                problems.append(problem)
                continue
            entries.append(parse_entry(kind, item))
    return entries, problems


def _aws_principal_problem(item: str) -> str | None:
    if item == "*":
        return None
    if not (ACCOUNT_ID.match(item) or item.startswith("arn:")):
        return f"AWS principal {item!r} is not an account id, an ARN or \"*\""
    if "*" in item or "?" in item:
        return f"AWS principal {item!r} uses a wildcard; only \"*\" on its own is allowed"
    return None


@dataclass(frozen=True, slots=True)
class PrincipalMatcher:
    entries: tuple[PrincipalEntry, ...]

    def match(self, caller: Caller) -> str | None:
        """The strongest way an entry names the caller, or None."""
        best = None
        for entry in self.entries:
            found = entry.match(caller)
            if found is not None and (best is None or _STRENGTH[found] > _STRENGTH[best]):
                best = found
        return best

    def excludes(self, caller: Caller) -> bool:
        """For NotPrincipal: True if every identity of the caller is named (the statement does not apply)."""
        return all(
            any(entry.names(kind, identity, caller) for entry in self.entries)
            for kind, identity in caller_identities(caller)
        )

    def unnamed_identities(self, caller: Caller) -> list[str]:
        return [
            identity
            for kind, identity in caller_identities(caller)
            if not any(entry.names(kind, identity, caller) for entry in self.entries)
        ]

    def __str__(self) -> str:
        return ", ".join(str(e) for e in self.entries)


_STRENGTH = {ACCOUNT: 1, ROLE: 2, WILDCARD: 3, SERVICE: 4, EXACT: 5}

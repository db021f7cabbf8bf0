"""Parsing and validation: a policy document (dict or JSON text) into a compiled, checked form.

Parsing happens once per document (cached), so `evaluate` only matches.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Union

from awslab.models.iam.action import ActionMatcher, action_notice, action_problem, matches_nothing
from awslab.models.iam.condition import Clause, compile_condition
from awslab.models.iam.principal import WILDCARD, PrincipalMatcher, principal_problems
from awslab.models.iam.request import PreparedRequest
from awslab.models.iam.resource import ResourceMatcher, resource_problem
from awslab.models.iam.variables import Template, parse_template

VERSION_2012 = "2012-10-17"
VERSIONS = (VERSION_2012, "2008-10-17")
POLICY_KINDS = ("identity", "resource", "boundary", "session", "scp", "rcp")
_WITH_PRINCIPAL = ("resource", "rcp")
_TOP_LEVEL = ("Version", "Id", "Statement")
_IAM_SID = re.compile(r"[0-9A-Za-z]*")
_STATEMENT_KEYS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition")

# What a statement that applies says about the caller (see principal.py for the others).
NO_PRINCIPAL = "identity"


class PolicyError(ValueError):
    """A malformed policy. The message names the policy, the statement and each problem."""

    def __init__(self, problems: list[str], label: str | None = None) -> None:
        self.problems = list(problems)
        self.label = label
        head = f"{label}: " if label else ""
        if len(self.problems) == 1:
            message = head + self.problems[0]
        else:
            message = head + f"{len(self.problems)} problems: " + "; ".join(self.problems)
        super().__init__(message)

    def with_label(self, label: str) -> "PolicyError":
        return PolicyError(self.problems, label)


@dataclass(frozen=True, slots=True)
class Statement:
    index: int  # 0-based position in the policy
    sid: str | None
    allow: bool
    actions: ActionMatcher
    not_action: bool
    resources: ResourceMatcher | None  # None: no Resource element (resource policies only)
    not_resource: bool
    principal: PrincipalMatcher | None
    not_principal: bool
    conditions: tuple[Clause, ...]
    source: dict = field(compare=False, repr=False)

    @property
    def effect(self) -> str:
        return "Allow" if self.allow else "Deny"

    @property
    def name(self) -> str:
        return statement_name(self.index, self.sid)

    def match(self, request: PreparedRequest, bounded: bool = False) -> str | None:
        """None if the statement does not apply; else how its Principal named the caller."""
        if self.actions.matches(request.action) == self.not_action:
            return None
        return self.match_beyond_action(request, bounded)

    def match_beyond_action(self, request: PreparedRequest, bounded: bool = False) -> str | None:
        """`match` for a statement already known to cover the request's action. `bounded`: the caller
        has a permissions boundary, which makes a Deny with NotPrincipal apply whatever it names."""
        resources = self.resources
        if resources is not None and resources.matches(request.resource, request.context) == self.not_resource:
            return None
        kind = NO_PRINCIPAL
        principal = self.principal
        if principal is not None:
            if self.not_principal:
                if principal.excludes(request.caller) and not (bounded and not self.allow):
                    return None
                kind = WILDCARD
            else:
                named = principal.match(request.caller)
                if named is None:
                    return None
                kind = named
        context = request.context
        for clause in self.conditions:
            if not clause.test(context):
                return None
        return kind


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    kind: str
    version: str | None
    id: str | None
    statements: tuple[Statement, ...]
    document: dict = field(compare=False, repr=False)
    by_action: dict[str, tuple[Statement, ...]] = field(default_factory=dict, compare=False, repr=False)
    places: dict[tuple, Any] = field(default_factory=dict, compare=False, repr=False)  # evaluate's PolicySets
    notices: tuple[str, ...] = field(default=(), compare=False, repr=False)  # what validate reports beyond errors

    @property
    def variables_enabled(self) -> bool:
        return self.version == VERSION_2012

    def statements_for(self, action: str) -> tuple[Statement, ...]:
        """The statements whose Action/NotAction covers a (lower-case) action; cached per action."""
        found = self.by_action.get(action)
        if found is None:
            found = tuple(s for s in self.statements if s.actions.matches(action) != s.not_action)
            if len(self.by_action) >= 2048:
                self.by_action.clear()
            self.by_action[action] = found
        return found


def statement_name(index: int, sid: str | None) -> str:
    return f"statement #{index + 1}" + (f' (Sid "{sid}")' if sid else "")


def _strings(value: Any, element: str) -> tuple[list[str], list[str]]:
    items = value if isinstance(value, list) else [value]
    if not items:
        return [], [f"{element} is empty"]
    good = [v for v in items if isinstance(v, str) and v]
    bad = [v for v in items if not (isinstance(v, str) and v)]
    return good, [f"{element} value {v!r} is not a non-empty string" for v in bad]


def _compile_statement(raw: Any, index: int, kind: str, variables: bool,
                       statement_notices: list[str]) -> tuple[Statement | None, list[str]]:
    """The compiled statement (None if malformed) and its problems; adds to `statement_notices` what
    is legal but cannot work (validate reports it, evaluation goes on)."""
    if not isinstance(raw, dict):
        return None, [f"{statement_name(index, None)}: must be an object, got {type(raw).__name__}"]
    problems: list[str] = []
    sid = _statement_sid(raw, problems)
    effect = raw.get("Effect")
    problems.extend(_effect_problems(effect))
    actions = _statement_actions(raw, problems, statement_notices, index, sid)
    resources, templates = _statement_resources(raw, kind, variables, problems)
    principal = _statement_principal(raw, kind, problems)
    conditions: tuple[Clause, ...] = ()
    if "Condition" in raw:
        conditions, found = compile_condition(raw["Condition"], variables)
        problems.extend(found)

    if problems:
        name = statement_name(index, sid)
        return None, [f"{name}: {p}" for p in problems]
    statement = Statement(
        index=index,
        sid=sid,
        allow=effect == "Allow",
        actions=ActionMatcher.build(actions),
        not_action="NotAction" in raw,
        resources=None if resources is None else ResourceMatcher.build(resources, templates),
        not_resource="NotResource" in raw,
        principal=principal,
        not_principal="NotPrincipal" in raw,
        conditions=conditions,
        source=raw,
    )
    return statement, []


def _statement_sid(raw: dict, problems: list[str]) -> str | None:
    """The Sid (None if it is absent or not a string); adds the problems of Sid and of unknown elements."""
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        problems.append(f"Sid must be a string, got {sid!r}")
        sid = None
    for key in raw:
        if key not in _STATEMENT_KEYS:
            problems.append(f"unknown element {key!r} (expected {', '.join(_STATEMENT_KEYS)})")
    return sid


def _effect_problems(effect: Any) -> list[str]:
    if effect is None:
        return ["Effect is missing (must be \"Allow\" or \"Deny\")"]
    if effect not in ("Allow", "Deny"):
        return [f"Effect {effect!r} must be \"Allow\" or \"Deny\""]
    return []


def _statement_actions(raw: dict, problems: list[str], notices: list[str], index: int,
                       sid: str | None) -> list[str]:
    """The Action or NotAction patterns; a notice for each that is legal but matches no action."""
    if "Action" in raw and "NotAction" in raw:
        problems.append("has both Action and NotAction (use one)")
        return []
    if "Action" not in raw and "NotAction" not in raw:
        problems.append("has neither Action nor NotAction")
        return []
    element = "Action" if "Action" in raw else "NotAction"
    actions, found = _strings(raw[element], element)
    problems.extend(found)
    problems.extend(p for p in (action_problem(a) for a in actions) if p)
    notices.extend(f"{statement_name(index, sid)}: {n}" for n in (action_notice(a) for a in actions) if n)
    return actions


def _statement_resources(raw: dict, kind: str, variables: bool,
                         problems: list[str]) -> tuple[list[str] | None, dict[str, Template]]:
    """The Resource or NotResource patterns (None if neither is there) and the ones that hold policy
    variables, parsed; only a policy that names principals may leave both out."""
    templates: dict[str, Template] = {}
    if "Resource" in raw and "NotResource" in raw:
        problems.append("has both Resource and NotResource (use one)")
        return None, templates
    if "Resource" not in raw and "NotResource" not in raw:
        if kind not in _WITH_PRINCIPAL:
            problems.append("has neither Resource nor NotResource")
        return None, templates
    element = "Resource" if "Resource" in raw else "NotResource"
    resources, found = _strings(raw[element], element)
    problems.extend(found)
    for resource in resources:
        template = parse_template(resource) if variables else None
        if template is not None:
            templates[resource] = template
        elif problem := resource_problem(resource):
            problems.append(problem)
    return resources, templates


def _statement_principal(raw: dict, kind: str, problems: list[str]) -> PrincipalMatcher | None:
    """The Principal or NotPrincipal, which resource-based policies must have and others must not."""
    has_principal = "Principal" in raw or "NotPrincipal" in raw
    element = "Principal" if "Principal" in raw else "NotPrincipal"
    if "Principal" in raw and "NotPrincipal" in raw:
        problems.append("has both Principal and NotPrincipal (use one)")
    elif has_principal and kind not in _WITH_PRINCIPAL:
        problems.append(f"has a {element}, which a {kind} policy cannot have (only resource-based policies name principals)")
    elif has_principal:
        entries, found = principal_problems(raw[element])
        problems.extend(f"{element} {p}" for p in found)
        return PrincipalMatcher(tuple(entries))
    elif kind in _WITH_PRINCIPAL:
        problems.append(f"has no Principal or NotPrincipal, which a {kind} policy needs")
    return None


def _load(policy: Any) -> tuple[dict | None, list[str]]:
    if isinstance(policy, (bytes, bytearray)):
        try:
            policy = bytes(policy).decode("utf-8")
        except UnicodeDecodeError:
            return None, ["policy is not UTF-8 text"]
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except (json.JSONDecodeError, RecursionError) as problem:
            return None, [f"policy is not valid JSON: {problem}"]
    if not isinstance(policy, dict):
        return None, [f"policy must be a JSON object, got {type(policy).__name__}"]
    return policy, []


def _compile(document: dict, kind: str) -> tuple[CompiledPolicy | None, list[str]]:
    problems: list[str] = []
    for key in document:
        if key not in _TOP_LEVEL:
            problems.append(f"unknown top-level element {key!r} (expected Version, Id, Statement)")
    version = document.get("Version")
    if version is not None and version not in VERSIONS:
        problems.append(f"bad Version {version!r} (must be \"2012-10-17\", or the older \"2008-10-17\")")
        version = None
    policy_id = document.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        problems.append(f"Id must be a string, got {policy_id!r}")
        policy_id = None
    if "Statement" not in document:
        problems.append("Statement is missing")
        raw_statements: list = []
    else:
        raw = document["Statement"]
        raw_statements = raw if isinstance(raw, list) else [raw]
    statements: list[Statement] = []
    notices: list[str] = []
    seen_sids: set[str] = set()
    for index, raw_statement in enumerate(raw_statements):
        statement, found = _compile_statement(raw_statement, index, kind, version == VERSION_2012, notices)
        problems.extend(found)
        if statement is not None:
            if statement.sid:
                _check_sid(statement.name, statement.sid, kind, seen_sids, problems, notices)
            statements.append(statement)
    if problems:
        return None, problems + notices
    return CompiledPolicy(kind, version, policy_id, tuple(statements), document, notices=tuple(notices)), []


def _check_sid(name: str, sid: str, kind: str, seen_sids: set[str], problems: list[str], notices: list[str]) -> None:
    """Sids are unique within a policy; IAM stores only letters and digits."""
    if sid in seen_sids:
        problems.append(f"{name}: Sid is used by another statement (Sids must be unique)")
    seen_sids.add(sid)
    if kind == "identity" and not _IAM_SID.fullmatch(sid):
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
        notices.append(f"{name}: IAM refuses to store this policy: a Sid in IAM is letters "
                       "and digits only (MalformedPolicyDocument)")


def _check_kind(kind: str) -> None:
    if kind not in POLICY_KINDS:
        raise ValueError(f"unknown policy kind {kind!r} (one of {', '.join(POLICY_KINDS)})")


def infer_kind(document: Any) -> str:
    """'resource' if any statement names a principal, else 'identity'."""
    if isinstance(document, dict):
        raw = document.get("Statement")
        for statement in raw if isinstance(raw, list) else [raw]:
            if isinstance(statement, dict) and ("Principal" in statement or "NotPrincipal" in statement):
                return "resource"
    return "identity"


def validate(policy: Any, kind: str | None = None, known_actions: bool = False) -> list[str]:
    """The problems of a policy (empty if it is fine). `kind` None: inferred from its statements.
    `known_actions`: also report actions AWS's catalogue does not know (awslab.models.iam.catalogue)."""
    document, problems = _load(policy)
    if document is None:
        return problems
    if kind is None:
        kind = infer_kind(document)
    _check_kind(kind)
    try:
        compiled, problems = _compile(document, kind)
    except RecursionError:
        return ["policy is nested too deeply"]
    if compiled is None:
        return problems
    return list(compiled.notices) + (_catalogue_notices(compiled) if known_actions else [])


def _catalogue_notices(compiled: CompiledPolicy) -> list[str]:
    """Actions that AWS's catalogue does not know (a typo grants nothing, silently)."""
    from awslab.models.iam.catalogue import unknown_action  # the catalogue is read only by validate

    found = []
    for statement in compiled.statements:
        for action in statement.actions.patterns:
            notice = None if matches_nothing(action) else unknown_action(action)
            if notice:
                found.append(f"{statement.name}: {notice}")
    return found


@lru_cache(maxsize=1024)
def _parse_text(text: str, kind: str) -> CompiledPolicy | PolicyError:
    document, problems = _load(text)
    if document is None:
        return PolicyError(problems)
    compiled, problems = _compile(document, kind)
    return compiled if compiled is not None else PolicyError(problems)


class _DocumentCache:
    """Compiled policies keyed by the identity of a dict, checked against a snapshot (so a mutated
    dict is recompiled): much cheaper than serialising the dict on every request."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[int, str], tuple[dict, dict, CompiledPolicy | PolicyError]] = OrderedDict()
        self.lock = threading.Lock()  # the gateway may evaluate from several threads

    def get(self, document: dict, kind: str) -> CompiledPolicy | PolicyError:
        key = (id(document), kind)
        entry = self.entries.get(key)
        if entry is not None and entry[0] is document:
            try:
                unchanged = entry[1] == document
            except RecursionError:
                unchanged = False
            if unchanged:
                return entry[2]
        try:
            compiled, problems = _compile(document, kind)
            result: CompiledPolicy | PolicyError = compiled if compiled is not None else PolicyError(problems)
            snapshot = copy.deepcopy(document)
        except RecursionError:
            return PolicyError(["policy is nested too deeply"])
        with self.lock:
            self.entries[key] = (document, snapshot, result)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return result


_documents = _DocumentCache()

PolicyInput = Union[dict, str, bytes, CompiledPolicy]


def parse_policy(policy: PolicyInput, kind: str = "identity") -> CompiledPolicy:
    """Parse and validate a policy (dict, JSON text or an already compiled policy).

    `kind` is one of identity, resource, boundary, session, scp, rcp: resource and rcp policies
    must name a Principal, the others must not. Raises PolicyError naming every problem.
    """
    if type(policy) is dict and kind in POLICY_KINDS:  # the hot path: a document seen before
        result = _documents.get(policy, kind)
        if isinstance(result, PolicyError):
            raise PolicyError(result.problems)
        return result
    _check_kind(kind)
    if isinstance(policy, CompiledPolicy):
        if (policy.kind in _WITH_PRINCIPAL) != (kind in _WITH_PRINCIPAL):
            raise PolicyError([f"a policy compiled as a {policy.kind} policy cannot be used as a {kind} policy"])
        return policy
    if isinstance(policy, (str, bytes, bytearray)):
        text = policy if isinstance(policy, str) else bytes(policy).decode("utf-8", errors="replace")
        try:
            result = _parse_text(text, kind)
        except RecursionError:
            result = PolicyError(["policy is nested too deeply"])
    elif isinstance(policy, dict):
        result = _documents.get(policy, kind)
    else:
        result = PolicyError([f"policy must be a JSON object (a dict) or JSON text, got {type(policy).__name__}"])
    if isinstance(result, PolicyError):
        raise PolicyError(result.problems)
    return result


def parse_labelled(policy: PolicyInput, kind: str, label: str) -> CompiledPolicy:
    """parse_policy, its PolicyError naming the policy (`label`: "managed policy arn:...", "boundary")."""
    try:
        return parse_policy(policy, kind)
    except PolicyError as error:
        raise error.with_label(label) from None

"""The request being decided, and its context (condition keys, case-insensitive as in AWS)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from awslab.models.iam.principal import ACCOUNT_ID, Caller, parse_caller

MISSING = object()


class RequestError(ValueError):
    """The request itself is malformed (not a policy problem)."""


@dataclass(frozen=True)
class Request:
    """What is asked: an action on a resource, by a principal, with context keys.

    `principal` is an ARN (`arn:aws:iam::111122223333:user/alice`,
    `arn:aws:sts::111122223333:assumed-role/Role/session`, `arn:aws:iam::111122223333:root`), an
    account id, a service principal (`sns.amazonaws.com`), "anonymous" for an unsigned request, or
    None: an unnamed IAM principal of the resource's account (identity policies apply; a resource
    policy must then allow "*" to count).
    Context values may be strings, numbers, booleans, bytes, datetimes or lists (multivalued keys).
    """

    action: str
    resource: str = "*"
    principal: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    resource_account: str | None = None


def _text(value: Any) -> str | None:
    """A scalar context value as the text a string operator or a policy variable sees."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return None


class RequestContext:
    """Context keys of one request: given by the caller, then derived from the principal."""

    __slots__ = ("given", "derived", "memo")

    def __init__(self, given: dict[str, Any], caller: Caller) -> None:
        self.given = {str(k).lower(): v for k, v in given.items()}
        self.derived = _derived_keys(caller)
        self.memo: dict[Any, Any] = {}  # per-request results: values of a key, coerced values

    def get(self, key: str) -> Any:
        """The value of a lower-case key, or MISSING."""
        value = self.given.get(key, MISSING)
        if value is MISSING:
            value = self.derived.get(key, MISSING)
            if value is MISSING:
                if key == "aws:currenttime":
                    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                if key == "aws:epochtime":
                    return int(time.time())
        return value

    def source(self, key: str) -> str:
        if key in self.given:
            return "request"
        if key in self.derived:
            return "derived from the principal"
        return "clock" if key in ("aws:currenttime", "aws:epochtime") else "missing"

    def values(self, key: str) -> list[Any] | None:
        """The key's values as a list, or None if the key is absent (None, [] and missing alike)."""
        memo = self.memo
        if key in memo:
            return memo[key]
        found = memo[key] = self._values(key)
        return found

    def _values(self, key: str) -> list[Any] | None:
        value = self.get(key)
        if value is MISSING or value is None:
            return None
        if isinstance(value, (list, tuple, set, frozenset)):
            return list(value) or None
        return [value]

    def scalar_text(self, key: str) -> str | None:
        """The key's value as text for a policy variable (None if absent or multivalued)."""
        value = self.get(key)
        if isinstance(value, (list, tuple)):
            if len(value) != 1:
                return None
            value = value[0]
        if value is MISSING or value is None:
            return None
        return _text(value)


@lru_cache(maxsize=4096)
def _derived_keys(caller: Caller) -> dict[str, Any]:
    return derived_keys(caller)


def derived_keys(caller: Caller) -> dict[str, Any]:
    keys: dict[str, Any] = {}
    if caller.kind == "service":
        keys["aws:principalisawsservice"] = "true"
        keys["aws:principalservicename"] = caller.text
        return keys
    if caller.kind == "anonymous":
        return keys
    keys["aws:principalisawsservice"] = "false"
    if caller.account:
        keys["aws:principalaccount"] = caller.account
    arn = caller.role_arn or caller.arn
    if arn:
        keys["aws:principalarn"] = arn
    types = {"user": "User", "root": "Account", "assumed-role": "AssumedRole", "federated-user": "FederatedUser", "role": "AssumedRole"}
    if caller.kind in types:
        keys["aws:principaltype"] = types[caller.kind]
    if caller.kind == "user" and caller.name:
        keys["aws:username"] = caller.name
    return keys


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    """A Request normalised once for evaluation."""

    request: Request
    action: str  # lower-case
    resource: str
    caller: Caller
    context: RequestContext
    resource_account: str | None
    same_account: bool


def prepare(request: Request) -> PreparedRequest:
    if not isinstance(request, Request):
        raise RequestError(f"expected an awslab.models.iam.Request, got {type(request).__name__}")
    if not isinstance(request.action, str) or not request.action:
        raise RequestError("the request's action must be a non-empty string such as 's3:GetObject'")
    if not isinstance(request.resource, str) or not request.resource:
        raise RequestError("the request's resource must be a non-empty string (an ARN or '*')")
    if request.principal is not None and not isinstance(request.principal, str):
        raise RequestError("the request's principal must be a string (an ARN, an account id or a service) or None")
    context = request.context or {}
    if not isinstance(context, dict):
        raise RequestError("the request's context must be a dict of condition keys")
    caller = parse_caller(request.principal)
    resource_account = resource_account_of(request, caller)
    # An unspecified principal is taken to belong to the resource's account.
    same = caller.account == resource_account if caller.account is not None else caller.kind == "unspecified"
    return PreparedRequest(
        request, request.action.lower(), request.resource, caller, RequestContext(context, caller), resource_account, same
    )


def resource_account_of(request: Request, caller: Caller) -> str | None:
    """The resource's account: explicit, else from its ARN, else the caller's (S3 ARNs carry none)."""
    if request.resource_account:
        return str(request.resource_account)
    parts = request.resource.split(":", 5)
    if len(parts) == 6 and ACCOUNT_ID.match(parts[4]):
        return parts[4]
    return caller.account

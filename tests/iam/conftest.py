"""Small builders so each table row reads as a policy, not as boilerplate."""

from __future__ import annotations

import pytest

ACCOUNT = "111122223333"
OTHER = "444455556666"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
BOB_OTHER = f"arn:aws:iam::{OTHER}:user/bob"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/App"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/App/s1"
BUCKET = "arn:aws:s3:::bucket"
OBJECT = "arn:aws:s3:::bucket/key"


def stmt(effect: str = "Allow", action="s3:GetObject", resource="*", **extra) -> dict:
    out = {"Effect": effect}
    if action is not None:
        out["Action"] = action
    if resource is not None:
        out["Resource"] = resource
    out.update(extra)
    return out


def policy(*statements: dict, version: str | None = "2012-10-17") -> dict:
    out: dict = {"Statement": list(statements)}
    if version:
        out["Version"] = version
    return out


def allow(action="s3:GetObject", resource="*", **extra) -> dict:
    return policy(stmt("Allow", action, resource, **extra))


def deny(action="s3:GetObject", resource="*", **extra) -> dict:
    return policy(stmt("Deny", action, resource, **extra))


def resource_allow(principal, action="s3:GetObject", resource=OBJECT, **extra) -> dict:
    return policy(stmt("Allow", action, resource, Principal=principal, **extra))


def resource_deny(principal, action="s3:GetObject", resource=OBJECT, **extra) -> dict:
    return policy(stmt("Deny", action, resource, Principal=principal, **extra))


@pytest.fixture
def alice_get():
    from awslab.models.iam import Request

    return Request(action="s3:GetObject", resource=OBJECT, principal=ALICE)

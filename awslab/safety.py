"""Nothing awslab does reaches real AWS, and no real credential is read or passed on."""

from __future__ import annotations

import ipaddress
import os
import secrets
import socket

# Fake credentials: the grader's clients and the learner's code get different keys, so the request
# log can tell who called. The grader's key is drawn afresh in every process and never put in a
# learner's environment: a learner cannot sign as the grader to dodge metering or hide its calls
# (any key other than the grader's counts as the learner's).
GRADER_ACCESS_KEY = "AKIDAWSLABG" + secrets.token_hex(5).upper()[:9]
LEARNER_ACCESS_KEY = "AKIDAWSLABLEARNER000"
FAKE_SECRET = "awslab-not-a-real-secret"
REGION = "us-east-1"

# Variables through which boto3 could find real credentials or a real endpoint.
_AWS_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                  "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
                  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                  "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_ENDPOINT_URL", "AWS_CA_BUNDLE")


class RealAwsRefused(ConnectionRefusedError):
    pass


def scrub_process_environment() -> None:
    """Make boto3 in this process blind to real credentials and config files."""
    for name in list(os.environ):
        if name in _AWS_VARIABLES or name.startswith("AWS_ENDPOINT_URL_"):
            del os.environ[name]
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


def learner_environment(endpoint_url: str, home: str) -> dict[str, str]:
    """The whole environment of a learner process: the local endpoint, fake credentials, nothing else."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONUNBUFFERED": "1",
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_ACCESS_KEY_ID": LEARNER_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": FAKE_SECRET,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_PROXY": "127.0.0.1,localhost",
    }


def is_aws_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host.endswith((".amazonaws.com", ".amazonaws.com.cn", ".aws", ".api.aws")) or host in (
        "amazonaws.com", "169.254.169.254", "169.254.170.2")


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


_original_getaddrinfo = socket.getaddrinfo


def guard_network(*, loopback_only: bool) -> None:
    """Refuse name lookups of AWS hosts (and, for learner code, of anything not on loopback)."""

    def guarded(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host or "")
        if is_aws_host(name) or (loopback_only and name and not is_loopback(name)):
            raise RealAwsRefused(
                f"awslab refused a connection to {name}: labs reach only the local backend "
                "(boto3 already points there; do not pass endpoint_url or region for real AWS)")
        return _original_getaddrinfo(host, *args, **kwargs)

    socket.getaddrinfo = guarded

"""Round trips through the gateway's readers: what boto3 sends is what the request log says it sent.

For every operation of ten services (five protocols: query, EC2, JSON, REST-XML, REST-JSON) a case
is generated from botocore's model: parameters with nested structures, lists, maps, timestamps,
blobs, booleans, integers and text that needs escaping. A real boto3 client turns them into the
HTTP request it would send (its handlers included: checksums, S3's bucket rules, idempotency
tokens), the request is captured before it leaves, and the gateway's reader must return the
parameters the client serialised. No emulator runs.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.model import Shape

from awslab.gateway.aws_request import identify, service_model
from awslab.gateway.wire import from_botocore as request_from_botocore

SERVICES = ("sqs", "sns", "s3", "dynamodb", "iam", "sts", "kms", "ec2", "lambda", "events")
# Members botocore or HTTP add to a request (a checksum, the body's length), which the caller never passed.
ADDED_BY_BOTOCORE = {"ContentLength", "ContentMD5", "ChecksumAlgorithm", "ChecksumCRC32", "ChecksumCRC32C", "ChecksumSHA1",
                     "ChecksumSHA256", "ChecksumCRC64NVME"}
# Operations botocore rewrites after serialising (a presigned URL of another region is added).
REWRITTEN_BY_BOTOCORE = {("ec2", "CopySnapshot"), ("rds", "CopyDBSnapshot")}
# Operations whose request is another's, byte for byte: the gateway names (and reads) the current one.
TWINS = {("s3", "GetBucketLifecycle"): "GetBucketLifecycleConfiguration",  # deprecated
         ("s3", "PutBucketLifecycle"): "PutBucketLifecycleConfiguration",
         ("s3", "GetBucketNotification"): "GetBucketNotificationConfiguration",
         ("s3", "PutBucketNotification"): "PutBucketNotificationConfiguration",
         ("s3", "ListDirectoryBuckets"): "ListBuckets"}  # only the endpoint differs (S3 Express's)
_MAX_DEPTH = 5

_TEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_ESCAPED = " &=+/%?#:;,é€\"'<>"  # what form, URL, JSON and XML encodings each must escape


class _Sent(Exception):
    def __init__(self, request) -> None:
        self.request = request


class Generator:
    """Parameters for a shape: every required member, about half of the optional ones."""

    def __init__(self, seed: int, uri: str = "", empty_lists: bool = True) -> None:
        self.random = random.Random(seed)
        self.empty_lists = empty_lists  # EC2 sends nothing for []: a reader cannot tell it from absent
        self.uri = uri  # the operation's URI template: a greedy label ({Key+}) may hold "/"

    def value(self, shape: Shape, depth: int = 0, location: str | None = None, greedy: bool = False) -> Any:
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, depth)
        if kind == "list":
            if (location is None and self.empty_lists and "min" not in shape.metadata
                    and not shape.serialization.get("flattened") and self.random.random() < 0.1):
                return []
            return [self.value(shape.member, depth + 1, location) for _ in range(self._count(shape))]
        if kind == "map":
            out = {}
            for _ in range(self._count(shape)):
                key = self.value(shape.key, depth + 1, "header" if location == "headers" else "map-key")
                out[key.lower() if location == "headers" else key] = self.value(shape.value, depth + 1, location)
            return out
        if kind == "string":
            return self.string(shape, location, greedy)
        if kind in ("integer", "long"):
            low = int(shape.metadata.get("min", 0))
            high = int(shape.metadata.get("max", low + 1000))
            return self.random.randint(low, max(low, min(high, low + 1000)))
        if kind in ("float", "double"):
            low = float(shape.metadata.get("min", 0))
            return low + self.random.randint(0, 400) / 4
        if kind == "boolean":
            return self.random.random() < 0.5
        if kind == "timestamp":
            seconds = self.random.randint(1_500_000_000, 1_900_000_000)
            return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
        if kind == "blob":
            return bytes(self.random.randrange(256) for _ in range(self.random.randint(1, 24)))
        raise AssertionError(f"no generator for {kind}")

    def structure(self, shape: Shape, depth: int) -> dict:
        members = shape.members
        if shape.metadata.get("union"):
            names = [self.random.choice(sorted(members))]
        else:
            names = [n for n in members if n in shape.required_members
                     or (depth < _MAX_DEPTH and self.random.random() < 0.6)]
        out = {}
        for name in names:
            member = members[name]
            if _is_document(member) or member.serialization.get("jsonvalue") or member.metadata.get("eventstream"):
                continue
            location = member.serialization.get("location")
            greedy = location == "uri" and "{%s+}" % member.serialization.get("name", name) in self.uri
            if member.type_name == "string" and (name == "Bucket" or name.endswith("BucketName")):
                out[name] = "bucket-" + "".join(self.random.choice("abcdefghij0123456789") for _ in range(8))
            elif member.type_name == "string" and name.endswith("ChecksumAlgorithm"):
                out[name] = "CRC32"  # the others need botocore[crt] (CRC64NVME) or are not accepted (MD5)
            else:
                out[name] = self.value(member, depth + 1, location, greedy)
        if not out and members and depth > 0:
            name = next(n for n in members if not _is_document(members[n]))
            out[name] = self.value(members[name], depth + 1)
        return out

    def string(self, shape: Shape, location: str | None, greedy: bool) -> str:
        if shape.enum:
            return self.random.choice(shape.enum)
        low = int(shape.metadata.get("min", 1))
        high = int(shape.metadata.get("max", 24))
        length = self.random.randint(max(low, 1), max(low, min(high, 24)))
        alphabet = _TEXT
        if location in ("header", "map-key"):
            alphabet = _TEXT + "-_."
        elif location in ("uri", "querystring"):
            alphabet = _TEXT + ("/ -_.~+é" if greedy else " -_.~+é")
        elif location is None:
            alphabet = _TEXT + _ESCAPED
        text = "".join(self.random.choice(alphabet) for _ in range(length))
        if location in ("uri", "header"):
            text = text.strip(" /") or "x"  # a label is never empty; HTTP trims header values
            text = text.replace("//", "/")
        return text

    def _count(self, shape: Shape) -> int:
        low = int(shape.metadata.get("min", 1))
        return self.random.randint(max(low, 1), max(low, 3))


@pytest.fixture(scope="module")
def clients():
    return capturing_clients()


def capturing_clients():
    """boto3 clients that stop each request just before it would leave (`_Sent` carries it)."""
    session = boto3.session.Session(aws_access_key_id="AKIAROUNDTRIP", aws_secret_access_key="secret",
                                    region_name="us-east-1")
    config = Config(retries={"total_max_attempts": 1}, inject_host_prefix=False, parameter_validation=True,
                    s3={"addressing_style": "path"}, request_checksum_calculation="when_required")
    made = {}

    def client(service: str):
        if service not in made:
            made[service] = session.client(service, endpoint_url="http://127.0.0.1:4566", config=config)
            made[service].meta.events.register_last("before-parameter-build", _keep_params)
            made[service].meta.events.register("before-send", _stop)
        return made[service]

    return client


_kept: dict[str, Any] = {}


def _keep_params(params, **_):
    import copy

    _kept["params"] = copy.deepcopy(params)


def _stop(request, **_):
    raise _Sent(request)


def _cases() -> list:
    cases = []
    for service in SERVICES:
        model = service_model(service)
        for name in model.operation_names:
            op = model.operation_model(name)
            if op.has_event_stream_input or (service, name) in REWRITTEN_BY_BOTOCORE:
                continue
            cases.append(pytest.param(service, name, id=f"{service}.{name}"))
    return cases


def _generate(service: str, operation: str) -> dict:
    op = service_model(service).operation_model(operation)
    if op.input_shape is None:
        return {}
    generator = Generator(zlib.crc32(f"{service}.{operation}".encode()), op.http.get("requestUri", ""),
                          empty_lists=op.metadata["protocol"] != "ec2")
    return generator.structure(op.input_shape, 0)


def _send(client, operation: str, params: dict):
    _kept.clear()
    try:
        getattr(client, xform_name(operation))(**params)
    except _Sent as sent:
        return sent.request, _kept["params"]
    raise AssertionError("the request was not sent")


def _expected(service: str, operation: str, params: dict) -> dict:
    """What the request carries of `params`: streaming bodies are logged by their size."""
    op = service_model(service).operation_model(operation)
    out = dict(params)
    payload = op.input_shape.serialization.get("payload") if op.input_shape else None
    if payload and payload in out and op.input_shape.members[payload].type_name == "blob" \
            and op.input_shape.members[payload].serialization.get("streaming"):
        body = out[payload]
        body = body.getvalue() if hasattr(body, "getvalue") else body
        out[payload] = {"size": len(body if isinstance(body, bytes) else body.encode())}
    return out


@pytest.mark.parametrize(("service", "operation"), _cases())
def test_gateway_reads_back_what_boto3_sent(clients, service, operation):
    request, sent = _send(clients(service), operation, _generate(service, operation))
    call = identify(request_from_botocore(request))
    assert call is not None, f"the gateway does not recognise {service}.{operation}"
    assert (call.service, call.operation) == (service, TWINS.get((service, operation), operation))
    if (service, operation) in TWINS:
        return
    read = {k: v for k, v in call.params.items() if k in sent or k not in ADDED_BY_BOTOCORE}
    assert read == _expected(service, operation, sent)


def _is_document(shape: Shape) -> bool:
    return bool(getattr(shape, "is_document_type", False))

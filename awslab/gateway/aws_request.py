"""Read an AWS API request off the wire: which service, which operation, which parameters.

The request log and every simulated behaviour speak in boto3's terms (`sqs`, `ReceiveMessage`,
`{"QueueUrl": ..., "WaitTimeSeconds": 20}`), whatever protocol carried the call. botocore's own
service models say how each protocol lays parameters out; this module reads them backwards.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape

from .protocols import ec2, query

# Credential-scope names that differ from botocore's service names.
SCOPE_TO_SERVICE = {"monitoring": "cloudwatch", "email": "ses", "execute-api": "apigateway", "states": "stepfunctions"}

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request")


@dataclass
class HttpRequest:
    """The raw request as the gateway received it."""

    method: str
    path: str  # percent-decoded path
    raw_path: str  # as sent
    query: str
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def query_params(self) -> dict[str, list[str]]:
        return urllib.parse.parse_qs(self.query, keep_blank_values=True)


@dataclass
class AwsCall:
    """One API call in boto3's terms."""

    service: str
    operation: str
    params: dict[str, Any]
    region: str
    access_key: str | None
    protocol: str
    http: HttpRequest = field(repr=False)
    log_entry: Any = field(default=None, repr=False)  # the request log's entry; behaviours add notes

    @property
    def target(self) -> str:
        return f"{self.service}:{self.operation}"

    def note(self, key: str, value: Any) -> None:
        """Record what a simulated behaviour did with this call, for the request log."""
        if self.log_entry is not None:
            self.log_entry.notes[key] = value

    def with_params(self, params: dict[str, Any]) -> "AwsCall":
        """The same call with other parameters; the log keeps the original.

        JSON protocols take any change; the query protocol takes changes of top-level scalars."""
        if self.protocol in ("query", "ec2"):
            form = urllib.parse.parse_qs(self.http.body.decode(), keep_blank_values=True)
            for name, value in params.items():
                if isinstance(value, (str, int, float, bool)):
                    form[name] = [str(value).lower() if isinstance(value, bool) else str(value)]
            body = urllib.parse.urlencode(form, doseq=True).encode()
        elif self.protocol == "json":
            body = json.dumps(params).encode()
        else:
            raise ValueError(f"cannot rewrite a {self.protocol} request")
        return self._with_body(params, body)

    def _with_body(self, params: dict[str, Any], body: bytes) -> "AwsCall":
        headers = dict(self.http.headers, **{"content-length": str(len(body))})
        http = HttpRequest(self.http.method, self.http.path, self.http.raw_path, self.http.query, headers, body)
        return AwsCall(self.service, self.operation, params, self.region, self.access_key, self.protocol, http,
                       self.log_entry)


@functools.lru_cache(maxsize=None)
def service_model(service: str) -> ServiceModel:
    return _session().get_service_model(service)


@functools.lru_cache(maxsize=1)
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


def region_of_arn(arn: str | None, default: str) -> str:
    """The region an ARN names (arn:aws:sqs:eu-west-1:...), or `default` for global ones (IAM, S3)."""
    parts = (arn or "").split(":")
    return parts[3] if len(parts) >= 6 and parts[0] == "arn" and parts[3] else default


def credential_scope(http: HttpRequest) -> tuple[str | None, str | None, str | None]:
    """(access key, region, service scope) from a SigV4 Authorization header or presigned query."""
    auth = http.headers.get("authorization", "")
    match = _CREDENTIAL.search(auth)
    if not match:
        cred = urllib.parse.parse_qs(http.query).get("X-Amz-Credential", [""])[0]
        match = _CREDENTIAL.search("Credential=" + cred) if cred else None
    if not match:
        return None, None, None
    return match.group(1), match.group(3), match.group(4)


def identify(http: HttpRequest, default_region: str = "us-east-1") -> AwsCall | None:
    """The call this request makes, or None if it is not an AWS API call awslab can read."""
    access_key, region, scope = credential_scope(http)
    target = http.headers.get("x-amz-target", "")
    if scope is None:
        scope = _guess_unsigned_service(http, target)
        if scope is None:
            return None
    service = SCOPE_TO_SERVICE.get(scope, scope)
    try:
        model = service_model(service)
    except Exception:
        return None
    region = region or default_region
    try:
        if target:
            operation, params = _read_json(model, http, target)
            protocol = "json"
        elif model.protocol in ("query", "ec2") or _is_form(http):
            protocol = "ec2" if model.protocol == "ec2" else "query"
            reader = ec2.READER if protocol == "ec2" else query.READER
            operation, params = reader.read_request(model, http.query, http.body)
        elif model.protocol in ("rest-xml", "rest-json"):
            operation, params = _read_rest(model, http)
            protocol = model.protocol
        else:
            return None
    except _Unreadable:
        return None
    if operation is None:
        return None
    return AwsCall(service, operation, params, region, access_key, protocol, http)


class _Unreadable(Exception):
    pass


def _guess_unsigned_service(http: HttpRequest, target: str) -> str | None:
    if target.startswith("DynamoDB_"):
        return "dynamodb"
    if target.startswith("AmazonSQS."):
        return "sqs"
    return None


def _is_form(http: HttpRequest) -> bool:
    return http.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")


# --------------------------------------------------------------------------- JSON protocols
def _read_json(model: ServiceModel, http: HttpRequest, target: str) -> tuple[str | None, dict]:
    name = target.rsplit(".", 1)[-1]
    if name not in model.operation_names:
        return None, {}
    try:
        params = json.loads(http.body or b"{}")
    except ValueError as exc:
        raise _Unreadable from exc
    return name, params if isinstance(params, dict) else {}


def _scalar(shape: Shape, text: str) -> Any:
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
        if kind == "boolean":
            return text.strip().lower() == "true"
        if kind == "blob":
            return base64.b64decode(text)
    except (ValueError, TypeError):
        return text
    return text


# --------------------------------------------------------------------------- REST protocols
@functools.lru_cache(maxsize=None)
def _rest_routes_by_method(service: str) -> dict[str, list]:
    """The routes of `_rest_routes`, grouped by HTTP method: a request only meets its own method's."""
    grouped: dict[str, list] = {}
    for route in _rest_routes(service):
        grouped.setdefault(route[1], []).append(route)
    return grouped


@functools.lru_cache(maxsize=None)
def _rest_routes(service: str) -> list[tuple[OperationModel, str, list[str], dict[str, str | None], list[str]]]:
    """Per operation: (model, method, path template segments, literal query keys, required headers)."""
    model = service_model(service)
    routes = []
    for name in model.operation_names:
        op = model.operation_model(name)
        uri = op.http.get("requestUri", "/")
        path, _, query = uri.partition("?")
        literals: dict[str, str | None] = {}
        for part in filter(None, query.split("&")):
            key, eq, value = part.partition("=")
            literals[key] = value if eq else None
        required_headers = []
        if op.input_shape is not None:
            for member_name in op.input_shape.required_members:
                member = op.input_shape.members[member_name]
                if member.serialization.get("location") == "header":
                    required_headers.append(member.serialization.get("name", member_name).lower())
        segments = [s for s in path.split("/") if s]
        routes.append((op, op.http.get("method", "POST"), segments, literals, required_headers))
    return routes


def _match_path(template: list[str], parts: list[str]) -> dict[str, str] | None:
    labels: dict[str, str] = {}
    for index, segment in enumerate(template):
        if segment.startswith("{") and segment.endswith("+}"):
            rest = parts[index:]
            if not rest:
                return None
            labels[segment[1:-2]] = "/".join(rest)
            return labels
        if index >= len(parts):
            return None
        if segment.startswith("{") and segment.endswith("}"):
            if not parts[index]:
                return None  # a URI label is never empty (an empty one is a different route)
            labels[segment[1:-1]] = parts[index]
        elif segment != parts[index]:
            return None
    return labels if len(parts) == len(template) else None


def _read_rest(model: ServiceModel, http: HttpRequest) -> tuple[str | None, dict]:
    # Keep a trailing empty segment for keys ending in "/" (S3 keys like "logs/").
    raw = http.path[1:] if http.path.startswith("/") else http.path
    parts = raw.split("/") if raw else []
    if len(parts) > 1 and model.service_name == "s3":  # S3: a bucket, then one key (slashes and all)
        parts = parts[:1] + ["/".join(parts[1:])]
    elif parts and parts[-1] == "":
        # Elsewhere a trailing slash is the operation's own URI: botocore 1.35 (the floor) sends Lambda's
        # CreateEventSourceMapping and ListEventSourceMappings to /2015-03-31/event-source-mappings/
        # (its model's requestUri then); read as an empty UUID it became GetEventSourceMapping.
        parts = parts[:-1]
    query = http.query_params()
    best: tuple[int, OperationModel, dict[str, str]] | None = None
    for op, _method, template, literals, required_headers in _rest_routes_by_method(model.service_name).get(
            http.method, ()):
        labels = _match_path(template, parts)
        if labels is None:
            continue
        if any(k not in query or (v is not None and query[k][0] != v) for k, v in literals.items()):
            continue
        if any(h not in http.headers for h in required_headers):
            continue
        if not _required_query_present(op, query):
            continue
        # Deprecated twins share a route (PutBucketLifecycle vs ...Configuration): prefer the current one.
        score = 10 * len(literals) + 5 * len(required_headers) + len(template) - (50 if op.deprecated else 0)
        if best is None or score > best[0]:
            best = (score, op, labels)
    if best is None:
        return None, {}
    _, op, labels = best
    return op.name, _rest_params(op, labels, query, http)


def _required_query_present(op: OperationModel, query: dict[str, list[str]]) -> bool:
    shape = op.input_shape
    if shape is None:
        return True
    for name in shape.required_members:
        member = shape.members[name]
        if member.serialization.get("location") == "querystring" and member.serialization.get("name", name) not in query:
            return False
    return True


def _rest_params(op: OperationModel, labels: dict[str, str], query: dict[str, list[str]], http: HttpRequest) -> dict:
    shape = op.input_shape
    if shape is None:
        return {}
    params: dict[str, Any] = {}
    payload_name = shape.serialization.get("payload")
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "uri":
            if wire in labels:
                params[name] = labels[wire]
        elif location == "querystring":
            if member.type_name == "map":
                continue
            if wire in query:
                values = query[wire]
                params[name] = [_scalar(member.member, v) for v in values] if member.type_name == "list" else _scalar(member, values[0])
        elif location == "header":
            if member.type_name == "map":
                prefix = wire.lower()
                found = {k[len(prefix):]: v for k, v in http.headers.items() if k.startswith(prefix)}
                if found:
                    params[name] = found
            elif wire.lower() in http.headers:
                params[name] = _scalar(member, http.headers[wire.lower()])
    if payload_name:
        member = shape.members[payload_name]
        if member.type_name in ("blob", "string"):
            params[payload_name] = {"size": len(http.body)}
        elif http.body:
            params[payload_name] = _parse_xml_payload(member, http.body)
    elif http.body and op.metadata.get("protocol") == "rest-json":
        try:
            params.update(json.loads(http.body))
        except ValueError:
            pass
    return params


def _parse_xml_payload(shape: Shape, body: bytes) -> Any:
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise _Unreadable from exc
    return _xml_value(shape, root)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_value(shape: Shape, node: ET.Element) -> Any:
    if shape.type_name == "structure":
        out: dict[str, Any] = {}
        children = list(node)
        for name, member in shape.members.items():
            wire = member.serialization.get("name", name)
            if member.type_name == "list" and member.serialization.get("flattened"):
                item_wire = member.member.serialization.get("name", wire)
                matches = [c for c in children if _local(c.tag) in (wire, item_wire)]
                if matches:
                    out[name] = [_xml_value(member.member, c) for c in matches]
                continue
            match = next((c for c in children if _local(c.tag) == wire), None)
            if match is not None:
                out[name] = _xml_value(member, match)
        return out
    if shape.type_name == "list":
        item_wire = shape.member.serialization.get("name", "member")
        return [_xml_value(shape.member, c) for c in node if _local(c.tag) == item_wire]
    if shape.type_name == "map":
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        out = {}
        for entry in node:
            key = next((c.text for c in entry if _local(c.tag) == key_name), None)
            value = next((c for c in entry if _local(c.tag) == value_name), None)
            if key is not None and value is not None:
                out[key] = _xml_value(shape.value, value)
        return out
    return _scalar(shape, node.text or "")

"""Read an AWS API request off the wire: which service, which operation, which parameters.

The request log and every simulated behaviour speak in boto3's terms (`sqs`, `ReceiveMessage`,
`{"QueueUrl": ..., "WaitTimeSeconds": 20}`), whatever protocol carried the call. botocore's own
service models say how each protocol lays parameters out; this module reads them backwards.
"""

from __future__ import annotations

import functools
import re
import urllib.parse
import uuid
from dataclasses import dataclass, field
from typing import Any

import botocore.loaders
import botocore.session
from botocore.model import ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from botocore.utils import percent_encode_sequence

from .protocols import aws_json, ec2, query, rest, rest_json, rest_xml
from .wire import HttpRequest, Response

# Credential-scope names that differ from botocore's service names.
SCOPE_TO_SERVICE = {"monitoring": "cloudwatch", "email": "ses", "execute-api": "apigateway", "states": "stepfunctions",
                    "s3express": "s3", "s3-object-lambda": "s3"}

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request")


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
    # What the chain has read of queues' configuration during this call, by (region, queue URL): one
    # lookup per queue and call, shared by the call's rewrites (queue_configuration.py).
    queues: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    def note(self, key: str, value: Any) -> None:
        """Record what a simulated behaviour did with this call, for the request log."""
        if self.log_entry is not None:
            self.log_entry.notes[key] = value

    # -- answers in the call's own protocol (what behaviours answer with) -------------------------
    def answer(self, data: dict[str, Any] | None = None) -> Response:
        """A success for this call: `data` in boto3's shape of the operation's output."""
        model, request_id = service_model(self.service), str(uuid.uuid4())
        if self.protocol == "json":
            return aws_json.write_result(model, data, request_id)
        if self.protocol in ("query", "ec2"):
            writer = ec2 if self.protocol == "ec2" else query
            return writer.write_result(model, self.operation, data, request_id)
        raise ValueError(f"awslab does not write {self.protocol} answers; edit the emulator's")

    def error(self, code: str, message: str, status: int = 400, extra: dict | None = None) -> Response:
        """AWS's error for this call, in the shape its protocol uses: boto3 raises what a learner expects."""
        request_id = str(uuid.uuid4())
        if self.protocol == "json":
            return aws_json.write_error(service_model(self.service), code, message, status, request_id, extra)
        if self.protocol == "rest-json":
            return rest_json.write_error(code, message, status, request_id, extra)
        writer = {"ec2": ec2, "rest-xml": rest_xml}.get(self.protocol, query)
        return writer.write_error(code, message, status, request_id)

    def answer_of(self, response: Response) -> dict[str, Any] | None:
        """The emulator's answer to this call read by botocore, as boto3 returns it (without
        ResponseMetadata); None for an error or an answer botocore cannot read."""
        if not response.ok:
            return None
        op = service_model(self.service).operation_model(self.operation)
        try:
            parsed = create_parser(op.metadata["protocol"]).parse(
                {"status_code": response.status, "headers": dict(response.headers), "body": response.body},
                op.output_shape)
        except Exception:  # noqa: BLE001 - botocore's parsers raise several kinds on a malformed body
            return None
        parsed.pop("ResponseMetadata", None)
        return parsed

    def with_params(self, params: dict[str, Any]) -> "AwsCall":
        """The same call with other parameters, serialised by botocore as boto3 would have sent them;
        the request log keeps the original. The only way a behaviour changes a call."""
        return AwsCall(self.service, self.operation, params, self.region, self.access_key, self.protocol,
                       serialised(self, params), self.log_entry, self.queues)


def serialised(call: AwsCall, params: dict[str, Any]) -> HttpRequest:
    """`call`'s request carrying `params` instead (other headers, the path of an SQS queue URL, and a
    streaming body the log only knows by its size are kept)."""
    op = service_model(call.service).operation_model(call.operation)
    old = call.http
    headers = dict(old.headers)
    try:
        request = _serializer(op.metadata["protocol"]).serialize_to_request(params, op)
    except (AttributeError, TypeError, ValueError, KeyError):
        if call.protocol != "json":
            raise
        # a value of the wrong type (raw JSON, not boto3's): sent as it is, for the emulator to refuse
        request = {"body": aws_json.dumps(params), "headers": {}}
    body = request["body"]
    if isinstance(body, dict):
        body = urllib.parse.urlencode(list(body.items()), doseq=True)
    body = body.encode() if isinstance(body, str) else body or b""
    method, raw_path, query = old.method, old.raw_path, old.query
    if op.metadata["protocol"] in ("query", "ec2"):
        method, query = "POST", ""  # a GET's query-string parameters are in the new body
    elif op.metadata["protocol"] in ("rest-xml", "rest-json"):
        method = request["method"]
        raw_path, _, literal = request["url_path"].partition("?")
        query = "&".join(filter(None, [literal, percent_encode_sequence(request["query_string"])]))
        shape = op.input_shape
        headers = _without_parameter_headers(shape, headers)
        headers.update({k.lower(): str(v) for k, v in request["headers"].items()})
        if _streaming_payload_kept(shape, params):
            body = old.body
    headers["content-length"] = str(len(body))
    return HttpRequest(method, urllib.parse.unquote(raw_path), raw_path, query, headers, body)


def _without_parameter_headers(shape: Any, headers: dict[str, str]) -> dict[str, str]:
    """The old parameters' headers go; the new ones come from botocore."""
    members = shape.members.values() if shape is not None else ()
    for member in members:
        location, name = member.serialization.get("location"), member.serialization.get("name", "").lower()
        if location == "header":
            headers.pop(name, None)
        elif location == "headers":
            headers = {k: v for k, v in headers.items() if not k.startswith(name)}
    return headers


def _streaming_payload_kept(shape: Any, params: dict[str, Any]) -> bool:
    """A blob or string payload the log knows only by its size: the request keeps its own body."""
    payload = shape.serialization.get("payload") if shape is not None else None
    return bool(payload and shape.members[payload].type_name in ("blob", "string")
                and not isinstance(params.get(payload), (bytes, str)))


@functools.lru_cache(maxsize=None)
def _serializer(protocol: str):
    return create_serializer(protocol, include_validation=False)


@functools.lru_cache(maxsize=None)
def service_model(service: str) -> ServiceModel:
    if service == "s3":
        # botocore rewrites an S3 client's operation models on the first call of each operation
        # (`/{Bucket}?versions` becomes `?versions`), in the model data that clients share with every
        # user of the process's loader (awslab.service_models): the gateway reads and writes requests
        # by the model as published, so it reads S3's from disk with a loader of its own.
        return ServiceModel(botocore.loaders.create_loader().load_service_model("s3", "service-2"), service_name="s3")
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
    except Exception:  # noqa: BLE001 - no model for this service: not a call awslab can name
        return None
    region = region or default_region
    try:
        if target:
            operation, params = aws_json.read_request(model, target, http.body)
            protocol = "json"
        elif model.protocol in ("query", "ec2") or _is_form(http):
            protocol = "ec2" if model.protocol == "ec2" else "query"
            form = ec2.READER if protocol == "ec2" else query.READER
            operation, params = form.read_request(model, http.query, http.body)
        elif model.protocol in ("rest-xml", "rest-json"):
            protocol = model.protocol
            body = rest_xml if protocol == "rest-xml" else rest_json
            operation, params = rest.read_request(model, http.method, http.raw_path, http.query_params(),
                                                  http.headers, http.body, body.read_body)
        else:
            return None
    except aws_json.Unreadable:
        return None
    if operation is None:
        return None
    return AwsCall(service, operation, params, region, access_key, protocol, http)


# The API versions of the query services a caller may call unsigned (STS's AssumeRoleWithWebIdentity
# and AssumeRoleWithSAML are; a learner's raw requests may be).
_QUERY_VERSIONS = {"2011-06-15": "sts", "2012-11-05": "sqs", "2010-03-31": "sns", "2010-05-08": "iam",
                   "2016-11-15": "ec2"}


def _guess_unsigned_service(http: HttpRequest, target: str) -> str | None:
    if target.startswith("DynamoDB_"):
        return "dynamodb"
    if target.startswith("AmazonSQS."):
        return "sqs"
    if _is_form(http) or "Version=" in http.query:
        form = urllib.parse.parse_qs(http.query + "&" + http.body.decode("utf-8", "replace"))
        return _QUERY_VERSIONS.get(form.get("Version", [""])[-1])
    return None


def _is_form(http: HttpRequest) -> bool:
    return http.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")



"""AWS error responses in the shape each protocol uses, so boto3 raises the exception a learner expects."""

from __future__ import annotations

import json
import re
import uuid
from xml.sax.saxutils import escape

from .aws_request import AwsCall, service_model
from .wire import Response

# JSON services name their errors with a namespace prefix; boto3 keeps what follows '#'.
_JSON_NAMESPACE = {"dynamodb": "com.amazonaws.dynamodb.v20120810", "sqs": "com.amazonaws.sqs"}
# SQS's JSON protocol also carries the legacy query error code (awsQueryCompatible).
_SQS_QUERY_CODES = {"AccessDenied": "AccessDenied", "QueueDoesNotExist": "AWS.SimpleQueueService.NonExistentQueue"}
_SQS_QUERY_PREFIX = "AWS.SimpleQueueService."


def aws_error(call: AwsCall, code: str, message: str, status: int = 400, extra: dict | None = None) -> Response:
    """An error response for `call` in its own protocol (JSON, query XML, EC2's XML or S3's REST XML)."""
    request_id = str(uuid.uuid4())
    if call.protocol == "json":
        namespace = _JSON_NAMESPACE.get(call.service, f"com.amazonaws.{call.service}")
        query_code = code
        if call.service == "sqs" and code.startswith(_SQS_QUERY_PREFIX):
            # the JSON type is the bare shape name; the legacy prefixed code rides in the header
            code = code[len(_SQS_QUERY_PREFIX):]
        body = {"__type": f"{namespace}#{code}", "message": message, **(extra or {})}
        headers = [("Content-Type", _json_content_type(call.service)), ("x-amzn-RequestId", request_id)]
        if call.service == "sqs":
            headers.append(("x-amzn-query-error", f"{_SQS_QUERY_CODES.get(query_code, query_code)};Sender"))
        return Response(status, headers, json.dumps(body).encode())
    if call.protocol == "rest-json":
        # Lambda's shape: the code in x-amzn-ErrorType (botocore reads it there), Type and message in the body.
        body = {"Type": "User", "message": message, **(extra or {})}
        return Response(status, [("Content-Type", "application/json"), ("x-amzn-RequestId", request_id),
                                 ("x-amzn-ErrorType", code)], json.dumps(body).encode())
    if call.protocol == "rest-xml":
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{escape(code)}</Code>'
                f"<Message>{escape(message)}</Message><RequestId>{request_id}</RequestId></Error>")
        return Response(status, [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)], body.encode())
    if call.protocol == "ec2":
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{escape(code)}</Code>'
                f"<Message>{escape(message)}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>")
        return Response(status, [("Content-Type", "text/xml;charset=UTF-8")], body.encode())
    body = (f'<ErrorResponse><Error><Type>Sender</Type><Code>{escape(code)}</Code>'
            f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>")
    return Response(status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)], body.encode())


def _json_content_type(service: str) -> str:
    version = service_model(service).metadata.get("jsonVersion", "1.0")
    return f"application/x-amz-json-{version}"


_XML_CODE = re.compile(rb"<Code>([^<]+)</Code>")
_XML_MESSAGE = re.compile(rb"<Message>([^<]*)</Message>")


def error_of(response: Response) -> tuple[str | None, str | None]:
    """(code, message) of an error response, or (None, None) for a success."""
    if response.ok:
        return None, None
    data = response.json()
    if isinstance(data, dict) and ("__type" in data or "code" in data):
        code = str(data.get("__type") or data.get("code")).rsplit("#", 1)[-1]
        return code, data.get("message") or data.get("Message")
    if response.header("x-amzn-errortype"):  # REST-JSON (Lambda): the code rides in a header
        message = (data.get("message") or data.get("Message")) if isinstance(data, dict) else None
        return response.header("x-amzn-errortype").split(":", 1)[0], message
    code = _XML_CODE.search(response.body or b"")
    message = _XML_MESSAGE.search(response.body or b"")
    return (code.group(1).decode() if code else f"HTTP{response.status}",
            message.group(1).decode() if message else None)

"""AWS error responses in the shape each protocol uses, so boto3 raises the exception a learner expects."""

from __future__ import annotations

import re

from .aws_request import AwsCall
from .wire import Response


def aws_error(call: AwsCall, code: str, message: str, status: int = 400, extra: dict | None = None) -> Response:
    """An error response for `call` in its own protocol (JSON, query XML, EC2's XML or S3's REST XML)."""
    return call.error(code, message, status, extra)


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
    error_type = response.header("x-amzn-errortype")
    if error_type:  # REST-JSON (Lambda): the code rides in a header
        message = (data.get("message") or data.get("Message")) if isinstance(data, dict) else None
        return error_type.split(":", 1)[0], message
    xml_code = _XML_CODE.search(response.body or b"")
    xml_message = _XML_MESSAGE.search(response.body or b"")
    return (xml_code.group(1).decode() if xml_code else f"HTTP{response.status}",
            xml_message.group(1).decode() if xml_message else None)

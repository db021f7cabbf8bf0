"""The query protocol (SQS's old wire, SNS, IAM, STS, ...): a form of dotted keys.

    Action=SetQueueAttributes&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=30

is read back into `{"Attributes": {"VisibilityTimeout": "30"}}` following the rules botocore's
`QuerySerializer` writes by (EC2's variant of them is in ec2.py). The form's keys are first made a
tree (`Attribute` -> `1` -> `Name`), and the tree is walked along the operation's input shape, so
only the keys the caller sent are visited (EC2's shapes are large, and some are recursive).
"""

from __future__ import annotations

import base64
import urllib.parse
import xml.etree.ElementTree as ET
from typing import Any

from botocore.model import ServiceModel, Shape

from ..wire import Response
from . import xml_writer
from .aws_json import timestamp

_VALUE = None  # the key of a tree node's own value (`Foo=1` as well as `Foo.Bar=2`)
_MISSING = object()

Tree = dict[Any, Any]


def form_tree(*sources: str) -> Tree:
    """The dotted keys of url-encoded forms as a tree; a later source's value wins."""
    root: Tree = {}
    for source in sources:
        for key, value in urllib.parse.parse_qsl(source, keep_blank_values=True):
            node = root
            for part in key.split("."):
                node = node.setdefault(part, {})
            node[_VALUE] = value
    return root


class QueryReader:
    """Reads a query-protocol form by the rules of botocore's QuerySerializer."""

    def wire_name(self, shape: Shape, default: str) -> str:
        return shape.serialization.get("name", default)

    def read_request(self, model: ServiceModel, query: str, body: bytes) -> tuple[str | None, dict]:
        tree = form_tree(query, body.decode("utf-8", "replace") if body else "")
        action = tree.get("Action", {}).get(_VALUE)
        if not action or action not in model.operation_names:
            return None, {}
        shape = model.operation_model(action).input_shape
        params = self.read(shape, tree) if shape is not None else {}
        return action, params if isinstance(params, dict) else {}

    def read(self, shape: Shape, node: Tree) -> Any:
        kind = shape.type_name
        if kind == "structure":
            return self.read_structure(shape, node)
        if kind == "list":
            return self.read_list(shape, node)
        if kind == "map":
            return self.read_map(shape, node)
        text = node.get(_VALUE, _MISSING)
        return _MISSING if text is _MISSING else scalar(shape, text)

    def read_structure(self, shape: Shape, node: Tree) -> Any:
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            child = node.get(self.member_key(member, name))
            if child is None:
                continue
            value = self.read(member, child)
            if value is not _MISSING:
                out[name] = value
        return out

    def member_key(self, member: Shape, name: str) -> str:
        # A flattened list whose member has its own name is sent under that name
        # (botocore: "Replace '.Original' with '.{name}'").
        if member.type_name == "list" and member.serialization.get("flattened") and member.member.serialization.get("name"):
            return self.wire_name(member.member, "")
        return self.wire_name(member, name)

    def list_items(self, shape: Shape, node: Tree) -> Tree | None:
        if shape.serialization.get("flattened"):
            return node
        return node.get(shape.member.serialization.get("name", "member"))

    def read_list(self, shape: Shape, node: Tree) -> Any:
        items = self.list_items(shape, node)
        if not items or not _indices(items):
            return [] if node.get(_VALUE) == "" else _MISSING  # the query protocol sends `Foo=` for []
        values = [self.read(shape.member, items[index]) for index in _indices(items)]
        return [v for v in values if v is not _MISSING]

    def read_map(self, shape: Shape, node: Tree) -> Any:
        entries = node if shape.serialization.get("flattened") else node.get("entry")
        if not entries:
            return _MISSING
        key_name = self.wire_name(shape.key, "key")
        value_name = self.wire_name(shape.value, "value")
        out = {}
        for index in _indices(entries):
            entry = entries[index]
            key = entry.get(key_name, {}).get(_VALUE)
            if key is None:
                continue
            value = self.read(shape.value, entry[value_name]) if value_name in entry else _MISSING
            if value is not _MISSING:
                out[key] = value
        return out


def _indices(node: Tree) -> list[str]:
    """A list's (or map's) entries `1`, `2`, ... in their numeric order."""
    return sorted((k for k in node if isinstance(k, str) and k.isdigit()), key=int)


def scalar(shape: Shape, text: str) -> Any:
    """A scalar's text as the Python value boto3 takes for its shape (text unchanged if malformed)."""
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
        if kind == "boolean":
            return text.strip().lower() == "true"
        if kind == "blob":
            return base64.b64decode(text, validate=True)
        if kind == "timestamp":
            return timestamp(text)
    except (ValueError, TypeError, OverflowError):
        return text
    return text


READER = QueryReader()


# --------------------------------------------------------------------------- answers
def write_result(model: ServiceModel, operation: str, data: dict | None, request_id: str) -> Response:
    """`<OperationResponse><OperationResult>...</OperationResult><ResponseMetadata>...`, the
    result written along the operation's output shape."""
    op = model.operation_model(operation)
    root = ET.Element(f"{operation}Response", {"xmlns": model.metadata.get("xmlNamespace", "")})
    if op.output_shape is not None and data is not None:
        wrapper = op.output_shape.serialization.get("resultWrapper", f"{operation}Result")
        root.append(xml_writer.element(op.output_shape, data, wrapper))
    ET.SubElement(ET.SubElement(root, "ResponseMetadata"), "RequestId").text = request_id
    return Response(200, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)], xml_writer.to_bytes(root))


def write_error(code: str, message: str, status: int, request_id: str) -> Response:
    root = ET.Element("ErrorResponse")
    error = ET.SubElement(root, "Error")
    ET.SubElement(error, "Type").text = "Sender"
    ET.SubElement(error, "Code").text = code
    ET.SubElement(error, "Message").text = message
    ET.SubElement(root, "RequestId").text = request_id
    return Response(status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)], xml_writer.to_bytes(root))

"""The REST-XML protocol (S3): REST routing and reading (rest.py) and an XML body read along the input
shape, as botocore's `RestXMLSerializer` writes it (element names, flattened lists, maps, attributes)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from botocore.model import Shape

from ..wire import Response
from . import rest, xml_writer
from .aws_json import Unreadable
from .query import scalar


def read_body(shape: Shape, body: bytes) -> Any:
    """An XML body as boto3's value of `shape` (rest.read_request's body reader); a structure whose
    members all live in the URI and headers reads nothing from it (S3 ignores such a body)."""
    if shape.type_name == "structure" and not rest.body_members(shape):
        return {}
    return read_xml(shape, _parse(body))


def _parse(body: bytes) -> ET.Element:
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        raise Unreadable from exc


def local_name(tag: str) -> str:
    """An element's or attribute's name without its namespace (`{uri}Name` or `prefix:Name`)."""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def read_xml(shape: Shape, node: ET.Element) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _read_structure(shape, node)
    if kind == "list":
        item = shape.member.serialization.get("name", "member")
        return [read_xml(shape.member, c) for c in node if local_name(c.tag) == item]
    if kind == "map":
        return _map_entries(shape, [c for c in node if local_name(c.tag) == "entry"])
    return scalar(shape, node.text or "")


def _read_structure(shape: Shape, node: ET.Element) -> dict[str, Any]:
    out: dict[str, Any] = {}
    children = list(node)
    for name, member in shape.members.items():
        if "location" in member.serialization:
            continue  # in the URI, the query or a header: read_outside_body reads it
        value = _read_member(member, member.serialization.get("name", name), node, children)
        if value is not _ABSENT:
            out[name] = value
    return out


_ABSENT = object()


def _read_member(member: Shape, wire: str, node: ET.Element, children: list[ET.Element]) -> Any:
    """A member's value in the body: an attribute, a flattened list or map (repeated elements
    without a wrapper) or an element; _ABSENT when the body does not have it."""
    if member.serialization.get("xmlAttribute"):
        value = next((v for k, v in node.attrib.items() if local_name(k) == local_name(wire)), None)
        return _ABSENT if value is None else scalar(member, value)
    if member.type_name in ("list", "map") and member.serialization.get("flattened"):
        matches = [c for c in children if local_name(c.tag) == wire]
        if not matches:
            return _ABSENT
        if member.type_name == "list":
            return [read_xml(member.member, c) for c in matches]
        return _map_entries(member, matches)
    match = next((c for c in children if local_name(c.tag) == wire), None)
    return _ABSENT if match is None else read_xml(member, match)


def _map_entries(shape: Shape, entries: list[ET.Element]) -> dict:
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    out = {}
    for entry in entries:
        key = next((c.text or "" for c in entry if local_name(c.tag) == key_name), None)
        value = next((c for c in entry if local_name(c.tag) == value_name), None)
        if key is not None and value is not None:
            out[key] = read_xml(shape.value, value)
    return out


# --------------------------------------------------------------------------- answers
def write_error(code: str, message: str, status: int, request_id: str) -> Response:
    root = ET.Element("Error")
    ET.SubElement(root, "Code").text = code
    ET.SubElement(root, "Message").text = message
    ET.SubElement(root, "RequestId").text = request_id
    body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + xml_writer.to_bytes(root)
    return Response(status, [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)], body)


def write_payload(shape: Shape, data: dict) -> bytes:
    """An XML document for a structure `shape` (a payload member: LifecycleConfiguration, ...)."""
    root = xml_writer.element(shape, data, shape.serialization.get("name", shape.name))
    namespace = shape.serialization.get("xmlNamespace")
    if namespace:
        root.set("xmlns", namespace["uri"] if isinstance(namespace, dict) else namespace)
    return xml_writer.to_bytes(root)

"""XML along a botocore shape, by the rules the query, EC2 and REST-XML protocols share (element
names from `locationName`, lists of `member` / `item` or flattened, maps of `entry` key/value,
attributes): what a behaviour answers in those protocols, and what botocore's parsers read back."""

from __future__ import annotations

import base64
import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

from botocore.model import Shape


def element(shape: Shape, value: Any, name: str) -> ET.Element:
    node = ET.Element(name)
    fill(node, shape, value)
    return node


def fill(node: ET.Element, shape: Shape, value: Any) -> None:
    kind = shape.type_name
    if kind == "structure":
        _fill_structure(node, shape, value)
    elif kind == "list":
        item_name = shape.member.serialization.get("name", "member")
        for item in value:
            fill(ET.SubElement(node, item_name), shape.member, item)
    elif kind == "map":
        for key, item in value.items():
            _entry(ET.SubElement(node, "entry"), shape, key, item)
    else:
        node.text = text(shape, value)


def _fill_structure(node: ET.Element, shape: Shape, value: Any) -> None:
    """Each member in the body: an attribute, a flattened list or map (repeated elements without a
    wrapper), or an element."""
    for member_name, item in value.items():
        member = shape.members.get(member_name)
        if member is None or item is None or "location" in member.serialization:
            continue
        wire = member.serialization.get("name", member_name)
        if member.serialization.get("xmlAttribute"):
            node.set(wire, text(member, item))
        elif member.serialization.get("flattened") and member.type_name in ("list", "map"):
            _fill_flattened(node, member, wire, item)
        else:
            fill(ET.SubElement(node, wire), member, item)


def _fill_flattened(node: ET.Element, member: Shape, wire: str, item: Any) -> None:
    items = item if member.type_name == "list" else [{k: v} for k, v in item.items()]
    for one in items:
        child = ET.SubElement(node, wire if member.type_name == "map"
                              else member.member.serialization.get("name", wire))
        if member.type_name == "map":
            _entry(child, member, *next(iter(one.items())))
        else:
            fill(child, member.member, one)


def _entry(node: ET.Element, shape: Shape, key: Any, value: Any) -> None:
    fill(ET.SubElement(node, shape.key.serialization.get("name", "key")), shape.key, key)
    fill(ET.SubElement(node, shape.value.serialization.get("name", "value")), shape.value, value)


def text(shape: Shape, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dt.datetime):
        moment = value.astimezone(dt.timezone.utc) if value.tzinfo else value
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if moment.microsecond else "%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def to_bytes(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=False)

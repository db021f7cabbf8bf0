"""The PutBucketLifecycleConfiguration XML body, read back into boto3's dict shape.

Numbers and booleans stay strings; `parse_config` accepts both forms.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from typing import Any

from .errors import LifecycleError

# Elements that repeat in XML and are lists in boto3, with the boto3 name of the list.
_LISTS = {
    "Rule": "Rules",
    "Transition": "Transitions",
    "NoncurrentVersionTransition": "NoncurrentVersionTransitions",
}
_LISTS_IN_AND = {"Tag": "Tags"}


def parse_lifecycle_xml(body: bytes | str) -> dict[str, Any]:
    """`<LifecycleConfiguration>...</LifecycleConfiguration>` → `{"Rules": [...]}` as boto3 would send it."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise LifecycleError("MalformedXML", f"The XML you provided was not well-formed: {error}") from None
    if _name(root) != "LifecycleConfiguration":
        raise LifecycleError("MalformedXML", "The root element must be LifecycleConfiguration")
    config = _element(root, _LISTS)
    config.setdefault("Rules", [])
    return config


def _element(node: ElementTree.Element, lists: dict[str, str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for child in node:
        name = _name(child)
        value = _value(child, name)
        if name in lists:
            result.setdefault(lists[name], []).append(value)
        else:
            result[name] = value
    return result


def _value(node: ElementTree.Element, name: str) -> Any:
    if len(node) == 0:
        text = (node.text or "").strip()
        # An empty <Filter/> or <Filter></Filter> is the empty filter, not an empty string.
        return {} if name in ("Filter", "And", "Expiration", "Tag") and not text else text
    return _element(node, _LISTS_IN_AND if name == "And" else _LISTS)


def _name(node: ElementTree.Element) -> str:
    return node.tag.rsplit("}", 1)[-1]  # drop the S3 namespace

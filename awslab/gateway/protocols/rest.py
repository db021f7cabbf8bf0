"""What the REST protocols (S3's REST-XML, Lambda's REST-JSON) share: reading a request, the route
and the parameters outside the body.

An operation is found by its method, its URI template (`/{Bucket}/{Key+}?uploads`), the literal
query keys of that template and the query keys and headers it requires; its parameters come from
the path's labels, the query string, and headers, as botocore's `BaseRestSerializer` placed them.
The body is each protocol's own: `read_request` takes the protocol's `read_body` (rest_xml.py,
rest_json.py).
"""

from __future__ import annotations

import base64
import functools
import json
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape

from .aws_json import timestamp
from .query import scalar


@dataclass(frozen=True)
class Route:
    operation: OperationModel
    method: str
    segments: tuple[str, ...]  # the template's path, "/"-split: literals and {Label} / {Label+}
    literals: dict[str, str | None]  # query keys of the template (`?uploads`, `?x-id=PutObject`)
    required_headers: tuple[str, ...]
    required_query: tuple[str, ...]

    @property
    def score(self) -> int:
        """How specific the route is: the most specific one that matches a request is its operation."""
        literal_segments = sum(1 for s in self.segments if not s.startswith("{"))
        return (10 * len(self.literals) + 5 * len(self.required_headers) + 3 * len(self.required_query)
                + 2 * literal_segments + len(self.segments) - (50 if self.operation.deprecated else 0))


@functools.lru_cache(maxsize=None)
def routes(model: ServiceModel) -> dict[str, list[Route]]:
    """The service's routes by HTTP method, most specific first."""
    by_method: dict[str, list[Route]] = {}
    for name in model.operation_names:
        op = model.operation_model(name)
        path, _, query = op.http.get("requestUri", "/").partition("?")
        literals: dict[str, str | None] = {}
        for part in [p for p in query.split("&") if p]:
            key, eq, value = part.partition("=")
            literals[key] = value if eq else None
        headers, required_query = [], []
        shape = op.input_shape
        for member_name in shape.required_members if shape is not None else ():
            member = shape.members[member_name]
            location = member.serialization.get("location")
            if location == "header":
                headers.append(member.serialization.get("name", member_name).lower())
            elif location == "querystring" and member.type_name != "map":
                required_query.append(member.serialization.get("name", member_name))
        route = Route(op, op.http.get("method", "POST"), tuple(s for s in path.split("/") if s), literals,
                      tuple(headers), tuple(required_query))
        by_method.setdefault(route.method, []).append(route)
    for found in by_method.values():
        found.sort(key=lambda r: r.score, reverse=True)
    return by_method


def match_path(segments: tuple[str, ...], raw_path: str) -> dict[str, str] | None:
    """The labels of a URI template in a request's path (percent-encoded as sent), or None."""
    parts = raw_path.lstrip("/").split("/") if raw_path.strip("/") or raw_path.count("/") > 1 else []
    labels: dict[str, str] = {}
    for index, segment in enumerate(segments):
        if segment.startswith("{") and segment.endswith("+}"):
            rest = "/".join(parts[index:])
            if not rest:
                return None
            labels[segment[1:-2]] = urllib.parse.unquote(rest)
            return labels
        if index >= len(parts) or not parts[index]:
            return None
        if segment.startswith("{") and segment.endswith("}"):
            labels[segment[1:-1]] = urllib.parse.unquote(parts[index])
        elif segment != urllib.parse.unquote(parts[index]):
            return None
    return labels if not any(parts[len(segments):]) else None


def read_request(model: ServiceModel, method: str, raw_path: str, query: dict[str, list[str]],
                 headers: dict[str, str], body: bytes,
                 read_body: Callable[[Shape, bytes], Any]) -> tuple[str | None, dict]:
    """(operation, parameters) of a REST request; `read_body(shape, body)` reads a body along a shape
    (the payload member, or the whole input whose body members it holds) in the protocol's format."""
    found = find_route(model, method, raw_path, query, headers)
    if found is None:
        return None, {}
    route, labels = found
    params = read_outside_body(route, labels, query, headers)
    shape = route.operation.input_shape
    payload = payload_member(route)
    if payload is not None:
        name, member = payload
        if body and member.type_name in ("blob", "string"):
            params[name] = raw_payload(member, body)
        elif body:
            params[name] = read_body(member, body)
    elif body and shape is not None:
        members = read_body(shape, body)
        if isinstance(members, dict):
            params.update(members)
    return route.operation.name, params


def find_route(model: ServiceModel, method: str, raw_path: str, query: dict[str, list[str]],
               headers: dict[str, str]) -> tuple[Route, dict[str, str]] | None:
    for route in routes(model).get(method, ()):
        if any(k not in query or (v is not None and query[k][0] != v) for k, v in route.literals.items()):
            continue
        if any(h not in headers for h in route.required_headers) or any(q not in query for q in route.required_query):
            continue
        labels = match_path(route.segments, raw_path)
        if labels is not None:
            return route, labels
    return None


def read_outside_body(route: Route, labels: dict[str, str], query: dict[str, list[str]],
                      headers: dict[str, str]) -> dict[str, Any]:
    """The parameters a request carries in its path, query string and headers."""
    shape = route.operation.input_shape
    params: dict[str, Any] = {}
    if shape is None:
        return params
    bound = set(route.literals)
    query_map = None
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "querystring" and member.type_name == "map":
            query_map = (name, member)
            continue
        if location == "querystring" and wire in query:
            bound.add(wire)
        value = _outside_value(member, location, wire, labels, query, headers)
        if value is not _ABSENT:
            params[name] = value
    if query_map is not None:  # a map in the query string takes every key no other member took
        name, member = query_map
        rest = {k: (v if member.value.type_name == "list" else v[0]) for k, v in query.items() if k not in bound}
        if rest:
            params[name] = rest
    return params


_ABSENT = object()


def _outside_value(member: Shape, location: str | None, wire: str, labels: dict[str, str],
                   query: dict[str, list[str]], headers: dict[str, str]) -> Any:
    """A member's value in the path, the query string, a header or prefixed headers; _ABSENT when
    the request does not carry it there."""
    if location == "uri":
        return scalar(member, labels[wire]) if wire in labels else _ABSENT
    if location == "querystring":
        if wire not in query:
            return _ABSENT
        values = query[wire]
        return [scalar(member.member, v) for v in values] if member.type_name == "list" else scalar(member, values[0])
    if location == "header":
        return header_value(member, headers[wire.lower()]) if wire.lower() in headers else _ABSENT
    if location == "headers":
        prefix = wire.lower()
        found = {k[len(prefix):]: v for k, v in headers.items() if k.startswith(prefix)}
        return found if found else _ABSENT
    return _ABSENT


def header_value(shape: Shape, text: str) -> Any:
    kind = shape.type_name
    if kind == "list":
        return [header_value(shape.member, item) for item in split_header_list(text)]
    if kind == "timestamp":
        return timestamp(text)
    if kind == "string" and shape.serialization.get("jsonvalue"):
        try:
            return json.loads(base64.b64decode(text))
        except ValueError:
            return text
    return scalar(shape, text)


def split_header_list(text: str) -> list[str]:
    """A comma-separated header as botocore writes it: an item with a comma or a quote is quoted."""
    items, current, quoted, escaped = [], [], False, False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip())
    return items


def payload_member(route: Route) -> tuple[str, Shape] | None:
    shape = route.operation.input_shape
    name = shape.serialization.get("payload") if shape is not None else None
    return (name, shape.members[name]) if name else None


def raw_payload(member: Shape, body: bytes) -> Any:
    """A blob or string payload: text as text, a streaming body by its size (the log keeps no uploads)."""
    if member.type_name == "string":
        return body.decode("utf-8", "replace")
    if member.serialization.get("streaming") or member.metadata.get("streaming"):
        return {"size": len(body)}
    return body


def body_members(shape: Shape) -> list[str]:
    return [n for n, m in shape.members.items() if "location" not in m.serialization]

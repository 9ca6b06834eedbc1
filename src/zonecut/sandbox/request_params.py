"""A request's parameters rebuilt from what reached the server, guided by the model.

The inverse of botocore's serialisers for the two protocols the sandbox checks:
``rest-xml`` (Route 53: URI labels, query string, an XML body) and ``json`` (SSM, ACM:
the body is the input). Values keep the form they had on the wire where they cannot be
read as the model's type, so :mod:`zonecut.sandbox.model_rules` reports them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote
from xml.etree import ElementTree

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape


class Unreadable(ValueError):
    """The body is not XML/JSON at all (the service answers that in its own words)."""


def _uri_pattern(request_uri: str) -> re.Pattern[str]:
    template = request_uri.split("?", 1)[0]
    out = ""
    for part in re.split(r"(\{[^}]+\})", template):
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            greedy = name.endswith("+")
            name = name.rstrip("+")
            out += f"(?P<{name}>.+)" if greedy else f"(?P<{name}>[^/]+)"
        else:
            out += re.escape(part)
    return re.compile(out.rstrip("/") + "/?$")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _scalar(shape: Shape, text: str) -> Any:
    if shape.type_name in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            return text
    if shape.type_name == "boolean":
        return {"true": True, "false": False}.get(text, text)
    return text


def _from_xml(shape: Shape, element: ElementTree.Element) -> Any:
    if isinstance(shape, StructureShape):
        children = list(element)
        result: dict[str, Any] = {}
        for name, member in shape.members.items():
            wire = str(member.serialization.get("name", name))
            if isinstance(member, ListShape) and member.serialization.get("flattened"):
                items = [c for c in children if _local(c.tag) == wire]
                if items:
                    result[name] = [_from_xml(member.member, c) for c in items]
                continue
            for child in children:
                if _local(child.tag) == wire:
                    result[name] = _from_xml(member, child)
                    break
        return result
    if isinstance(shape, ListShape):
        return [_from_xml(shape.member, child) for child in element]
    if isinstance(shape, MapShape):
        found: dict[str, Any] = {}
        for entry in element:
            key = value = None
            for part in entry:
                if _local(part.tag) == shape.key.serialization.get("name", "key"):
                    key = part.text or ""
                elif _local(part.tag) == shape.value.serialization.get("name", "value"):
                    value = _from_xml(shape.value, part)
            if key is not None:
                found[key] = value
        return found
    return _scalar(shape, element.text or "")


def rest_xml_params(operation: OperationModel, path: str,
                    querystring: Mapping[str, list[str]], body: str) -> dict[str, Any]:
    """The parameters of a Route 53 request."""
    shape = operation.input_shape
    if shape is None:
        return {}
    assert isinstance(shape, StructureShape)
    params: dict[str, Any] = {}
    matched = _uri_pattern(str(operation.http.get("requestUri", ""))).search(path)
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire = str(member.serialization.get("name", name))
        if location == "uri" and matched is not None:
            found = matched.groupdict().get(wire)
            if found is not None:
                params[name] = _scalar(member, unquote(found))
        elif location == "querystring" and wire in querystring:
            values = querystring[wire]
            if isinstance(member, ListShape):
                params[name] = [_scalar(member.member, v) for v in values]
            elif values:
                params[name] = _scalar(member, values[0])
    if body.strip():
        try:
            root = ElementTree.fromstring(body)
        except ElementTree.ParseError as exc:
            raise Unreadable(str(exc)) from exc
        in_body = _from_xml(shape, root)
        for name, member in shape.members.items():
            if not member.serialization.get("location") and name in in_body:
                params[name] = in_body[name]
    return params


def json_params(body: str) -> dict[str, Any]:
    """The parameters of a JSON-protocol request (SSM, ACM)."""
    if not body.strip():
        return {}
    try:
        params = json.loads(body)
    except ValueError as exc:
        raise Unreadable(str(exc)) from exc
    if not isinstance(params, dict):
        raise Unreadable("the request body is not a JSON object")
    return params


def body_members(operation: OperationModel) -> frozenset[str]:
    """Members of the input that travel in the body (Route 53's schema checks those)."""
    shape = operation.input_shape
    if shape is None:
        return frozenset()
    assert isinstance(shape, StructureShape)
    return frozenset(n for n, m in shape.members.items() if not m.serialization.get("location"))

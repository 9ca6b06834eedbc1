"""The constraints of a botocore service model, checked on a request's parameters.

Pure: takes a request's parameters (as botocore would have serialised them, rebuilt by
:mod:`zonecut.sandbox.request_params`) and the operation's input shape, returns every
:class:`Violation` of the model's ``required``, ``min``/``max`` (string length, list and
map counts, number values), ``pattern`` and ``enum`` traits. botocore checks only
``required``, the types and ``min`` on the client; the service checks everything.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import botocore.loaders
from botocore.model import ListShape, MapShape, ServiceModel, Shape, StructureShape


@dataclass(frozen=True)
class Violation:
    """One broken constraint.

    ``path`` is AWS's validation path (``changeBatch.changes.1.member.resourceRecordSet``,
    lowerCamel names, lists counted from 1); ``kind`` one of required, min-length,
    max-length, min-count, max-count, min-value, max-value, pattern, enum, type;
    ``limit`` the constraint's value (the pattern, the enum joined by ``, ``)."""

    path: str
    shape: str
    kind: str
    value: Any
    limit: Any
    member: str = ""  # the XML element name of a list's members (for max-count)


@functools.cache
def service_model(service: str) -> ServiceModel:
    """The botocore model of ``service`` installed with botocore (cached)."""
    loader = botocore.loaders.create_loader()
    return ServiceModel(loader.load_service_model(service, "service-2"), service)


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern, re.DOTALL)
    except re.error:
        return None  # a Java-only construct: not checked rather than guessed


def _lower_camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def violations(shape: Shape, value: Any, path: str = "") -> list[Violation]:
    """Every constraint of ``shape`` (and its members) that ``value`` breaks, in order."""
    found: list[Violation] = []
    _check(shape, value, path, found)
    return found


def _check(shape: Shape, value: Any, path: str, found: list[Violation]) -> None:
    metadata = shape.metadata
    if isinstance(shape, StructureShape):
        if not isinstance(value, Mapping):
            found.append(Violation(path, shape.name, "type", value, "structure"))
            return
        for name in shape.required_members:
            if value.get(name) is None:
                found.append(Violation(_join(path, name), shape.name, "required", None, name))
        for name, member in shape.members.items():
            if value.get(name) is not None:
                _check(member, value[name], _join(path, name), found)
        return
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            found.append(Violation(path, shape.name, "type", value, "list"))
            return
        _count(shape, value, path, found, str(shape.member.serialization.get("name", "member")))
        for index, item in enumerate(value, start=1):
            _check(shape.member, item, f"{path}.{index}.member", found)
        return
    if isinstance(shape, MapShape):
        if not isinstance(value, Mapping):
            found.append(Violation(path, shape.name, "type", value, "map"))
            return
        _count(shape, list(value), path, found, "entry")
        for key, item in value.items():
            _check(shape.key, key, f"{path}.key", found)
            _check(shape.value, item, f"{path}.value", found)
        return
    if shape.type_name == "string":
        if not isinstance(value, str):
            found.append(Violation(path, shape.name, "type", value, "string"))
            return
        if "min" in metadata and len(value) < metadata["min"]:
            found.append(Violation(path, shape.name, "min-length", value, metadata["min"]))
        if "max" in metadata and len(value) > metadata["max"]:
            found.append(Violation(path, shape.name, "max-length", value, metadata["max"]))
        pattern = metadata.get("pattern")
        if pattern:
            compiled = _compiled(pattern)
            if compiled is not None and compiled.fullmatch(value) is None:
                found.append(Violation(path, shape.name, "pattern", value, pattern))
        enum: list[str] = getattr(shape, "enum", None) or []
        if enum and value not in enum:
            found.append(Violation(path, shape.name, "enum", value, ", ".join(enum)))
        return
    if shape.type_name in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            found.append(Violation(path, shape.name, "type", value, shape.type_name))
            return
        if "min" in metadata and value < metadata["min"]:
            found.append(Violation(path, shape.name, "min-value", value, metadata["min"]))
        if "max" in metadata and value > metadata["max"]:
            found.append(Violation(path, shape.name, "max-value", value, metadata["max"]))
        return
    if shape.type_name == "boolean" and not isinstance(value, bool):
        found.append(Violation(path, shape.name, "type", value, "boolean"))


def _count(shape: Shape, items: list[Any], path: str, found: list[Violation],
           member: str) -> None:
    metadata = shape.metadata
    if "min" in metadata and len(items) < metadata["min"]:
        found.append(Violation(path, shape.name, "min-count", items, metadata["min"], member))
    if "max" in metadata and len(items) > metadata["max"]:
        found.append(Violation(path, shape.name, "max-count", items, metadata["max"], member))


def _join(path: str, name: str) -> str:
    return f"{path}.{_lower_camel(name)}" if path else _lower_camel(name)


_CONSTRAINT = {
    "required": "Member must not be null",
    "min-length": "Member must have length greater than or equal to {limit}",
    "max-length": "Member must have length less than or equal to {limit}",
    "min-count": "Member must have length greater than or equal to {limit}",
    "max-count": "Member must have length less than or equal to {limit}",
    "min-value": "Member must have value greater than or equal to {limit}",
    "max-value": "Member must have value less than or equal to {limit}",
    "pattern": "Member must satisfy regular expression pattern: {limit}",
    "enum": "Member must satisfy enum value set: [{limit}]",
    "type": "Member must be of type {limit}",
}


def _shown(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return str(value)


def validation_message(found: list[Violation]) -> str:
    """AWS's (Coral) wording, as JSON services such as SSM and ACM answer
    ``ValidationException``: ``1 validation error detected: Value 'x' at 'name' failed to
    satisfy constraint: Member must have length less than or equal to 2048``."""
    count = len(found)
    head = f"{count} validation error{'s' if count > 1 else ''} detected: "
    parts = []
    for v in found:
        constraint = _CONSTRAINT[v.kind].format(limit=v.limit)
        if v.kind == "required":
            parts.append(f"Value null at '{v.path}' failed to satisfy constraint: {constraint}")
        else:
            parts.append(f"Value '{_shown(v.value)}' at '{v.path}' failed to satisfy "
                         f"constraint: {constraint}")
    return head + "; ".join(parts)


def schema_message(v: Violation, namespace: str) -> str:
    """Route 53's wording for a request body its XML schema refuses (``InvalidInput``),
    as the service answers it: ``Invalid XML ; cvc-maxLength-valid: Value '...' with
    length = '129' is not facet-valid with respect to maxLength '128' for type 'Nonce'.``
    (Route 53 also names the Java exception, line and column; those are left out.)"""
    value = _shown(v.value)
    if v.kind == "max-length":
        detail = (f"cvc-maxLength-valid: Value '{value}' with length = '{len(value)}' is not "
                  f"facet-valid with respect to maxLength '{v.limit}' for type '{v.shape}'.")
    elif v.kind == "min-length":
        detail = (f"cvc-minLength-valid: Value '{value}' with length = '{len(value)}' is not "
                  f"facet-valid with respect to minLength '{v.limit}' for type '{v.shape}'.")
    elif v.kind == "pattern":
        detail = (f"cvc-pattern-valid: Value '{value}' is not facet-valid with respect to "
                  f"pattern '{v.limit}' for type '{v.shape}'.")
    elif v.kind == "enum":
        detail = (f"cvc-enumeration-valid: Value '{value}' is not facet-valid with respect "
                  f"to enumeration '[{v.limit}]'. It must be a value from the enumeration.")
    elif v.kind == "max-value":
        detail = (f"cvc-maxInclusive-valid: Value '{value}' is not facet-valid with respect "
                  f"to maxInclusive '{v.limit}' for type '{v.shape}'.")
    elif v.kind == "min-value":
        detail = (f"cvc-minInclusive-valid: Value '{value}' is not facet-valid with respect "
                  f"to minInclusive '{v.limit}' for type '{v.shape}'.")
    elif v.kind == "max-count":
        detail = (f"cvc-complex-type.2.4.f: '{v.member}' can occur a maximum of '{v.limit}' "
                  "times in the current sequence. This limit was exceeded. No child element "
                  "is expected at this point.")
    elif v.kind == "min-count":
        detail = (f"cvc-complex-type.2.4.b: The content of element '{v.shape}' is not "
                  f"complete. One of '{{\"{namespace}\":{v.member}}}' is expected.")
    elif v.kind == "required":
        detail = (f"cvc-complex-type.2.4.b: The content of element '{v.shape}' is not "
                  f"complete. One of '{{\"{namespace}\":{v.limit}}}' is expected.")
    else:
        detail = (f"cvc-datatype-valid.1.2.1: '{value}' is not a valid value for "
                  f"'{v.limit}'.")
    return "Invalid XML ; " + detail

"""pydantic errors in plain words: one message per problem, with the line, and
did-you-mean hints for unknown keys."""

from __future__ import annotations

import datetime
import difflib
import types
from collections.abc import Sized
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from zonecut.config.document import Config
from zonecut.config.errors import ConfigProblem, Loc, format_loc
from zonecut.config.yaml_reader import YamlDocument, clip


def kind_of(value: object) -> str:
    """What a top level that is not a mapping holds, in words."""
    if isinstance(value, str | int | float | bool) or value is None:
        return f"a single value ({_show(value)})"
    return _show(value)


def translate_errors(exc: ValidationError, document: YamlDocument) -> list[ConfigProblem]:
    """One plain problem per pydantic error, at its line; errors under a value YAML
    already refused are left out."""
    found: list[ConfigProblem] = []
    for error in exc.errors(include_url=False):
        loc: Loc = tuple(part for part in error["loc"] if part != "[key]")
        if document.is_bad(loc):
            continue
        path_loc, message = _describe(error, loc)
        if loc in document.hints:
            message = f"{message.split(';')[0]}: {document.hints[loc]}"
        line, column = document.position(path_loc if error["type"] == "missing" else loc)
        found.append(ConfigProblem(document.filename, line, column, message,
                                   format_loc(path_loc)))
    return found


_BOOLS = ("true", "false", "yes", "no", "on", "off")
_MAPPING = "a mapping (`key: value` lines)"
_LIST = "a list (`- item` lines)"
_EXPECTED = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "dict_type": _MAPPING,
    "model_type": _MAPPING,
    "model_attributes_type": _MAPPING,
    "list_type": _LIST,
    "tuple_type": _LIST,
}


def _describe(error: ErrorDetails, loc: Loc) -> tuple[Loc, str]:
    """(where, message) for one pydantic error; ``where`` is the parent for a missing key."""
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    value = error.get("input")
    if kind == "missing" and loc:
        return loc[:-1], f"the required key `{loc[-1]}` is missing"
    if kind == "extra_forbidden" and loc:
        return loc, _unknown_key(str(loc[-1]), _model_at(loc[:-1]))
    if kind == "value_error":
        return loc, str(ctx.get("error") or error["msg"]).removeprefix("Value error, ")
    if kind in _EXPECTED:
        message = f"expected {_EXPECTED[kind]}, got {_show(value)}"
        if kind.startswith(("int", "float")) and isinstance(value, str) and _numeric(value):
            message += " (remove the quotes)"
        if kind.startswith("bool") and isinstance(value, str) and value.lower() in _BOOLS:
            message += " (remove the quotes)"
        if kind == "string_type" and isinstance(value, int | float):
            message += " (put it in quotes)"
        return loc, message
    return loc, _constraint(kind, ctx, value, error["msg"])


def _constraint(kind: str, ctx: dict[str, Any], value: object, fallback: str) -> str:
    if kind == "greater_than":
        return f"must be greater than {_number(ctx['gt'])}, got {_show(value)}"
    if kind == "greater_than_equal":
        return f"must be at least {_number(ctx['ge'])}, got {_show(value)}"
    if kind == "less_than":
        return f"must be less than {_number(ctx['lt'])}, got {_show(value)}"
    if kind == "less_than_equal":
        return f"must be at most {_number(ctx['le'])}, got {_show(value)}"
    if kind == "finite_number":
        return f"must be a finite number, got {_show(value)}"
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return "must not be empty"
        return f"must be at least {ctx.get('min_length')} characters long"
    if kind == "string_too_long" and isinstance(value, str):
        return f"is {len(value)} characters long; at most {ctx.get('max_length')} are allowed"
    if kind == "too_long" and isinstance(value, Sized):
        return f"has {len(value)} entries; at most {ctx.get('max_length')} are allowed"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, got {_show(value)}"
    return f"{fallback}, got {_show(value)}"


def _unknown_key(key: str, model: type[BaseModel] | None) -> str:
    message = f"unknown key {clip(key)!r}"
    if model is None:
        return message
    allowed = list(model.model_fields)
    message += f"; allowed keys here: {', '.join(allowed)}"
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        message += f" (did you mean {close[0]!r}?)"
    return message


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            options = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc``, if any."""
    current: Any = Config
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            found = current.model_fields.get(part) if isinstance(part, str) else None
            if found is None:
                return None
            current = found.annotation
            continue
        origin, args = get_origin(current), get_args(current)
        if origin is dict and len(args) == 2:
            current = args[1]
        elif origin in (list, tuple) and args:
            current = args[0]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _show(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the value {str(value).lower()}"
    if isinstance(value, int):
        return f"the number {value}" if abs(value) < 10**30 else "a very large number"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {clip(value)!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, bytes):
        return "binary data"
    return f"a value of type {type(value).__name__}"

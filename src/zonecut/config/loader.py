"""zonecut.yaml -> :class:`Config`, or :class:`ConfigError` naming file and line.

The YAML is composed into nodes (which keep their marks) and turned into plain
data here, recording the line of every mapping key and list item. Pydantic then
validates; its errors and the relation checks are translated into one plain
message per problem, all collected before anything is raised.
"""

from __future__ import annotations

import datetime
import difflib
import re
import types
from collections.abc import Mapping, Sized
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from zonecut.config.errors import ConfigError, ConfigProblem, Loc, format_loc
from zonecut.config.models import (
    SKIP_RELATION_CHECKS,
    Config,
    Defaults,
    account_facts_from_raw,
    defaults_from_raw,
    relation_problems,
    zone_facts_from_raw,
)

MAX_BYTES = 4 * 1024 * 1024
"""Largest config accepted (about 50,000 zones)."""
MAX_NODES = 1_000_000
"""Most YAML values accepted once aliases are expanded (stops alias bombs)."""
MAX_DEPTH = 64
"""Deepest nesting accepted (a zonecut.yaml needs five levels)."""

_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = (
    yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
)
"""libyaml's loader when PyYAML has it: about ten times faster on big files."""

_DEEP = f"the document is nested more than {MAX_DEPTH} levels deep (a zonecut config needs five)"
"""One message for a document nested too deeply, whichever check notices it."""

_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_INT = "tag:yaml.org,2002:int"


def load_config(path: str | Path) -> Config:
    """Read and validate a config file; raise :class:`ConfigError` with every problem."""
    filename = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise _single(filename, f"cannot read {filename}: {reason}") from None
    if len(data) > MAX_BYTES:
        raise _single(filename, f"the file is larger than {MAX_BYTES} bytes, the most read")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError([ConfigProblem(
            filename, line, None,
            f"the file is not UTF-8 text (byte {exc.start} cannot be decoded)",
        )]) from None
    return load_config_text(text, filename)


def load_config_text(text: str, filename: str = "<string>") -> Config:
    """Validate config text; ``filename`` is only used in messages."""
    if len(text) > MAX_BYTES:
        raise _single(filename, f"the text is {len(text)} characters; at most {MAX_BYTES} "
                      "are read")
    document = _compose(text, filename)
    problems = list(document.problems)
    data = document.data
    if problems and data is None:
        raise ConfigError(problems)
    if data is None:
        raise _single(filename, "the file is empty; it needs at least `version: 1`, "
                      "`accounts` and `zones`")
    if not isinstance(data, dict):
        line, column = document.position(())
        problems.append(ConfigProblem(
            filename, line, column,
            "the top level must be a mapping with `version`, `accounts` and `zones`; "
            f"found {_kind(data)}",
        ))
        raise ConfigError(problems)
    config: Config | None = None
    try:
        config = Config.model_validate(data, context={SKIP_RELATION_CHECKS: True})
    except ValidationError as exc:
        problems += _translate(exc, document)
    problems += _relations(data, document)
    if problems or config is None:
        raise ConfigError(problems)
    return config


def _single(filename: str, message: str) -> ConfigError:
    return ConfigError([ConfigProblem(filename, None, None, message)])


def _kind(value: object) -> str:
    if isinstance(value, str | int | float | bool) or value is None:
        return f"a single value ({_show(value)})"
    return _show(value)


def _translate(exc: ValidationError, document: _Document) -> list[ConfigProblem]:
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


def _relations(data: Mapping[str, object], document: _Document) -> list[ConfigProblem]:
    raw_defaults = data.get("defaults", {})
    defaults = Defaults() if raw_defaults is None else defaults_from_raw(raw_defaults)
    raw_accounts = data.get("accounts")
    accounts = (
        {key: account_facts_from_raw(value) for key, value in raw_accounts.items()}
        if isinstance(raw_accounts, dict) else {}
    )
    raw_zones = data.get("zones")
    zones = []
    if isinstance(raw_zones, list):
        for index, raw in enumerate(raw_zones):
            facts = zone_facts_from_raw(index, raw)
            if facts is not None:
                zones.append(facts)

    def where(loc: Loc) -> str:
        line, _column = document.position(loc)
        return format_loc(loc) if line is None else f"{format_loc(loc)}, line {line}"

    found: list[ConfigProblem] = []
    for loc, message in relation_problems(defaults, accounts, zones, where):
        if document.is_bad(loc):
            continue
        line, column = document.position(loc)
        found.append(ConfigProblem(document.filename, line, column, message, format_loc(loc)))
    return found


# -- YAML with positions ----------------------------------------------------------------


@dataclass
class _Document:
    """Plain data from the YAML, the position of every key and item, and YAML problems."""

    filename: str
    data: object = None
    problems: list[ConfigProblem] = field(default_factory=list)
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    bad: set[Loc] = field(default_factory=set)
    hints: dict[Loc, str] = field(default_factory=dict)
    """What YAML made of a value that the user likely meant otherwise (octal numbers)."""

    def position(self, loc: Loc) -> tuple[int | None, int | None]:
        """(line, column) of ``loc`` or of its nearest recorded ancestor."""
        for end in range(len(loc), -1, -1):
            found = self.positions.get(loc[:end])
            if found is not None:
                return found
        return None, None

    def is_bad(self, loc: Loc) -> bool:
        """True when ``loc`` or an ancestor already has a YAML problem."""
        return any(loc[:end] in self.bad for end in range(len(loc) + 1))

    def problem(self, mark: yaml.Mark, message: str, loc: Loc | None = None) -> None:
        self.problems.append(ConfigProblem(self.filename, mark.line + 1, mark.column + 1,
                                           message, format_loc(loc) if loc else ""))
        if loc is not None:
            self.bad.add(loc)


class _TooBig(Exception):
    """The document expands to more than MAX_NODES values."""


class _Cycle(Exception):
    def __init__(self, node: yaml.Node) -> None:
        super().__init__("cycle")
        self.node = node


def _compose(text: str, filename: str) -> _Document:
    document = _Document(filename)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        line = text[: exc.start].count("\n") + 1
        document.problems.append(ConfigProblem(
            filename, line, None,
            f"the text holds {_codepoint(text[exc.start])}, which is not a valid character",
        ))
        return document
    loader: yaml.SafeLoader | yaml.CSafeLoader | None = None
    try:
        deep = _too_deep(data, text)
        if deep is not None:
            document.problems.append(ConfigProblem(filename, *deep, _DEEP))
            return document
        loader = _new_loader(data, text)
        node = loader.get_single_node()
        if node is None:
            return document
        document.positions[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
        _expanded_size(node, {}, set())
        document.data = _Walker(document, loader).value(node, (), 0)
    except yaml.MarkedYAMLError as exc:
        document.problems.append(_syntax_problem(filename, exc, text))
    except yaml.reader.ReaderError as exc:
        document.problems.append(_reader_problem(filename, text, data, exc))
    except yaml.YAMLError as exc:
        document.problems.append(ConfigProblem(filename, None, None, f"invalid YAML: {exc}"))
    except _Cycle as exc:
        document.problem(exc.node.start_mark, "an alias refers to a value that contains it")
    except _TooBig:
        document.problems.append(ConfigProblem(
            filename, None, None,
            f"the document holds more than {MAX_NODES} values once aliases are expanded",
        ))
    except RecursionError:
        document.problems.append(ConfigProblem(filename, None, None, _DEEP))
    finally:
        if loader is not None:
            loader.dispose()
    return document


def _new_loader(data: bytes, text: str) -> yaml.SafeLoader | yaml.CSafeLoader:
    return _LOADER(data) if _LOADER is yaml.CSafeLoader else _LOADER(text)


def _too_deep(data: bytes, text: str) -> tuple[int, int] | None:
    """(line, column) where the document first opens more than MAX_DEPTH + 1 collections.

    Counted by zonecut on the event stream (which neither PyYAML nor libyaml builds
    by recursion), so the answer does not depend on the library installed. Some
    libyaml builds refuse deep nesting themselves, in their own words and at their
    own depth, while scanning ahead: when the fast pass fails, PyYAML's pure-Python
    parser (which has no such limit) decides whether depth is the problem; if it is
    not, the library's error stands.
    """
    try:
        return _deepest(_new_loader(data, text))
    except yaml.YAMLError:
        if _LOADER is yaml.SafeLoader:
            raise
        try:
            found = _deepest(yaml.SafeLoader(text))
        except yaml.YAMLError:
            found = None
        if found is None:
            raise
        return found


def _deepest(loader: yaml.SafeLoader | yaml.CSafeLoader) -> tuple[int, int] | None:
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH + 1 and event.start_mark is not None:
                    return event.start_mark.line + 1, event.start_mark.column + 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()
    return None


def _reader_problem(filename: str, text: str, data: bytes,
                    exc: yaml.reader.ReaderError) -> ConfigProblem:
    """A character YAML refuses; libyaml gives a byte offset, PyYAML a character offset."""
    if _LOADER is yaml.CSafeLoader:
        position = max(0, min(exc.position, len(data)))
        line = data[:position].count(b"\n") + 1
        found = data[position:position + 4].decode("utf-8", errors="ignore")[:1]
    else:
        position = max(0, min(exc.position, len(text)))
        line = text[:position].count("\n") + 1
        found = text[position:position + 1]
    shown = _codepoint(found) if found else "a character"
    return ConfigProblem(filename, line, None,
                         f"the text holds {shown}, which YAML does not allow ({exc.reason})")


def _codepoint(character: object) -> str:
    if isinstance(character, str) and len(character) == 1:
        character = ord(character)
    return f"U+{character:04X}" if isinstance(character, int) else repr(character)


_OCTAL_TEXT = re.compile(r"^[-+]?0[0-7_]+$")
"""An int YAML 1.1 reads as octal (``011111111111`` is 1227133513)."""


def _tab_at(exc: yaml.MarkedYAMLError, text: str) -> bool:
    """True when the character at the error's mark is a tab (libyaml's marks carry no
    buffer: the character is looked up in the text by line and column)."""
    mark = exc.problem_mark
    if mark is None:
        return False
    lines = text.split("\n")
    if not 0 <= mark.line < len(lines):
        return False
    line = lines[mark.line]
    return 0 <= mark.column < len(line) and line[mark.column] == "\t"


def _syntax_problem(filename: str, exc: yaml.MarkedYAMLError,
                    text: str = "") -> ConfigProblem:
    mark = exc.problem_mark or exc.context_mark
    message = f"YAML syntax error: {exc.problem or exc.context or 'cannot parse'}"
    if exc.problem and ("'\\t'" in exc.problem or _tab_at(exc, text)):
        message += " (a tab: YAML indents with spaces only; replace the tab with spaces)"
    if exc.context and exc.problem and exc.context_mark is not None and (
        mark is None or exc.context_mark.line != mark.line
    ):
        message += f" ({exc.context} on line {exc.context_mark.line + 1})"
    if mark is None:
        return ConfigProblem(filename, None, None, message)
    return ConfigProblem(filename, mark.line + 1, mark.column + 1, message)


def _expanded_size(node: yaml.Node, sizes: dict[int, int], visiting: set[int]) -> int:
    """How many values ``node`` expands to; raises _TooBig or _Cycle."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    if id(node) in visiting:
        raise _Cycle(node)
    visiting.add(id(node))
    total = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            total += _expanded_size(child, sizes, visiting)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            total += _expanded_size(key, sizes, visiting) + _expanded_size(value, sizes, visiting)
    visiting.discard(id(node))
    if total > MAX_NODES:
        raise _TooBig
    sizes[id(node)] = total
    return total


class _Walker:
    """Turns composed nodes into plain data, recording positions and YAML problems."""

    def __init__(self, document: _Document,
                 loader: yaml.SafeLoader | yaml.CSafeLoader) -> None:
        self.document = document
        self.loader = loader

    def value(self, node: yaml.Node, loc: Loc, depth: int) -> object:
        if depth > MAX_DEPTH:
            self.document.problem(node.start_mark, _DEEP)
            self.document.bad.add(loc)
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                return self._bad_tag(node, loc)
            items: list[object] = []
            for index, child in enumerate(node.value):
                self._record((*loc, index), child)
                items.append(self.value(child, (*loc, index), depth + 1))
            return items
        return self._scalar(node, loc)

    def _record(self, loc: Loc, node: yaml.Node) -> None:
        self.document.positions.setdefault(loc, (node.start_mark.line + 1,
                                                 node.start_mark.column + 1))

    def _bad_tag(self, node: yaml.Node, loc: Loc) -> object:
        self.document.problem(node.start_mark, f"unsupported YAML tag {node.tag!r}", loc)
        return None

    def _scalar(self, node: yaml.Node, loc: Loc) -> object:
        try:
            value = self.loader.construct_object(node, deep=True)
            if node.tag == _INT and isinstance(value, int) and _OCTAL_TEXT.match(
                    str(node.value)):
                self.document.hints[loc] = (
                    f"YAML read {node.value} as the octal number {value}; quote it "
                    f"(\"{node.value}\") to keep it as written")
            return value
        except yaml.MarkedYAMLError as exc:
            self.document.problem(node.start_mark, f"cannot read this value: {exc.problem}", loc)
        except (ValueError, ArithmeticError, TypeError) as exc:
            reason = "the number is too large" if node.tag == _INT else str(exc)
            self.document.problem(node.start_mark, f"cannot read {_clip(str(node.value))!r}: "
                                  f"{reason}", loc)
        return None

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> object:
        if node.tag != _MAP:
            return self._bad_tag(node, loc)
        result: dict[str, object] = {}
        first_line: dict[str, int] = {}
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            key = self._key(key_node, loc)
            if key is None:
                continue
            if key in first_line:
                self.document.problem(
                    key_node.start_mark,
                    f"the key {_clip(key)!r} appears twice in this mapping (first on line "
                    f"{first_line[key]}); YAML keeps only one, so remove one",
                )
                continue
            first_line[key] = key_node.start_mark.line + 1
            self._record((*loc, key), key_node)
            result[key] = self.value(value_node, (*loc, key), depth + 1)
        for merge in merges:
            self._merge(merge, result, loc, depth)
        return result

    def _key(self, key_node: yaml.Node, loc: Loc) -> str | None:
        if isinstance(key_node, yaml.ScalarNode):
            return str(key_node.value)
        self.document.problem(key_node.start_mark,
                              "a key must be plain text, not a list or a mapping", loc)
        return None

    def _merge(self, merge: yaml.Node, result: dict[str, object], loc: Loc, depth: int) -> None:
        sources = merge.value if isinstance(merge, yaml.SequenceNode) else [merge]
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                self.document.problem(source.start_mark,
                                      "`<<` merges a mapping or a list of mappings", loc)
                continue
            merged = self._mapping(source, loc, depth)
            if not isinstance(merged, dict):
                continue
            for key, value in merged.items():
                result.setdefault(key, value)


# -- pydantic errors in plain words ---------------------------------------------------

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
    message = f"unknown key {_clip(key)!r}"
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


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


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
        return f"the text {_clip(value)!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, bytes):
        return "binary data"
    return f"a value of type {type(value).__name__}"

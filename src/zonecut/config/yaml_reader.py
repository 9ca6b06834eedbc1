"""YAML text -> plain data, with the line and column of every mapping key and list
item, and the YAML problems found on the way (syntax, characters, duplicate keys,
tags, octal look-alikes), within a depth and a size guard."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from zonecut.config.errors import ConfigProblem, Loc, format_loc

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


@dataclass
class YamlDocument:
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


def read_yaml(text: str, filename: str) -> YamlDocument:
    """Compose ``text`` into plain data with positions; YAML problems are collected on the
    document, never raised."""
    document = YamlDocument(filename)
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

    def __init__(self, document: YamlDocument,
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
            self.document.problem(node.start_mark, f"cannot read {clip(str(node.value))!r}: "
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
                    f"the key {clip(key)!r} appears twice in this mapping (first on line "
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


def clip(text: str, limit: int = 60) -> str:
    """User text cut to ``limit`` characters for a message."""
    return text if len(text) <= limit else text[:limit] + "..."

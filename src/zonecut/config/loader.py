"""zonecut.yaml -> :class:`Config`, or :class:`ConfigError` naming file and line.

The YAML is composed into nodes (which keep their marks) and turned into plain
data, recording the line of every mapping key and list item
(:mod:`zonecut.config.yaml_reader`). Pydantic then validates; its errors
(:mod:`zonecut.config.messages`) and the relation checks
(:mod:`zonecut.config.relations`) are translated into one plain message per
problem, all collected before anything is raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import ValidationError

from zonecut.config.defaults import Defaults
from zonecut.config.document import SKIP_RELATION_CHECKS, Config
from zonecut.config.errors import ConfigError, ConfigProblem, Loc, format_loc
from zonecut.config.facts import account_facts_from_raw, defaults_from_raw, zone_facts_from_raw
from zonecut.config.messages import kind_of, translate_errors
from zonecut.config.relations import relation_problems
from zonecut.config.yaml_reader import YamlDocument, read_yaml

MAX_BYTES = 4 * 1024 * 1024
"""Largest config accepted (about 50,000 zones)."""


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
    document = read_yaml(text, filename)
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
            f"found {kind_of(data)}",
        ))
        raise ConfigError(problems)
    config: Config | None = None
    try:
        config = Config.model_validate(data, context={SKIP_RELATION_CHECKS: True})
    except ValidationError as exc:
        problems += translate_errors(exc, document)
    problems += _relations(data, document)
    if problems or config is None:
        raise ConfigError(problems)
    return config


def _single(filename: str, message: str) -> ConfigError:
    return ConfigError([ConfigProblem(filename, None, None, message)])


def _relations(data: Mapping[str, object], document: YamlDocument) -> list[ConfigProblem]:
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

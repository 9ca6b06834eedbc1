"""Problems found in a zonecut.yaml, each with the file and line it is about."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from zonecut.errors import ZonecutError

Loc = tuple[str | int, ...]
"""A place in the document: mapping keys and list indexes, like ``("zones", 2, "name")``."""

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def format_loc(loc: Loc) -> str:
    """``("zones", 2, "name")`` -> ``zones[2].name``; odd keys are quoted."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            text += f".{part}" if text else part
        else:
            text += f"[{part[:60]!r}]"
    return text


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with a config file.

    ``line`` and ``column`` are 1-based and None when unknown. ``path`` says where
    in the document the problem is (``zones[2].name``); empty for the whole file.
    """

    file: str
    line: int | None
    column: int | None
    message: str
    path: str = ""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.path:
            return f"{where}: {self.path}: {self.message}"
        return f"{where}: {self.message}"


def _order(problem: ConfigProblem) -> tuple[str, int, int, str, str]:
    return (problem.file, problem.line or 0, problem.column or 0, problem.path, problem.message)


class ConfigError(ZonecutError):
    """A config that cannot be used; holds every problem found, sorted by line."""

    def __init__(self, problems: Iterable[ConfigProblem]) -> None:
        unique = sorted(set(problems), key=_order)
        self.problems: list[ConfigProblem] = unique
        count = len(unique)
        if count == 0:
            text = "the config is not valid"
        elif count == 1:
            text = str(unique[0])
        else:
            text = f"{count} problems in the config:\n" + "\n".join(f"  {p}" for p in unique)
        super().__init__(text)

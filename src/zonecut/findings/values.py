"""What every finding value shares: its message on one line, its details as sorted pairs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def one_line(message: str) -> str:
    return " ".join(message.split())


def detail_pairs(details: Mapping[str, str | Iterable[str]] | None
                 ) -> tuple[tuple[str, str], ...]:
    """``details`` sorted by key, each value a string (several joined by ", ")."""
    return tuple((key, value if isinstance(value, str) else ", ".join(value))
                 for key, value in sorted((details or {}).items()))

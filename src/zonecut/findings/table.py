"""Findings as rows of plain strings; the CLI decides how to draw them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from zonecut.findings.catalogue import Catalogue


@dataclass(frozen=True)
class Table:
    """Rows of plain strings; the CLI decides how to draw them."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Row:
    """One finding's cells: severity, code, zone, where (server or account), message."""

    severity: str
    code: str
    zone: str
    where: str
    message: str


def findings_table(rows: Sequence[Row], where: str) -> Table:
    """One row per finding, in the order given; ``where`` names the fourth column."""
    return Table(
        title="Findings",
        headers=("severity", "code", "zone", where, "message"),
        rows=tuple((r.severity, r.code, r.zone, r.where, r.message) for r in rows),
    )


def catalogue_table(catalogue: Catalogue) -> Table:
    """The catalogue itself (``--list-codes``)."""
    return Table(
        title=catalogue.title,
        headers=("code", "severity", "title", "reference"),
        rows=tuple((r.code, r.severity.value, r.title, r.reference) for r in catalogue),
    )

"""Findings as data for the outside world: JSON, SARIF 2.1.0, exit code, summary, tables.

Nothing here prints; the CLI picks a form and renders it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zonecut.findings import (
    SARIF_LEVEL,
    Row,
    Severity,
    Table,
    physical_location,
    sarif_log,
    zone_order,
)
from zonecut.findings import catalogue_table as rules_table
from zonecut.findings import findings_table as rows_table
from zonecut.verify.findings import VERIFY_CATALOGUE, Finding
from zonecut.verify.targets import DelegationTarget

REPORT_FORMAT = "zonecut.verify.report"
REPORT_VERSION = 1

NOT_VERIFIED = frozenset({"ZONE_MISSING", "ZONE_UNREAD", "UNVERIFIED", "WALK_FAILED",
                          "PARENT_UNREACHABLE", "DEADLINE_EXCEEDED"})
"""Codes that mean the zone's delegation was not (fully) checked from the DNS."""

def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: f.sort_key)


def exit_code(findings: Iterable[Finding]) -> int:
    """1 when any finding is critical or an error, else 0."""
    return 1 if any(f.severity.fails for f in findings) else 0


def zone_status(findings: Iterable[Finding]) -> str:
    """``ok``, or the most severe severity among ``findings``."""
    worst = min((f.severity for f in findings), key=lambda s: s.rank, default=None)
    return worst.value if worst is not None else "ok"


@dataclass(frozen=True)
class Summary:
    """Counts per severity, for a one-line verdict."""

    zones: int
    zones_with_findings: int
    counts: tuple[tuple[Severity, int], ...]
    exit_code: int
    verified: int = -1  # zones actually verified (-1: as many as ``zones``)

    @property
    def zones_verified(self) -> int:
        return self.zones if self.verified < 0 else self.verified

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def count(self, severity: Severity) -> int:
        return dict(self.counts).get(severity, 0)

    @property
    def text(self) -> str:
        done = (f"{self.zones} zone(s) verified" if self.zones_verified == self.zones
                else f"{self.zones_verified} of {self.zones} zone(s) verified")
        if not self.total:
            return f"{done}: no finding"
        parts = ", ".join(f"{n} {s.value}" for s, n in self.counts if n)
        return f"{done}: {parts} in {self.zones_with_findings} zone(s)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "zones": self.zones,
            "zones_with_findings": self.zones_with_findings,
            "zones_verified": self.zones_verified,
            "counts": {s.value: n for s, n in self.counts},
            "total": self.total,
            "exit_code": self.exit_code,
        }


def summary(findings: Sequence[Finding], targets: Sequence[DelegationTarget] = ()
            ) -> Summary:
    """Counts of ``findings``; ``zones`` is the number of targets (or of zones found)."""
    counts = Counter(f.severity for f in findings)
    zones_with = {f.zone for f in findings}
    names = {t.child for t in targets} | zones_with
    zones = len(names) if targets else len(zones_with)
    unverified = {f.zone for f in findings if f.code in NOT_VERIFIED}
    unverified |= {t.child for t in targets if t.child_zone is None}
    return Summary(
        zones=zones,
        zones_with_findings=len(zones_with),
        counts=tuple((s, counts.get(s, 0)) for s in Severity),
        exit_code=exit_code(findings),
        verified=len(names - unverified) if targets else -1,
    )


def to_json(findings: Sequence[Finding], targets: Sequence[DelegationTarget]) -> dict[str, Any]:
    """The whole result: summary, one entry per zone (with status), every finding."""
    ordered = _sorted(findings)
    by_zone: dict[str, list[Finding]] = {}
    for item in ordered:
        by_zone.setdefault(item.zone, []).append(item)
    parents = {t.child: t.parent for t in targets}
    zones = sorted(set(parents) | set(by_zone), key=zone_order)
    return {
        "format": REPORT_FORMAT,
        "version": REPORT_VERSION,
        "summary": summary(ordered, targets).to_dict(),
        "zones": [
            {
                "zone": zone,
                "parent": parents.get(zone),
                "status": zone_status(by_zone.get(zone, [])),
                "findings": [f.code for f in by_zone.get(zone, [])],
            }
            for zone in zones
        ],
        "findings": [f.to_dict() for f in ordered],
    }


def to_sarif(findings: Sequence[Finding], *, artifact: str = "zonecut.yaml",
             lines: Mapping[str, int] | None = None,
             include_info: bool = False) -> dict[str, Any]:
    """A SARIF 2.1.0 log: the catalogue as rules, each finding a result located at the
    config line that declares its zone (``lines``: zone -> line of ``artifact``) and,
    logically, at the zone. Info-level findings only with ``include_info``."""
    return sarif_log(_sorted(findings), VERIFY_CATALOGUE, artifact=artifact, lines=lines,
                     include_info=include_info)


def findings_table(findings: Sequence[Finding]) -> Table:
    """One row per finding: severity, code, zone, server, message."""
    return rows_table([Row(f.severity.value, f.code, f.zone, f.server or "", f.message)
                       for f in _sorted(findings)], "server")


def zones_table(findings: Sequence[Finding], targets: Sequence[DelegationTarget]) -> Table:
    """One row per zone: zone, parent, status, finding codes."""
    by_zone: dict[str, list[Finding]] = {}
    for item in _sorted(findings):
        by_zone.setdefault(item.zone, []).append(item)
    parents = {t.child: t.parent for t in targets}
    zones = sorted(set(parents) | set(by_zone), key=zone_order)
    return Table(
        title="Delegations",
        headers=("zone", "parent", "status", "findings"),
        rows=tuple(
            (zone, parents.get(zone) or "", zone_status(by_zone.get(zone, [])),
             ", ".join(dict.fromkeys(f.code for f in by_zone.get(zone, []))))
            for zone in zones
        ),
    )


def catalogue_table() -> Table:
    """The catalogue itself (``zonecut verify --list-codes``)."""
    return rules_table(VERIFY_CATALOGUE)


__all__ = [
    "SARIF_LEVEL",
    "Summary",
    "Table",
    "catalogue_table",
    "exit_code",
    "findings_table",
    "physical_location",
    "summary",
    "to_json",
    "to_sarif",
    "zone_status",
    "zones_table",
]

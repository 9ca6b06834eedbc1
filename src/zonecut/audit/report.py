"""Audit results as data for the outside world: JSON, SARIF 2.1.0, tables, exit code.

Nothing here prints; the CLI picks a form and renders it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from zonecut.audit.findings import AUDIT, AuditFinding
from zonecut.audit.inventory import Inventory
from zonecut.audit.tree import OrgTree, TreeZone
from zonecut.findings import Row, Severity, Table, sarif_log
from zonecut.findings import catalogue_table as rules_table
from zonecut.findings import findings_table as rows_table

REPORT_FORMAT = "zonecut.audit.report"
REPORT_VERSION = 1


def exit_code(findings: Sequence[AuditFinding]) -> int:
    """1 when any finding is critical or an error, else 0."""
    return 1 if any(f.severity.fails for f in findings) else 0


def _sorted(findings: Sequence[AuditFinding]) -> list[AuditFinding]:
    return sorted(findings, key=lambda f: f.sort_key)


def counts(findings: Sequence[AuditFinding]) -> dict[str, int]:
    found = Counter(f.severity for f in findings)
    return {s.value: found.get(s, 0) for s in Severity}


def verdict(inventory: Inventory, findings: Sequence[AuditFinding]) -> str:
    """One line: what was read and what was found."""
    read = (f"{len(inventory.accounts) - len(inventory.failures)} of "
            f"{len(inventory.accounts)} account(s) read, {len(inventory.zones)} public "
            "zone(s)")
    problems = [f"{n} {s}" for s, n in counts(findings).items()
                if n and s != Severity.INFO.value]
    return f"{read}: " + (", ".join(problems) if problems else "no problem found")


def _status(zone: str, findings: Sequence[AuditFinding]) -> str:
    worst = min((f.severity for f in findings if f.zone == zone), key=lambda s: s.rank,
                default=None)
    return worst.value if worst is not None else "ok"


def _parents(zone: TreeZone) -> list[str]:
    return sorted({d.parent.name for d in zone.delegated_by})


def zone_entries(inventory: Inventory, tree: OrgTree,
                 findings: Sequence[AuditFinding]) -> list[dict[str, Any]]:
    """The organisation's tree: one entry per hosted zone, parents first."""
    entries: list[dict[str, Any]] = []
    for zone in tree.zones:
        record = zone.record
        entries.append({
            "zone": record.name,
            "zone_id": record.zone_id,
            "account_id": record.account_id,
            "account": inventory.key_of(record.account_id),
            "name_servers": list(record.zone.name_servers),
            "enclosing_zone": zone.enclosing,
            "delegated_by": [
                {"zone": d.parent.name, "zone_id": d.parent.zone_id,
                 "account_id": d.parent.account_id, "state": d.state.value,
                 "skipped_level": d.skipped_level}
                for d in zone.delegated_by
            ],
            "status": _status(record.name, findings),
        })
    return entries


def to_json(inventory: Inventory, tree: OrgTree, findings: Sequence[AuditFinding]
            ) -> dict[str, Any]:
    """The whole result: summary, accounts, the tree, every delegation, every finding."""
    ordered = _sorted(findings)
    return {
        "format": REPORT_FORMAT,
        "version": REPORT_VERSION,
        "summary": {
            "accounts": len(inventory.accounts),
            "accounts_unreadable": len(inventory.failures),
            "zones": len(inventory.zones),
            "private_zones_skipped": inventory.private_zones,
            "delegations": len(tree.delegations),
            "counts": counts(ordered),
            "total": len(ordered),
            "exit_code": exit_code(ordered),
        },
        "accounts": [{"account_id": a.account_id, "key": a.key, "name": a.name,
                      "readable": a.account_id not in {f.account_id for f in
                                                       inventory.failures}}
                     for a in inventory.accounts],
        "zones": zone_entries(inventory, tree, ordered),
        "delegations": [
            {"zone": d.child, "parent": d.parent.name, "parent_zone_id": d.parent.zone_id,
             "parent_account_id": d.parent.account_id, "ttl": d.ns.ttl,
             "servers": list(d.ns.values), "state": d.state.value,
             "target_zone_id": d.target.zone_id if d.target else None,
             "skipped_level": d.skipped_level}
            for d in tree.delegations
        ],
        "findings": [f.to_dict() for f in ordered],
    }


def to_sarif(findings: Sequence[AuditFinding], *, artifact: str = "zonecut.yaml",
             lines: Mapping[str, int] | None = None,
             include_info: bool = False) -> dict[str, Any]:
    """A SARIF 2.1.0 log: the audit catalogue as rules, each finding a result located
    at a line of ``artifact`` (the config line declaring the zone, when ``lines`` knows
    it; else line 1) and, logically, at its zone and the account holding it.
    Info-level findings (one per root zone) only with ``include_info``."""
    return sarif_log(_sorted(findings), AUDIT, artifact=artifact, lines=lines,
                     include_info=include_info)


def findings_table(findings: Sequence[AuditFinding], inventory: Inventory | None = None
                   ) -> Table:
    """One row per finding: severity, code, zone, account (its key when known), message."""

    def account(account_id: str | None) -> str:
        if not account_id:
            return ""
        return inventory.key_of(account_id) if inventory is not None else account_id

    return rows_table([Row(f.severity.value, f.code, f.zone or "-", account(f.account_id),
                           f.message) for f in _sorted(findings)], "account")


def zones_table(inventory: Inventory, tree: OrgTree, findings: Sequence[AuditFinding]
                ) -> Table:
    """The tree: one row per hosted zone, parents first."""
    rows = []
    for zone in tree.zones:
        record = zone.record
        parents = _parents(zone)
        rows.append((record.name, inventory.key_of(record.account_id), record.zone_id,
                     ", ".join(parents) if parents else ("(registrar)" if zone.root else "-"),
                     _status(record.name, findings)))
    return Table(title="Zones", headers=("zone", "account", "zone id", "delegated by",
                                         "status"), rows=tuple(rows))


def catalogue_table() -> Table:
    """The audit catalogue (``zonecut audit --list-codes``)."""
    return rules_table(AUDIT)

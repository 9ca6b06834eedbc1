"""``zonecut verify``: prove every delegation with real DNS queries.

probe (the only packet sender) -> :class:`Observations` (JSON save/replay) ->
:func:`check` (pure) -> :class:`Finding` list -> report (JSON, SARIF, tables).
"""

from zonecut.findings import Rule, Severity
from zonecut.verify.checks import check
from zonecut.verify.findings import CATALOGUE, RULES, Finding
from zonecut.verify.observations import Observations, ObservationsFormatError
from zonecut.verify.probe import probe, probe_sync
from zonecut.verify.report import (
    Summary,
    Table,
    exit_code,
    findings_table,
    summary,
    to_json,
    to_sarif,
    zones_table,
)
from zonecut.verify.roots import ROOT_SERVERS, RootHintsError, load_root_hints, parse_root_hints
from zonecut.verify.targets import DelegationTarget, ServerAddress, ServerLike, VerifyPolicy

__all__ = [
    "CATALOGUE",
    "ROOT_SERVERS",
    "RULES",
    "DelegationTarget",
    "Finding",
    "Observations",
    "ObservationsFormatError",
    "RootHintsError",
    "Rule",
    "ServerAddress",
    "ServerLike",
    "Severity",
    "Summary",
    "Table",
    "VerifyPolicy",
    "check",
    "exit_code",
    "findings_table",
    "load_root_hints",
    "parse_root_hints",
    "probe",
    "probe_sync",
    "summary",
    "to_json",
    "to_sarif",
    "zones_table",
]

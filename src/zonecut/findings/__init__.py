"""One findings model for every checker (verify, audit, and later DNSSEC): severities,
catalogue entries (code, severity, title, reference, link, fix), SARIF 2.1.0 and the
findings table. Standard library only, so every checker may import it."""

from zonecut.findings.catalogue import Catalogue, Rule, Severity, zone_order
from zonecut.findings.sarif import SARIF_LEVEL, SARIF_SCHEMA, physical_location, sarif_log
from zonecut.findings.table import Row, Table, catalogue_table, findings_table

__all__ = [
    "SARIF_LEVEL",
    "SARIF_SCHEMA",
    "Catalogue",
    "Row",
    "Rule",
    "Severity",
    "Table",
    "catalogue_table",
    "findings_table",
    "physical_location",
    "sarif_log",
    "zone_order",
]

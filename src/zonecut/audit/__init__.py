"""``zonecut audit``: scan an organisation's Route 53, not a config file.

accounts (Organizations, a list, or a config) -> :func:`read_inventory` (through
:mod:`zonecut.aws`) -> :class:`Inventory` (JSON save/replay) -> :func:`build_tree`
and :func:`analyse` (pure) -> :class:`AuditFinding` list -> report (JSON, SARIF,
tables) and, if asked, a starting config (:func:`write_config`).
"""

from zonecut.audit.accounts import (
    AccountListError,
    from_config,
    from_organization,
    parse_account_list,
    slugify,
)
from zonecut.audit.analysis import analyse
from zonecut.audit.config_writer import write_config
from zonecut.audit.dns_check import DnsCheck, DnsVerdict, dns_checks, dns_targets
from zonecut.audit.findings import AUDIT_CATALOGUE, AUDIT_RULES, AuditFinding
from zonecut.audit.inventory import (
    AccountFailure,
    AuditAccount,
    Inventory,
    InventoryFormatError,
    ZoneRecord,
)
from zonecut.audit.reader import DEFAULT_ROLE_NAME, audit_accesses, read_inventory
from zonecut.audit.report import exit_code, to_json, to_sarif
from zonecut.audit.scan import Scan
from zonecut.audit.tree import Delegation, DelegationState, OrgTree, build_tree

__all__ = [
    "AUDIT_CATALOGUE",
    "AUDIT_RULES",
    "DEFAULT_ROLE_NAME",
    "AccountFailure",
    "AccountListError",
    "AuditAccount",
    "AuditFinding",
    "Delegation",
    "DelegationState",
    "DnsCheck",
    "DnsVerdict",
    "Inventory",
    "InventoryFormatError",
    "OrgTree",
    "Scan",
    "ZoneRecord",
    "analyse",
    "audit_accesses",
    "build_tree",
    "dns_checks",
    "dns_targets",
    "exit_code",
    "from_config",
    "from_organization",
    "parse_account_list",
    "read_inventory",
    "slugify",
    "to_json",
    "to_sarif",
    "write_config",
]

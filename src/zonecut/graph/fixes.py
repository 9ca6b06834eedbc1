"""How to fix each finding: the **Fix** line of docs/findings.md and docs/audit.md.

A test keeps these equal to the docs. A code missing here (a new one) gets a pointer to
its docs section instead, so the report never lacks a fix column.
"""

from __future__ import annotations

FIXES: dict[str, str] = {
    "DANGLING_DELEGATION": (
        'if the zone was deleted on purpose, delete the NS rrset for it from the parent (and '
        'from any ancestor that also holds one). If the zone was recreated, replace the '
        "parent's NS values with the new zone's delegation set (`zonecut apply` does this). "
        'Always delete the parent NS before the child zone.'
    ),
    "EXTRA_NS_IN_PARENT": (
        "set the parent's NS rrset to exactly the zone's delegation set."
    ),
    "NOT_DELEGATED": (
        "create the NS rrset in the parent with the zone's delegation set (`zonecut apply`); "
        'for a registered domain, set the name servers at the registrar.'
    ),
    "WALK_FAILED": (
        'read the reason: fix the enclosing delegation it names, or check the network, '
        '`--root-hints` and the port map when verifying a private hierarchy.'
    ),
    "PARENT_UNREACHABLE": (
        "fix the parent zone's servers (often the parent has its own finding, then the child "
        'gets `UNVERIFIED` instead of this).'
    ),
    "PARENT_SERVERS_DISAGREE": (
        'wait for the change to be INSYNC and verify again; if it persists, look for a second '
        "hosted zone with the parent's name (duplicate public zones) or a secondary that no "
        'longer transfers.'
    ),
    "NS_MISMATCH": (
        "set the parent's NS rrset to exactly the zone's delegation set."
    ),
    "LAME_SERVER": (
        'make the listed server set match the servers that serve the zone (for Route 53: the '
        'delegation set); report a Route 53 server that refuses its own zone.'
    ),
    "NS_NAME_UNRESOLVABLE": (
        'correct the NS values (typo, a server name from another provider).'
    ),
    "SERVER_UNREACHABLE": (
        'check the network path to the server; for Route 53 servers, check for a firewall '
        'between the verifier and the internet. A server that answers only on retry is '
        '`SERVER_SLOW`, not this.'
    ),
    "SOA_SERIAL_INCONSISTENT": (
        'find the server with the odd serial (in the details) and sync or remove it.'
    ),
    "NS_INCONSISTENT_ACROSS_SERVERS": (
        'make every server serve the same apex NS rrset.'
    ),
    "APEX_NS_EDITED": (
        'restore the apex NS rrset to the delegation set (`GetHostedZone` -> '
        '`DelegationSet.NameServers`); `zonecut apply` does, unless the zone has '
        '`apex_ns: report` (a zone served by several providers on purpose).'
    ),
    "GRANDPARENT_DELEGATION": (
        'delete the NS rrset from the grandparent; delegate only from the closest enclosing '
        'zone.'
    ),
    "OCCLUDED_RECORDS": (
        'move the records into the child zone, then delete them from the parent.'
    ),
    "RECORD_LIMIT_NEAR": (
        'request a quota increase, or split the zone (a delegated child zone).'
    ),
    "NS_TTL_POLICY": (
        "set the TTL in the zonecut configuration (3,600-86,400 s is AWS's advice for stable "
        'delegations; lower it around planned changes).'
    ),
    "SERVER_SLOW": (
        'nothing if it is rare; otherwise look at the network path to that server.'
    ),
    "UNVERIFIED": (
        'fix the finding named in `blocked_by`.'
    ),
    "AUDIT_DANGLING_DELEGATION": (
        "delete the NS rrset (or set it to the new zone's delegation set). Without `--dns`, a "
        'zone hosted outside the audited accounts also lands here: audit those accounts too, '
        'or use `--dns`.'
    ),
    "AUDIT_PARTIAL_DELEGATION": (
        "set the NS rrset to exactly the zone's delegation set."
    ),
    "AUDIT_INCOMPLETE_DELEGATION": (
        "set the NS rrset to exactly the zone's delegation set."
    ),
    "AUDIT_DUPLICATE_ZONE": (
        'delete the copies nobody delegates (after moving any records you need), or pin the '
        'live one with `zone_id` in the config.'
    ),
    "AUDIT_ACCOUNT_UNREADABLE": (
        'deploy the audit role in the account (or pass `--exclude`).'
    ),
    "AUDIT_ORPHAN_ZONE": (
        'delegate it from its enclosing zone (`zonecut apply` with the written config does), '
        'or delete the zone.'
    ),
    "AUDIT_SKIPPED_LEVEL": (
        'delete the NS rrset from the upper zone; delegate only from the closest.'
    ),
    "AUDIT_EXTERNAL_DELEGATION": (
        'confirm who owns that hosted zone; audit that account too.'
    ),
}


def docs_page(code: str) -> str:
    return "docs/audit.md" if code.startswith("AUDIT_") else "docs/findings.md"


def fix_for(code: str) -> str:
    """The fix for ``code``, or where its docs are."""
    return FIXES.get(code) or f"See {docs_page(code)}#{code.lower()}."

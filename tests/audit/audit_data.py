"""Hand-made inventories for the pure tests (no AWS)."""

from __future__ import annotations

from zonecut.audit import AuditAccount, Inventory, ZoneRecord
from zonecut.state import HostedZone, RRSet

A, B, C = "111111111111", "222222222222", "333333333333"
ACCOUNTS = (AuditAccount(A, "network", "Network"), AuditAccount(B, "dev", "Dev"),
            AuditAccount(C, "prod", "Prod"))


def servers(tag: str) -> tuple[str, ...]:
    """Four distinct server names for one zone (``tag`` makes them unique)."""
    return tuple(f"ns-{tag}-{i}.awsdns-00.{tld}"
                 for i, tld in enumerate(("com", "net", "org", "co.uk")))


def zone(name: str, account: str, zone_id: str, tag: str | None = None,
         delegations: dict[str, tuple[str, ...]] | None = None,
         ttls: dict[str, int] | None = None) -> ZoneRecord:
    """A zone with its delegation set (from ``tag``, default its id) and NS rrsets."""
    own = servers(tag or zone_id)
    ns = [RRSet(name, "NS", 172800, tuple(sorted(own)))]
    for child, values in (delegations or {}).items():
        ns.append(RRSet(child, "NS", (ttls or {}).get(child, 3600), tuple(sorted(values))))
    return ZoneRecord(HostedZone(zone_id=zone_id, name=name, account_id=account,
                                 name_servers=tuple(sorted(own))), tuple(sorted(ns)))


def inventory(*zones: ZoneRecord) -> Inventory:
    return Inventory(accounts=ACCOUNTS, zones=tuple(zones))


def healthy() -> list[ZoneRecord]:
    """example.com (A) -> dev.example.com (B) -> team.dev.example.com (C)."""
    return [
        zone("example.com", A, "ZAPEX", delegations={"dev.example.com": servers("ZDEV")}),
        zone("dev.example.com", B, "ZDEV",
             delegations={"team.dev.example.com": servers("ZTEAM")}),
        zone("team.dev.example.com", C, "ZTEAM"),
    ]

"""Check a root zone against its registrar (pure): Route 53 Domains' name servers and DS
keys (``GetDomainDetail``) against the zone's delegation set and the DS of its active
KSKs (``GetDNSSEC``). Whether the TLD publishes that DS is the DNSSEC walk's
(:mod:`zonecut.verify.dnssec`: the root's link judged from the trust anchor)."""

from __future__ import annotations

from collections.abc import Sequence

from zonecut.plan.registrar import RegistrarDomain
from zonecut.plan.signing import ZoneSigning
from zonecut.verify.findings import Finding, finding


def check_registrar(zone: str, zone_servers: Sequence[str], signing: ZoneSigning | None,
                    domain: RegistrarDomain) -> list[Finding]:
    """Findings for root ``zone`` (``zone_servers`` its delegation set; ``signing`` its
    GetDNSSEC, None when not read) against ``domain`` (GetDomainDetail)."""
    found: list[Finding] = []
    wanted = {s.rstrip(".").lower() for s in zone_servers}
    held_ns = set(domain.name_servers)
    if wanted and held_ns != wanted:
        found.append(finding(
            "REGISTRAR_NS_MISMATCH", zone,
            f"the registrar delegates {zone} to {', '.join(sorted(held_ns)) or 'nothing'}; "
            f"the zone's delegation set is {', '.join(sorted(wanted))}",
            details={"registrar": sorted(held_ns), "delegation_set": sorted(wanted),
                     "extra": sorted(held_ns - wanted), "missing": sorted(wanted - held_ns)}))
    if signing is None:
        return found
    active = set(signing.ds_values()) if signing.signing else set()
    held = set(domain.ds_values())
    if held and not held & active:
        state = "signing with other keys" if signing.signing else f"{signing.status}"
        found.append(finding(
            "REGISTRAR_DS_NO_MATCHING_KSK", zone,
            f"the registrar holds DS {', '.join(sorted(held))} for {zone}, which is "
            f"{state}", details={"registrar_ds": sorted(held), "zone_ds": sorted(active)}))
    elif active and not held:
        found.append(finding(
            "REGISTRAR_DS_MISSING", zone,
            f"{zone} is signing but its registrar holds no DS for it",
            details={"zone_ds": sorted(active)}))
    elif held - active and held & active:
        found.append(finding(
            "REGISTRAR_DS_STALE", zone,
            f"the registrar of {zone} also holds DS {', '.join(sorted(held - active))}, "
            "which names no active key of the zone",
            details={"stale": sorted(held - active), "zone_ds": sorted(active)}))
    return found

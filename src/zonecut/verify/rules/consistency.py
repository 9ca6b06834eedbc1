"""Do the zone's servers agree with each other?"""

from __future__ import annotations

from zonecut.verify.findings import Finding, finding
from zonecut.verify.targets import VerifyPolicy
from zonecut.verify.views import DelegationView


def soa_serial_inconsistent(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """SOA_SERIAL_INCONSISTENT: serving servers give different SOA serials (Zonemaster
    CONSISTENCY01): some serve an old copy of the zone."""
    if view.zone_gone:
        return []
    by_serial: dict[int, list[str]] = {}
    for server in view.checked_servers:
        for serial in set(server.serials):
            by_serial.setdefault(serial, []).append(server.name)
    if len(by_serial) < 2:
        return []
    return [finding(
        "SOA_SERIAL_INCONSISTENT", view.zone,
        f"the servers of {view.zone} give {len(by_serial)} different SOA serials",
        details={str(serial): names for serial, names in sorted(by_serial.items())},
    )]


def ns_inconsistent(view: DelegationView, policy: VerifyPolicy) -> list[Finding]:
    """NS_INCONSISTENT_ACROSS_SERVERS: serving servers give different apex NS sets
    (Zonemaster CONSISTENCY04)."""
    if view.zone_gone:
        return []
    by_set: dict[tuple[str, ...], list[str]] = {}
    for server in view.checked_servers:
        for ns in set(server.ns_sets):
            by_set.setdefault(ns, []).append(server.name)
    if len(by_set) < 2:
        return []
    return [finding(
        "NS_INCONSISTENT_ACROSS_SERVERS", view.zone,
        f"the servers of {view.zone} give {len(by_set)} different NS sets",
        details={", ".join(ns) or "(empty)": names for ns, names in sorted(by_set.items())},
    )]

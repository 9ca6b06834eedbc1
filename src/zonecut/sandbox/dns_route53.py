"""What each pool name server serves: the live public hosted zones assigned to it.

Built from moto's data across all accounts and brought up to date whenever the
Route 53 data changed (see :func:`zonecut.sandbox.zone_data.generation`), so a change
through the API is visible in DNS on the next query. Only zones whose version changed
are rebuilt. Used from the DNS loop thread only.
"""

from __future__ import annotations

import dns.name

from zonecut.sandbox.dns_sign import ROUTE53_SIGNED_MAX_TTL
from zonecut.sandbox.dns_zone import AuthZone
from zonecut.sandbox.dnssec_state import SigningView, signing_view, zone_signer
from zonecut.sandbox.zone_data import (
    BACKEND_LOCK,
    ZoneSnapshot,
    generation,
    iter_moto_zones,
    snapshot,
    zone_version,
)

# (account id, zone id) -> (version, zone or None for a private zone, its name servers)
_Cached = tuple[int, AuthZone | None, tuple[str, ...]]


class Route53View:
    def __init__(self) -> None:
        self._generation = -1
        self._zones: dict[tuple[str, str], _Cached] = {}
        self._by_server: dict[str, list[AuthZone]] = {}

    def zones_for(self, server: str) -> list[AuthZone]:
        current = generation()
        if current != self._generation:
            self._refresh()
            self._generation = current
        return self._by_server.get(server, [])

    def zone_for(self, server: str, qname: dns.name.Name) -> AuthZone | None:
        """The zone of ``server`` that holds ``qname`` (the deepest, should two nest)."""
        best: AuthZone | None = None
        for zone in self.zones_for(server):
            if zone.contains(qname) and (best is None or len(zone.origin) > len(best.origin)):
                best = zone
        return best

    def invalidate(self) -> None:
        self._generation = -1
        self._zones = {}

    def _refresh(self) -> None:
        changed: list[tuple[tuple[str, str], int, ZoneSnapshot, SigningView | None]] = []
        kept: dict[tuple[str, str], _Cached] = {}
        with BACKEND_LOCK:
            for account_id, moto_zone in iter_moto_zones():
                key = (account_id, str(moto_zone.resource_id))
                version = zone_version(moto_zone)
                cached = self._zones.get(key)
                if cached is not None and cached[0] == version and version:
                    kept[key] = cached
                else:
                    changed.append((key, version, snapshot(account_id, moto_zone),
                                    signing_view(*key)))
        for key, version, snap, signing in changed:
            zone = None if snap.private else AuthZone.from_records(snap.name, snap.records)
            if zone is not None and signing is not None:
                zone_signer(snap.name, signing).install(zone, max_ttl=ROUTE53_SIGNED_MAX_TTL)
            kept[key] = (version, zone, snap.name_servers)
        by_server: dict[str, list[AuthZone]] = {}
        for _, zone, servers in kept.values():
            if zone is not None:
                for server in servers:
                    by_server.setdefault(server, []).append(zone)
        self._zones = kept
        self._by_server = by_server

"""What each pool name server serves: the live public hosted zones assigned to it.

Built from moto's data across all accounts, rebuilt whenever the Route 53 data
changed (see :func:`zonecut.sandbox.zone_data.generation`), so a change through the
API is visible in DNS on the next query. Used from the DNS loop thread only.
"""

from __future__ import annotations

import dns.name

from zonecut.sandbox.dns_zone import AuthZone
from zonecut.sandbox.zone_data import all_zones, generation


class Route53View:
    def __init__(self) -> None:
        self._generation = -1
        self._by_server: dict[str, list[AuthZone]] = {}

    def zones_for(self, server: str) -> list[AuthZone]:
        current = generation()
        if current != self._generation:
            self._rebuild()
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

    def _rebuild(self) -> None:
        by_server: dict[str, list[AuthZone]] = {}
        for snap in all_zones():
            if snap.private:
                continue
            zone = AuthZone.from_records(snap.name, snap.records)
            for server in snap.name_servers:
                by_server.setdefault(server, []).append(zone)
        self._by_server = by_server

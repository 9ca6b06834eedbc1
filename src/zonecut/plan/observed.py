"""What the planner needs to know of Route 53, gathered by the AWS adapter."""

from __future__ import annotations

from dataclasses import dataclass, field

from zonecut.plan.signing import ZoneSigning
from zonecut.state import HostedZone, RRSet


@dataclass(frozen=True)
class ObservedState:
    """Route 53 as read for one config.

    ``candidates`` maps each declared zone name to the public hosted zones of that
    name found in its declared account (empty: the zone does not exist yet).
    ``details`` maps a zone id to the zone with its delegation set.
    ``rrsets`` maps the zone id of every existing zone that has declared children to
    its record sets. ``apex_ns`` maps a zone id to the zone's own apex NS rrset.
    """

    candidates: dict[str, tuple[HostedZone, ...]] = field(default_factory=dict)
    details: dict[str, HostedZone] = field(default_factory=dict)
    rrsets: dict[str, tuple[RRSet, ...]] = field(default_factory=dict)
    apex_ns: dict[str, RRSet | None] = field(default_factory=dict)
    tags: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    """zone id -> its tags, read for the zones that declare tags."""
    signing: dict[str, ZoneSigning] = field(default_factory=dict)
    """zone id -> its DNSSEC (GetDNSSEC), read when the config manages DNSSEC."""

    def ns_at(self, zone_id: str, name: str) -> RRSet | None:
        for rr in self.rrsets.get(zone_id, ()):
            if rr.name == name and rr.type == "NS":
                return rr
        return None

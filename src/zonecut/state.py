"""What zonecut observed in Route 53: plain, immutable data.

The AWS adapter produces these; the planner and the verification checks consume
them. Every name is canonical (see :mod:`zonecut.names`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class RRSet:
    """One resource record set. ``values`` are sorted; NS values are canonical names."""

    name: str
    type: str
    ttl: int
    values: tuple[str, ...]
    alias_target: str | None = None
    api_json: str = field(default="", compare=False, repr=False)
    """The rrset exactly as the Route 53 API returned it (JSON), for exact DELETEs of
    alias, weighted or other routing-policy records. Empty when built by zonecut."""

    @property
    def value_set(self) -> frozenset[str]:
        return frozenset(self.values)


@dataclass(frozen=True)
class HostedZone:
    """A hosted zone as the Route 53 API reports it."""

    zone_id: str
    name: str
    account_id: str
    name_servers: tuple[str, ...] = ()
    private: bool = False
    record_count: int = 0
    caller_reference: str = ""
    comment: str = ""


@dataclass(frozen=True)
class ZoneContents:
    """A hosted zone together with the record sets read from it."""

    zone: HostedZone
    rrsets: tuple[RRSet, ...] = field(default_factory=tuple)

    def rrset(self, name: str, rtype: str) -> RRSet | None:
        for rrset in self.rrsets:
            if rrset.name == name and rrset.type == rtype:
                return rrset
        return None

    @property
    def apex_ns(self) -> RRSet | None:
        return self.rrset(self.zone.name, "NS")

    def delegations(self) -> dict[str, RRSet]:
        """NS record sets below the apex: the cuts this zone delegates."""
        return {
            rr.name: rr
            for rr in self.rrsets
            if rr.type == "NS" and rr.name != self.zone.name
        }

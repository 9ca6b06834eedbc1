"""The rules every path that writes a delegation keeps (pure): ``zonecut apply``'s
executor and both Lambda handlers write their NS rrsets through these.

- The values of a delegation are the delegated zone's own delegation set, as Route 53
  gave it for the zone just created or just read (never what a request says): a zone
  without one is not delegated.
- Servers a request names are only compared with that set; any difference refuses it.
- The TTL lies within the policy's bounds (the config's ``ns_ttl_policy`` is checked by
  the config loader; the handlers' ``ZONECUT_NS_TTL_MIN``/``MAX`` here).
"""

from __future__ import annotations

from collections.abc import Collection

from zonecut.errors import ZonecutError
from zonecut.state import HostedZone, RRSet


class NoDelegationSet(ZonecutError):
    """The zone to delegate has no delegation set known: nothing may point at it."""


def ns_record(name: str, ttl: int, zone: HostedZone) -> RRSet:
    """The NS rrset delegating ``name`` to ``zone``: its own delegation set, sorted."""
    if not zone.name_servers:
        raise NoDelegationSet(f"{name}: no delegation set known for zone {zone.zone_id} "
                              f"in account {zone.account_id}; nothing was written into its "
                              "parent")
    return RRSet(name=name, type="NS", ttl=ttl, values=tuple(sorted(zone.name_servers)))


def servers_refusal(claimed: Collection[str], zone: HostedZone, where: str) -> str | None:
    """Why servers a request names cannot delegate to ``zone`` (None: they may, or none
    were named): they must be exactly its delegation set."""
    if claimed and frozenset(claimed) != frozenset(zone.name_servers):
        return (f"the name servers given ({', '.join(claimed)}) are not the delegation set "
                f"of zone {zone.zone_id} in {where} ({', '.join(zone.name_servers)})")
    if not zone.name_servers:
        return f"zone {zone.zone_id} in {where} has no delegation set"
    return None


def ttl_refusal(ttl: int, low: int, high: int) -> str | None:
    """Why ``ttl`` is not allowed for an NS rrset (None: it is)."""
    if not low <= ttl <= high:
        return f"TTL {ttl} is outside the allowed {low}..{high}"
    return None

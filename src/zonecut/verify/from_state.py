"""Delegation targets from what the Route 53 API said (pure: data in, data out)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from zonecut.names import is_at_or_below, is_below
from zonecut.plan.observed import ObservedState
from zonecut.plan.planner import DesiredZoneLike, select_zone
from zonecut.state import HostedZone, RRSet
from zonecut.verify.targets import DelegationTarget, ZoneLookup


def _ns_at(rrsets: Sequence[RRSet], name: str) -> RRSet | None:
    return next((rr for rr in rrsets if rr.type == "NS" and rr.name == name), None)


def _live_copy(copies: Sequence[HostedZone], parent_ns: RRSet | None) -> HostedZone:
    """The copy of a duplicated zone the parent's NS rrset points at: the one whose
    delegation set shares most servers with it (ties: the lowest zone id)."""
    listed = parent_ns.value_set if parent_ns is not None else frozenset()
    return max(sorted(copies, key=lambda z: z.zone_id, reverse=True),
               key=lambda z: len(listed & set(z.name_servers)))


def build_targets(zones: Sequence[DesiredZoneLike], observed: ObservedState,
                  apex_ns: Mapping[str, RRSet | None],
                  only: Sequence[str] = (),
                  unread: Mapping[str, str] | None = None) -> list[DelegationTarget]:
    """One target per declared zone (or per zone in ``only``).

    ``apex_ns`` maps a zone id to the zone's apex NS rrset as the API lists it;
    ``unread`` an account id to the reason its zones could not be read. A duplicated
    zone (several public copies, none pinned) is verified as the copy its parent's NS
    rrset points at, and reported as duplicated.
    """
    unread = unread or {}
    by_name = {z.name: z for z in zones}
    picked: dict[str, HostedZone | None] = {}
    lookups: dict[str, tuple[ZoneLookup, str, tuple[HostedZone, ...]]] = {}
    for zone in sorted(zones, key=lambda z: (z.name.count("."), z.name)):
        if zone.account_id in unread:
            picked[zone.name] = None
            lookups[zone.name] = (ZoneLookup.UNREAD, unread[zone.account_id], ())
            continue
        candidates = observed.candidates.get(zone.name, ())
        found, problem = select_zone(zone, candidates)
        public = tuple(observed.details.get(c.zone_id, c) for c in candidates if not c.private)
        if problem and zone.zone_id is None and len(public) > 1:
            parent = by_name.get(zone.parent) if zone.parent else None
            parent_zone = picked.get(parent.name) if parent else None
            parent_ns = _ns_at(observed.rrsets.get(parent_zone.zone_id, ()), zone.name) \
                if parent_zone else None
            picked[zone.name] = _live_copy(public, parent_ns)
            lookups[zone.name] = (ZoneLookup.DUPLICATE, problem, public)
        elif problem or found is None:
            picked[zone.name] = None
            lookups[zone.name] = (ZoneLookup.MISSING, problem or "", ())
        else:
            picked[zone.name] = observed.details.get(found.zone_id, found)
            lookups[zone.name] = (ZoneLookup.FOUND, "", ())
    targets: list[DelegationTarget] = []
    for zone in zones:
        if only and zone.name not in only:
            continue
        child = picked[zone.name]
        lookup, lookup_error, copies = lookups[zone.name]
        parent = by_name.get(zone.parent) if zone.parent else None
        parent_zone = picked.get(parent.name) if parent else None
        parent_rrsets = observed.rrsets.get(parent_zone.zone_id, ()) if parent_zone else ()
        parent_ns = _ns_at(parent_rrsets, zone.name)
        parent_lookup, _, parent_copies = lookups[parent.name] if parent else (
            ZoneLookup.FOUND, "", ())
        parent_copy_ns = tuple(
            (copy.zone_id, rr) for copy in parent_copies
            if parent_zone is None or copy.zone_id != parent_zone.zone_id
            for rr in [_ns_at(observed.rrsets.get(copy.zone_id, ()), zone.name)]
            if rr is not None)
        # NS and DS at the cut itself belong to the delegation (RFC 4035 section 5)
        occluded = tuple(rr for rr in parent_rrsets
                         if is_at_or_below(rr.name, zone.name) and rr.type != "NS"
                         and not (rr.type == "DS" and rr.name == zone.name))
        ancestors: list[tuple[str, RRSet]] = []
        for other in zones:
            if other.name == zone.parent or not is_below(zone.name, other.name):
                continue
            other_zone = picked.get(other.name)
            if other_zone is None:
                continue
            for rr in observed.rrsets.get(other_zone.zone_id, ()):
                if rr.type == "NS" and rr.name == zone.name:
                    ancestors.append((other.name, rr))
        targets.append(DelegationTarget(
            child=zone.name,
            parent=parent.name if parent else None,
            child_account=zone.account_id,
            parent_account=parent.account_id if parent else None,
            child_zone=child,
            child_apex_ns=apex_ns.get(child.zone_id) if child else None,
            parent_ns=parent_ns,
            parent_other_at_or_below_cut=occluded,
            ancestor_delegations=tuple(ancestors),
            child_record_count=child.record_count if child else 0,
            lookup=lookup,
            lookup_error=lookup_error,
            copies=copies,
            parent_lookup=parent_lookup,
            parent_copy_ns=parent_copy_ns,
        ))
    return targets

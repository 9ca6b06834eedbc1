"""Delegation targets from what the Route 53 API said (pure: data in, data out)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from zonecut.names import is_at_or_below, is_below
from zonecut.plan.observed import ObservedState
from zonecut.plan.planner import DesiredZoneLike, select_zone
from zonecut.state import HostedZone, RRSet
from zonecut.verify.targets import DelegationTarget


def build_targets(zones: Sequence[DesiredZoneLike], observed: ObservedState,
                  apex_ns: Mapping[str, RRSet | None],
                  only: Sequence[str] = ()) -> list[DelegationTarget]:
    """One target per declared zone (or per zone in ``only``).

    ``apex_ns`` maps a zone id to the zone's apex NS rrset as the API lists it.
    """
    picked: dict[str, HostedZone | None] = {}
    for zone in zones:
        found, problem = select_zone(zone, observed.candidates.get(zone.name, ()))
        picked[zone.name] = None if problem or found is None else observed.details.get(
            found.zone_id, found)
    by_name = {z.name: z for z in zones}
    targets: list[DelegationTarget] = []
    for zone in zones:
        if only and zone.name not in only:
            continue
        child = picked[zone.name]
        parent = by_name.get(zone.parent) if zone.parent else None
        parent_zone = picked.get(parent.name) if parent else None
        parent_rrsets = observed.rrsets.get(parent_zone.zone_id, ()) if parent_zone else ()
        parent_ns = next((rr for rr in parent_rrsets
                          if rr.type == "NS" and rr.name == zone.name), None)
        occluded = tuple(rr for rr in parent_rrsets
                         if is_at_or_below(rr.name, zone.name) and rr.type != "NS")
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
        ))
    return targets

"""Read what Route 53 holds for a config: the planner's input."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import partial

from zonecut.apply.parallel import per_account
from zonecut.aws.fleet import Fleet
from zonecut.plan.observed import ObservedState
from zonecut.plan.planner import DesiredZoneLike, select_zone
from zonecut.state import HostedZone, RRSet


def observe(zones: Sequence[DesiredZoneLike], fleet: Fleet, *, max_workers: int = 8
            ) -> ObservedState:
    """Look every declared zone up in its account, accounts in parallel.

    Per zone: ``ListHostedZonesByName``; for the zone that will be managed,
    ``GetHostedZone`` (its delegation set); for zones with declared children,
    every record set (to find the NS rrsets of the children and unmanaged ones).
    """
    by_account: dict[str, list[DesiredZoneLike]] = defaultdict(list)
    for zone in zones:
        by_account[zone.account_id].append(zone)
    parents = {z.parent for z in zones if z.parent is not None}

    def job(account_id: str) -> tuple[dict[str, tuple[HostedZone, ...]],
                                      dict[str, HostedZone], dict[str, tuple[RRSet, ...]]]:
        r53 = fleet.route53(account_id)
        candidates: dict[str, tuple[HostedZone, ...]] = {}
        details: dict[str, HostedZone] = {}
        rrsets: dict[str, tuple[RRSet, ...]] = {}
        for zone in by_account[account_id]:
            found = tuple(r53.find_zones(zone.name))
            candidates[zone.name] = found
            picked, problem = select_zone(zone, found)
            if picked is None or problem:
                continue
            details[picked.zone_id] = r53.get_zone(picked.zone_id)
            if zone.name in parents:
                rrsets[picked.zone_id] = r53.list_rrsets(picked.zone_id)
        return candidates, details, rrsets

    results = per_account({acc: partial(job, acc) for acc in by_account}, max_workers)
    state = ObservedState()
    for candidates, details, rrsets in results.values():
        state.candidates.update(candidates)
        state.details.update(details)
        state.rrsets.update(rrsets)
    return state

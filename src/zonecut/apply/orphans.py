"""Zones of the config's accounts that no declared zone delegates any more, for prune.

An interrupted prune can stop after it removed a zone's delegation and before it
deleted the zone: nothing then points at the zone, so looking for delegations no longer
finds it. Prune therefore also lists the hosted zones of every account of the config
(``ListHostedZones``, 100 a page) and hands the planner those below a declared zone that
the config does not declare; the planner deletes only those zonecut owns
(:mod:`zonecut.plan.ownership`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from functools import partial

from zonecut.apply.parallel import per_account
from zonecut.aws.fleet import Fleet
from zonecut.names import is_below
from zonecut.plan.observed import ObservedState
from zonecut.plan.planner import DesiredZoneLike
from zonecut.state import HostedZone


def list_undeclared(zones: Sequence[DesiredZoneLike], fleet: Fleet, *,
                    known: Collection[str], max_workers: int = 8) -> dict[str, HostedZone]:
    """Public zones of the config's accounts named below a declared zone, not declared
    and not among ``known`` (zone ids found already): name -> zone, one zone a name (a
    second of the same name is found by the next run)."""
    declared = {z.name for z in zones}

    def job(account_id: str) -> dict[str, HostedZone]:
        found: dict[str, HostedZone] = {}
        for hosted in fleet.route53(account_id).list_zones():
            if hosted.name in declared or hosted.zone_id in known or hosted.name in found:
                continue
            if any(is_below(hosted.name, name) for name in declared):
                found[hosted.name] = hosted
        return found

    results = per_account({acc: partial(job, acc) for acc in sorted(fleet.accesses)},
                          max_workers)
    listed: dict[str, HostedZone] = {}
    for account_id in sorted(results):
        for name, zone in results[account_id].items():
            listed.setdefault(name, zone)
    return listed


def read_zones(found: Mapping[str, HostedZone], state: ObservedState, fleet: Fleet
               ) -> dict[str, HostedZone]:
    """Each zone with its delegation set; its record sets into ``state`` (they are
    deleted before the zone)."""
    read: dict[str, HostedZone] = {}
    for name, zone in sorted(found.items()):
        r53 = fleet.route53(zone.account_id)
        detail = r53.get_zone(zone.zone_id)
        read[name] = detail
        state.details[detail.zone_id] = detail
        state.rrsets[detail.zone_id] = r53.list_rrsets(detail.zone_id)
    return read

"""Read the copies of declared zones in other declared accounts, for zone moves
(:mod:`zonecut.plan.moves` decides which of them are old zones)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import partial

from zonecut.apply.observe import LIST_ALL_FROM
from zonecut.apply.parallel import per_account
from zonecut.aws.fleet import Fleet
from zonecut.plan.planner import DesiredZoneLike
from zonecut.state import HostedZone, RRSet

Copies = dict[str, list[tuple[HostedZone, tuple[RRSet, ...]]]]


def find_copies(names: Collection[str], zones: Sequence[DesiredZoneLike], fleet: Fleet, *,
                list_all: bool = False, max_workers: int = 8) -> Copies:
    """For each declared name in ``names``: the public hosted zones of that name in the
    declared accounts other than its own, with their delegation sets and record sets.
    Per account one ``ListHostedZonesByName`` a name, or with ``list_all`` (or many
    names) one paginated ``ListHostedZones``; then ``GetHostedZone`` and
    ``ListResourceRecordSets`` for each copy found (there are rarely any)."""
    home = {z.name: z.account_id for z in zones}

    def job(account_id: str) -> Copies:
        wanted = sorted(n for n in names if n in home and home[n] != account_id)
        if not wanted:
            return {}
        r53 = fleet.route53(account_id)
        if list_all or len(wanted) >= LIST_ALL_FROM:
            chosen = set(wanted)
            listed = [z for z in r53.list_zones() if z.name in chosen]
        else:
            listed = [z for name in wanted for z in r53.find_zones(name)]
        found: Copies = {}
        for hosted in listed:
            if hosted.private:
                continue
            detail = r53.get_zone(hosted.zone_id)
            found.setdefault(detail.name, []).append(
                (detail, r53.list_rrsets(detail.zone_id)))
        return found

    results = per_account({acc: partial(job, acc) for acc in fleet.accesses}, max_workers)
    copies: Copies = {}
    for account_id in sorted(results):
        for name, items in results[account_id].items():
            copies.setdefault(name, []).extend(items)
    return copies

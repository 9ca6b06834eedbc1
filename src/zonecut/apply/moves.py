"""Read the copies of declared zones in other declared accounts, for zone moves
(:mod:`zonecut.plan.moves` decides which of them are old zones).

The roles ``zonecut iam`` generates let an account read its own declared zones; a
search among another account's zones may be refused (AccessDenied). That is no reason
to stop a plan: the account is skipped and the plan says so in a note. (``--prune``
needs the teardown permissions, which read any zone.)"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import partial

from zonecut.apply.parallel import per_account
from zonecut.aws.errors import AccessDenied
from zonecut.aws.fleet import Fleet
from zonecut.plan.planner import DesiredZoneLike
from zonecut.state import HostedZone, RRSet

Copies = dict[str, list[tuple[HostedZone, tuple[RRSet, ...]]]]


def find_copies(names: Collection[str], zones: Sequence[DesiredZoneLike], fleet: Fleet, *,
                list_all: bool = False, max_workers: int = 8) -> tuple[Copies, list[str]]:
    """For each declared name in ``names``: the public hosted zones of that name in the
    declared accounts other than its own, with their delegation sets and record sets.
    Per account one ``ListHostedZonesByName`` a name, or with ``list_all`` (prune) one
    paginated ``ListHostedZones``; then ``GetHostedZone`` and
    ``ListResourceRecordSets`` for each copy found (there are rarely any). Also returns a
    note per account whose zones could not be searched (access denied)."""
    home = {z.name: z.account_id for z in zones}

    def job(account_id: str) -> Copies | str:
        wanted = sorted(n for n in names if n in home and home[n] != account_id)
        if not wanted:
            return {}
        try:
            return search(account_id, wanted)
        except AccessDenied as exc:
            return (f"zone moves: account {account_id} could not be searched for old "
                    f"copies of {', '.join(wanted)}: {' '.join(str(exc).split())}")

    def search(account_id: str, wanted: list[str]) -> Copies:
        r53 = fleet.route53(account_id)
        if list_all:
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
    notes: list[str] = []
    for account_id in sorted(results):
        found = results[account_id]
        if isinstance(found, str):
            notes.append(found)
            continue
        for name, items in found.items():
            copies.setdefault(name, []).extend(items)
    return copies, notes

"""Observe for ``verify``: every account read on its own, duplicated zones in full.

``observe`` stops at the first account it cannot read (right for ``apply``: nothing
half-planned). ``verify`` must report every declared zone instead: an account that
cannot be read makes its zones *unread* (a finding each), the others are verified.
A zone with several public copies has each copy read (delegation set, apex NS, and
records when it has declared children) so that verify can tell which one is live.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from zonecut.apply.observe import observe
from zonecut.aws.fleet import Fleet
from zonecut.errors import ZonecutError
from zonecut.plan.observed import ObservedState
from zonecut.plan.planner import DesiredZoneLike


def observe_each_account(zones: Sequence[DesiredZoneLike], fleet: Fleet, *,
                         max_workers: int = 8) -> tuple[ObservedState, dict[str, str]]:
    """The observed state of every account that could be read, and, for each account
    that could not, the reason (one line)."""
    by_account: dict[str, list[DesiredZoneLike]] = defaultdict(list)
    for zone in zones:
        by_account[zone.account_id].append(zone)
    parents = sorted({z.parent for z in zones if z.parent is not None})

    def job(account_id: str) -> ObservedState | str:
        mine = by_account[account_id]
        wanted = [p for p in parents if any(z.name == p for z in mine)]
        try:
            state = observe(mine, fleet, max_workers=1, contents_for=wanted)
            _read_copies(mine, state, fleet, set(parents))
        except ZonecutError as exc:
            return " ".join(str(exc).split()) or type(exc).__name__
        return state

    state = ObservedState()
    unread: dict[str, str] = {}
    if not by_account:
        return state, unread
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(by_account)))) as pool:
        results = dict(zip(by_account, pool.map(job, by_account), strict=True))
    for account_id, result in sorted(results.items()):
        if isinstance(result, str):
            unread[account_id] = result
            continue
        state.candidates.update(result.candidates)
        state.details.update(result.details)
        state.rrsets.update(result.rrsets)
        state.apex_ns.update(result.apex_ns)
    return state, unread


def _read_copies(zones: Sequence[DesiredZoneLike], state: ObservedState, fleet: Fleet,
                 parents: set[str]) -> None:
    """Delegation set, apex NS and (for parents) records of every public copy of a
    duplicated, unpinned zone (``observe`` reads none of them)."""
    for zone in zones:
        public = [c for c in state.candidates.get(zone.name, ()) if not c.private]
        if zone.zone_id is not None or len(public) < 2:
            continue
        r53 = fleet.route53(zone.account_id)
        for copy in public:
            state.details[copy.zone_id] = r53.get_zone(copy.zone_id)
            if zone.name in parents:
                listed = r53.list_rrsets(copy.zone_id)
                state.rrsets[copy.zone_id] = listed
                state.apex_ns[copy.zone_id] = next(
                    (rr for rr in listed if rr.type == "NS" and rr.name == zone.name), None)
            else:
                state.apex_ns[copy.zone_id] = r53.apex_ns(copy.zone_id, zone.name)

"""Planning teardown (pure): which zones go, and in which order.

Order, per zone, deepest first: DELETE the parent's NS rrset with its exact live
values and wait for INSYNC; then delete the zone's own records; then the zone. A
delegation therefore never points at a zone that no longer exists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from zonecut.names import is_below
from zonecut.plan.changes import ZoneDeletion
from zonecut.plan.observed import ObservedState
from zonecut.plan.planner import DesiredZoneLike, select_zone
from zonecut.state import HostedZone, RRSet


def descendants_and_self(zones: Sequence[DesiredZoneLike], names: Sequence[str]
                         ) -> list[DesiredZoneLike]:
    """The declared zones named and every declared zone below them."""
    wanted = set(names)
    return [z for z in zones if any(z.name == n or is_below(z.name, n) for n in wanted)]


def zone_records(zone: HostedZone, rrsets: Sequence[RRSet], skip: set[str]) -> tuple[RRSet, ...]:
    """Record sets to delete before the zone: all but the apex SOA and NS, and the NS
    rrsets of children that are torn down themselves (their own step removes those)."""
    return tuple(
        rr for rr in rrsets
        if not (rr.name == zone.name and rr.type in ("SOA", "NS"))
        and not (rr.type == "NS" and rr.name in skip)
    )


def plan_destroy(zones: Sequence[DesiredZoneLike], names: Sequence[str],
                 observed: ObservedState) -> tuple[tuple[ZoneDeletion, ...], tuple[str, ...]]:
    """Deletions for the declared zones ``names`` and their declared descendants."""
    declared = {z.name: z for z in zones}
    problems: list[str] = []
    for name in names:
        if name not in declared:
            problems.append(f"{name}: not declared in the config; only declared zones can be "
                            "destroyed by name (use `apply --prune` for removed ones)")
    targets = descendants_and_self(zones, [n for n in names if n in declared])
    going = {z.name for z in targets}
    deletions: list[ZoneDeletion] = []
    for desired in targets:
        if desired.parent is None:
            problems.append(
                f"{desired.name}: a root zone is delegated by the registrar, not by zonecut; "
                "remove that delegation at the registrar and delete the zone there yourself "
                "(zonecut will not leave a registrar delegation dangling)")
            continue
        picked, problem = select_zone(desired, observed.candidates.get(desired.name, ()))
        if problem:
            problems.append(problem)
            continue
        parent = declared[desired.parent]
        parent_pick, parent_problem = select_zone(parent,
                                                  observed.candidates.get(parent.name, ()))
        if parent_problem:
            problems.append(parent_problem)
            continue
        parent_ns = observed.ns_at(parent_pick.zone_id, desired.name) if parent_pick else None
        if picked is None and parent_ns is None:
            continue  # nothing left of it
        records: tuple[RRSet, ...] = ()
        if picked is not None:
            records = zone_records(picked, observed.rrsets.get(picked.zone_id, ()), going)
        deletions.append(ZoneDeletion(
            name=desired.name, account_id=desired.account_id,
            zone_id=picked.zone_id if picked else None,
            parent=parent.name, parent_account_id=parent.account_id,
            parent_zone_id=parent_pick.zone_id if parent_pick else None,
            parent_ns=parent_ns, records=records, depth=desired.depth, reason="destroy",
        ))
    return tuple(sorted(deletions, key=lambda d: (-d.depth, d.name))), tuple(problems)


def plan_prune(zones: Sequence[DesiredZoneLike], observed: ObservedState,
               owners: Mapping[str, HostedZone]) -> tuple[tuple[ZoneDeletion, ...],
                                                           tuple[str, ...]]:
    """Deletions for delegations in managed zones that the config no longer declares.

    ``owners`` maps such a child name to the zone found for it in a declared account
    whose delegation set serves it (every server of the parent's NS rrset is in the
    zone's delegation set). A delegation whose zone is found nowhere is only reported:
    it may belong to an account zonecut does not know.
    """
    declared = {z.name: z for z in zones}
    deletions: list[ZoneDeletion] = []
    notes: list[str] = []
    for desired in zones:
        picked, problem = select_zone(desired, observed.candidates.get(desired.name, ()))
        if picked is None or problem:
            continue
        for rr in observed.rrsets.get(picked.zone_id, ()):
            if rr.type != "NS" or rr.name == picked.name or not is_below(rr.name, picked.name):
                continue
            if rr.name in declared:
                continue
            owner = owners.get(rr.name)
            if owner is None:
                notes.append(f"{rr.name}: delegated from {desired.name} but no declared account "
                             "holds a zone serving it; left alone (check it with "
                             "`zonecut verify`)")
                continue
            going = {name for name in owners if is_below(name, rr.name)}
            deletions.append(ZoneDeletion(
                name=rr.name, account_id=owner.account_id, zone_id=owner.zone_id,
                parent=desired.name, parent_account_id=desired.account_id,
                parent_zone_id=picked.zone_id, parent_ns=rr,
                records=zone_records(owner, observed.rrsets.get(owner.zone_id, ()), going),
                depth=rr.name.count("."), reason="prune",
            ))
    return tuple(sorted(deletions, key=lambda d: (-d.depth, d.name))), tuple(notes)

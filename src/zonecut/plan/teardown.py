"""Planning teardown (pure): which zones go, and in which order.

Order (zonecut.apply.teardown): for every zone that goes, DELETE the parent's NS rrset,
and every other NS rrset of the zone's name in any declared ancestor zone (a
grandparent's delegation hidden below a cut, live again once the cut goes), with their
exact live values, and wait for INSYNC; then delete each zone's own records; then the
zones, deepest first. A delegation therefore never points at a zone that no longer
exists.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from zonecut.names import is_below
from zonecut.plan.changes import StaleDelegation, ZoneDeletion
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


def stale_delegations(name: str, parent_zone_id: str | None,
                      zones: Sequence[DesiredZoneLike], observed: ObservedState
                      ) -> tuple[StaleDelegation, ...]:
    """NS rrsets for ``name`` in every declared ancestor zone zonecut read, but the parent's
    (``parent_zone_id``)."""
    found: list[StaleDelegation] = []
    for ancestor in zones:
        if not is_below(name, ancestor.name):
            continue
        picked, problem = select_zone(ancestor, observed.candidates.get(ancestor.name, ()))
        if picked is None or problem or picked.zone_id == parent_zone_id:
            continue
        rr = observed.ns_at(picked.zone_id, name)
        if rr is not None:
            found.append(StaleDelegation(ancestor.name, ancestor.account_id, picked.zone_id, rr))
    return tuple(sorted(found, key=lambda s: s.zone))


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
        stale = stale_delegations(desired.name, parent_pick.zone_id if parent_pick else None,
                                  zones, observed)
        if picked is None and parent_ns is None and not stale:
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
            stale=stale,
        ))
    return tuple(sorted(deletions, key=lambda d: (-d.depth, d.name))), tuple(problems)


def plan_prune(zones: Sequence[DesiredZoneLike], observed: ObservedState,
               owners: Mapping[str, HostedZone], *, owned: Collection[str] | None = None,
               orphans: Mapping[str, HostedZone] | None = None
               ) -> tuple[tuple[ZoneDeletion, ...], tuple[str, ...]]:
    """Deletions for delegations in managed zones that the config no longer declares.

    ``owners`` maps such a child name to the zone found for it in a declared account
    whose delegation set serves it (every server of the parent's NS rrset is in the
    zone's delegation set). A delegation whose zone is found nowhere is only reported:
    it may belong to an account zonecut does not know. ``owned`` holds the ids of the
    zones zonecut created or was handed by the file (see :mod:`zonecut.plan.ownership`);
    a zone not in it is reported and left alone, with its delegation. None: every owner
    counts as owned.

    The parent of a pruned name is the deepest declared zone that delegates it; NS rrsets
    of the same name in other declared ancestors go with it (``stale``).

    ``orphans`` maps names the config no longer declares to zones of the declared
    accounts found by listing them (below a declared zone, not delegated by any declared
    zone: what an interrupted prune leaves once it removed the delegation): those
    zonecut owns go too, and a zone one of them delegates is found as for a pruned zone.
    """
    declared = {z.name: z for z in zones}
    # every zone that delegates a name the config no longer declares: (zone, account, rrset)
    holders: dict[str, list[tuple[HostedZone, str, RRSet]]] = {}

    def scan(zone: HostedZone, account_id: str, wanted: Callable[[str], bool]) -> None:
        for rr in observed.rrsets.get(zone.zone_id, ()):
            if (rr.type == "NS" and rr.name != zone.name and is_below(rr.name, zone.name)
                    and wanted(rr.name)):
                holders.setdefault(rr.name, []).append((zone, account_id, rr))

    for desired in zones:
        picked, problem = select_zone(desired, observed.candidates.get(desired.name, ()))
        if picked is not None and not problem:
            scan(picked, desired.account_id, lambda name: name not in declared)
    notes: list[str] = []
    pruned: dict[str, HostedZone] = {}
    decided: set[str] = set()
    scanned: set[str] = set()
    found_alone = dict(orphans or {})
    for name, orphan in sorted(found_alone.items()):
        if name in declared or name in holders or (owned is not None
                                                   and orphan.zone_id not in owned):
            continue  # declared, delegated (decided below) or not zonecut's: left alone
        pruned[name] = orphan  # undelegated: nothing points at it
    while todo := sorted(set(holders) - decided) or [n for n in pruned if n not in decided]:
        for name in todo:
            decided.add(name)
            if name not in holders:
                continue  # an orphan: already pruned, scanned below
            held = holders[name]
            where = max(held, key=lambda h: h[0].name.count("."))[0].name
            from_declared = any(h[0].zone_id not in scanned for h in held)
            owner = owners.get(name)
            alone = found_alone.get(name)
            if owner is None and alone is not None and all(
                    h[2].value_set <= frozenset(alone.name_servers) for h in held):
                owner = alone  # a listed zone that every NS for the name points at
            if owner is None:
                if from_declared:
                    notes.append(f"{name}: delegated from {where} but no declared account "
                                 "holds a zone serving it; left alone")
                continue  # (an NS in a pruned zone goes with that zone)
            if owned is not None and owner.zone_id not in owned:
                notes.append(f"{name}: zone {owner.zone_id} in account {owner.account_id} was "
                             "not created by zonecut (no zonecut:managed tag, caller reference "
                             f"{owner.caller_reference or 'unknown'}); left alone, with its "
                             f"delegation in {where}")
                continue
            pruned[name] = owner
        # a pruned zone may delegate further zones: those go too, deepest first, and
        # its NS for them is removed by their own step
        for owner in list(pruned.values()):
            if owner.zone_id not in scanned:
                scanned.add(owner.zone_id)
                scan(owner, owner.account_id, lambda name: name not in declared)
    deletions: list[ZoneDeletion] = []
    for name, owner in pruned.items():
        going = {n for n in pruned if is_below(n, name)}
        held = sorted(holders.get(name, ()), key=lambda h: (-h[0].name.count("."), h[0].name))
        if not held:  # an orphan: no parent NS to remove first
            above = max((z for z in zones if is_below(name, z.name)),
                        key=lambda z: z.depth, default=None)
            picked = (select_zone(above, observed.candidates.get(above.name, ()))[0]
                      if above is not None else None)
            deletions.append(ZoneDeletion(
                name=name, account_id=owner.account_id, zone_id=owner.zone_id,
                parent=above.name if above else None,
                parent_account_id=above.account_id if above else None,
                parent_zone_id=picked.zone_id if picked else None, parent_ns=None,
                records=zone_records(owner, observed.rrsets.get(owner.zone_id, ()), going),
                depth=name.count("."), reason="prune"))
            continue
        parent, parent_account, rr = held[0]
        deletions.append(ZoneDeletion(
            name=name, account_id=owner.account_id, zone_id=owner.zone_id,
            parent=parent.name, parent_account_id=parent_account,
            parent_zone_id=parent.zone_id, parent_ns=rr,
            records=zone_records(owner, observed.rrsets.get(owner.zone_id, ()), going),
            depth=name.count("."), reason="prune",
            stale=tuple(StaleDelegation(z.name, acc, z.zone_id, ns) for z, acc, ns in held[1:]),
        ))
    return tuple(sorted(deletions, key=lambda d: (-d.depth, d.name))), tuple(notes)

"""Zone moves (pure): a declared zone whose account changed.

When the config moves ``dev.example.com`` from account A to account B, apply creates the
zone in B and points the parent's NS rrset at B's servers. The zone in A is left behind
with its records. The plan shows this as a move: the old zone (id, account, how many
record sets it holds), the new zone, and the NS values replaced in the parent. With
``--prune`` the old zone is deleted too, after the parent points at the new zone (the
executor writes the NS rrset and waits for INSYNC before any teardown runs), and only
when zonecut created it (:mod:`zonecut.plan.ownership`).

An *old zone* is a public hosted zone of the declared name in another declared account,
found in one of two states:

- the parent's NS rrset names its servers (the move is still to be applied): the plan
  replaces those values, so it is a move;
- with ``--prune`` only: nothing delegates to it any more (the move was applied without
  ``--prune``), zonecut created it, and the parent's NS rrset (after the plan) names
  none of its servers. Route 53 never gives two zones of the same name a shared name
  server, so such a zone serves nobody.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zonecut.plan.changes import NsChange, Plan, ZoneAction, ZoneDeletion
from zonecut.plan.observed import ObservedState
from zonecut.plan.planner import DesiredZoneLike, select_zone
from zonecut.plan.teardown import zone_records
from zonecut.state import HostedZone, RRSet


@dataclass(frozen=True)
class ZoneMove:
    """A declared zone found in another declared account than the one declared."""

    name: str
    parent: str
    old_account_id: str
    old_zone_id: str
    old_records: int
    """Record sets in the old zone other than its apex SOA and NS."""
    new_account_id: str
    new_account_key: str
    new_zone_id: str | None
    """None: apply creates it."""
    replaced_ns: tuple[str, ...]
    """The parent's NS values that the plan replaces (the old zone's servers); empty when
    the parent already points at the new zone."""
    new_ns: tuple[str, ...]
    """The new zone's servers; empty when they are known only once apply created it."""
    owned: bool
    """zonecut created the old zone: only then may ``--prune`` delete it."""

    def data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "parent": self.parent,
            "old_zone": {"account_id": self.old_account_id, "zone_id": self.old_zone_id,
                         "records": self.old_records, "created_by_zonecut": self.owned},
            "new_zone": {"account_id": self.new_account_id, "account": self.new_account_key,
                         "zone_id": self.new_zone_id},
            "replaced_ns": list(self.replaced_ns),
            "new_ns": list(self.new_ns) if self.new_ns else "(known after apply)",
        }


def move_candidates(plan: Plan) -> dict[str, frozenset[str]]:
    """Declared zones whose parent's NS rrset the plan rewrites because it names servers
    that are not the declared zone's: name -> the values the parent holds now."""
    found: dict[str, frozenset[str]] = {}
    for change in plan.ns_changes:
        old = frozenset(change.old_values)
        if old and not old <= frozenset(change.new_values):
            found[change.child] = old
    return found


def plan_moves(zones: Sequence[DesiredZoneLike], observed: ObservedState, plan: Plan,
               copies: Mapping[str, Sequence[tuple[HostedZone, tuple[RRSet, ...]]]],
               owned: Collection[str], *, prune: bool
               ) -> tuple[tuple[ZoneMove, ...], tuple[ZoneDeletion, ...]]:
    """The moves among ``copies`` (declared name -> public zones of that name found in
    other declared accounts, with their record sets), and with ``prune`` the deletions
    of the old zones zonecut created (``owned``: their ids)."""
    by_name = {z.name: z for z in zones}
    ns_change: dict[str, NsChange] = {c.child: c for c in plan.ns_changes}
    new_zone = {z.name: z for z in plan.zones}
    moves: list[ZoneMove] = []
    deletions: list[ZoneDeletion] = []
    for name in sorted(copies):
        desired = by_name.get(name)
        if desired is None or desired.parent is None or name not in new_zone:
            continue  # undeclared, or a root (the registrar delegates it), or blocked
        parent = by_name[desired.parent]
        parent_zone, problem = select_zone(parent, observed.candidates.get(parent.name, ()))
        if parent_zone is None or problem:
            continue
        current = observed.ns_at(parent_zone.zone_id, name)
        now = current.value_set if current is not None else frozenset()
        change = ns_change.get(name)
        after = frozenset(change.new_values) if change is not None else now
        zone = new_zone[name]
        for old, rrsets in copies[name]:
            if old.private or old.account_id == desired.account_id or not old.name_servers:
                continue
            servers = frozenset(old.name_servers)
            pointed_at = bool(now) and now <= servers and change is not None
            leftover = prune and not (after & servers) and old.zone_id in owned
            if not (pointed_at or leftover):
                continue
            records = zone_records(old, rrsets, set())
            moves.append(ZoneMove(
                name=name, parent=parent.name, old_account_id=old.account_id,
                old_zone_id=old.zone_id, old_records=len(records),
                new_account_id=desired.account_id, new_account_key=desired.account_key,
                new_zone_id=zone.zone_id if zone.action is ZoneAction.ADOPT else None,
                replaced_ns=tuple(sorted(now)) if pointed_at else (),
                new_ns=tuple(sorted(after)),
                owned=old.zone_id in owned))
            if prune and old.zone_id in owned:
                deletions.append(ZoneDeletion(
                    name=name, account_id=old.account_id, zone_id=old.zone_id,
                    parent=parent.name, parent_account_id=None, parent_zone_id=None,
                    parent_ns=None, records=records, depth=name.count("."),
                    reason="move"))
    return tuple(moves), tuple(deletions)

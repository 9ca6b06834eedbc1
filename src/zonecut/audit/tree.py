"""The organisation's real delegation tree, built from an inventory (pure).

Every NS rrset below a zone's apex is a :class:`Delegation`. Its target is the zone
of that name, in any audited account, whose delegation set shares the most servers
with the rrset; its state compares the two sets. A zone's *enclosing* zone is the
closest zone name above it held anywhere in the organisation (on label boundaries):
the zone that should delegate it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from zonecut.audit.inventory import Inventory, ZoneRecord
from zonecut.config.nesting import declared_parent
from zonecut.findings import zone_order
from zonecut.state import RRSet


class DelegationState(StrEnum):
    OK = "ok"  # the rrset equals the target's delegation set
    DANGLING = "dangling"  # no zone of that name, or none shares a server with the rrset
    PARTIAL = "partial"  # servers outside the target's delegation set
    INCOMPLETE = "incomplete"  # only some of the target's servers, none outside


@dataclass(frozen=True)
class Delegation:
    """One NS rrset in ``parent`` for the name ``ns.name``, judged against its target."""

    parent: ZoneRecord
    ns: RRSet
    target: ZoneRecord | None
    enclosing: str | None
    state: DelegationState
    name_exists: bool

    @property
    def child(self) -> str:
        return self.ns.name

    @property
    def skipped_level(self) -> bool:
        """The parent is not the closest enclosing zone of the name."""
        return self.enclosing != self.parent.name

    @property
    def extra(self) -> tuple[str, ...]:
        held = self.target.delegation_set if self.target else frozenset()
        return tuple(sorted(self.ns.value_set - held))

    @property
    def missing(self) -> tuple[str, ...]:
        if self.target is None:
            return ()
        return tuple(sorted(self.target.delegation_set - self.ns.value_set))

    @property
    def key(self) -> tuple[str, str]:
        """(zone id of the parent, delegated name): unique per delegation."""
        return (self.parent.zone_id, self.child)


@dataclass(frozen=True)
class TreeZone:
    """One hosted zone in the tree, with the delegations that point at it."""

    record: ZoneRecord
    enclosing: str | None
    delegated_by: tuple[Delegation, ...]

    @property
    def root(self) -> bool:
        return self.enclosing is None


@dataclass(frozen=True)
class OrgTree:
    """Zones in DNS order (parents first) and every delegation found."""

    zones: tuple[TreeZone, ...]
    delegations: tuple[Delegation, ...]

    @cached_property
    def _by_name(self) -> dict[str, tuple[TreeZone, ...]]:
        found: dict[str, list[TreeZone]] = {}
        for zone in self.zones:
            found.setdefault(zone.record.name, []).append(zone)
        return {name: tuple(zones) for name, zones in found.items()}

    @cached_property
    def _by_child(self) -> dict[str, tuple[Delegation, ...]]:
        found: dict[str, list[Delegation]] = {}
        for delegation in self.delegations:
            found.setdefault(delegation.child, []).append(delegation)
        return {name: tuple(items) for name, items in found.items()}

    def copies(self, name: str) -> tuple[TreeZone, ...]:
        """Every zone called ``name`` (several when the name is duplicated)."""
        return self._by_name.get(name, ())

    @property
    def names(self) -> tuple[str, ...]:
        """Every zone name once, in DNS order (parents first)."""
        return tuple(self._by_name)

    def delegations_of(self, name: str) -> tuple[Delegation, ...]:
        """Every NS rrset for ``name`` held by any zone of the organisation."""
        return self._by_child.get(name, ())

    @cached_property
    def _by_parent(self) -> dict[str, tuple[Delegation, ...]]:
        found: dict[str, list[Delegation]] = {}
        for delegation in self.delegations:
            found.setdefault(delegation.parent.zone_id, []).append(delegation)
        return {zone_id: tuple(items) for zone_id, items in found.items()}

    def delegations_from(self, record: ZoneRecord) -> tuple[Delegation, ...]:
        """The NS rrsets held by the zone ``record``."""
        return self._by_parent.get(record.zone_id, ())


def zone_sort_key(record: ZoneRecord) -> tuple[tuple[str, ...], str, str]:
    return (zone_order(record.name), record.account_id, record.zone_id)


def pick_target(ns: RRSet, candidates: Sequence[ZoneRecord]) -> ZoneRecord | None:
    """The zone whose delegation set shares most servers with ``ns``; None if none does.

    Ties go to a zone that holds every listed server, then to the first by account
    and zone id (deterministic).
    """
    best: ZoneRecord | None = None
    best_key: tuple[int, int] = (0, 0)
    for candidate in sorted(candidates, key=zone_sort_key):
        common = len(ns.value_set & candidate.delegation_set)
        key = (common, 1 if ns.value_set <= candidate.delegation_set else 0)
        if common and key > best_key:
            best, best_key = candidate, key
    return best


def judge(ns: RRSet, target: ZoneRecord | None) -> DelegationState:
    if target is None:
        return DelegationState.DANGLING
    if ns.value_set - target.delegation_set:
        return DelegationState.PARTIAL
    if target.delegation_set - ns.value_set:
        return DelegationState.INCOMPLETE
    return DelegationState.OK


def build_tree(inventory: Inventory) -> OrgTree:
    """The tree of ``inventory``: pure, deterministic, order independent."""
    records = sorted(inventory.zones, key=zone_sort_key)
    names = {r.name for r in records}
    by_name: dict[str, list[ZoneRecord]] = {}
    for record in records:
        by_name.setdefault(record.name, []).append(record)
    delegations: list[Delegation] = []
    for parent in records:
        for ns in sorted(parent.delegations, key=lambda rr: (zone_order(rr.name), rr.values)):
            candidates = by_name.get(ns.name, [])
            target = pick_target(ns, candidates)
            delegations.append(Delegation(
                parent=parent, ns=ns, target=target,
                enclosing=declared_parent(ns.name, names),
                state=judge(ns, target), name_exists=bool(candidates),
            ))
    pointing: dict[int, list[Delegation]] = {}
    for delegation in delegations:
        if delegation.target is not None:
            pointing.setdefault(id(delegation.target), []).append(delegation)
    zones = tuple(
        TreeZone(
            record=record,
            enclosing=declared_parent(record.name, names),
            delegated_by=tuple(pointing.get(id(record), ())),
        )
        for record in records
    )
    ordered = sorted(delegations, key=lambda d: (zone_order(d.child),
                                                 zone_sort_key(d.parent)))
    return OrgTree(zones=zones, delegations=tuple(ordered))

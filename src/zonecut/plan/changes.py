"""The plan's change types: small immutable values with a JSON view."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from zonecut.state import RRSet

if TYPE_CHECKING:
    from zonecut.plan.dnssec_steps import DnssecPlan
    from zonecut.plan.moves import ZoneMove


class ZoneAction(StrEnum):
    CREATE = "create"  # the hosted zone will be created in its account
    ADOPT = "adopt"  # it exists and is taken over as is


class NsAction(StrEnum):
    CREATE = "create"  # no NS rrset for the child in the parent yet
    UPDATE = "update"  # an NS rrset exists with other values or TTL (UPSERT)


@dataclass(frozen=True)
class ZoneChange:
    """A declared zone and what happens to its hosted zone."""

    name: str
    account_id: str
    account_key: str
    action: ZoneAction
    zone_id: str | None = None
    name_servers: tuple[str, ...] = ()
    comment: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    parent: str | None = None
    # an existing zone: declared tags whose value differs or that are missing (key, new,
    # old value or None), and the comment when the declared one differs (new, old)
    tag_changes: tuple[tuple[str, str, str | None], ...] = ()
    comment_change: tuple[str, str] | None = None

    @property
    def changes_anything(self) -> bool:
        return (self.action is ZoneAction.CREATE or bool(self.tag_changes)
                or self.comment_change is not None)

    def data(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "name": self.name,
            "account_id": self.account_id,
            "account": self.account_key,
            "action": self.action.value,
            "zone_id": self.zone_id,
            "name_servers": list(self.name_servers),
            "parent": self.parent,
        }
        if self.tag_changes:
            found["tag_changes"] = [{"key": k, "value": v, "old_value": old}
                                    for k, v, old in self.tag_changes]
        if self.comment_change is not None:
            found["comment_change"] = {"comment": self.comment_change[0],
                                       "old_comment": self.comment_change[1]}
        return found


@dataclass(frozen=True)
class NsChange:
    """An NS rrset to write into a parent zone for one child.

    ``new_values`` is empty when the child zone does not exist yet: its name
    servers are known only once apply has created it.
    """

    parent: str
    parent_account_id: str
    parent_zone_id: str | None
    child: str
    action: NsAction
    ttl: int
    new_values: tuple[str, ...]
    old_values: tuple[str, ...] = ()
    old_ttl: int | None = None
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def values_known(self) -> bool:
        return bool(self.new_values)

    def data(self) -> dict[str, Any]:
        return {
            "parent": self.parent,
            "parent_account_id": self.parent_account_id,
            "parent_zone_id": self.parent_zone_id,
            "child": self.child,
            "action": self.action.value,
            "ttl": self.ttl,
            "values": list(self.new_values) if self.new_values else "(known after apply)",
            "old_values": list(self.old_values),
            "old_ttl": self.old_ttl,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class ApexRepair:
    """A zone whose apex NS rrset was edited: it is set back to the delegation set.

    Resolvers that reach the zone through its delegation then see the same servers
    in the parent and in the child (RFC 1034 4.2.2; Zonemaster DELEGATION07).
    """

    name: str
    account_id: str
    zone_id: str
    ttl: int
    old_values: tuple[str, ...]
    new_values: tuple[str, ...]

    def data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "account_id": self.account_id,
            "zone_id": self.zone_id,
            "ttl": self.ttl,
            "old_values": list(self.old_values),
            "values": list(self.new_values),
        }


@dataclass(frozen=True)
class Unmanaged:
    """A delegation found in a managed zone that the config does not declare.

    zonecut leaves it alone (safe teardown is explicit); the plan reports it.
    """

    parent: str
    parent_account_id: str
    child: str
    values: tuple[str, ...]
    ttl: int

    def data(self) -> dict[str, Any]:
        return {
            "parent": self.parent,
            "parent_account_id": self.parent_account_id,
            "child": self.child,
            "values": list(self.values),
            "ttl": self.ttl,
        }


@dataclass(frozen=True)
class StaleDelegation:
    """An NS rrset for a doomed zone's name in an ancestor zone other than its parent:
    a grandparent's delegation left from before an intermediate zone was cut in, hidden
    below that cut. It becomes live the moment the cut goes, so it is deleted (exact live
    values) together with the parent's NS, before the zone."""

    zone: str
    account_id: str
    zone_id: str
    rrset: RRSet

    def data(self) -> dict[str, Any]:
        return {"zone": self.zone, "account_id": self.account_id, "zone_id": self.zone_id,
                "values": list(self.rrset.values)}


@dataclass(frozen=True)
class ZoneDeletion:
    """A zone to tear down: parent NS first, then its records, then the zone.

    ``zone_id`` is None when the zone is already gone (only a dangling parent NS is
    left to remove). ``parent_ns`` is the live NS rrset in the parent, deleted with
    exactly these values; ``records`` are the zone's record sets other than its apex
    SOA and NS, deleted before the zone. ``stale`` are the NS rrsets of the same name in
    other ancestor zones, deleted with the parent's.
    """

    name: str
    account_id: str | None
    zone_id: str | None
    parent: str | None
    parent_account_id: str | None
    parent_zone_id: str | None
    parent_ns: RRSet | None
    records: tuple[RRSet, ...]
    depth: int
    reason: str  # "destroy" (asked for) | "prune" (gone from the config)
    stale: tuple[StaleDelegation, ...] = ()

    def data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "account_id": self.account_id,
            "zone_id": self.zone_id,
            "parent": self.parent,
            "parent_account_id": self.parent_account_id,
            "parent_ns": list(self.parent_ns.values) if self.parent_ns else None,
            "records_to_delete": len(self.records),
            "reason": self.reason,
            "stale_delegations": [s.data() for s in self.stale],
        }


@dataclass(frozen=True)
class Plan:
    zones: tuple[ZoneChange, ...]
    ns_changes: tuple[NsChange, ...]
    unmanaged: tuple[Unmanaged, ...] = ()
    problems: tuple[str, ...] = ()
    deletions: tuple[ZoneDeletion, ...] = ()
    notes: tuple[str, ...] = ()
    apex_repairs: tuple[ApexRepair, ...] = ()
    moves: tuple[ZoneMove, ...] = ()
    """Declared zones found in another declared account: see :mod:`zonecut.plan.moves`."""
    unserved: tuple[str, ...] = ()
    """Names delegated from declared zones to a zone no declared account holds (prune
    leaves them alone; ``zonecut audit`` says more)."""
    dnssec: DnssecPlan | None = None
    """Signing and DS steps (zonecut.plan.dnssec); None when the config leaves DNSSEC
    alone."""

    @property
    def has_changes(self) -> bool:
        return (bool(self.ns_changes) or bool(self.deletions) or bool(self.apex_repairs)
                or any(z.changes_anything for z in self.zones)
                or (self.dnssec is not None and self.dnssec.has_changes))

    @property
    def destructive(self) -> bool:
        return bool(self.deletions)

    @property
    def zones_to_create(self) -> tuple[ZoneChange, ...]:
        return tuple(z for z in self.zones if z.action is ZoneAction.CREATE)

    def counts(self) -> dict[str, int]:
        return {
            "zones_to_create": len(self.zones_to_create),
            "zones_adopted": sum(1 for z in self.zones if z.action is ZoneAction.ADOPT),
            "zones_to_update": sum(1 for z in self.zones
                                   if z.action is ZoneAction.ADOPT and z.changes_anything),
            "ns_to_create": sum(1 for c in self.ns_changes if c.action is NsAction.CREATE),
            "ns_to_update": sum(1 for c in self.ns_changes if c.action is NsAction.UPDATE),
            "apex_ns_to_repair": len(self.apex_repairs),
            "zones_moved": len(self.moves),
            "unmanaged": len(self.unmanaged),
            "zones_to_delete": sum(1 for d in self.deletions if d.zone_id),
            "delegations_to_delete": sum(int(d.parent_ns is not None) + len(d.stale)
                                         for d in self.deletions),
            "problems": len(self.problems),
        }

    def data(self) -> dict[str, Any]:
        found = self._data()
        if self.dnssec is not None:
            found["dnssec"] = self.dnssec.data()
        return found

    def _data(self) -> dict[str, Any]:
        return {
            "format_version": 1,
            "has_changes": self.has_changes,
            "summary": self.counts(),
            "zones": [z.data() for z in self.zones],
            "ns_changes": [c.data() for c in self.ns_changes],
            "apex_repairs": [r.data() for r in self.apex_repairs],
            "moves": [m.data() for m in self.moves],
            "unmanaged": [u.data() for u in self.unmanaged],
            "deletions": [d.data() for d in self.deletions],
            "problems": list(self.problems),
            "notes": list(self.notes),
        }

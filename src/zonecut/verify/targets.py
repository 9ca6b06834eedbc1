"""What ``zonecut verify`` is asked to prove: one delegation per target, plus its policy.

The caller builds targets from the Route 53 API; the probe and the checks only read
them. Every name is canonical (see :mod:`zonecut.names`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from zonecut.state import HostedZone, RRSet


@dataclass(frozen=True)
class ServerAddress:
    """One address of one name server, as the probe contacts it."""

    name: str
    address: str
    port: int = 53


class ServerLike(Protocol):
    """Anything with a server's name, address and port (the sandbox's ServerAddress too)."""

    @property
    def name(self) -> str: ...

    @property
    def address(self) -> str: ...

    @property
    def port(self) -> int: ...


class ZoneLookup(StrEnum):
    """What the Route 53 API said when asked for a declared zone."""

    FOUND = "found"  # exactly one public hosted zone of that name (or the pinned one)
    MISSING = "missing"  # no public hosted zone of that name in the declared account
    DUPLICATE = "duplicate"  # several public hosted zones of that name, none pinned
    UNREAD = "unread"  # the account could not be read (access, throttling, network)


@dataclass(frozen=True)
class DelegationTarget:
    """One delegation to prove: ``child`` as the Route 53 API describes it.

    ``parent`` is the closest declared parent zone; ``None`` for a root zone, whose
    own servers are checked and whose registrar delegation is read from the walk.

    ``lookup`` says how the API answered for the child (``lookup_error`` why it is
    not ``found``). For a duplicated zone ``copies`` holds every public copy (with its
    delegation set) and ``child_zone`` the copy the parent's NS rrset points at.
    ``parent_lookup`` is the same for the parent; ``parent_copy_ns`` the NS rrsets for
    the child found in copies of a duplicated parent other than the live one.
    """

    child: str
    parent: str | None
    child_account: str
    parent_account: str | None
    child_zone: HostedZone | None
    child_apex_ns: RRSet | None
    parent_ns: RRSet | None
    parent_other_at_or_below_cut: tuple[RRSet, ...] = ()
    ancestor_delegations: tuple[tuple[str, RRSet], ...] = ()
    child_record_count: int = 0
    record_limit: int = 10000
    lookup: ZoneLookup = ZoneLookup.FOUND
    lookup_error: str = ""
    copies: tuple[HostedZone, ...] = ()
    parent_lookup: ZoneLookup = ZoneLookup.FOUND
    parent_copy_ns: tuple[tuple[str, RRSet], ...] = ()

    @property
    def delegation_set(self) -> frozenset[str]:
        """The servers Route 53 assigned to the child (empty when the zone is gone)."""
        return frozenset(self.child_zone.name_servers) if self.child_zone else frozenset()


@dataclass(frozen=True)
class VerifyPolicy:
    """Thresholds and probe settings for one verification run."""

    ns_ttl_min: int = 300
    ns_ttl_max: int = 172800
    timeout: float = 2.0
    retries: int = 1
    concurrency: int = 64
    record_limit_ratio: float = 0.9
    deadline: float = 600.0  # seconds for the whole run
    zone_deadline: float = 120.0  # seconds for one target
    max_ns_per_referral: int = 16  # NS names followed per referral (Route 53 uses 4)
    max_glueless: int = 8  # glueless server names looked up per referral
    address_scope: str = "auto"  # "auto", "global", "private" or "loopback"


# JSON forms, so saved observations carry the targets they were probed for.


def _rrset_to_dict(rrset: RRSet) -> dict[str, Any]:
    return {
        "name": rrset.name,
        "type": rrset.type,
        "ttl": rrset.ttl,
        "values": list(rrset.values),
        "alias_target": rrset.alias_target,
    }


def _rrset_from_dict(data: dict[str, Any]) -> RRSet:
    return RRSet(
        name=str(data["name"]),
        type=str(data["type"]),
        ttl=int(data["ttl"]),
        values=tuple(str(v) for v in data["values"]),
        alias_target=data.get("alias_target"),
    )


def _zone_to_dict(zone: HostedZone) -> dict[str, Any]:
    return {
        "zone_id": zone.zone_id,
        "name": zone.name,
        "account_id": zone.account_id,
        "name_servers": list(zone.name_servers),
        "private": zone.private,
        "record_count": zone.record_count,
        "caller_reference": zone.caller_reference,
        "comment": zone.comment,
    }


def _zone_from_dict(data: dict[str, Any]) -> HostedZone:
    return HostedZone(
        zone_id=str(data["zone_id"]),
        name=str(data["name"]),
        account_id=str(data["account_id"]),
        name_servers=tuple(str(s) for s in data["name_servers"]),
        private=bool(data.get("private", False)),
        record_count=int(data.get("record_count", 0)),
        caller_reference=str(data.get("caller_reference", "")),
        comment=str(data.get("comment", "")),
    )


def target_to_dict(target: DelegationTarget) -> dict[str, Any]:
    """A JSON-ready form of ``target``."""
    return {
        "child": target.child,
        "parent": target.parent,
        "child_account": target.child_account,
        "parent_account": target.parent_account,
        "child_zone": _zone_to_dict(target.child_zone) if target.child_zone else None,
        "child_apex_ns": _rrset_to_dict(target.child_apex_ns) if target.child_apex_ns else None,
        "parent_ns": _rrset_to_dict(target.parent_ns) if target.parent_ns else None,
        "parent_other_at_or_below_cut": [
            _rrset_to_dict(r) for r in target.parent_other_at_or_below_cut
        ],
        "ancestor_delegations": [
            {"zone": zone, "ns": _rrset_to_dict(rrset)}
            for zone, rrset in target.ancestor_delegations
        ],
        "child_record_count": target.child_record_count,
        "record_limit": target.record_limit,
        "lookup": target.lookup.value,
        "lookup_error": target.lookup_error,
        "copies": [_zone_to_dict(z) for z in target.copies],
        "parent_lookup": target.parent_lookup.value,
        "parent_copy_ns": [{"zone_id": zone_id, "ns": _rrset_to_dict(rrset)}
                           for zone_id, rrset in target.parent_copy_ns],
    }


def target_from_dict(data: dict[str, Any]) -> DelegationTarget:
    """The inverse of :func:`target_to_dict`."""
    zone = data.get("child_zone")
    apex = data.get("child_apex_ns")
    parent_ns = data.get("parent_ns")
    return DelegationTarget(
        child=str(data["child"]),
        parent=data.get("parent"),
        child_account=str(data["child_account"]),
        parent_account=data.get("parent_account"),
        child_zone=_zone_from_dict(zone) if zone else None,
        child_apex_ns=_rrset_from_dict(apex) if apex else None,
        parent_ns=_rrset_from_dict(parent_ns) if parent_ns else None,
        parent_other_at_or_below_cut=tuple(
            _rrset_from_dict(r) for r in data.get("parent_other_at_or_below_cut", [])
        ),
        ancestor_delegations=tuple(
            (str(item["zone"]), _rrset_from_dict(item["ns"]))
            for item in data.get("ancestor_delegations", [])
        ),
        child_record_count=int(data.get("child_record_count", 0)),
        record_limit=int(data.get("record_limit", 10000)),
        lookup=ZoneLookup(data.get("lookup", "found" if zone else "missing")),
        lookup_error=str(data.get("lookup_error", "")),
        copies=tuple(_zone_from_dict(z) for z in data.get("copies", [])),
        parent_lookup=ZoneLookup(data.get("parent_lookup", "found")),
        parent_copy_ns=tuple((str(item["zone_id"]), _rrset_from_dict(item["ns"]))
                             for item in data.get("parent_copy_ns", [])),
    )

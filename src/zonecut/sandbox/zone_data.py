"""Read-only views of moto's live Route 53 data across every account.

The only module besides :mod:`zonecut.sandbox.fidelity` that touches moto's Route 53
objects. ``BACKEND_LOCK`` serialises the sandbox's Route 53 mutations and these reads
(moto's server runs each request in its own thread; the DNS servers read from theirs).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from moto.route53.models import route53_backends

from zonecut.names import normalize
from zonecut.sandbox.change_batch import data_of, values_of

BACKEND_LOCK = threading.RLock()
_generation = 0
_versions = itertools.count(1)
_VERSION_ATTRIBUTE = "zonecut_version"


def bump_generation() -> None:
    """Note that Route 53 data changed (cached views are stale)."""
    global _generation
    with BACKEND_LOCK:
        _generation += 1


def generation() -> int:
    return _generation


def touch(zone: Any) -> None:
    """Stamp a moto zone whose records changed with a new, never reused version."""
    setattr(zone, _VERSION_ATTRIBUTE, next(_versions))


def zone_version(zone: Any) -> int:
    """The zone's version (see :func:`touch`); 0 for a zone our patches never touched."""
    return int(getattr(zone, _VERSION_ATTRIBUTE, 0))


@dataclass(frozen=True)
class Record:
    name: str  # canonical
    type: str
    ttl: int
    values: tuple[str, ...]
    alias: tuple[str, str] | None = None  # (hosted zone id, canonical target name)


@dataclass(frozen=True)
class ZoneSnapshot:
    account_id: str
    zone_id: str
    name: str  # canonical
    private: bool
    name_servers: tuple[str, ...]  # canonical
    records: tuple[Record, ...]


def iter_moto_zones() -> Iterator[tuple[str, Any]]:
    """(account id, moto FakeZone) for every hosted zone in every account."""
    for account_id, per_account in list(route53_backends.items()):
        for backend in list(per_account.values()):
            for zone in list(backend.zones.values()):
                yield account_id, zone


_NAME_SERVERS_MEMO = "zonecut_name_servers"


def zone_name_servers(zone: Any) -> tuple[str, ...]:
    """The zone's delegation set, canonical; kept on the zone for the very names it was
    made from (a new zone reads every live zone's servers: no normalising them again)."""
    delegation_set = zone.delegation_set
    if delegation_set is None:
        return ()
    raw = tuple(delegation_set.name_servers)
    memo = zone.__dict__.get(_NAME_SERVERS_MEMO)
    if memo is not None and memo[0] == raw:
        return memo[1]  # type: ignore[no-any-return]
    found = tuple(normalize(str(ns)) for ns in raw)
    zone.__dict__[_NAME_SERVERS_MEMO] = (raw, found)
    return found


def plain(rrset: Any) -> dict[str, Any]:
    """A moto RecordSet as the mapping shape of a change's ResourceRecordSet."""
    return {
        "Name": rrset.name,
        "Type": rrset.type,
        "TTL": rrset.ttl,
        "ResourceRecords": rrset.records,
        "AliasTarget": rrset.alias_target,
        "SetIdentifier": rrset.set_identifier,
    }


def _record(rrset: Any) -> Record:
    fields = plain(rrset)
    data = data_of(fields)
    return Record(
        name=normalize(str(rrset.name)),
        type=str(rrset.type),
        ttl=data.ttl if data.ttl is not None else 300,
        values=tuple(values_of(fields)),
        alias=data.alias,
    )


def snapshot(account_id: str, zone: Any) -> ZoneSnapshot:
    return ZoneSnapshot(
        account_id=account_id,
        zone_id=str(zone.resource_id),
        name=normalize(str(zone.name)),
        private=bool(zone.private_zone),
        name_servers=zone_name_servers(zone),
        records=tuple(_record(r) for r in list(zone.rrsets)),
    )


def all_zones() -> list[ZoneSnapshot]:
    """A consistent snapshot of every zone in every account (in the sandbox process)."""
    with BACKEND_LOCK:
        return [snapshot(account, zone) for account, zone in iter_moto_zones()]

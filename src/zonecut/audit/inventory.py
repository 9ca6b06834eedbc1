"""What an audit read from an organisation: accounts, public zones, their NS rrsets.

Plain, immutable data. The reader produces it, the analysis consumes it, and it is
saved and replayed as versioned JSON (``zonecut audit --save`` / ``--replay``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from zonecut.state import HostedZone, RRSet

FORMAT = "zonecut.audit.inventory"
VERSION = 1


class InventoryFormatError(ValueError):
    """A file that is not a zonecut audit inventory (or of an unknown version)."""


@dataclass(frozen=True)
class AuditAccount:
    """One account to audit. ``key`` names it in tables and written configs."""

    account_id: str
    key: str
    name: str = ""


@dataclass(frozen=True)
class AccountFailure:
    """An account that could not be read (role refused, API error)."""

    account_id: str
    key: str
    message: str


@dataclass(frozen=True)
class ZoneRecord:
    """One public hosted zone: its delegation set and every NS rrset it holds."""

    zone: HostedZone
    ns_rrsets: tuple[RRSet, ...] = ()

    @property
    def name(self) -> str:
        return self.zone.name

    @property
    def zone_id(self) -> str:
        return self.zone.zone_id

    @property
    def account_id(self) -> str:
        return self.zone.account_id

    @property
    def delegation_set(self) -> frozenset[str]:
        return frozenset(self.zone.name_servers)

    @property
    def apex_ns(self) -> RRSet | None:
        return next((rr for rr in self.ns_rrsets if rr.name == self.name), None)

    @property
    def delegations(self) -> tuple[RRSet, ...]:
        """NS rrsets below the apex: the cuts this zone delegates."""
        return tuple(rr for rr in self.ns_rrsets if rr.name != self.name)


@dataclass(frozen=True)
class Inventory:
    """Everything read: accounts (in the order given), zones, failed accounts."""

    accounts: tuple[AuditAccount, ...]
    zones: tuple[ZoneRecord, ...]
    failures: tuple[AccountFailure, ...] = ()
    private_zones: int = 0
    whole_organisation: bool = True  # False: only some accounts were chosen (-c, --accounts)

    @property
    def complete(self) -> bool:
        """Every account that could hold a zone was read: a zone found in none of them
        exists nowhere in the organisation."""
        return self.whole_organisation and not self.failures

    @cached_property
    def _by_id(self) -> dict[str, AuditAccount]:
        return {a.account_id: a for a in self.accounts}

    def account(self, account_id: str) -> AuditAccount | None:
        return self._by_id.get(account_id)

    def key_of(self, account_id: str) -> str:
        found = self.account(account_id)
        return found.key if found else account_id

    # -- JSON ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "accounts": [{"account_id": a.account_id, "key": a.key, "name": a.name}
                         for a in self.accounts],
            "failures": [{"account_id": f.account_id, "key": f.key, "message": f.message}
                         for f in self.failures],
            "private_zones": self.private_zones,
            "whole_organisation": self.whole_organisation,
            "zones": [_zone_to_dict(z) for z in self.zones],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Inventory:
        if data.get("format") != FORMAT:
            raise InventoryFormatError(f"the format is {data.get('format')!r}, not {FORMAT!r}")
        if data.get("version") != VERSION:
            raise InventoryFormatError(f"unsupported version {data.get('version')!r}")
        try:
            return cls(
                accounts=tuple(AuditAccount(str(a["account_id"]), str(a["key"]),
                                            str(a.get("name", "")))
                               for a in data["accounts"]),
                zones=tuple(_zone_from_dict(z) for z in data["zones"]),
                failures=tuple(AccountFailure(str(f["account_id"]), str(f["key"]),
                                              str(f["message"]))
                               for f in data.get("failures", [])),
                private_zones=int(data.get("private_zones", 0)),
                whole_organisation=bool(data.get("whole_organisation", True)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InventoryFormatError(f"a required field is missing or wrong: {exc}") from exc

    @classmethod
    def from_json(cls, text: str) -> Inventory:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise InventoryFormatError(f"not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise InventoryFormatError("the top level is not an object")
        return cls.from_dict(data)


def _rrset_to_dict(rrset: RRSet) -> dict[str, Any]:
    return {"name": rrset.name, "ttl": rrset.ttl, "values": list(rrset.values)}


def _zone_to_dict(record: ZoneRecord) -> dict[str, Any]:
    zone = record.zone
    return {
        "zone_id": zone.zone_id,
        "name": zone.name,
        "account_id": zone.account_id,
        "name_servers": list(zone.name_servers),
        "record_count": zone.record_count,
        "caller_reference": zone.caller_reference,
        "comment": zone.comment,
        "ns_rrsets": [_rrset_to_dict(rr) for rr in record.ns_rrsets],
    }


def _zone_from_dict(data: Mapping[str, Any]) -> ZoneRecord:
    zone = HostedZone(
        zone_id=str(data["zone_id"]),
        name=str(data["name"]),
        account_id=str(data["account_id"]),
        name_servers=tuple(str(s) for s in data["name_servers"]),
        record_count=int(data.get("record_count", 0)),
        caller_reference=str(data.get("caller_reference", "")),
        comment=str(data.get("comment", "")),
    )
    rrsets = tuple(RRSet(name=str(rr["name"]), type="NS", ttl=int(rr["ttl"]),
                         values=tuple(sorted(str(v) for v in rr["values"])))
                   for rr in data.get("ns_rrsets", []))
    return ZoneRecord(zone, rrsets)

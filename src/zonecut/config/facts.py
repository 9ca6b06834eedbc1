"""What the relation checks know of a config: facts from valid models, or whatever
validates of raw (partly invalid) data, so the loader can check relations too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pydantic import StrictBool, TypeAdapter, ValidationError

from zonecut.config.accounts import Account
from zonecut.config.certificates import CertDomain
from zonecut.config.defaults import Defaults
from zonecut.config.fields import AccountId, AccountRef, Region, Ttl, ZoneId, ZoneName
from zonecut.config.handoff import ParentFromSsm
from zonecut.config.records import RecordName, RecordType
from zonecut.config.zones import ZoneSpec


@dataclass(frozen=True)
class AccountFacts:
    """What the relation checks know about one declared account.

    ``account`` is None when the account itself is invalid; ``id`` may still be known.
    """

    id: str | None
    account: Account | None = None


@dataclass(frozen=True)
class ZoneFacts:
    """What the relation checks know about one declared zone (None: unknown or invalid)."""

    index: int
    name: str
    account: str | None = None
    root: bool | None = None
    ns_ttl: int | None = None
    zone_id: str | None = None
    records: tuple[RecordFacts, ...] = ()
    certificates: tuple[CertificateFacts, ...] = ()
    ssm_parent: ParentFromSsm | None = None
    has_ssm_parent: bool = False
    registrar: str | None = None


@dataclass(frozen=True)
class RecordFacts:
    """One declared record as the relation checks see it: ``text`` as written, ``type``
    when valid."""

    index: int
    text: str
    type: str | None = None


@dataclass(frozen=True)
class CertificateFacts:
    """One declared certificate: its valid domains (canonical) and region."""

    index: int
    domains: tuple[str, ...]
    region: str | None = None


_ACCOUNT_ID = TypeAdapter(AccountId)
_ACCOUNT_REF = TypeAdapter(AccountRef)
_ZONE_NAME = TypeAdapter(ZoneName)
_BOOL = TypeAdapter(StrictBool)
_TTL = TypeAdapter(Ttl)
_ZONE_ID = TypeAdapter(ZoneId)
_T = TypeVar("_T")


def _lenient(adapter: TypeAdapter[_T], raw: Mapping[str, object], key: str) -> _T | None:
    if key not in raw:
        return None
    try:
        return adapter.validate_python(raw[key])
    except ValidationError:
        return None


def facts_of_accounts(accounts: Mapping[str, Account]) -> dict[str, AccountFacts]:
    return {key: AccountFacts(account.id, account) for key, account in accounts.items()}


def facts_of_zones(zones: Sequence[ZoneSpec]) -> list[ZoneFacts]:
    return [
        ZoneFacts(
            index, zone.name, zone.account, zone.root, zone.ns_ttl, zone.zone_id,
            records=tuple(RecordFacts(i, r.name, r.type) for i, r in enumerate(zone.records)),
            certificates=tuple(CertificateFacts(i, c.domains, c.region)
                               for i, c in enumerate(zone.certificates)),
            ssm_parent=zone.parent_from_ssm,
            has_ssm_parent=zone.parent_from_ssm is not None,
            registrar=zone.registrar,
        )
        for index, zone in enumerate(zones)
    ]


def account_facts_from_raw(raw: object) -> AccountFacts:
    """Whatever can be validated of one raw ``accounts`` entry."""
    try:
        account = Account.model_validate(raw)
    except ValidationError:
        pass
    else:
        return AccountFacts(account.id, account)
    if not isinstance(raw, Mapping):
        return AccountFacts(None)
    return AccountFacts(_lenient(_ACCOUNT_ID, raw, "id"))


def zone_facts_from_raw(index: int, raw: object) -> ZoneFacts | None:
    """Whatever can be validated of one raw ``zones`` item; None without a valid name."""
    if not isinstance(raw, Mapping):
        return None
    name = _lenient(_ZONE_NAME, raw, "name")
    if name is None:
        return None
    return ZoneFacts(
        index, name,
        account=_lenient(_ACCOUNT_REF, raw, "account"),
        root=_lenient(_BOOL, raw, "root") if "root" in raw else False,
        ns_ttl=_lenient(_TTL, raw, "ns_ttl"),
        zone_id=_lenient(_ZONE_ID, raw, "zone_id"),
        records=_record_facts_from_raw(raw.get("records")),
        certificates=_certificate_facts_from_raw(raw.get("certificates")),
        ssm_parent=_lenient(_SSM_PARENT, raw, "parent_from_ssm"),
        has_ssm_parent=raw.get("parent_from_ssm") is not None,
        registrar=raw.get("registrar") if isinstance(raw.get("registrar"), str) else None,
    )


_RECORD_NAME = TypeAdapter(RecordName)
_RECORD_TYPE = TypeAdapter(RecordType)
_CERT_DOMAIN = TypeAdapter(CertDomain)
_REGION = TypeAdapter(Region)
_SSM_PARENT = TypeAdapter(ParentFromSsm)


def _record_facts_from_raw(raw: object) -> tuple[RecordFacts, ...]:
    if not isinstance(raw, list):
        return ()
    found: list[RecordFacts] = []
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping):
            continue
        name = _lenient(_RECORD_NAME, item, "name")
        if name is not None:
            found.append(RecordFacts(index, name, _lenient(_RECORD_TYPE, item, "type")))
    return tuple(found)


def _certificate_facts_from_raw(raw: object) -> tuple[CertificateFacts, ...]:
    if not isinstance(raw, list):
        return ()
    found: list[CertificateFacts] = []
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping) or not isinstance(item.get("domains"), list):
            continue
        domains: list[str] = []
        for domain in item["domains"]:
            try:
                domains.append(_CERT_DOMAIN.validate_python(domain))
            except ValidationError:
                continue
        found.append(CertificateFacts(index, tuple(domains),
                                      _lenient(_REGION, item, "region")))
    return tuple(found)


def defaults_from_raw(raw: object) -> Defaults | None:
    """The defaults if they validate; None otherwise."""
    try:
        return Defaults.model_validate(raw)
    except ValidationError:
        return None

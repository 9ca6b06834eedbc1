"""Route 53 DNSSEC state of the sandbox's hosted zones: signing status and KSKs.

Kept on moto's per-account Route 53 backend (so a reset forgets it with the account),
keyed by hosted zone id. Only :mod:`zonecut.sandbox.dnssec_api` changes it; the DNS
view reads it through :func:`signing_view`. A KSK's status is computed when read: an
``ACTIVE`` KSK whose KMS key Route 53 can no longer use (disabled, scheduled for
deletion, key policy changed) reads ``ACTION_NEEDED``, and a signing zone with such a
KSK reads ``ServeSignature`` ``ACTION_NEEDED``, as Route 53 reports lost KMS access.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import dns.name
from moto.route53.models import route53_backends

from zonecut.names import normalize
from zonecut.sandbox import dnssec_kms
from zonecut.sandbox.dns_sign import SigningKey, ZoneSigner, local_key
from zonecut.sandbox.dnssec_keys import (
    KSK_FLAGS,
    ZSK_FLAGS,
    KeyMaterial,
    RemoteSigner,
    dnskey_of,
    public_key_from_der,
)
from zonecut.sandbox.zone_data import iter_moto_zones, zone_name_servers

_ATTRIBUTE = "zonecut_dnssec"


@dataclass
class Ksk:
    name: str
    kms_arn: str
    status: str  # ACTIVE or INACTIVE, as set through the API
    caller_reference: str
    material: KeyMaterial
    public_key_der: bytes
    created: datetime.datetime
    modified: datetime.datetime

    def effective_status(self) -> tuple[str, str | None]:
        """(status, status message): ACTION_NEEDED when an ACTIVE KSK lost its KMS key."""
        if self.status == "ACTIVE":
            found = dnssec_kms.problem(self.kms_arn)
            if found is not None:
                return "ACTION_NEEDED", found
        return self.status, None


@dataclass
class ZoneDnssec:
    signing: bool = False
    ksks: dict[str, Ksk] = field(default_factory=dict)
    # the zone-signing key: Route 53 manages ZSKs itself; the sandbox makes one per zone
    zsk: SigningKey = field(default_factory=lambda: local_key(ZSK_FLAGS))

    def serve_signature(self) -> tuple[str, str | None]:
        if not self.signing:
            return "NOT_SIGNING", None
        for ksk in self.ksks.values():
            status, message = ksk.effective_status()
            if status == "ACTION_NEEDED":
                return "ACTION_NEEDED", message
        return "SIGNING", None

    def active(self) -> list[Ksk]:
        return [k for k in self.ksks.values() if k.status == "ACTIVE"]


def zones_of(backend: Any) -> dict[str, ZoneDnssec]:
    found: dict[str, ZoneDnssec] = backend.__dict__.setdefault(_ATTRIBUTE, {})
    return found


def state_of(backend: Any, zone_id: str) -> ZoneDnssec | None:
    return zones_of(backend).get(zone_id)


# -- the parent's side: NS and DS for a zone's name ------------------------------------
Registry = Callable[[str], tuple[Sequence[str], Sequence[str]] | None]
"""A zone name -> (NS, DS) registered for it at its TLD (the registrar), or None."""

_registry: Registry | None = None


def set_registry(registry: Registry | None) -> None:
    global _registry
    _registry = registry


@dataclass(frozen=True)
class ParentDelegation:
    where: str  # the parent hosted zone's name, or "the registrar"
    name_servers: frozenset[str]  # canonical
    ds: tuple[str, ...]  # DS values as text


def parent_delegation(zone_name: str) -> ParentDelegation | None:
    """The delegation of ``zone_name`` in its parent: the deepest public hosted zone above
    it (any account) holding NS at the name, else the TLD registration; None if neither.
    Call with ``BACKEND_LOCK`` held."""
    name = normalize(zone_name)
    best: tuple[int, Any] | None = None
    for _, zone in iter_moto_zones():
        parent = normalize(str(zone.name))
        if zone.private_zone or parent == name or not name.endswith("." + parent):
            continue
        if not any(normalize(str(r.name)) == name and r.type == "NS" for r in zone.rrsets):
            continue
        depth = parent.count(".")
        if best is None or depth > best[0]:
            best = (depth, zone)
    if best is not None:
        zone = best[1]
        ns: set[str] = set()
        ds: list[str] = []
        for rrset in zone.rrsets:
            if normalize(str(rrset.name)) != name:
                continue
            if rrset.type == "NS":
                ns.update(normalize(str(v)) for v in rrset.records)
            elif rrset.type == "DS":
                ds.extend(str(v) for v in rrset.records)
        return ParentDelegation(normalize(str(zone.name)), frozenset(ns), tuple(ds))
    registered = _registry(name) if _registry is not None else None
    if registered is not None:
        servers, ds_values = registered
        return ParentDelegation("the registrar", frozenset(normalize(s) for s in servers),
                                tuple(ds_values))
    return None


def ds_matches(ds_text: str, ksk: Ksk) -> bool:
    """Whether the DS value names ``ksk`` (key tag, algorithm and digest)."""
    parts = ds_text.split()
    if len(parts) < 4:
        return False
    digest = "".join(parts[3:]).upper()
    ours = ksk.material.ds_record.split()
    return parts[0] == ours[0] and parts[1] == ours[1] and parts[2] == ours[2] and (
        digest == ours[3])


def delegation_differs(zone: Any, delegation: ParentDelegation) -> bool:
    return delegation.name_servers != frozenset(zone_name_servers(zone))


# -- what the DNS servers need -----------------------------------------------------------
@dataclass(frozen=True)
class KmsKsk:
    name: str
    kms_arn: str
    public_key_der: bytes


@dataclass(frozen=True)
class SigningView:
    """A signing zone as the DNS side needs it: its active KSKs (KMS-backed), its ZSK."""

    ksks: tuple[KmsKsk, ...]
    zsk: SigningKey


def signing_view(account_id: str, zone_id: str) -> SigningView | None:
    """None unless the zone is signing (also while ACTION_NEEDED: Route 53 keeps serving
    the signatures it has). Call with ``BACKEND_LOCK`` held."""
    for backend in list(route53_backends[account_id].values()):
        state = state_of(backend, zone_id)
        if state is not None and state.signing:
            return SigningView(tuple(KmsKsk(k.name, k.kms_arn, k.public_key_der)
                                     for k in state.active()), state.zsk)
    return None


def zone_signer(origin: str, view: SigningView) -> ZoneSigner:
    """The signer of a Route 53 zone: KSK signatures through KMS Sign, the sandbox's ZSK."""
    ksks = []
    for ksk in view.ksks:
        public = public_key_from_der(ksk.public_key_der)

        def sign_der(data: bytes, arn: str = ksk.kms_arn) -> bytes:
            return dnssec_kms.sign(arn, data)

        ksks.append(SigningKey(dnskey_of(public, KSK_FLAGS), RemoteSigner(sign_der, public)))
    return ZoneSigner(dns.name.from_text(origin), ksks, view.zsk)

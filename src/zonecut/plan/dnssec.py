"""Planning DNSSEC (pure): which zones are signed or unsigned, and which DS records go
into or out of their parents, in the order AWS documents.

Apply, after the zones and their NS delegations exist:

1. DS out first: the DS of every zone to unsign (in its parent) and the DS of the
   children of every zone to unsign (in that zone); INSYNC; then wait out the longest
   TTL of a removed DS, so no resolver still holds a DS for a zone about to go unsigned.
2. Unsign: ``DisableHostedZoneDNSSEC``, then deactivate and delete its KSKs.
3. Sign: the KMS key (found again by alias, or the one declared), ``CreateKeySigningKey``
   (ACTIVE), ``EnableHostedZoneDNSSEC``, INSYNC.
4. DS in last: a zone's DS (from ``GetDNSSEC``) into its parent, batched per parent like
   NS, only once the zone is signing and only when the parent is signed after this run.
   A root's DS goes to the registrar: the plan names it for the user.

So at no call boundary is a DS published for a zone that is not signing, nor a zone
unsigned while its DS may still be cached. Destroy (and prune) run steps 1 and 2 for the
doomed zones before their NS and the zones go.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from zonecut.config.dnssec import DnssecSettings
from zonecut.plan.changes import Plan, ZoneDeletion
from zonecut.plan.dnssec_steps import (
    MAX_KSKS,
    DnssecPlan,
    DsChange,
    RegistrarDs,
    SignedZoneLike,
    ZoneSign,
    ZoneUnsign,
    next_ksk_name,
)
from zonecut.plan.observed import ObservedState
from zonecut.plan.registrar import REGISTRY_DS_TTL, ROUTE53
from zonecut.plan.signing import ZoneSigning, normalize_ds
from zonecut.state import RRSet


@dataclass
class _Zone:
    name: str
    account_id: str
    parent: str | None
    root: bool
    zone_id: str | None
    settings: DnssecSettings
    now: ZoneSigning | None
    signed_after: bool = False
    ds_known: tuple[str, ...] = ()
    unsigning: bool = field(default=False)
    registrar: str | None = None  # route53: zonecut sets the root's DS at the registrar


def ds_at(observed: ObservedState, zone_id: str | None, name: str) -> RRSet | None:
    if zone_id is None:
        return None
    for rr in observed.rrsets.get(zone_id, ()):
        if rr.name == name and rr.type == "DS":
            return rr
    return None


def _unsign(zone: _Zone, signing: ZoneSigning, wait: int, reason: str) -> ZoneUnsign:
    assert zone.zone_id is not None
    return ZoneUnsign(
        name=zone.name, account_id=zone.account_id, zone_id=zone.zone_id,
        disable=signing.status != "NOT_SIGNING",
        deactivate=tuple(k.name for k in signing.ksks if k.status == "ACTIVE"),
        delete=tuple(k.name for k in signing.ksks),
        wait_seconds=wait if signing.status != "NOT_SIGNING" else 0, reason=reason)


def plan_dnssec(zones: Sequence[SignedZoneLike], settings: Mapping[str, DnssecSettings],
                base: Plan, observed: ObservedState) -> DnssecPlan:
    """The DNSSEC steps for an apply of ``base``. ``observed.signing`` holds GetDNSSEC of
    every existing declared zone (read when any zone's dnssec is managed)."""
    ids = {z.name: z.zone_id for z in base.zones}
    found: dict[str, _Zone] = {}
    for desired in zones:
        zone_id = ids.get(desired.name)
        found[desired.name] = _Zone(
            name=desired.name, account_id=desired.account_id, parent=desired.parent,
            root=desired.root, zone_id=zone_id,
            settings=settings.get(desired.name, DnssecSettings()),
            now=observed.signing.get(zone_id) if zone_id else None,
            registrar=getattr(desired, "registrar", None))
    problems: list[str] = []
    notes: list[str] = []
    signs: list[ZoneSign] = []
    unsign_zones: list[_Zone] = []
    for zone in found.values():
        now = zone.now
        signing_now = now is not None and now.signing
        want = zone.settings.sign
        zone.signed_after = signing_now if want is None else want
        if want is True:
            active = [k for k in (now.ksks if now else ()) if k.active]
            if signing_now and active:
                zone.ds_known = now.ds_values() if now else ()
                continue
            inactive = [k for k in (now.ksks if now else ()) if k.status == "INACTIVE"]
            if active:
                ksk, create, activate = active[0].name, False, False
            elif inactive:
                ksk, create, activate = inactive[0].name, False, True
            else:
                if now is not None and len(now.ksks) >= MAX_KSKS:
                    problems.append(
                        f"{zone.name}: the zone has {len(now.ksks)} key-signing keys and "
                        f"none is usable ({', '.join(k.name + ' ' + k.status for k in now.ksks)}"
                        f"); Route 53 allows {MAX_KSKS}: delete one")
                    zone.signed_after = signing_now
                    continue
                ksk, create, activate = next_ksk_name(now), True, False
            signs.append(ZoneSign(
                name=zone.name, account_id=zone.account_id, zone_id=zone.zone_id, ksk=ksk,
                create_ksk=create, activate_ksk=activate, enable=not signing_now,
                kms_key_arn=zone.settings.kms_key_arn))
        elif want is False and now is not None and (now.status != "NOT_SIGNING" or now.ksks):
            if zone.root and now.status != "NOT_SIGNING" and zone.registrar != ROUTE53:
                problems.append(
                    f"{zone.name}: a root zone's DS lives at the registrar, which zonecut "
                    "cannot see: remove the DS there, wait for its TTL, then disable signing "
                    "yourself (aws route53 disable-hosted-zone-dnssec); zonecut then deletes "
                    "the keys")
                zone.signed_after = True
                continue
            zone.unsigning = True
            unsign_zones.append(zone)

    changes: list[DsChange] = []
    waits: dict[str, int] = {}
    registrar: list[RegistrarDs] = []
    for zone in found.values():
        if zone.parent is None:
            if zone.registrar == ROUTE53:
                if zone.unsigning:  # its DS comes out at the registrar first (plan.registrar)
                    waits[zone.name] = REGISTRY_DS_TTL
            elif zone.root and zone.settings.sign and zone.signed_after:
                registrar.append(RegistrarDs(zone.name, zone.account_id, zone.ds_known))
            continue
        parent = found.get(zone.parent)
        if parent is None:
            continue
        current = ds_at(observed, parent.zone_id, zone.name)
        managed = zone.settings.managed
        if current is not None and (zone.unsigning or parent.unsigning
                                    or (parent.settings.sign is False
                                        and not parent.signed_after)):
            why = (f"{zone.name} is unsigned" if zone.unsigning
                   else f"{parent.name} is unsigned")
            changes.append(DsChange(
                parent=parent.name, parent_account_id=parent.account_id,
                parent_zone_id=parent.zone_id, child=zone.name,
                child_account_id=zone.account_id, action="delete", ttl=current.ttl,
                values=current.values, old=current, reason=why))
            if zone.unsigning:
                waits[zone.name] = max(waits.get(zone.name, 0), current.ttl)
            continue
        if zone.unsigning and parent.signed_after and parent.now is not None \
                and parent.now.signing:
            # no DS now, but one removed by an interrupted run may still be cached
            waits[zone.name] = max(waits.get(zone.name, 0), zone.settings.ds_ttl)
        if not managed or not zone.settings.sign or not zone.signed_after:
            continue
        if not parent.signed_after:
            notes.append(f"{zone.name}: signed, but its parent {parent.name} is not: no DS "
                         "is written (an island of trust until the parent is signed)")
            continue
        ttl = zone.settings.ds_ttl
        wanted = zone.ds_known
        if current is not None and wanted and current.ttl == ttl and \
                tuple(sorted(normalize_ds(v) for v in current.values)) == wanted:
            continue
        changes.append(DsChange(
            parent=parent.name, parent_account_id=parent.account_id,
            parent_zone_id=parent.zone_id, child=zone.name, child_account_id=zone.account_id,
            action="create" if current is None else "update", ttl=ttl, values=wanted,
            old=current, reason="signed" if current is None else "DS differs from the KSKs"))
    unsigns = []
    for zone in unsign_zones:
        assert zone.now is not None
        unsigns.append(_unsign(zone, zone.now, waits.get(zone.name, 0), "dnssec: false"))
        notes.extend(f"{c.name}: stays signed, but without a DS in {zone.name} (an island "
                     "of trust)" for c in found.values()
                     if c.parent == zone.name and c.signed_after)
    return DnssecPlan(signs=tuple(signs), ds_changes=tuple(changes), unsigns=tuple(unsigns),
                      registrar=tuple(registrar), problems=tuple(problems),
                      notes=tuple(notes))


def plan_dnssec_teardown(deletions: Sequence[ZoneDeletion], observed: ObservedState,
                         ds_ttl: Mapping[str, int] | None = None) -> DnssecPlan:
    """Steps 1 and 2 for zones that are deleted: their DS out of their parents (and the
    DS of their doomed children, which go with them), wait, unsign."""
    changes: list[DsChange] = []
    unsigns: list[ZoneUnsign] = []
    for deletion in deletions:
        if deletion.parent is None or deletion.parent_account_id is None:
            continue
        current = ds_at(observed, deletion.parent_zone_id, deletion.name)
        wait = 0
        if current is not None:
            changes.append(DsChange(
                parent=deletion.parent, parent_account_id=deletion.parent_account_id,
                parent_zone_id=deletion.parent_zone_id, child=deletion.name,
                child_account_id=deletion.account_id or "", action="delete",
                ttl=current.ttl, values=current.values, old=current,
                reason=f"{deletion.name} is deleted"))
            wait = current.ttl
        signing = observed.signing.get(deletion.zone_id) if deletion.zone_id else None
        parent_signing = observed.signing.get(deletion.parent_zone_id or "")
        if current is None and parent_signing is not None and parent_signing.signing:
            wait = (ds_ttl or {}).get(deletion.name, 0)
        if signing is not None and deletion.zone_id and deletion.account_id and (
                signing.status != "NOT_SIGNING" or signing.ksks):
            unsigns.append(ZoneUnsign(
                name=deletion.name, account_id=deletion.account_id, zone_id=deletion.zone_id,
                disable=signing.status != "NOT_SIGNING",
                deactivate=tuple(k.name for k in signing.ksks if k.status == "ACTIVE"),
                delete=tuple(k.name for k in signing.ksks),
                wait_seconds=wait if signing.status != "NOT_SIGNING" else 0,
                reason=deletion.reason))
    return DnssecPlan(ds_changes=tuple(changes), unsigns=tuple(unsigns))


def without_removed_ds(deletions: Sequence[ZoneDeletion], dnssec: DnssecPlan
                       ) -> tuple[ZoneDeletion, ...]:
    """The deletions without the DS rrsets that step 1 removes (a zone's records are
    deleted after it)."""
    gone = {(c.parent_zone_id, c.child) for c in dnssec.ds_removals}
    return tuple(replace(d, records=tuple(
        r for r in d.records if not (r.type == "DS" and (d.zone_id, r.name) in gone)))
        for d in deletions)

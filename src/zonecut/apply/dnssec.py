"""Execute the DNSSEC steps of a plan (``zonecut.plan.dnssec``), accounts in parallel:

1. DS out (exact live values), INSYNC, then wait out the longest TTL of a removed DS
   (``ttl_scale`` shortens that wait where caches are not real: the sandbox);
2. unsign: DisableHostedZoneDNSSEC, deactivate the KSKs, delete them, each INSYNC;
3. sign: the KMS key, CreateKeySigningKey or ActivateKeySigningKey, EnableHostedZoneDNSSEC,
   each INSYNC;
4. DS in: per child, GetDNSSEC again; written (UPSERT, batched per parent) only when the
   child is signing and the parent is too.

Every write is safe to repeat and every step reads nothing from an earlier run, so an
apply interrupted at any call is finished by the next one (which plans from the live
state): a DS is never written before its zone signs, and a zone is never unsigned before
its DS is gone and its TTL waited.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from zonecut.apply.packing import pack
from zonecut.apply.parallel import per_account
from zonecut.apply.registrar import RegistrarSteps
from zonecut.aws.dnssec import Route53Dnssec
from zonecut.aws.errors import AwsError
from zonecut.aws.fleet import Fleet
from zonecut.aws.kms import KmsAccount, kms_account
from zonecut.aws.route53 import RecordChange
from zonecut.errors import ZonecutError
from zonecut.plan.dnssec_steps import DnssecPlan, DsChange, ZoneSign, ZoneUnsign, ksk_generation
from zonecut.plan.registrar import FIRST, LAST, DomainChange
from zonecut.plan.signing import normalize_ds
from zonecut.state import RRSet

_REGISTRAR_WORDS = {
    "name-servers": "set the name servers of {zone} at the registrar",
    "add-ds": "gave the registrar of {zone} its DS {detail}",
    "remove-ds": "removed the DS {detail} of {zone} at the registrar",
}


@dataclass(frozen=True)
class DnssecEvent:
    kind: str  # ds-removed | zone-unsigned | zone-signed | ds-written | registrar-*
    account_id: str
    zone: str
    detail: str = ""


@dataclass
class DnssecResult:
    ds_removed: list[str] = field(default_factory=list)
    unsigned: list[str] = field(default_factory=list)
    signed: list[str] = field(default_factory=list)
    ds_written: list[str] = field(default_factory=list)
    registrar_ds: dict[str, tuple[str, ...]] = field(default_factory=dict)
    registrar: list[str] = field(default_factory=list)  # changes made at the registrar
    waited: float = 0.0


class DnssecSteps:
    def __init__(self, fleet: Fleet, *, sync_timeout: float = 300.0, max_workers: int = 8,
                 ttl_scale: float = 1.0, partition: str = "aws",
                 on_event: Callable[[DnssecEvent], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.fleet = fleet
        self.sync_timeout = sync_timeout
        self.max_workers = max_workers
        self.ttl_scale = ttl_scale
        self.partition = partition
        self.on_event = on_event or (lambda event: None)
        self._sleep = sleep

    def dnssec(self, account_id: str) -> Route53Dnssec:
        return Route53Dnssec(self.fleet.route53(account_id))

    def run(self, plan: DnssecPlan, zone_ids: Mapping[str, str]) -> DnssecResult:
        """``zone_ids``: every declared zone that exists now (created ones included)."""
        result = DnssecResult()
        def registrar_event(change: DomainChange, detail: str) -> None:
            result.registrar.append(_REGISTRAR_WORDS[change.action].format(
                zone=change.domain, detail=detail))
            self.on_event(DnssecEvent(f"registrar-{change.action}", change.account_id,
                                      change.domain, detail))

        at_registrar = RegistrarSteps(self.fleet, sync_timeout=self.sync_timeout,
                                      on_change=registrar_event, sleep=self._sleep)
        # 0. the registrar: name servers, and the DS of a root to unsign (plan.registrar)
        at_registrar.run(plan.domain_changes(FIRST), zone_ids)
        # 1. DS out, INSYNC, the TTL waited
        removals: dict[str, list[DsChange]] = defaultdict(list)
        for change in plan.ds_removals:
            removals[change.parent_account_id].append(change)
        per_account({acc: partial(self._remove_ds, acc, items, result)
                     for acc, items in removals.items()}, self.max_workers)
        wait = plan.wait_seconds() * self.ttl_scale
        if wait > 0:
            self._sleep(wait)
            result.waited = wait
        # 2. unsign
        unsigns: dict[str, list[ZoneUnsign]] = defaultdict(list)
        for unsign in plan.unsigns:
            unsigns[unsign.account_id].append(unsign)
        per_account({acc: partial(self._unsign, acc, items, result)
                     for acc, items in unsigns.items()}, self.max_workers)
        # 3. sign
        signs: dict[str, list[ZoneSign]] = defaultdict(list)
        for sign in plan.signs:
            signs[sign.account_id].append(sign)
        per_account({acc: partial(self._sign, acc, items, zone_ids, result)
                     for acc, items in signs.items()}, self.max_workers)
        # 4. DS in
        writes: dict[str, list[DsChange]] = defaultdict(list)
        for change in plan.ds_writes:
            writes[change.parent_account_id].append(change)
        per_account({acc: partial(self._write_ds, acc, items, zone_ids, result)
                     for acc, items in writes.items()}, self.max_workers)
        # 5. the registrar: the DS of signing roots, then keys that name no KSK
        at_registrar.run(plan.domain_changes(LAST), zone_ids)
        for registrar in plan.registrar:
            zone_id = zone_ids.get(registrar.name)
            if zone_id is not None:
                now = self.dnssec(registrar.account_id).get(zone_id, registrar.name)
                result.registrar_ds[registrar.name] = now.ds_values()
        return result

    # -- 1 ------------------------------------------------------------------------------
    def _remove_ds(self, account_id: str, items: Sequence[DsChange],
                   result: DnssecResult) -> None:
        r53 = self.fleet.route53(account_id)
        by_parent: dict[tuple[str, str], list[RRSet]] = defaultdict(list)
        for change in items:
            assert change.parent_zone_id is not None and change.old is not None
            by_parent[(change.parent_zone_id, change.parent)].append(change.old)
        waits: list[str] = []
        for (zone_id, parent), group in sorted(by_parent.items()):
            for batch in pack([RecordChange("DELETE", rr) for rr in sorted(group)]):
                waits.append(r53.change_rrsets(
                    zone_id, parent, batch,
                    f"zonecut: remove the DS of {len(batch)} zone(s) before unsigning"))
                for removed in batch:
                    result.ds_removed.append(removed.rrset.name)
                    self.on_event(DnssecEvent("ds-removed", account_id, removed.rrset.name,
                                              parent))
        r53.wait_insync(waits, timeout=self.sync_timeout,
                        what=f"removing DS records in account {account_id}")

    # -- 2 ------------------------------------------------------------------------------
    def _unsign(self, account_id: str, items: Sequence[ZoneUnsign],
                result: DnssecResult) -> None:
        api = self.dnssec(account_id)
        for item in items:
            what = f"unsigning {item.name}"
            if item.disable:
                api.wait([api.disable(item.zone_id, item.name)], timeout=self.sync_timeout,
                         what=what)
            api.wait([api.deactivate_ksk(item.zone_id, item.name, k) for k in item.deactivate],
                     timeout=self.sync_timeout, what=what)
            api.wait([api.delete_ksk(item.zone_id, item.name, k) for k in item.delete],
                     timeout=self.sync_timeout, what=what)
            result.unsigned.append(item.name)
            self.on_event(DnssecEvent("zone-unsigned", account_id, item.name, item.zone_id))

    # -- 3 ------------------------------------------------------------------------------
    def _sign(self, account_id: str, items: Sequence[ZoneSign], zone_ids: Mapping[str, str],
              result: DnssecResult) -> None:
        api = self.dnssec(account_id)
        kms: KmsAccount | None = None
        for item in items:
            zone_id = item.zone_id or zone_ids.get(item.name)
            if zone_id is None:
                raise ZonecutError(f"{item.name}: the zone is missing; nothing was signed")
            what = f"signing {item.name}"
            if item.create_ksk:
                kms = kms or kms_account(self.fleet, account_id)
                arn = self._key(kms, item)
                api.wait([api.create_ksk(zone_id, item.name, item.ksk, arn)],
                         timeout=self.sync_timeout, what=what)
            elif item.activate_ksk:
                api.wait([api.activate_ksk(zone_id, item.name, item.ksk)],
                         timeout=self.sync_timeout, what=what)
            if item.enable:
                api.wait([api.enable(zone_id, item.name)], timeout=self.sync_timeout, what=what)
            result.signed.append(item.name)
            self.on_event(DnssecEvent("zone-signed", account_id, item.name, zone_id))

    def _key(self, kms: KmsAccount, item: ZoneSign) -> str:
        if item.kms_key_arn is None:
            return kms.dnssec_key(max(1, ksk_generation(item.ksk)), self.partition)
        found = kms.describe(item.kms_key_arn)
        problem = (f"KMS key {item.kms_key_arn} does not exist or cannot be read"
                   if found is None else found.problem())
        if problem:
            raise AwsError(f"{item.name}: kms_key_arn: {problem}; nothing was signed",
                           account_id=kms.account_id, operation="DescribeKey")
        return item.kms_key_arn

    # -- 4 ------------------------------------------------------------------------------
    def _write_ds(self, account_id: str, items: Sequence[DsChange],
                  zone_ids: Mapping[str, str], result: DnssecResult) -> None:
        r53 = self.fleet.route53(account_id)
        by_parent: dict[str, list[RecordChange]] = defaultdict(list)
        for change in sorted(items, key=lambda c: (c.parent, c.child)):
            child_id, parent_id = zone_ids.get(change.child), zone_ids.get(change.parent)
            if child_id is None or parent_id is None:
                raise ZonecutError(f"{change.child}: the zone or its parent is missing; no DS "
                                   "was written")
            child = self.dnssec(change.child_account_id).get(child_id, change.child)
            values = child.ds_values()
            if not child.signing or not values:
                raise ZonecutError(
                    f"{change.child}: not signing ({child.status}); its DS was not written "
                    f"into {change.parent} (a DS without a signing zone is an outage)")
            parent = self.dnssec(account_id).get(parent_id, change.parent)
            if not parent.signing:
                continue  # a DS in an unsigned parent does nothing: the plan says why
            if change.old is not None and change.old.ttl == change.ttl and tuple(
                    sorted(normalize_ds(v) for v in change.old.values)) == values:
                continue
            by_parent[parent_id].append(RecordChange(
                "UPSERT", RRSet(change.child, "DS", change.ttl, values)))
        waits: list[str] = []
        names = {zone_ids[c.parent]: c.parent for c in items if c.parent in zone_ids}
        for parent_id, records in sorted(by_parent.items()):
            for batch in pack(records):
                waits.append(r53.change_rrsets(parent_id, names[parent_id], batch,
                                               f"zonecut: DS of {len(batch)} signed zone(s)"))
                for record in batch:
                    result.ds_written.append(record.rrset.name)
                    self.on_event(DnssecEvent("ds-written", account_id, record.rrset.name,
                                              names[parent_id]))
        r53.wait_insync(waits, timeout=self.sync_timeout,
                        what=f"DS records in account {account_id}")


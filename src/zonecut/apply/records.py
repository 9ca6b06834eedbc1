"""A zone's own records: read them, plan them, write them (batched, after the zone exists).

Also :class:`ChildResources`, which runs what a child does with its zone after the core
apply: records, certificates (``zonecut.apply.certificates``) and the SSM handoff
(``zonecut.apply.ssm_publish``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from zonecut.apply.certificates import CertificateManager, CertificatesResult, DnsView
from zonecut.apply.executor import ApplyEvent
from zonecut.apply.parallel import per_account
from zonecut.apply.ssm_publish import SsmHandoff, SsmPlan, SsmResult, live_zones
from zonecut.aws.errors import AwsError
from zonecut.aws.fleet import Fleet
from zonecut.aws.route53 import RecordChange
from zonecut.config.document import Config
from zonecut.config.handoff_location import HandoffLocation
from zonecut.config.tree import DesiredTree, DesiredZone
from zonecut.errors import ZonecutError
from zonecut.names import normalize
from zonecut.plan.certificates import CertificatePlan
from zonecut.plan.changes import Plan
from zonecut.plan.records import RecordSetChange, RecordsPlan, ZoneRecordPlan, plan_zone_records
from zonecut.state import HostedZone, RRSet


@dataclass(frozen=True)
class ApiChange(RecordChange):
    """A change sent to Route 53 exactly as planned (aliases included)."""

    api: str = ""

    def to_api(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.api)
        return loaded

    @classmethod
    def of(cls, change: RecordSetChange) -> ApiChange:
        # ``rrset`` is what Route53Account compares with the live zone when a lost answer
        # leaves it unsure whether the batch was made
        alias = change.rrset.get("AliasTarget")
        rrset = RRSet(name=change.name, type=change.type, ttl=int(change.rrset.get("TTL", 0)),
                      values=change.values,
                      alias_target=normalize(str(alias["DNSName"])) if alias else None)
        return cls(change.action, rrset, json.dumps(change.api(), sort_keys=True))


def known_zone_ids(plan: Plan, created: Mapping[str, HostedZone] | None = None
                   ) -> dict[str, str]:
    """Zone name -> hosted zone id, from the plan and the zones apply has created."""
    found = {z.name: z.zone_id for z in plan.zones if z.zone_id}
    found.update({name: zone.zone_id for name, zone in (created or {}).items()})
    return found


def managed_zones(zones: Sequence[DesiredZone]) -> list[DesiredZone]:
    """Zones whose records zonecut plans: declared records or full management."""
    return [z for z in zones if z.records or z.records_managed == "full"]


def read_records(zones: Sequence[DesiredZone], ids: Mapping[str, str], fleet: Fleet, *,
                 max_workers: int = 8) -> dict[str, tuple[RRSet, ...]]:
    """Every rrset of each existing zone in ``zones``, accounts in parallel."""
    by_account: dict[str, list[DesiredZone]] = defaultdict(list)
    for zone in zones:
        if zone.name in ids:
            by_account[zone.account_id].append(zone)

    def job(account_id: str) -> dict[str, tuple[RRSet, ...]]:
        r53 = fleet.route53(account_id)
        return {z.name: r53.list_rrsets(ids[z.name]) for z in by_account[account_id]}

    found: dict[str, tuple[RRSet, ...]] = {}
    for part in per_account({a: partial(job, a) for a in by_account}, max_workers).values():
        found.update(part)
    return found


def plan_records(zones: Sequence[DesiredZone], ids: Mapping[str, str],
                 live: Mapping[str, Sequence[RRSet]],
                 keep: Mapping[str, Collection[str]] | None = None) -> RecordsPlan:
    return RecordsPlan(tuple(
        plan_zone_records(z, ids.get(z.name), live.get(z.name, ()),
                          keep=(keep or {}).get(z.name, ()))
        for z in managed_zones(zones)))


@dataclass
class RecordsResult:
    written: list[str] = field(default_factory=list)  # "name TYPE" per change sent
    calls: dict[str, int] = field(default_factory=dict)  # zone -> ChangeResourceRecordSets


class RecordWriter:
    """Writes planned record changes, one zone's changes in as few calls as allowed."""

    def __init__(self, fleet: Fleet, *, sync_timeout: float = 300.0, max_workers: int = 8,
                 on_event: Callable[[ApplyEvent], None] | None = None) -> None:
        self.fleet = fleet
        self.sync_timeout = sync_timeout
        self.max_workers = max_workers
        self.on_event = on_event or (lambda event: None)

    def apply(self, plan: RecordsPlan, ids: Mapping[str, str]) -> RecordsResult:
        if plan.problems:
            raise ZonecutError("the records cannot be applied:\n  - "
                               + "\n  - ".join(plan.problems))
        result = RecordsResult()
        by_account: dict[str, list[ZoneRecordPlan]] = defaultdict(list)
        for zone in plan.zones:
            if zone.changes:
                by_account[zone.account_id].append(zone)
        per_account({a: partial(self._write, a, zones, ids, result)
                     for a, zones in by_account.items()}, self.max_workers)
        return result

    def _write(self, account_id: str, zones: Sequence[ZoneRecordPlan], ids: Mapping[str, str],
               result: RecordsResult) -> None:
        r53 = self.fleet.route53(account_id)
        waits: list[str] = []
        for zone in zones:
            zone_id = ids.get(zone.zone) or zone.zone_id
            if zone_id is None:
                raise ZonecutError(f"{zone.zone}: the zone does not exist in account "
                                   f"{account_id}; its records were not written")
            groups = zone.batches()
            for number, batch in enumerate(groups, start=1):
                try:
                    waits.append(r53.change_rrsets(
                        zone_id, zone.zone, [ApiChange.of(c) for c in batch],
                        f"zonecut: {len(batch)} record change(s) ({number}/{len(groups)})"))
                except AwsError as exc:
                    if exc.code in ("InvalidChangeBatch", "InvalidInput"):
                        raise AwsError(
                            f"Route 53 refused the record changes in {zone.zone}: {exc}. The "
                            "zone changed since it was planned; run `zonecut plan` again.",
                            account_id=account_id, operation="ChangeResourceRecordSets",
                            code=exc.code) from exc
                    raise
                for change in batch:
                    result.written.append(f"{change.name} {change.type}")
                    self.on_event(ApplyEvent("record-sent", account_id, zone.zone,
                                             change.describe()))
            result.calls[zone.zone] = len(groups)
        if waits:
            r53.wait_insync(waits, timeout=self.sync_timeout,
                            what=f"record changes in account {account_id}")


# -- what a child does with its zone: records, certificates, the SSM handoff ---------------


@dataclass(frozen=True)
class ChildPlan:
    """Everything beyond zones and delegations: records, certificates, the SSM handoff."""

    records: RecordsPlan = field(default_factory=RecordsPlan)
    certificates: tuple[CertificatePlan, ...] = ()
    ssm: SsmPlan = field(default_factory=SsmPlan)

    @property
    def problems(self) -> tuple[str, ...]:
        return self.records.problems + self.ssm.problems

    @property
    def has_changes(self) -> bool:
        return (bool(self.records.changes) or self.ssm.has_changes
                or any(c.action != "issued" for c in self.certificates))

    def counts(self) -> dict[str, int]:
        changes = self.records.changes
        return {
            "records_to_create": sum(1 for c in changes if c.action == "CREATE"),
            "records_to_update": sum(1 for c in changes if c.action == "UPSERT"),
            "records_to_delete": sum(1 for c in changes if c.action == "DELETE"),
            "certificates_to_request": sum(1 for c in self.certificates
                                           if c.action == "request"),
            "certificates_pending": sum(1 for c in self.certificates if c.action == "wait"),
            "delegations_from_ssm": sum(1 for link in self.ssm.links if not link.problem
                                        and link.action(self.ssm.servers.get(link.zone, ()))),
            "parameters_to_write": sum(1 for p in self.ssm.publications if p.changes),
        }

    def data(self) -> dict[str, Any]:
        return {
            "has_changes": self.has_changes,
            "summary": self.counts(),
            "records": [z.data() for z in self.records.zones],
            "certificates": [c.data() for c in self.certificates],
            "delegations_from_ssm": [link.data(self.ssm.servers.get(link.zone, ()))
                                     for link in self.ssm.links],
            "parameters": [p.data() for p in self.ssm.publications if p.changes],
            "problems": list(self.problems),
        }

    def lines(self) -> list[str]:
        """One line per planned change, for people (the CLI prints them)."""
        found: list[str] = []
        for link in self.ssm.links:
            action = link.action(self.ssm.servers.get(link.zone, ()))
            if link.problem is None and action and link.parent is not None:
                read = (f" in account {link.read_in}"
                        if link.read_in and link.read_in != link.account_id else "")
                found.append(f"{link.zone}: {action.lower()} NS in {link.parent.name} "
                             f"(account {link.account_id}; parent read from {link.parameter}"
                             f"{read})")
        for zone in self.records.zones:
            for change in zone.changes:
                found.append(f"{zone.zone} ({zone.account_key}): {change.describe()}")
        for cert in self.certificates:
            if cert.action != "issued":
                found.append(f"{cert.zone} ({cert.account_key}): {cert.describe()}")
        for publication in self.ssm.publications:
            if publication.changes:
                found.append(f"{publication.zone}: write parameter {publication.name} "
                             f"(account {publication.account_id}, {publication.region})")
        return found


@dataclass
class ChildResult:
    records: RecordsResult = field(default_factory=RecordsResult)
    certificates: CertificatesResult = field(default_factory=CertificatesResult)
    ssm: SsmResult = field(default_factory=SsmResult)

    def data(self) -> dict[str, Any]:
        return {
            "records_written": self.records.written,
            "record_calls": self.records.calls,
            "certificates_requested": self.certificates.requested,
            "certificates_issued": self.certificates.issued,
            "certificates_pending": self.certificates.pending,
            "validation_records_written": self.certificates.validation_written,
            "warnings": self.certificates.warnings,
            "delegated_from_ssm": self.ssm.delegated,
            "parameters_written": self.ssm.published,
        }

    def summary(self) -> str:
        parts = [f"{len(self.records.written)} record change(s)"]
        if self.certificates.requested or self.certificates.issued \
                or self.certificates.pending:
            parts.append(f"{len(self.certificates.requested)} certificate(s) requested, "
                         f"{len(self.certificates.issued)} issued, "
                         f"{len(self.certificates.pending)} pending")
        parts += [f"warning: {w}" for w in self.certificates.warnings]
        if self.ssm.delegated:
            parts.append(f"{len(self.ssm.delegated)} delegation(s) from SSM")
        if self.ssm.published:
            parts.append(f"{len(self.ssm.published)} parameter(s) written")
        return ", ".join(parts)


class ChildResources:
    """Plans and applies what zones hold besides their delegation, after the core apply."""

    def __init__(self, fleet: Fleet, tree: DesiredTree, config: Config, *,
                 max_workers: int = 8,
                 on_event: Callable[[ApplyEvent], None] | None = None) -> None:
        self.fleet = fleet
        self.tree = tree
        self.config = config
        self.max_workers = max_workers
        self.on_event = on_event or (lambda event: None)
        sync = float(config.defaults.sync_timeout)
        self.certificates = CertificateManager(
            fleet, tree, timeout=float(config.defaults.certificate_timeout),
            sync_timeout=sync, max_workers=max_workers, on_event=self._event)
        self.handoff = SsmHandoff(fleet, tree, config.defaults.ssm, sync_timeout=sync,
                                  location=HandoffLocation.of(config),
                                  access=config.defaults.access)

    def _event(self, event: ApplyEvent) -> None:
        self.on_event(event)

    @property
    def declared(self) -> bool:
        """Anything to plan at all (else no call is made)."""
        return bool(managed_zones(self.tree.zones) or self.certificates.zones()
                    or self.config.defaults.ssm.publish
                    or any(z.ssm_parent for z in self.tree.zones))

    def plan(self, plan: Plan) -> ChildPlan:
        if not self.declared:
            return ChildPlan()
        ids = known_zone_ids(plan)
        zones = managed_zones(self.tree.zones)
        certificates = tuple(self.certificates.plan())
        keep: dict[str, set[str]] = defaultdict(set)
        for cert in certificates:
            for record in cert.existing.validation if cert.existing else ():
                keep[cert.zone].add(record.name)
        records = plan_records(zones, ids, read_records(zones, ids, self.fleet,
                                                        max_workers=self.max_workers), keep)
        ssm = self.handoff.plan(live_zones(plan))
        return ChildPlan(records, certificates, ssm)

    def apply(self, child: ChildPlan, plan: Plan,
              created: Mapping[str, HostedZone] | None = None, *, wait: bool = True,
              dns: DnsView | None = None) -> ChildResult:
        """After the core apply: SSM-parent delegations, records, parameters, then the
        certificates (which wait for ISSUED unless ``wait`` is false)."""
        if child.problems:
            raise ZonecutError("the plan cannot be applied:\n  - "
                               + "\n  - ".join(child.problems))
        result = ChildResult()
        live = live_zones(plan, created)
        ids = {name: zone.zone_id for name, zone in live.items()}
        self.handoff.delegate(child.ssm, live, result.ssm)
        writer = RecordWriter(self.fleet, sync_timeout=float(self.config.defaults.sync_timeout),
                              max_workers=self.max_workers, on_event=self._event)
        result.records = writer.apply(child.records, ids)
        self.handoff.publish(live, result.ssm)
        if child.certificates:
            result.certificates = self.certificates.apply(child.certificates, ids, wait=wait,
                                                          dns=dns)
        return result

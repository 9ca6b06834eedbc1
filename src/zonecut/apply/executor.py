"""Execute a plan in the safe order, across accounts, batched and rate limited.

1. Create every missing child zone in its own account and wait until INSYNC.
2. Per parent zone, write all NS changes in as few ``ChangeResourceRecordSets``
   calls as Route 53's limits allow (CREATE where absent, UPSERT where changed),
   with values taken from the live delegation sets, and wait until INSYNC.

A parent NS record is only ever written after the child zone it points at exists.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from zonecut.apply.dnssec import DnssecEvent, DnssecResult, DnssecSteps
from zonecut.apply.packing import ns_batches, pack
from zonecut.apply.parallel import each, per_account
from zonecut.aws.errors import AwsError
from zonecut.aws.fleet import Fleet
from zonecut.aws.route53 import RecordChange, Route53Account
from zonecut.aws.zone_references import ZoneReferences
from zonecut.delegation_rules import ns_record
from zonecut.errors import PlanBlocked, ZonecutError
from zonecut.plan.changes import ApexRepair, NsAction, NsChange, Plan, ZoneAction, ZoneChange
from zonecut.plan.ownership import with_managed_tag
from zonecut.state import HostedZone, RRSet


@dataclass(frozen=True)
class ApplyEvent:
    """Progress, for the CLI to show. ``kind`` is one of: zone-created, zone-adopted,
    zone-insync, ns-batch-sent, ns-insync."""

    kind: str
    account_id: str
    zone: str
    detail: str = ""
    steps: int = 1


@dataclass
class ApplyResult:
    created: dict[str, HostedZone] = field(default_factory=dict)
    adopted_on_retry: list[str] = field(default_factory=list)
    ns_written: list[str] = field(default_factory=list)
    batches: dict[str, int] = field(default_factory=dict)  # parent zone -> calls
    seconds: float = 0.0
    dnssec: DnssecResult | None = None


def _updates(plan: Plan) -> list[ZoneChange]:
    """Existing zones whose tags or comment change."""
    return [z for z in plan.zones if z.action is ZoneAction.ADOPT and z.changes_anything]


def zone_depths(zones: Sequence[ZoneChange]) -> dict[str, int]:
    """0 for roots, parent's depth + 1 below them."""
    parents = {z.name: z.parent for z in zones}
    depths: dict[str, int] = {}

    def depth(name: str) -> int:
        if name not in depths:
            parent = parents.get(name)
            depths[name] = 0 if parent is None or parent not in parents else depth(parent) + 1
        return depths[name]

    for zone in zones:
        depth(zone.name)
    return depths


class Executor:
    def __init__(
        self,
        fleet: Fleet,
        *,
        sync_timeout: float = 300.0,
        max_workers: int = 8,
        on_event: Callable[[ApplyEvent], None] | None = None,
        ttl_scale: float = 1.0,
        partition: str = "aws",
    ) -> None:
        self.fleet = fleet
        self.ttl_scale = ttl_scale
        self.partition = partition
        self.sync_timeout = sync_timeout
        self.max_workers = max_workers
        self.on_event = on_event or (lambda event: None)
        self._children: dict[str, list[str]] = {}
        self._tagged: set[str] = set()  # zones this run made and tagged
        self._tagged_lock = threading.Lock()

    def total_steps(self, plan: Plan) -> int:
        return (2 * len(plan.zones_to_create) + 2 * len(plan.ns_changes)
                + len(plan.apex_repairs) + len(_updates(plan))
                + (plan.dnssec.step_count() if plan.dnssec is not None else 0))

    def apply(self, plan: Plan) -> ApplyResult:
        if plan.problems:
            raise PlanBlocked(list(plan.problems))
        started = time.monotonic()
        result = ApplyResult()
        live: dict[str, HostedZone] = {}
        for zone in plan.zones:
            if zone.zone_id is not None:
                live[zone.name] = HostedZone(zone_id=zone.zone_id, name=zone.name,
                                             account_id=zone.account_id,
                                             name_servers=zone.name_servers)
        # Wave 1: every zone to create, accounts in parallel, parents submitted (and
        # checked for duplicates) before their children (as Route 53 then never hands a
        # child its parent's servers); then, per account, the tags and every creation
        # confirmed INSYNC.
        depth = zone_depths(plan.zones)
        pending: dict[str, list[tuple[ZoneChange, HostedZone, str | None]]] = defaultdict(list)
        for level in sorted({depth[z.name] for z in plan.zones_to_create}):
            creates: dict[str, list[ZoneChange]] = defaultdict(list)
            for zone in plan.zones_to_create:
                if depth[zone.name] == level:
                    creates[zone.account_id].append(zone)
            submitted = per_account(
                {acc: partial(self._submit_creates, acc, zones, result)
                 for acc, zones in creates.items()},
                self.max_workers,
            )
            for acc, items in submitted.items():
                pending[acc].extend(items)
        per_account({acc: partial(self._await_creates, acc, items, result)
                     for acc, items in pending.items()}, self.max_workers)
        for items in pending.values():
            for _, hosted, _ in items:
                live[hosted.name] = hosted
                result.created[hosted.name] = hosted
        # Wave 1a: tags and comments of existing zones.
        updates: dict[str, list[ZoneChange]] = defaultdict(list)
        for zone in _updates(plan):
            updates[zone.account_id].append(zone)
        per_account({acc: partial(self._update_zones, acc, items)
                     for acc, items in updates.items()}, self.max_workers)
        # Wave 1b: apex NS rrsets edited by hand go back to the delegation set.
        repairs: dict[str, list[ApexRepair]] = defaultdict(list)
        for repair in plan.apex_repairs:
            repairs[repair.account_id].append(repair)
        per_account({acc: partial(self._repair_apex, acc, items)
                     for acc, items in repairs.items()}, self.max_workers)
        # Wave 2: NS rrsets in parents, grouped by parent account then parent zone.
        self._children = {}
        for zone in plan.zones:
            if zone.parent is not None:
                self._children.setdefault(zone.parent, []).append(zone.name)
        by_parent_account: dict[str, list[NsChange]] = defaultdict(list)
        for change in plan.ns_changes:
            by_parent_account[change.parent_account_id].append(change)
        per_account(
            {acc: partial(self._write_ns, acc, changes, live, result)
             for acc, changes in by_parent_account.items()},
            self.max_workers,
        )
        # Wave 3: DNSSEC, once every zone and delegation is in place (zonecut.apply.dnssec)
        if plan.dnssec is not None and plan.dnssec.has_changes:
            ids = {name: zone.zone_id for name, zone in live.items()}
            result.dnssec = self.dnssec_steps().run(plan.dnssec, ids)
        result.seconds = time.monotonic() - started
        return result

    def dnssec_steps(self) -> DnssecSteps:
        def forward(event: DnssecEvent) -> None:
            self.on_event(ApplyEvent(f"dnssec-{event.kind}", event.account_id, event.zone,
                                     event.detail))

        return DnssecSteps(self.fleet, sync_timeout=self.sync_timeout,
                           max_workers=self.max_workers, ttl_scale=self.ttl_scale,
                           partition=self.partition, on_event=forward)

    # -- wave 1 -------------------------------------------------------------------------
    def _submit_creates(self, account_id: str, zones: Sequence[ZoneChange],
                        result: ApplyResult) -> list[tuple[ZoneChange, HostedZone, str | None]]:
        """Create the account's zones of one level, the calls overlapping: every
        ``CreateHostedZone`` (its answer holds the delegation set) with the tags of the
        zone it made right behind it (while CreateHostedZone's bucket, 2 a second, paces
        the creates), then one read of the zones of those names (duplicates from
        another apply, see ``Route53Account.settle_zones``). A zone adopted instead is
        tagged in :meth:`_await_creates`."""
        r53 = self.fleet.route53(account_id)
        refs = {zone.name: ZoneReferences(account_id, zone.name) for zone in zones}

        def submit(zone: ZoneChange) -> tuple[HostedZone, str | None]:
            assert zone.action is ZoneAction.CREATE
            made = r53.submit_zone(zone.name, refs[zone.name],
                                   zone.comment or "managed by zonecut")
            if made[1] is not None:  # made by this call: tagged in the creates' pace
                r53.set_tags(made[0].zone_id, zone.name, with_managed_tag(zone.tags))
                with self._tagged_lock:
                    self._tagged.add(made[0].zone_id)
            return made

        submitted = each(zones, submit)
        made = r53.settle_zones([(zone.name, refs[zone.name], hosted, change_id)
                                 for zone, (hosted, change_id) in zip(zones, submitted,
                                                                      strict=True)])
        result.adopted_on_retry.extend(
            zone.name for zone, (_, change_id) in zip(zones, made, strict=True)
            if change_id is None)
        return [(zone, hosted if hosted.name_servers else r53.get_zone(hosted.zone_id),
                 change_id) for zone, (hosted, change_id) in zip(zones, made, strict=True)]

    def _await_creates(self, account_id: str,
                       items: Sequence[tuple[ZoneChange, HostedZone, str | None]],
                       result: ApplyResult) -> None:
        """Tag the account's adopted zones (the calls overlapping), then wait for every
        creation to be INSYNC."""
        r53 = self.fleet.route53(account_id)

        def tag(item: tuple[ZoneChange, HostedZone, str | None]) -> None:
            zone, hosted, change_id = item
            with self._tagged_lock:
                done = hosted.zone_id in self._tagged
            if not done:  # adopted (another apply's zone, or an earlier attempt's)
                r53.set_tags(hosted.zone_id, zone.name, with_managed_tag(zone.tags))
            kind = "zone-adopted" if change_id is None else "zone-created"
            self.on_event(ApplyEvent(kind, account_id, zone.name, hosted.zone_id))

        each(items, tag)
        waits = [change_id for _, _, change_id in items if change_id is not None]
        if waits:
            r53.wait_insync(
                waits, timeout=self.sync_timeout,
                what=f"{len(waits)} new zone(s) in account {account_id}")
        for _, hosted, _ in items:
            self.on_event(ApplyEvent("zone-insync", account_id, hosted.name, hosted.zone_id))

    def _send_ns_batch(self, r53: Route53Account, account_id: str, parent: HostedZone,
                       batch: Sequence[RecordChange], label: str) -> list[str]:
        """Send one batch; returns the change ids to wait for. If Route 53 refuses it
        because the parent changed since the plan (another apply wrote some of these
        records), re-read the parent, drop what is already right, CREATE what is missing,
        UPSERT what differs, and send once more, packed again: a CREATE that became an
        UPSERT counts twice, so the changes may now need more than one call."""
        try:
            return [r53.change_rrsets(parent.zone_id, parent.name, batch, label)]
        except AwsError as exc:
            if exc.code != "InvalidChangeBatch":
                raise
            first = exc
        live = {rr.name: rr for rr in r53.list_rrsets(parent.zone_id) if rr.type == "NS"}
        redo: list[RecordChange] = []
        for change in batch:
            current = live.get(change.rrset.name)
            if current is None:
                redo.append(RecordChange("CREATE", change.rrset))
            elif current.value_set != change.rrset.value_set or current.ttl != change.rrset.ttl:
                redo.append(RecordChange("UPSERT", change.rrset))
        if not redo:
            return []
        try:
            return [r53.change_rrsets(parent.zone_id, parent.name, part, label)
                    for part in pack(redo)]
        except AwsError as exc:
            if exc.code == "InvalidChangeBatch":
                raise AwsError(
                    f"Route 53 refused the NS changes for "
                    f"{', '.join(r.rrset.name for r in redo)} in {parent.name}: {exc} "
                    f"(first attempt: {first}). Run `zonecut plan` to see the zone as it is.",
                    account_id=account_id, operation="ChangeResourceRecordSets",
                    code=exc.code) from exc
            raise

    def _update_zones(self, account_id: str, items: Sequence[ZoneChange]) -> None:
        r53 = self.fleet.route53(account_id)

        def update(zone: ZoneChange) -> None:
            assert zone.zone_id is not None
            if zone.tag_changes:
                r53.set_tags(zone.zone_id, zone.name, [(k, v) for k, v, _ in zone.tag_changes])
            if zone.comment_change is not None:
                r53.update_comment(zone.zone_id, zone.name, zone.comment_change[0])
            self.on_event(ApplyEvent("zone-updated", account_id, zone.name, zone.zone_id))

        each(items, update)

    def _repair_apex(self, account_id: str, items: Sequence[ApexRepair]) -> None:
        r53 = self.fleet.route53(account_id)

        def repair(item: ApexRepair) -> str:
            change = RecordChange("UPSERT", RRSet(name=item.name, type="NS", ttl=item.ttl,
                                                  values=item.new_values))
            sent = r53.change_rrsets(item.zone_id, item.name, [change],
                                     "zonecut: apex NS back to the delegation set")
            self.on_event(ApplyEvent("apex-repaired", account_id, item.name, item.zone_id))
            return sent

        waits = each(items, repair)
        r53.wait_insync(waits, timeout=self.sync_timeout,
                        what=f"apex NS repairs in account {account_id}")

    # -- wave 2 -------------------------------------------------------------------------
    def _write_ns(self, account_id: str, changes: Sequence[NsChange],
                  live: dict[str, HostedZone], result: ApplyResult) -> None:
        r53 = self.fleet.route53(account_id)
        by_parent: dict[str, list[NsChange]] = defaultdict(list)
        for change in changes:
            by_parent[change.parent].append(change)
        waits: list[str] = []
        for parent, group in sorted(by_parent.items()):
            parent_zone = live.get(parent)
            if parent_zone is None:
                raise ZonecutError(f"{parent}: the parent zone is missing after wave 1")
            records: list[RecordChange] = []
            for change in sorted(group, key=lambda c: c.child):
                child = live.get(change.child)
                if child is None:
                    raise ZonecutError(
                        f"{change.child}: no delegation set known for the child zone; "
                        "nothing was written into its parent")
                action = "CREATE" if change.action is NsAction.CREATE else "UPSERT"
                # the child's own delegation set, as created or read in this run
                records.append(RecordChange(action, ns_record(change.child, change.ttl,
                                                              child)))
            groups = ns_batches(records, self._children.get(parent, ()))
            for number, batch in enumerate(groups, start=1):
                label = f"zonecut: delegate {len(batch)} zone(s) ({number}/{len(groups)})"
                waits.extend(self._send_ns_batch(r53, account_id, parent_zone, batch, label))
                for record in batch:
                    result.ns_written.append(record.rrset.name)
                    self.on_event(ApplyEvent("ns-batch-sent", account_id, record.rrset.name,
                                             parent))
            result.batches[parent] = len(groups)
        if waits:
            r53.wait_insync(waits, timeout=self.sync_timeout,
                            what=f"NS changes in account {account_id}")
        for change in changes:
            self.on_event(ApplyEvent("ns-insync", account_id, change.child, change.parent))

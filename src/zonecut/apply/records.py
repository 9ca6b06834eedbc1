"""A zone's own records: read them, plan them, write them (batched, after the zone exists)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from zonecut.apply.executor import ApplyEvent
from zonecut.apply.parallel import per_account
from zonecut.aws.errors import AwsError
from zonecut.aws.fleet import Fleet
from zonecut.aws.route53 import RecordChange
from zonecut.config.tree import DesiredZone
from zonecut.errors import ZonecutError
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
        rrset = RRSet(name=change.name, type=change.type, ttl=int(change.rrset.get("TTL", 0)),
                      values=change.values)
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

"""Execute deletions: parent NS first, with every NS rrset of the same name in another
ancestor zone (exact live values), INSYNC, records, then the zone.

Every delegation of every zone that goes is removed first (all depths in one wave: a
zone is deleted only once each NS rrset that pointed at it, and at any zone below it,
is gone and INSYNC), then the zones are deleted, deepest first. Interrupted at any
call, a new plan from the live state picks up where this stopped, and at no moment does
a parent NS rrset point at a zone that does not exist.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from zonecut.apply.executor import ApplyEvent
from zonecut.apply.packing import pack
from zonecut.apply.parallel import each, per_account
from zonecut.aws.fleet import Fleet
from zonecut.aws.route53 import RecordChange
from zonecut.plan.changes import ZoneDeletion
from zonecut.state import RRSet

Cut = tuple[str, str, RRSet]
"""(zone id, zone name, the NS rrset to delete there)"""


@dataclass
class TeardownResult:
    delegations_removed: list[str] = field(default_factory=list)
    records_deleted: int = 0
    zones_deleted: list[str] = field(default_factory=list)


class Teardown:
    def __init__(self, fleet: Fleet, *, sync_timeout: float = 300.0, max_workers: int = 8,
                 on_event: Callable[[ApplyEvent], None] | None = None) -> None:
        self.fleet = fleet
        self.sync_timeout = sync_timeout
        self.max_workers = max_workers
        self.on_event = on_event or (lambda event: None)
        self._lock = threading.Lock()

    def run(self, deletions: Sequence[ZoneDeletion]) -> TeardownResult:
        result = TeardownResult()
        # 1. cut the delegations (the parent's, and stale ones in other ancestors) of
        #    every zone that goes, grouped by account and zone, and wait for INSYNC: one
        #    wait for all depths, as no zone is deleted before every cut is in sync
        cuts: dict[str, list[Cut]] = defaultdict(list)
        for deletion in deletions:
            if deletion.parent_ns is not None and deletion.parent_account_id:
                assert deletion.parent_zone_id is not None and deletion.parent is not None
                cuts[deletion.parent_account_id].append(
                    (deletion.parent_zone_id, deletion.parent, deletion.parent_ns))
            for stale in deletion.stale:
                cuts[stale.account_id].append((stale.zone_id, stale.zone, stale.rrset))
        per_account({acc: partial(self._cut, acc, items, result)
                     for acc, items in cuts.items()}, self.max_workers)
        # 2. empty and delete the zones, deepest first, accounts in parallel
        for depth in sorted({d.depth for d in deletions}, reverse=True):
            owned: dict[str, list[ZoneDeletion]] = defaultdict(list)
            for deletion in deletions:
                if deletion.depth == depth and deletion.zone_id is not None \
                        and deletion.account_id:
                    owned[deletion.account_id].append(deletion)
            per_account({acc: partial(self._delete_zones, acc, items, result)
                         for acc, items in owned.items()}, self.max_workers)
        return result

    def _cut(self, account_id: str, items: Sequence[Cut], result: TeardownResult) -> None:
        r53 = self.fleet.route53(account_id)
        by_parent: dict[tuple[str, str], list[RRSet]] = defaultdict(list)
        for zone_id, zone_name, rrset in items:
            by_parent[(zone_id, zone_name)].append(rrset)
        waits: list[str] = []
        for (zone_id, parent), group in sorted(by_parent.items()):
            changes = [RecordChange("DELETE", rrset) for rrset in sorted(group)]
            for batch in pack(changes):
                waits.append(r53.change_rrsets(
                    zone_id, parent, batch,
                    f"zonecut: remove delegation of {len(batch)} zone(s) before deleting them"))
                for change in batch:
                    result.delegations_removed.append(change.rrset.name)
                    self.on_event(ApplyEvent("ns-deleted", account_id, change.rrset.name, parent))
        if waits:
            r53.wait_insync(waits, timeout=self.sync_timeout,
                            what=f"removing delegations in account {account_id}")

    def _delete_zones(self, account_id: str, items: Sequence[ZoneDeletion],
                      result: TeardownResult) -> None:
        r53 = self.fleet.route53(account_id)

        def delete(item: ZoneDeletion) -> None:
            assert item.zone_id is not None
            if item.records:
                changes = [RecordChange("DELETE", rr) for rr in item.records]
                waits = [r53.change_rrsets(item.zone_id, item.name, batch,
                                           "zonecut: empty the zone before deleting it")
                         for batch in pack(changes)]
                r53.wait_insync(waits, timeout=self.sync_timeout,
                                what=f"emptying zone {item.name}")
                with self._lock:
                    result.records_deleted += len(changes)
            r53.delete_zone(item.zone_id, item.name)
            with self._lock:
                result.zones_deleted.append(item.name)
            self.on_event(ApplyEvent("zone-deleted", account_id, item.name, item.zone_id))

        each(items, delete)

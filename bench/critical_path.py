"""The realistic bound: per account, the critical path of the calls it must make under
Route 53's token buckets (zonecut/quotas.py), with every call taking the sandbox's latency
plus the emulator's own time per call (measured in the same run), and each sync wait
taking the sandbox's PENDING time; accounts run in parallel, waves one after another.
An account's calls may overlap (each goes as soon as its buckets allow and is done one
call's cost later): the buckets, not the round trips, set the pace.
The whole run is also bounded by the emulator's throughput (all calls over the bare
requests per second it served in the run): the bound is the larger of the two. Within a
wave, the one emulator serves every account: a wave's sync wait cannot start before it
has served the writes the wave waits for (every create, every NS batch) at its bare
throughput, so each wave also takes at least those writes over the throughput, then
PENDING and one GetChange (:func:`_served`).

Calls counted as needed (a lower bound, so zonecut/bound >= 1 is expected):
- apply, wave 1, per account: CreateHostedZone and ChangeTagsForResource (the
  ``zonecut:managed`` tag) per zone, then one GetChange per change, the last after
  the last change synced (PENDING after its create); wave 2, per parent account: one
  ChangeResourceRecordSets per 1,000 NS records per parent zone, then PENDING and one
  GetChange per batch.
- plan with no change (and verify's reads): bench/bound.py's ``plan_calls`` per account.
- plan on an empty organisation: one ListHostedZonesByName per declared zone's
  account (every lookup finds nothing).
- destroy: the parents' NS deletes (one batch per parent zone), PENDING, one GetChange;
  then one DeleteHostedZone per zone in its account.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bench.bound import NS_PER_DELEGATION, plan_calls
from bench.org import PARENT_ACCOUNT, BenchZone
from zonecut.quotas import ROUTE53_ACCOUNT, Bucket, operation_bucket


@dataclass(frozen=True)
class Costs:
    latency: float  # the sandbox's mean latency per request
    per_call: float  # the emulator's own seconds per sequential request
    pending: float  # PENDING time of a change
    throughput: float  # bare requests per second the emulator served, many at once

    @property
    def call(self) -> float:
        return self.latency + self.per_call


class _Gcra:
    def __init__(self, bucket: Bucket) -> None:
        self.interval = 1.0 / bucket.rate
        self.tolerance = (bucket.burst - 1) * self.interval
        self.full_at = 0.0

    def earliest(self, t: float) -> float:
        return max(t, self.full_at - self.tolerance)

    def book(self, t: float) -> None:
        self.full_at = max(self.full_at, t) + self.interval


class Account:
    """One account's calls on a timeline, under its buckets. Calls may overlap (a
    client may send the next before the last is answered): a call is sent as soon as
    both its buckets allow and is done one call's cost later; ``now`` is when the
    account's last call is done."""

    def __init__(self, costs: Costs, start: float = 0.0) -> None:
        self.costs = costs
        self.sent = start
        self.now = start
        self._account = _Gcra(ROUTE53_ACCOUNT)
        self._ops: dict[str, _Gcra] = {}

    def call(self, operation: str, n: int = 1, *, after: float | None = None) -> float:
        """``n`` calls, none before ``after``; returns when the last was sent."""
        sent = max(self.sent, after if after is not None else self.sent)
        for _ in range(n):
            op = self._ops.setdefault(operation, _Gcra(operation_bucket(operation)))
            sent = max(self._account.earliest(sent), op.earliest(sent))
            self._account.book(sent)
            op.book(sent)
            self.now = max(self.now, sent + self.costs.call)
        self.sent = sent
        return sent

    def confirm(self, changes: int, last_sent: float) -> None:
        """One GetChange per change; the last after the last change synced."""
        if changes <= 0:
            return
        self.call("GetChange", changes - 1)
        self.call("GetChange", after=last_sent + self.costs.pending)


def _owners(zones: Sequence[BenchZone]) -> dict[str, str]:
    owner = {z.name: z.account for z in zones}
    owner["example.com"] = PARENT_ACCOUNT
    return owner


def _ns_batches(zones: Sequence[BenchZone]) -> Counter[str]:
    owner = _owners(zones)
    children: Counter[str] = Counter(z.parent for z in zones)
    batches: Counter[str] = Counter()
    for parent, n in children.items():
        batches[owner[parent]] += math.ceil(n * NS_PER_DELEGATION / 1000)
    return batches


def _served(writes: int, costs: Costs) -> float:
    """A wave that waits for ``writes`` changes: the emulator serves them all (at its bare
    throughput, across accounts), the last one then stays PENDING, one GetChange ends it."""
    if writes <= 0 or not costs.throughput:
        return 0.0
    return writes / costs.throughput + costs.pending + costs.call


def apply_seconds(zones: Sequence[BenchZone], costs: Costs) -> float:
    created: Counter[str] = Counter(z.account for z in zones)
    created[PARENT_ACCOUNT] += 1
    wave1 = 0.0
    for n in created.values():
        account = Account(costs)
        last = 0.0
        for _ in range(n):
            last = account.call("CreateHostedZone")
            account.call("ChangeTagsForResource")
        account.confirm(n, last)
        wave1 = max(wave1, account.now)
    wave1 = max(wave1, _served(sum(created.values()), costs))
    return wave1 + _cuts_or_delegations(zones, costs)


def _cuts_or_delegations(zones: Sequence[BenchZone], costs: Costs) -> float:
    """The wave that writes (or deletes) the NS rrsets in the parents and waits."""
    wave = 0.0
    ns_batches = _ns_batches(zones)
    for batches in ns_batches.values():
        account = Account(costs)
        last = account.call("ChangeResourceRecordSets", batches)
        account.confirm(batches, last)
        wave = max(wave, account.now)
    return max(wave, _served(sum(ns_batches.values()), costs))


def plan_seconds(zones: Sequence[BenchZone], costs: Costs) -> float:
    longest = 0.0
    for n in plan_calls(zones).values():
        account = Account(costs)
        account.call("read", n)
        longest = max(longest, account.now)
    return longest


def plan_empty_seconds(zones: Sequence[BenchZone], costs: Costs) -> float:
    per_account: Counter[str] = Counter(_owners(zones).values())
    longest = 0.0
    for _ in per_account:
        account = Account(costs)
        account.call("ListHostedZonesByName")
        longest = max(longest, account.now)
    return longest


def destroy_seconds(zones: Sequence[BenchZone], costs: Costs) -> float:
    cuts = _cuts_or_delegations(zones, costs)
    deletes = 0.0
    per_account: dict[str, int] = defaultdict(int)
    for zone in zones:
        per_account[zone.account] += 1
    for n in per_account.values():
        account = Account(costs)
        account.call("DeleteHostedZone", n)
        deletes = max(deletes, account.now)
    if costs.throughput:
        deletes = max(deletes, len(zones) / costs.throughput + costs.call)
    return cuts + deletes


def bounded(path: float, calls: int, costs: Costs) -> float:
    """The larger of the critical path and all calls at the emulator's throughput."""
    return max(path, calls / costs.throughput if costs.throughput else 0.0)

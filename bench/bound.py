"""Lower bounds: the fewest Route 53 calls a phase needs, per account, over the rate.

Accounts work in parallel, each within its own rate, so the slowest account bounds the
run: ``max over accounts of (calls needed / rate)``.

- apply from empty: each account creates its zones (one ``CreateHostedZone`` each) and
  confirms each change INSYNC (``GetChange`` takes one change id: one call per change,
  when Route 53 is already in sync); each parent zone receives its NS records in
  ``ceil(records / 1000)`` calls (4 records a delegation, CREATE counts once), each
  confirmed with one ``GetChange``.
- plan with no change: each account lists its zones (one page per 100), reads each
  zone's delegation set (``GetHostedZone``) and apex NS (needed to see an edited apex),
  and reads every parent zone's record sets (one page per 300).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

from bench.org import PARENT_ACCOUNT, BenchZone

NS_PER_DELEGATION = 4


def _owners(zones: Sequence[BenchZone]) -> dict[str, str]:
    owner = {z.name: z.account for z in zones}
    owner["example.com"] = PARENT_ACCOUNT
    return owner


def apply_calls(zones: Sequence[BenchZone]) -> dict[str, int]:
    owner = _owners(zones)
    calls: Counter[str] = Counter()
    created: Counter[str] = Counter(z.account for z in zones)
    created[PARENT_ACCOUNT] += 1  # example.com itself
    for account, n in created.items():
        calls[account] += 2 * n
    children: dict[str, int] = defaultdict(int)
    for zone in zones:
        children[zone.parent] += 1
    for parent, n in children.items():
        records = n * NS_PER_DELEGATION
        calls[owner[parent]] += 2 * math.ceil(records / 1000)
    return dict(calls)


def plan_calls(zones: Sequence[BenchZone]) -> dict[str, int]:
    owner = _owners(zones)
    per_account: Counter[str] = Counter(owner.values())
    calls: Counter[str] = Counter()
    for account, n in per_account.items():
        calls[account] += math.ceil(n / 100) + 2 * n
    children: dict[str, int] = defaultdict(int)
    for zone in zones:
        children[zone.parent] += 1
    for parent, n in children.items():
        rrsets = n + 2  # one NS rrset a child, plus the apex SOA and NS
        calls[owner[parent]] += math.ceil(rrsets / 300) - 1  # the apex read is one of them
    return dict(calls)


def seconds(calls: dict[str, int], rate: float) -> float:
    """The slowest account's calls at ``rate`` per second (the first call is free)."""
    return max(((n - 1) / rate for n in calls.values()), default=0.0)

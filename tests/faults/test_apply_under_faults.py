"""plan + apply converge in one run while 30% of Route 53 requests fail (every kind:
Throttling, PriorRequestNotComplete, 5xx, answers dropped after the change was made)."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest
from fault_support import (
    KINDS,
    ROOT_ACCOUNT,
    big_tree,
    dangling,
    duplicated_zones,
    five_zones,
    injected,
    retried,
    runtime,
    zone_names,
)

from sandbox_fixtures import session_for
from zonecut.config.document import Config
from zonecut.sandbox import Sandbox


def route53(sandbox: Sandbox, account_id: str) -> Any:
    return session_for(sandbox, account_id).client("route53")


def converge(sandbox: Sandbox, cfg: Config) -> tuple[Counter[str], float]:
    """One plan and one apply; then a fresh plan must be empty. Returns the retries."""
    started = time.monotonic()
    rt = runtime(sandbox, cfg)
    plan = rt.plan()
    assert plan.has_changes
    rt.apply(plan)  # one run: no second chance
    seconds = time.monotonic() - started
    again = runtime(sandbox, cfg)
    assert not again.plan().has_changes
    return retried(rt) + retried(again), seconds


def check_end_state(cfg: Config) -> None:
    assert zone_names() == sorted(z.name for z in cfg.zones)
    assert duplicated_zones() == {}
    assert dangling() == []


def test_five_zones_converge_with_30_percent_faults(faulty: Sandbox) -> None:
    kinds: Counter[str] = Counter()
    for seed in range(1, 13):
        if seed > 4 and all(kinds[kind] > 0 for kind in KINDS):
            break  # four seeds at least, more until every kind was met
        faulty.reset()
        faulty.set_faults(fault_rate=0.3, fault_seed=seed)
        cfg = five_zones()
        retries, _ = converge(faulty, cfg)
        check_end_state(cfg)
        assert sum(retries.values()) > 0
        kinds += injected(faulty)
    assert all(kinds[kind] > 0 for kind in KINDS), kinds


def test_two_hundred_zones_converge_with_30_percent_faults(faulty: Sandbox) -> None:
    cfg = big_tree()
    assert len(cfg.zones) == 201
    # The top zone exists already, as it does at a registrar. (Created last, it could
    # find no name server of the sandbox's 64 that none of its 200 descendants uses;
    # Route 53 has 2,048.)
    route53(faulty, ROOT_ACCOUNT).create_hosted_zone(Name="example.com",
                                                     CallerReference="registrar")
    faulty.set_faults(fault_rate=0.3, fault_seed=7)
    retries, seconds = converge(faulty, cfg)
    check_end_state(cfg)
    kinds = injected(faulty)
    assert all(kinds[kind] > 0 for kind in KINDS), kinds
    calls = sum(n for (_, op), n in faulty.calls().items() if op != "AssumeRole"
                and op != "GetCallerIdentity")
    print(f"\n201 zones: {calls} Route 53 requests, faults {dict(kinds)}, "
          f"client retries {dict(retries)}, plan+apply {seconds:.1f} s")


@pytest.mark.parametrize("pending", [0.5])
def test_apply_waits_for_pending_changes_under_faults(faulty: Sandbox, pending: float) -> None:
    faulty.set_faults(fault_rate=0.3, fault_seed=3, pending_seconds=pending)
    cfg = five_zones()
    rt = runtime(faulty, cfg)
    plan = rt.plan()
    faulty.reset_calls()
    started = time.monotonic()
    rt.apply(plan)
    assert time.monotonic() - started >= 2 * pending  # zones, then delegations
    changes = sum(n for (_, op), n in faulty.calls().items()
                  if op in ("CreateHostedZone", "ChangeResourceRecordSets"))
    polls = sum(n for (_, op), n in faulty.calls().items() if op == "GetChange")
    assert polls > changes  # a PENDING change is polled again
    assert not runtime(faulty, cfg).plan().has_changes
    check_end_state(cfg)

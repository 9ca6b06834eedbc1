"""The sandbox's per-account rate limit against zonecut's own (client-side) one."""

from __future__ import annotations

from fault_support import dangling, five_zones, retried, runtime

from zonecut.sandbox import Sandbox


def test_client_side_limit_at_the_sandbox_limit_meets_no_throttling(faulty: Sandbox) -> None:
    faulty.set_faults(rate_limit=5)
    cfg = five_zones(rate_limit=5)
    rt = runtime(faulty, cfg)
    rt.apply(rt.plan())
    again = runtime(faulty, cfg)
    assert not again.plan().has_changes
    assert faulty.faults() == {}  # not one request over the limit
    assert retried(rt) == {} and retried(again) == {}
    assert dangling() == []


def test_client_faster_than_the_sandbox_is_throttled_and_retries(faulty: Sandbox) -> None:
    faulty.set_faults(rate_limit=5, rate_burst=1)  # no burst: 200 ms between requests
    cfg = five_zones(rate_limit=100)
    rt = runtime(faulty, cfg)
    rt.apply(rt.plan())
    again = runtime(faulty, cfg)
    assert not again.plan().has_changes
    throttled = {account: n for (account, kind), n in faulty.faults().items()
                 if kind == "rate-limit"}
    assert sum(throttled.values()) > 0
    assert retried(rt)["Throttling"] + retried(again)["Throttling"] == sum(throttled.values())
    assert dangling() == []

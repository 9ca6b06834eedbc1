"""Zone creation never runs out of CallerReferences and still ends with exactly one zone.

Route 53 spends a CallerReference for good (the sandbox refuses a reused one also after
its zone was deleted: tests/sandbox/test_sandbox_model_rules.py). Everything here runs
through boto3 against the sandbox.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from core_support import ACCOUNTS, config, runtime

from zonecut.aws.zone_references import PER_WINDOW, WINDOW_SECONDS, ZoneReferences
from zonecut.sandbox import Sandbox
from zonecut.sandbox.zone_data import all_zones

pytestmark = pytest.mark.sandbox
NETWORK = ACCOUNTS["network"]


def test_references_are_short_ordered_and_recognised() -> None:
    now = [1_800_000_000.0]
    refs = ZoneReferences(NETWORK, "a" * 63 + ".example.com", clock=lambda: now[0])
    first = refs.sequence()
    now[0] += WINDOW_SECONDS
    later = refs.sequence()
    assert len(set(first + later)) == 2 * (PER_WINDOW + 1)
    assert all(len(r) <= 128 and refs.is_ours(r) for r in first + later)
    other = ZoneReferences(ACCOUNTS["dev"], "a" * 63 + ".example.com")
    assert not any(other.is_ours(r) for r in first)
    old = f"zonecut-{refs.name[:80]}-{refs.mark}-3"  # the earlier scheme
    assert refs.is_ours(old)
    ordered = [old, *first, *later]
    assert sorted(ordered, key=refs.order) == ordered


def test_one_name_deleted_and_created_in_new_windows_costs_one_call_each(
        fresh_sandbox: Sandbox) -> None:
    r53 = runtime(fresh_sandbox, config()).fleet.route53(NETWORK)
    now = [1_800_000_000.0]
    fresh_sandbox.reset_calls()
    for _ in range(25):
        refs = ZoneReferences(NETWORK, "preview.example.com", clock=lambda: now[0])
        zone, change = r53.create_zone("preview.example.com", refs, None)
        assert change is not None
        assert [z.name for z in all_zones()] == ["preview.example.com"]
        assert r53.delete_zone(zone.zone_id, zone.name) is not None
        now[0] += WINDOW_SECONDS
    assert fresh_sandbox.calls()[(NETWORK, "CreateHostedZone")] == 25


def test_one_name_deleted_and_created_18_times_in_one_window(fresh_sandbox: Sandbox) -> None:
    # past the window's 16 counted references, random ones: never runs out
    r53 = runtime(fresh_sandbox, config()).fleet.route53(NETWORK)
    refs = ZoneReferences(NETWORK, "preview.example.com", clock=lambda: 1_800_000_000.0)
    seen = set()
    for _ in range(PER_WINDOW + 2):
        zone, change = r53.create_zone("preview.example.com", refs, None)
        assert change is not None
        seen.add(zone.caller_reference)
        assert r53.delete_zone(zone.zone_id, zone.name) is not None
    assert len(seen) == PER_WINDOW + 2
    assert all_zones() == []


def test_apply_and_destroy_a_zone_five_times(fresh_sandbox: Sandbox) -> None:
    cfg = config()
    rt = runtime(fresh_sandbox, cfg)
    for _ in range(5):
        rt.apply(rt.plan())
        assert len(all_zones()) == 5
        down = runtime(fresh_sandbox, cfg, purpose="destroy")
        down.teardown().run(down.plan_destroy(["api.example.com"]).deletions)
        assert len(all_zones()) == 4
    # within one 10-minute window the k-th creation of a name meets k - 1 spent
    # references first (1 + 2 + 3 + 4 + 5), unless the test ran across a window boundary
    assert fresh_sandbox.calls()[(ACCOUNTS["api"], "CreateHostedZone")] <= 15


def _hold_listing(r53: Any, barrier: threading.Barrier) -> None:
    """Make the listing after CreateHostedZone wait until both creations are made."""
    def before(**kwargs: Any) -> None:
        barrier.wait(timeout=30)

    r53.client.meta.events.register_first("before-send.route53.ListHostedZonesByName", before)


def test_two_concurrent_creations_in_one_window_make_one_zone(fresh_sandbox: Sandbox) -> None:
    handles = [runtime(fresh_sandbox, config()).fleet.route53(NETWORK) for _ in range(2)]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(
            lambda h: h.create_zone("example.com", ZoneReferences(NETWORK, "example.com"),
                                    None), handles))
    zones = all_zones()
    assert [z.name for z in zones] == ["example.com"]
    assert {zone.zone_id for zone, _ in results} == {zones[0].zone_id}
    assert fresh_sandbox.calls().get((NETWORK, "DeleteHostedZone"), 0) == 0


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_concurrent_creations_across_windows_converge_to_one_zone(
        fresh_sandbox: Sandbox, order: tuple[int, int]) -> None:
    handles = [runtime(fresh_sandbox, config()).fleet.route53(NETWORK) for _ in range(2)]
    barrier = threading.Barrier(2)
    for handle in handles:
        _hold_listing(handle, barrier)  # both created before either lists
    start = 1_800_000_000.0

    def create(index: int) -> Any:
        refs = ZoneReferences(NETWORK, "example.com",
                              clock=lambda: start + order[index] * WINDOW_SECONDS)
        return handles[index].create_zone("example.com", refs, None, tags=[("team", "dns")])

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(create, range(2)))
    zones = all_zones()
    assert [z.name for z in zones] == ["example.com"]
    assert {zone.zone_id for zone, _ in results} == {zones[0].zone_id}
    assert sorted(change is None for _, change in results) == [False, True]
    assert fresh_sandbox.calls()[(NETWORK, "DeleteHostedZone")] == 1
    tags = handles[0].client.list_tags_for_resource(ResourceType="hostedzone",
                                                    ResourceId=zones[0].zone_id)
    assert tags["ResourceTagSet"]["Tags"] == [{"Key": "team", "Value": "dns"}]


def test_two_concurrent_applies_end_with_one_zone_each(fresh_sandbox: Sandbox) -> None:
    cfg = config()
    runs = [runtime(fresh_sandbox, cfg) for _ in range(2)]
    plans = [rt.plan() for rt in runs]  # both plan before either applies
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda pair: pair[0].apply(pair[1]), zip(runs, plans, strict=True)))
    names = sorted(z.name for z in all_zones())
    assert names == sorted(z.name for z in runtime(fresh_sandbox, cfg).tree.zones)
    again = runtime(fresh_sandbox, cfg).plan()
    assert not again.has_changes, again


def test_a_stale_plan_applied_again_keeps_the_first_zone(fresh_sandbox: Sandbox) -> None:
    cfg = config()
    rt = runtime(fresh_sandbox, cfg)
    stale = rt.plan()
    rt.apply(stale)
    before = {z.name: z.zone_id for z in all_zones()}
    runtime(fresh_sandbox, cfg).apply(stale)  # creates again, finds the first, deletes its own
    assert {z.name: z.zone_id for z in all_zones()} == before
    assert not runtime(fresh_sandbox, cfg).plan().has_changes

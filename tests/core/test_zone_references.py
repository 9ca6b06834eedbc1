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

from zonecut.aws.zone_references import ZoneReferences
from zonecut.sandbox import Sandbox
from zonecut.sandbox.zone_data import all_zones

pytestmark = pytest.mark.sandbox
NETWORK = ACCOUNTS["network"]


def test_references_are_unique_short_and_recognised() -> None:
    refs = ZoneReferences(NETWORK, "a" * 63 + ".example.com")
    made = {refs.new() for _ in range(1000)}
    assert len(made) == 1000
    assert all(len(r) <= 128 and refs.is_ours(r) for r in made)
    other = ZoneReferences(ACCOUNTS["dev"], "a" * 63 + ".example.com")
    assert not any(other.is_ours(r) for r in made)
    old = f"zonecut-{refs.name[:80]}-{refs.mark}-3"  # the earlier scheme
    assert refs.is_ours(old)
    assert refs.order(old) < min(refs.order(r) for r in made)


def test_one_name_deleted_and_created_25_times(fresh_sandbox: Sandbox) -> None:
    rt = runtime(fresh_sandbox, config())
    r53 = rt.fleet.route53(NETWORK)
    seen = set()
    fresh_sandbox.reset_calls()
    for _ in range(25):
        zone, change = r53.create_zone("preview.example.com",
                                       ZoneReferences(NETWORK, "preview.example.com"), None)
        assert change is not None
        assert [z.name for z in all_zones()] == ["preview.example.com"]
        seen.add(zone.caller_reference)
        assert r53.delete_zone(zone.zone_id, zone.name) is not None
    assert len(seen) == 25
    # every creation took one CreateHostedZone: no reference was ever refused
    assert fresh_sandbox.calls()[(NETWORK, "CreateHostedZone")] == 25


def test_apply_and_destroy_a_zone_21_times(fresh_sandbox: Sandbox) -> None:
    cfg = config()
    rt = runtime(fresh_sandbox, cfg)
    for _ in range(21):
        rt.apply(rt.plan())
        assert len(all_zones()) == 5
        down = runtime(fresh_sandbox, cfg, purpose="destroy")
        down.teardown().run(down.plan_destroy(["api.example.com"]).deletions)
        assert len(all_zones()) == 4
    assert fresh_sandbox.calls()[(ACCOUNTS["api"], "CreateHostedZone")] == 21


def _hold_listing(r53: Any, barrier: threading.Barrier) -> None:
    """Make the listing after CreateHostedZone wait until both creations are made."""
    def before(**kwargs: Any) -> None:
        barrier.wait(timeout=30)

    r53.client.meta.events.register_first("before-send.route53.ListHostedZonesByName", before)


def test_two_concurrent_creations_converge_to_one_zone(fresh_sandbox: Sandbox) -> None:
    handles = [runtime(fresh_sandbox, config()).fleet.route53(NETWORK) for _ in range(2)]
    barrier = threading.Barrier(2)
    for handle in handles:
        _hold_listing(handle, barrier)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(
            lambda h: h.create_zone("example.com", ZoneReferences(NETWORK, "example.com"),
                                    None, tags=[("team", "dns")]), handles))
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
    barrier = threading.Barrier(2)
    for rt in runs:
        _hold_listing(rt.fleet.route53(ACCOUNTS["dev"]), barrier)
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

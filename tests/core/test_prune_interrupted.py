"""Issue 10: an interrupted prune. Cut off after it removed a zone's delegation and before
it deleted the zone, prune left an undelegated zone (not dangling) that the next prune
no longer found, as it looked only for delegations. Prune now also lists the accounts'
zones: a zonecut-owned zone below a declared zone that the file no longer declares goes,
delegated or not. Interrupted at every call boundary, then run again: everything the
file dropped is gone, nothing dangles at any moment, and zones made by another tool
(delegated by hand, or not delegated at all) are untouched."""

from __future__ import annotations

from typing import Any

import pytest
from core_support import ACCOUNTS, FIVE_ZONES, add_www_to_team_a, config, runtime
from crash import Crash, CrashAfter, dangling

from sandbox_fixtures import session_for
from zonecut.plan.changes import Plan
from zonecut.runtime import Runtime
from zonecut.sandbox import Sandbox
from zonecut.sandbox.zone_data import all_zones

ALL = list(ACCOUNTS.values())
SMALLER = "\n".join(line for line in FIVE_ZONES.splitlines()
                    if "dev.example.com" not in line) + "\n"
KEPT = ["api.example.com", "example.com", "prod.example.com"]
FOREIGN = ["legacy.example.com", "loose.dev.example.com"]


def r53(sandbox: Sandbox, account: str) -> Any:
    return session_for(sandbox, account).client("route53")


def world(sandbox: Sandbox) -> None:
    """FIVE_ZONES built by zonecut; in the dev account, legacy.example.com made by
    another tool and delegated by hand from example.com, and loose.dev.example.com made
    by another tool and delegated from nowhere."""
    rt = runtime(sandbox)
    rt.apply(rt.plan())
    add_www_to_team_a(sandbox)
    dev = r53(sandbox, ACCOUNTS["dev"])
    made = dev.create_hosted_zone(Name="legacy.example.com", CallerReference="terraform-1")
    dev.create_hosted_zone(Name="loose.dev.example.com", CallerReference="terraform-2")
    network = r53(sandbox, ACCOUNTS["network"])
    parent = next(z["Id"] for z in network.list_hosted_zones()["HostedZones"]
                  if z["Name"] == "example.com.")
    network.change_resource_record_sets(HostedZoneId=parent, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": "legacy.example.com", "Type": "NS", "TTL": 300,
            "ResourceRecords": [{"Value": s} for s in made["DelegationSet"]["NameServers"]]}}]})


def foreign() -> list[Any]:
    """The foreign zones and every NS rrset for their names, comparable."""
    zones = all_zones()
    return sorted([(z.account_id, z.name, z.records) for z in zones if z.name in FOREIGN]
                  + [(z.name, r) for z in zones for r in z.records
                     if r.type == "NS" and r.name in FOREIGN], key=repr)


def prune(rt: Runtime) -> Plan:
    plan = rt.plan_with_prune()
    assert not plan.problems, plan.problems
    return plan


def test_prune_interrupted_at_every_call_boundary_then_rerun(fresh_sandbox: Sandbox) -> None:
    world(fresh_sandbox)
    plan = prune(runtime(fresh_sandbox, config(SMALLER)))
    assert sorted(d.name for d in plan.deletions) == ["dev.example.com",
                                                       "team-a.dev.example.com"]
    rt = runtime(fresh_sandbox, config(SMALLER))
    arm = CrashAfter(rt, ALL, None)
    rt.teardown().run(plan.deletions)
    total = arm.sent
    assert total > 5 and arm.violations == []
    for limit in range(total):
        fresh_sandbox.reset()
        world(fresh_sandbox)
        untouched = foreign()
        rt = runtime(fresh_sandbox, config(SMALLER))
        plan = prune(rt)
        arm = CrashAfter(rt, ALL, limit)
        with pytest.raises(Crash):
            rt.teardown().run(plan.deletions)
        assert arm.violations == [], (limit, arm.violations)
        again = runtime(fresh_sandbox, config(SMALLER))
        check = CrashAfter(again, ALL, None)
        again.teardown().run(prune(again).deletions)
        assert check.violations == [], (limit, check.violations)
        assert sorted(z.name for z in all_zones()) == sorted(KEPT + FOREIGN), limit
        assert foreign() == untouched, limit
        assert dangling() == [], limit
        assert prune(runtime(fresh_sandbox, config(SMALLER))).deletions == (), limit


def test_an_undelegated_zonecut_zone_the_file_dropped_is_pruned(fresh_sandbox: Sandbox) -> None:
    """The state an interrupted prune leaves, made directly: dev.example.com's NS removed
    from example.com, the zones still there."""
    world(fresh_sandbox)
    network = r53(fresh_sandbox, ACCOUNTS["network"])
    parent = next(z["Id"] for z in network.list_hosted_zones()["HostedZones"]
                  if z["Name"] == "example.com.")
    ns = next(r for r in network.list_resource_record_sets(HostedZoneId=parent)[
        "ResourceRecordSets"] if r["Type"] == "NS" and r["Name"] == "dev.example.com.")
    network.change_resource_record_sets(HostedZoneId=parent, ChangeBatch={"Changes": [
        {"Action": "DELETE", "ResourceRecordSet": ns}]})
    untouched = foreign()
    rt = runtime(fresh_sandbox, config(SMALLER))
    plan = prune(rt)
    gone = {d.name: d for d in plan.deletions}
    assert sorted(gone) == ["dev.example.com", "team-a.dev.example.com"]
    assert gone["dev.example.com"].parent_ns is None  # nothing delegates it
    assert gone["team-a.dev.example.com"].parent == "dev.example.com"
    rt.teardown().run(plan.deletions)
    assert sorted(z.name for z in all_zones()) == sorted(KEPT + FOREIGN)
    assert foreign() == untouched
    assert dangling() == []

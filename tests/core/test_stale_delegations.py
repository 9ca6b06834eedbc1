"""Issue 10, item 4: a grandparent's delegation hidden below a cut is removed with the
zone it names, before the zone goes, by destroy and by prune, interrupted or not.

The history that leaves one: `team.dev.example.com` is first delegated straight from
`example.com`; then `dev.example.com` is declared between them. apply delegates team
from dev; the old NS in example.com stays, hidden below the dev cut (plan reports it as
unmanaged). Once dev's delegation goes, that NS is live again.
"""

from __future__ import annotations

import pytest
from core_support import config, runtime
from crash import Crash, CrashAfter, dangling

from zonecut.config.document import Config
from zonecut.plan.changes import Plan
from zonecut.runtime import Runtime
from zonecut.sandbox import Sandbox
from zonecut.sandbox.zone_data import all_zones

HEAD = """
version: 1
defaults:
  ns_ttl: 3600
  rate_limit: 200
  access: {role_name: ZonecutDelegation}
accounts:
  network: {id: "111111111111"}
  dev: {id: "222222222222"}
  team-a: {id: "444444444444"}
zones:
  - {name: example.com, account: network, root: true}
  - {name: team.dev.example.com, account: team-a}
"""
WITH_DEV = HEAD + "  - {name: dev.example.com, account: dev}\n"
ACCOUNTS = ["111111111111", "222222222222", "444444444444"]


def names() -> list[str]:
    return sorted(z.name for z in all_zones())


def ns_names_in(zone_name: str) -> list[str]:
    zone = next(z for z in all_zones() if z.name == zone_name)
    return sorted(r.name for r in zone.records if r.type == "NS" and r.name != zone_name)


def build(sandbox: Sandbox) -> None:
    """example.com with an NS for team.dev hidden below the dev cut."""
    first = runtime(sandbox, config(HEAD))
    first.apply(first.plan())
    second = runtime(sandbox, config(WITH_DEV))
    second.apply(second.plan())
    assert ns_names_in("example.com") == ["dev.example.com", "team.dev.example.com"]
    assert dangling() == []


def run(rt: Runtime, plan: Plan) -> None:
    rt.apply(plan)
    rt.teardown().run(plan.deletions)


def destroy_plan(rt: Runtime) -> Plan:
    return rt.plan_destroy(["dev.example.com"])


def prune_config() -> Config:
    """Only example.com is declared; dev and team are pruned (their accounts stay)."""
    return config(HEAD.replace("  - {name: team.dev.example.com, account: team-a}\n", ""))


def prune_plan(rt: Runtime) -> Plan:
    return rt.plan_with_prune()


def test_the_hidden_delegation_is_reported_as_unmanaged(fresh_sandbox: Sandbox) -> None:
    build(fresh_sandbox)
    plan = runtime(fresh_sandbox, config(WITH_DEV)).plan()
    assert [(u.parent, u.child) for u in plan.unmanaged] == [
        ("example.com", "team.dev.example.com")]
    assert not plan.has_changes


def test_destroy_removes_the_grandparent_delegation_before_the_zone(
        fresh_sandbox: Sandbox) -> None:
    build(fresh_sandbox)
    rt = runtime(fresh_sandbox, config(WITH_DEV), purpose="destroy")
    plan = destroy_plan(rt)
    team = next(d for d in plan.deletions if d.name == "team.dev.example.com")
    assert team.parent == "dev.example.com"
    assert [s.zone for s in team.stale] == ["example.com"]
    assert plan.data()["summary"]["delegations_to_delete"] == 3
    check = CrashAfter(rt, ACCOUNTS, None)
    run(rt, plan)
    assert check.violations == []
    assert names() == ["example.com"]
    assert ns_names_in("example.com") == []
    assert dangling() == []
    assert destroy_plan(runtime(fresh_sandbox, config(WITH_DEV))).deletions == ()


def test_destroy_removes_a_stale_delegation_left_by_an_earlier_run(
        fresh_sandbox: Sandbox) -> None:
    """The team zone already gone, its NS still in example.com (what zonecut before
    this fix left behind): destroy removes it."""
    build(fresh_sandbox)
    rt = runtime(fresh_sandbox, config(WITH_DEV), purpose="destroy")
    plan = destroy_plan(rt)
    stale = [s for d in plan.deletions for s in d.stale]
    # what the old teardown did: everything but the stale NS
    from dataclasses import replace

    run(rt, replace(plan, deletions=tuple(replace(d, stale=()) for d in plan.deletions)))
    assert dangling() != []  # the failure of issue 10, item 4
    again = destroy_plan(runtime(fresh_sandbox, config(WITH_DEV)))
    assert [(d.name, d.zone_id, d.parent_ns, [s.zone for s in d.stale])
            for d in again.deletions] == [("team.dev.example.com", None, None, ["example.com"])]
    run(runtime(fresh_sandbox, config(WITH_DEV)), again)
    assert dangling() == []
    assert stale


def test_prune_removes_every_delegation_of_the_pruned_zones(fresh_sandbox: Sandbox) -> None:
    build(fresh_sandbox)
    rt = runtime(fresh_sandbox, prune_config())
    plan = prune_plan(rt)
    assert [d.name for d in plan.deletions] == ["team.dev.example.com", "dev.example.com"]
    team = plan.deletions[0]
    assert team.parent == "dev.example.com" and [s.zone for s in team.stale] == ["example.com"]
    check = CrashAfter(rt, ACCOUNTS, None)
    run(rt, plan)
    assert check.violations == []
    assert names() == ["example.com"]
    assert dangling() == []


def count_calls(sandbox: Sandbox, cfg: Config, make: str) -> int:
    rt = runtime(sandbox, cfg)
    plan = destroy_plan(rt) if make == "destroy" else prune_plan(rt)
    arm = CrashAfter(rt, ACCOUNTS, None)
    run(rt, plan)
    return arm.sent


@pytest.mark.parametrize("make", ["destroy", "prune"])
def test_interrupted_at_every_call_boundary_never_leaves_an_ancestor_dangling(
        fresh_sandbox: Sandbox, make: str) -> None:
    cfg = config(WITH_DEV) if make == "destroy" else prune_config()
    build(fresh_sandbox)
    total = count_calls(fresh_sandbox, cfg, make)
    # two cut batches (example.com: dev's NS and team's stale one; dev: team's NS), their
    # two GetChange (one wait for both depths), two deletions
    assert total >= 6
    for limit in range(total):
        fresh_sandbox.reset()
        build(fresh_sandbox)
        rt = runtime(fresh_sandbox, cfg)
        plan = destroy_plan(rt) if make == "destroy" else prune_plan(rt)
        arm = CrashAfter(rt, ACCOUNTS, limit)
        with pytest.raises(Crash):
            run(rt, plan)
        assert arm.violations == [], f"after {limit} calls: {arm.violations}"
        rt2 = runtime(fresh_sandbox, cfg)
        plan2 = destroy_plan(rt2) if make == "destroy" else prune_plan(rt2)
        check = CrashAfter(rt2, ACCOUNTS, None)
        run(rt2, plan2)
        assert check.violations == [], f"resuming after {limit} calls: {check.violations}"
        assert ns_names_in("example.com") == [], limit
        assert dangling() == []
        # prune also finds a zonecut zone whose every delegation went before the run
        # was cut (it lists the accounts' zones): nothing is left, as after destroy
        assert names() == ["example.com"], limit

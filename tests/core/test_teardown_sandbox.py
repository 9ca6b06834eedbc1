"""Safe teardown on the sandbox: order, refusal, and resumability at every call."""

from __future__ import annotations

import pytest
from core_support import ACCOUNTS, add_www_to_team_a, config, runtime
from crash import Crash, CrashAfter, dangling

from zonecut.plan.changes import Plan
from zonecut.runtime import Runtime
from zonecut.sandbox import Sandbox
from zonecut.sandbox.zone_data import all_zones

ALL = list(ACCOUNTS.values())


def run(rt: Runtime, plan: Plan) -> None:
    rt.apply(plan)
    rt.teardown().run(plan.deletions)


def names() -> list[str]:
    return sorted(z.name for z in all_zones())


def build(sandbox: Sandbox) -> None:
    rt = runtime(sandbox)
    rt.apply(rt.plan())
    add_www_to_team_a(sandbox)


def test_destroy_removes_subtree_deepest_first_and_leaves_the_rest(
        fresh_sandbox: Sandbox) -> None:
    build(fresh_sandbox)
    rt = runtime(fresh_sandbox, purpose="destroy")
    plan = rt.plan_destroy(["dev.example.com"])
    assert [d.name for d in plan.deletions] == ["team-a.dev.example.com", "dev.example.com"]
    assert plan.deletions[0].records and plan.deletions[0].parent == "dev.example.com"
    run(rt, plan)
    assert names() == ["api.example.com", "example.com", "prod.example.com"]
    assert dangling() == []
    again = runtime(fresh_sandbox).plan_destroy(["dev.example.com"])
    assert again.deletions == ()


def test_root_zone_is_not_destroyed(fresh_sandbox: Sandbox) -> None:
    build(fresh_sandbox)
    plan = runtime(fresh_sandbox).plan_destroy(["example.com"])
    assert any("registrar" in p for p in plan.problems)


def test_prune_tears_down_zones_removed_from_the_config(fresh_sandbox: Sandbox) -> None:
    build(fresh_sandbox)
    smaller = config().zones
    text = "\n".join(line for line in config_text().splitlines() if "api.example.com" not in line)
    rt = runtime(fresh_sandbox, config(text))
    plain = rt.plan()
    assert [u.child for u in plain.unmanaged] == ["api.example.com"]
    assert not plain.has_changes
    pruned = runtime(fresh_sandbox, config(text)).plan_with_prune()
    assert [d.name for d in pruned.deletions] == ["api.example.com"]
    assert pruned.destructive
    run(runtime(fresh_sandbox, config(text)), pruned)
    assert "api.example.com" not in names()
    assert dangling() == []
    assert len(smaller) == 5


def config_text() -> str:
    from core_support import FIVE_ZONES

    return FIVE_ZONES


def count_calls(sandbox: Sandbox, make_plan: str) -> int:
    rt = runtime(sandbox)
    plan = rt.plan_destroy(["dev.example.com"]) if make_plan == "destroy" else rt.plan()
    arm = CrashAfter(rt, ALL, None)
    run(rt, plan)
    return arm.sent


@pytest.mark.parametrize("kind", ["apply", "destroy"])
def test_interrupted_at_every_call_boundary_resumes_without_dangling(
        fresh_sandbox: Sandbox, kind: str) -> None:
    if kind == "destroy":
        build(fresh_sandbox)
    total = count_calls(fresh_sandbox, kind)
    assert total > 5
    for limit in range(total):
        fresh_sandbox.reset()
        if kind == "destroy":
            build(fresh_sandbox)
        rt = runtime(fresh_sandbox)
        plan = rt.plan_destroy(["dev.example.com"]) if kind == "destroy" else rt.plan()
        arm = CrashAfter(rt, ALL, limit)
        with pytest.raises(Crash):
            run(rt, plan)
        assert arm.violations == [], f"after {limit} calls: {arm.violations}"
        # run again from the live state: it finishes
        rt2 = runtime(fresh_sandbox)
        plan2 = rt2.plan_destroy(["dev.example.com"]) if kind == "destroy" else rt2.plan()
        check = CrashAfter(rt2, ALL, None)
        run(rt2, plan2)
        assert check.violations == [], f"resuming after {limit} calls: {check.violations}"
        final = names()
        if kind == "destroy":
            assert final == ["api.example.com", "example.com", "prod.example.com"], limit
        else:
            assert final == sorted(["example.com", "dev.example.com", "prod.example.com",
                                    "api.example.com", "team-a.dev.example.com"]), limit
            assert not runtime(fresh_sandbox).plan().has_changes
        assert dangling() == []

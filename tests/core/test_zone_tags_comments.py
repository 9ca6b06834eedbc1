"""Tags and comments of existing zones are planned and applied like every other change,
within Route 53's 10 tags per hosted zone (which the sandbox enforces)."""

from __future__ import annotations

import io

import pytest
from core_support import ACCOUNTS, FIVE_ZONES, config, runtime
from rich.console import Console

from sandbox_fixtures import session_for
from zonecut.cli.render import plan_view
from zonecut.sandbox import Sandbox

pytestmark = pytest.mark.sandbox
PROD = ACCOUNTS["prod"]
LINE = "  - {name: prod.example.com, account: prod}"


def with_prod(extra: str) -> str:
    return FIVE_ZONES.replace(LINE, LINE[:-1] + ", " + extra + "}")


def shown(plan: object) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(plan_view(plan, {}))  # type: ignore[arg-type]
    return console.file.getvalue()  # type: ignore[attr-defined]


def prod_zone(sandbox: Sandbox) -> tuple[str, str, dict[str, str]]:
    r53 = session_for(sandbox, PROD).client("route53")
    zone = next(z for z in r53.list_hosted_zones()["HostedZones"]
                if z["Name"] == "prod.example.com.")
    bare = zone["Id"].rsplit("/", 1)[-1]
    tags = r53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=bare)
    return bare, zone["Config"].get("Comment", ""), {
        t["Key"]: t["Value"] for t in tags["ResourceTagSet"].get("Tags", [])}


def test_tags_and_comment_of_an_existing_zone_are_planned_and_applied(
        fresh_sandbox: Sandbox) -> None:
    runtime(fresh_sandbox, config()).apply(runtime(fresh_sandbox, config()).plan())
    bare, comment, tags = prod_zone(fresh_sandbox)
    assert (comment, tags) == ("managed by zonecut", {"zonecut:managed": "true"})
    # someone else's tag on the zone is left alone
    session_for(fresh_sandbox, PROD).client("route53").change_tags_for_resource(
        ResourceType="hostedzone", ResourceId=bare, AddTags=[{"Key": "cost", "Value": "42"}])
    cfg = config(with_prod("comment: production, tags: {team: payments, env: prod}"))
    plan = runtime(fresh_sandbox, cfg).plan()
    assert plan.has_changes and plan.ns_changes == ()
    (zone,) = [z for z in plan.zones if z.tag_changes]
    assert zone.tag_changes == (("env", "prod", None), ("team", "payments", None))
    assert zone.comment_change == ("production", "managed by zonecut")
    text = shown(plan)
    assert "~ tag env='prod' on prod.example.com" in text
    assert "~ comment of prod.example.com: 'production' (was 'managed by zonecut')" in text
    assert "1 zone(s) to retag or recomment" in text
    fresh_sandbox.reset_calls()
    runtime(fresh_sandbox, cfg).apply(plan)
    assert prod_zone(fresh_sandbox)[1:] == (
        "production", {"cost": "42", "team": "payments", "env": "prod",
                       "zonecut:managed": "true"})
    calls = fresh_sandbox.calls()
    assert calls[(PROD, "ChangeTagsForResource")] == 1
    assert calls[(PROD, "UpdateHostedZoneComment")] == 1
    again = runtime(fresh_sandbox, cfg).plan()
    assert not again.has_changes, shown(again)
    assert "No changes" in shown(again)
    # a value changed
    changed = config(with_prod("comment: production, tags: {team: risk, env: prod}"))
    plan = runtime(fresh_sandbox, changed).plan()
    assert [z.tag_changes for z in plan.zones if z.tag_changes] == [
        (("team", "risk", "payments"),)]
    runtime(fresh_sandbox, changed).apply(plan)
    assert prod_zone(fresh_sandbox)[2]["team"] == "risk"
    assert not runtime(fresh_sandbox, changed).plan().has_changes


def test_more_than_ten_tags_with_the_zones_own_is_a_plan_problem(
        fresh_sandbox: Sandbox) -> None:
    runtime(fresh_sandbox, config()).apply(runtime(fresh_sandbox, config()).plan())
    bare, _, _ = prod_zone(fresh_sandbox)
    session_for(fresh_sandbox, PROD).client("route53").change_tags_for_resource(
        ResourceType="hostedzone", ResourceId=bare,
        AddTags=[{"Key": f"own{i}", "Value": "x"} for i in range(8)])
    cfg = config(with_prod("tags: {team: payments, env: prod}"))
    plan = runtime(fresh_sandbox, cfg).plan()
    assert plan.problems == (  # its 8, zonecut:managed and the 2 declared
        "prod.example.com: the zone would have 11 tags (its 9 and the declared ones); a "
        "hosted zone holds at most 10: remove tags in the config or on the zone",)


def test_a_new_zone_gets_its_tags_and_a_rerun_changes_nothing(fresh_sandbox: Sandbox) -> None:
    # the most the config allows (9) and zonecut's own mark: Route 53's 10
    cfg = config(with_prod("tags: {" + ", ".join(f"k{i}: v{i}" for i in range(9)) + "}"))
    runtime(fresh_sandbox, cfg).apply(runtime(fresh_sandbox, cfg).plan())
    assert len(prod_zone(fresh_sandbox)[2]) == 10
    assert not runtime(fresh_sandbox, cfg).plan().has_changes

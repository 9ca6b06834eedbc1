"""What apply, a no-change plan and destroy cost in Route 53 calls, per account and
operation, counted by the sandbox (counts, never timings), so that the cuts of issue 17
stay: the CreateHostedZone answer is used as it is (no GetHostedZone after it), the
duplicate check after an account's creates is one ListHostedZones, a destroy reads no
delegation set and waits once for the cuts of every depth, and an account reached by a
role costs its AssumeRole alone (no GetCallerIdentity)."""

from __future__ import annotations

from typing import Any

import pytest
from core_support import config, runtime

from zonecut.aws.zone_references import WINDOW_SECONDS, ZoneReferences
from zonecut.sandbox import Sandbox
from zonecut.sandbox.zone_data import all_zones

pytestmark = pytest.mark.sandbox

NETWORK, TEAM, NESTED = "111111111111", "222222222222", "333333333333"
SIBLINGS = [f"a{i}.example.com" for i in range(6)]

TEXT = f"""
version: 1
defaults:
  rate_limit: 200
  access: {{role_name: ZonecutDelegation}}
accounts:
  network: {{id: "{NETWORK}"}}
  team: {{id: "{TEAM}"}}
  nested: {{id: "{NESTED}"}}
zones:
  - {{name: example.com, account: network, root: true}}
""" + "".join(f"  - {{name: {name}, account: team}}\n" for name in SIBLINGS) + \
    "  - {name: n.a0.example.com, account: nested}\n"


STS = {"AssumeRole", "GetCallerIdentity"}


def route53(calls: dict[tuple[str, str], int], account: str) -> dict[str, int]:
    return {op: n for (acc, op), n in calls.items() if acc == account and op not in STS}


def counted(sandbox: Sandbox, run: Any) -> dict[tuple[str, str], int]:
    sandbox.reset_calls()
    run()
    return sandbox.calls()


def test_apply_from_empty_makes_the_calls_it_needs_and_no_more(fresh_sandbox: Sandbox) -> None:
    rt = runtime(fresh_sandbox, config(TEXT))
    plan = rt.plan()
    calls = counted(fresh_sandbox, lambda: rt.apply(plan))
    # six zones in one account: a create and a tag each, one listing for the duplicate
    # check, each change confirmed by its own GetChange (INSYNC at once here), the NS of
    # the nested zone in one batch
    assert route53(calls, TEAM) == {
        "CreateHostedZone": 6, "ChangeTagsForResource": 6, "ListHostedZones": 1,
        "GetChange": 7, "ChangeResourceRecordSets": 1}
    # one zone in an account: the duplicate check by name
    assert route53(calls, NESTED) == {
        "CreateHostedZone": 1, "ChangeTagsForResource": 1, "ListHostedZonesByName": 1,
        "GetChange": 1}
    assert route53(calls, NETWORK) == {
        "CreateHostedZone": 1, "ChangeTagsForResource": 1, "ListHostedZonesByName": 1,
        "GetChange": 2, "ChangeResourceRecordSets": 1}
    assert not runtime(fresh_sandbox, config(TEXT)).plan().has_changes


def test_a_no_change_plan_reads_two_calls_a_zone(fresh_sandbox: Sandbox) -> None:
    rt = runtime(fresh_sandbox, config(TEXT))
    rt.apply(rt.plan())
    calls = counted(fresh_sandbox, lambda: runtime(fresh_sandbox, config(TEXT)).plan())
    # the account's zones in one page, then per zone its delegation set and its apex NS
    # (all records of a parent)
    assert route53(calls, TEAM) == {
        "ListHostedZones": 1, "GetHostedZone": 6, "ListResourceRecordSets": 6}


def test_an_account_reached_by_a_role_costs_one_sts_call(fresh_sandbox: Sandbox) -> None:
    calls = counted(fresh_sandbox, lambda: runtime(fresh_sandbox, config(TEXT)).plan())
    sts: dict[str, int] = {}
    for (_, op), n in calls.items():
        if op in STS:
            sts[op] = sts.get(op, 0) + n
    # one AssumeRole per account; its answer names the account the credentials reach
    # (AssumedRoleUser.Arn), so no GetCallerIdentity proves it again
    assert sts == {"AssumeRole": 3}


def test_destroy_reads_no_delegation_set_and_waits_once_for_every_cut(
        fresh_sandbox: Sandbox) -> None:
    rt = runtime(fresh_sandbox, config(TEXT))
    rt.apply(rt.plan())
    down = runtime(fresh_sandbox, config(TEXT), purpose="destroy")
    order: list[tuple[str, str]] = []
    for account in (NETWORK, TEAM, NESTED):
        def record(account: str = account, event_name: str = "", **kwargs: Any) -> None:
            order.append((account, event_name.rsplit(".", 1)[-1]))

        down.fleet.route53(account).client.meta.events.register("before-send.route53",
                                                                record)

    def destroy() -> None:
        plan = down.plan_destroy(SIBLINGS)
        down.teardown().run(plan.deletions)

    calls = counted(fresh_sandbox, destroy)
    assert [z.name for z in all_zones()] == ["example.com"]
    assert not any(op == "GetHostedZone" for _, op in calls)
    # records of the parents only (the other zones that go hold only their apex SOA and
    # NS, as their listing counts); one batch of cuts a parent zone
    assert calls[(NETWORK, "ListResourceRecordSets")] == 1
    assert calls[(TEAM, "ListResourceRecordSets")] == 1
    assert (NESTED, "ListResourceRecordSets") not in calls
    assert calls[(NETWORK, "ChangeResourceRecordSets")] == 1
    assert calls[(TEAM, "ChangeResourceRecordSets")] == 1
    assert calls[(TEAM, "DeleteHostedZone")] == 6 and calls[(NESTED, "DeleteHostedZone")] == 1
    # every cut (both depths) is confirmed before the first zone is deleted: one wait
    first_delete = order.index(next(o for o in order if o[1] == "DeleteHostedZone"))
    assert all(op != "ChangeResourceRecordSets" for _, op in order[first_delete:])
    assert sum(1 for _, op in order[:first_delete] if op == "GetChange") == 2


def test_settling_many_zones_keeps_the_earlier_windows_and_lists_once(
        fresh_sandbox: Sandbox) -> None:
    r53 = runtime(fresh_sandbox, config(TEXT)).fleet.route53(TEAM)
    start = 1_800_000_000.0
    first = {name: r53.create_zone(name, ZoneReferences(TEAM, name, clock=lambda: start),
                                   None)[0] for name in SIBLINGS[:4]}
    later = {name: ZoneReferences(TEAM, name, clock=lambda: start + WINDOW_SECONDS)
             for name in SIBLINGS[:4]}
    made = [(name, later[name], *r53.submit_zone(name, later[name], None))
            for name in SIBLINGS[:4]]
    assert all(change is not None for *_, change in made)  # a second zone of each name
    settled: list[Any] = []
    calls = counted(fresh_sandbox, lambda: settled.extend(r53.settle_zones(made)))
    assert [zone.zone_id for zone, _ in settled] == [first[n].zone_id for n in SIBLINGS[:4]]
    assert all(change is None for _, change in settled)
    assert sorted(z.zone_id for z in all_zones()) == sorted(z.zone_id for z in first.values())
    assert calls[(TEAM, "ListHostedZones")] == 1
    assert (TEAM, "ListHostedZonesByName") not in calls
    assert calls[(TEAM, "DeleteHostedZone")] == 4


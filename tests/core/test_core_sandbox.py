"""The core against the sandbox: real boto3 over HTTP to the moto server, AssumeRole
into five accounts, Route 53-like name-server assignment."""

from __future__ import annotations

import pytest
from core_support import ACCOUNTS, config, runtime

from sandbox_fixtures import session_for
from zonecut.aws.errors import AccountMismatch
from zonecut.names import normalize
from zonecut.plan.changes import NsAction, ZoneAction
from zonecut.sandbox import Sandbox


def live_ns(sandbox: Sandbox, account_id: str, zone_name: str, record: str) -> set[str]:
    r53 = session_for(sandbox, account_id).client("route53")
    zone = next(z for z in r53.list_hosted_zones()["HostedZones"]
                if normalize(z["Name"]) == zone_name)
    for rr in r53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]:
        if normalize(rr["Name"]) == record and rr["Type"] == "NS":
            return {normalize(v["Value"]) for v in rr["ResourceRecords"]}
    return set()


def delegation_set(sandbox: Sandbox, account_id: str, zone_name: str) -> set[str]:
    r53 = session_for(sandbox, account_id).client("route53")
    zone = next(z for z in r53.list_hosted_zones()["HostedZones"]
                if normalize(z["Name"]) == zone_name)
    servers = r53.get_hosted_zone(Id=zone["Id"])["DelegationSet"]["NameServers"]
    return {normalize(s) for s in servers}


def test_five_zone_tree_from_empty_then_reapply_is_a_noop(fresh_sandbox: Sandbox) -> None:
    rt = runtime(fresh_sandbox)
    plan = rt.plan()
    assert [z.action for z in plan.zones] == [ZoneAction.CREATE] * 5
    assert {c.child for c in plan.ns_changes} == {
        "dev.example.com", "prod.example.com", "api.example.com", "team-a.dev.example.com"}
    assert all(c.action is NsAction.CREATE and not c.values_known for c in plan.ns_changes)

    result = rt.apply(plan)
    assert set(result.created) == {"example.com", "dev.example.com", "prod.example.com",
                                   "api.example.com", "team-a.dev.example.com"}
    # every delegation points at exactly the child's delegation set
    for child, owner, parent, parent_owner in [
        ("dev.example.com", "dev", "example.com", "network"),
        ("team-a.dev.example.com", "team-a", "dev.example.com", "dev"),
        ("api.example.com", "api", "example.com", "network"),
    ]:
        servers = delegation_set(fresh_sandbox, ACCOUNTS[owner], child)
        assert len(servers) == 4
        assert live_ns(fresh_sandbox, ACCOUNTS[parent_owner], parent, child) == servers
    # parent and child never share a name server
    assert not (delegation_set(fresh_sandbox, ACCOUNTS["dev"], "dev.example.com")
                & delegation_set(fresh_sandbox, ACCOUNTS["team-a"], "team-a.dev.example.com"))

    again = runtime(fresh_sandbox).plan()
    assert not again.has_changes
    assert [z.action for z in again.zones] == [ZoneAction.ADOPT] * 5
    fresh_sandbox.reset_calls()
    runtime(fresh_sandbox).apply(again)
    writes = [op for (_, op), n in fresh_sandbox.calls().items()
              if op in ("CreateHostedZone", "ChangeResourceRecordSets") and n]
    assert writes == []


def test_existing_parent_is_adopted(fresh_sandbox: Sandbox) -> None:
    r53 = session_for(fresh_sandbox, ACCOUNTS["network"]).client("route53")
    existing = r53.create_hosted_zone(Name="example.com", CallerReference="by-hand")
    zone_id = existing["HostedZone"]["Id"].split("/")[-1]
    plan = runtime(fresh_sandbox).plan()
    root = next(z for z in plan.zones if z.name == "example.com")
    assert root.action is ZoneAction.ADOPT and root.zone_id == zone_id
    runtime(fresh_sandbox).apply(plan)
    zones = [z for z in r53.list_hosted_zones()["HostedZones"]
             if normalize(z["Name"]) == "example.com"]
    assert len(zones) == 1
    assert live_ns(fresh_sandbox, ACCOUNTS["network"], "example.com", "dev.example.com")


def test_child_recreated_out_of_band_is_an_ns_update_and_apply_repairs(
        fresh_sandbox: Sandbox) -> None:
    runtime(fresh_sandbox).apply(runtime(fresh_sandbox).plan())
    dev = session_for(fresh_sandbox, ACCOUNTS["api"]).client("route53")
    old = next(z for z in dev.list_hosted_zones()["HostedZones"]
               if normalize(z["Name"]) == "api.example.com")
    old_servers = delegation_set(fresh_sandbox, ACCOUNTS["api"], "api.example.com")
    dev.delete_hosted_zone(Id=old["Id"])
    dev.create_hosted_zone(Name="api.example.com", CallerReference="recreated-by-hand")
    new_servers = delegation_set(fresh_sandbox, ACCOUNTS["api"], "api.example.com")
    assert new_servers != old_servers

    plan = runtime(fresh_sandbox).plan()
    assert [(c.child, c.action) for c in plan.ns_changes] == [("api.example.com", NsAction.UPDATE)]
    change = plan.ns_changes[0]
    assert set(change.old_values) == old_servers and set(change.new_values) == new_servers
    runtime(fresh_sandbox).apply(plan)
    assert live_ns(fresh_sandbox, ACCOUNTS["network"], "example.com",
                   "api.example.com") == new_servers
    assert not runtime(fresh_sandbox).plan().has_changes


def test_fifty_delegations_cost_the_parent_at_most_two_change_calls(
        fresh_sandbox: Sandbox) -> None:
    lines = ["version: 1", "defaults: {rate_limit: 500, access: {role_name: R}}",
             "accounts:", '  parent: {id: "111111111111"}']
    lines += [f'  c{i}: {{id: "{200000000000 + i}"}}' for i in range(10)]
    lines += ["zones:", "  - {name: example.com, account: parent, root: true}"]
    lines += [f"  - {{name: z{i}.example.com, account: c{i % 10}}}" for i in range(50)]
    cfg = config("\n".join(lines) + "\n")
    rt = runtime(fresh_sandbox, cfg)
    rt.apply(rt.plan())  # creates the parent and everything: count from here on
    # now remove the delegations and let zonecut write all 50 again
    r53 = session_for(fresh_sandbox, "111111111111").client("route53")
    zone_id = next(z["Id"] for z in r53.list_hosted_zones()["HostedZones"]
                   if normalize(z["Name"]) == "example.com")
    rrsets = r53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    deletes = [{"Action": "DELETE", "ResourceRecordSet": rr} for rr in rrsets
               if rr["Type"] == "NS" and normalize(rr["Name"]) != "example.com"]
    assert len(deletes) == 50
    r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": deletes})
    fresh_sandbox.reset_calls()
    rt2 = runtime(fresh_sandbox, cfg)
    plan = rt2.plan()
    assert len(plan.ns_changes) == 50
    rt2.apply(plan)
    calls = fresh_sandbox.calls()
    assert calls.get(("111111111111", "ChangeResourceRecordSets"), 0) <= 2
    assert not runtime(fresh_sandbox, cfg).plan().has_changes


def test_credentials_landing_in_another_account_are_refused(fresh_sandbox: Sandbox) -> None:
    text = """
version: 1
accounts:
  network: {id: "111111111111", assume_role: false}
zones:
  - {name: example.com, account: network, root: true}
"""
    rt = runtime(fresh_sandbox, config(text))
    with pytest.raises(AccountMismatch) as caught:
        rt.plan()
    assert "111111111111" in str(caught.value) and "123456789012" in str(caught.value)
    assert fresh_sandbox.calls().get(("111111111111", "CreateHostedZone"), 0) == 0


def test_apex_ns_edited_by_hand_is_restored(fresh_sandbox: Sandbox) -> None:
    runtime(fresh_sandbox).apply(runtime(fresh_sandbox).plan())
    r53 = session_for(fresh_sandbox, ACCOUNTS["prod"]).client("route53")
    zone_id = next(z["Id"] for z in r53.list_hosted_zones()["HostedZones"]
                   if normalize(z["Name"]) == "prod.example.com")
    servers = delegation_set(fresh_sandbox, ACCOUNTS["prod"], "prod.example.com")
    edited = [*sorted(servers)[:3], "ns.elsewhere.example.net"]
    r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {
            "Name": "prod.example.com.", "Type": "NS", "TTL": 172800,
            "ResourceRecords": [{"Value": v} for v in edited]}}]})
    plan = runtime(fresh_sandbox).plan()
    assert [(r.name, set(r.new_values)) for r in plan.apex_repairs] == [
        ("prod.example.com", servers)]
    assert plan.ns_changes == ()
    runtime(fresh_sandbox).apply(plan)
    assert live_ns(fresh_sandbox, ACCOUNTS["prod"], "prod.example.com",
                   "prod.example.com") == servers
    assert not runtime(fresh_sandbox).plan().has_changes


def test_two_applies_at_once_end_in_the_planned_state_without_duplicates(
        fresh_sandbox: Sandbox) -> None:
    import threading

    plans = [runtime(fresh_sandbox).plan() for _ in range(2)]
    errors: list[BaseException] = []

    def go(index: int) -> None:
        try:
            runtime(fresh_sandbox).apply(plans[index])
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    from crash import dangling

    from zonecut.sandbox.zone_data import all_zones

    names = sorted(z.name for z in all_zones())
    assert names == sorted(["example.com", "dev.example.com", "prod.example.com",
                            "api.example.com", "team-a.dev.example.com"])
    assert dangling() == []
    assert not runtime(fresh_sandbox).plan().has_changes


def test_one_account_holding_a_whole_tree_pages_through_its_zones(
        fresh_sandbox: Sandbox) -> None:
    r53 = session_for(fresh_sandbox, "666666666666").client("route53")
    for i in range(130):  # unrelated zones, so the listing needs two pages
        r53.create_hosted_zone(Name=f"other{i}.example.net", CallerReference=f"other-{i}")
    text = """
version: 1
defaults: {rate_limit: 500, access: {role_name: R}}
accounts:
  one: {id: "666666666666"}
zones:
  - {name: example.com, account: one, root: true}
  - {name: dev.example.com, account: one}
  - {name: team-a.dev.example.com, account: one}
  - {name: prod.example.com, account: one}
"""
    rt = runtime(fresh_sandbox, config(text))
    rt.apply(rt.plan())
    fresh_sandbox.reset_calls()
    again = runtime(fresh_sandbox, config(text)).plan()
    assert not again.has_changes
    calls = fresh_sandbox.calls()
    assert calls.get(("666666666666", "ListHostedZones"), 0) == 2
    assert calls.get(("666666666666", "ListHostedZonesByName"), 0) == 0

"""Each failure of issue 10 on the Lambda paths, as an attack against the sandbox: a write
that fails half way, events redelivered or reordered, another party's delegation,
forged requests, values and TTLs outside policy, the deadline, whole-zone reads."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from child_support import DEV, NETWORK, PROD, TEAM
from cloudformation_side import CloudFormation
from lambda_events import create_hosted_zone, delete_hosted_zone
from lambda_support import (
    Context,
    Responses,
    child_zone,
    delegation,
    delete_zone,
    make_parent,
    parameters,
    servers_of,
    snapshot,
    write_ns,
)

from sandbox_fixtures import session_for
from zonecut.aws.errors import SyncTimeout
from zonecut.aws_lambda import events
from zonecut.sandbox import Sandbox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "core"))
from crash import dangling

NAME = "dev.example.com"


def stack_event(cfn: CloudFormation, request: str, url: str, servers: list[str], *,
                name: str = NAME, account: str = DEV, stack: str = "dev-dns",
                **extra: Any) -> dict[str, Any]:
    """A request of the real stack ``stack`` of ``account``."""
    return cfn.event(request, account, url, {"ZoneName": name, "NameServers": servers,
                                             **extra.pop("props", {})}, stack=stack, **extra)


def real_id(env: dict[str, str], name: str = NAME) -> str:
    return f"zonecut:{env['ZONECUT_PARENT_ZONE_ID']}:{name}"


# -- 1: the custom resource fails after the NS write -------------------------------------
def test_a_create_whose_wait_times_out_is_removed_by_the_rollback(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    before = snapshot(fresh_sandbox)
    zid, servers = child_zone(fresh_sandbox, NAME)
    fresh_sandbox.set_faults(pending_seconds=3600)  # GetChange says PENDING for an hour
    env = parent | {"ZONECUT_SYNC_TIMEOUT": "1"}
    failed = cfn.send(stack_event(cfn, "Create", responses.url("c"), servers), Context(),
                        environ=env)
    assert failed["Status"] == "FAILED" and "PENDING" in failed["Reason"]
    assert failed["PhysicalResourceId"] == real_id(env)  # not a placeholder: owned up
    assert servers_of(delegation(fresh_sandbox, NAME)) == servers  # it was written
    fresh_sandbox.set_faults(pending_seconds=0)
    # CloudFormation's rollback: Delete with the id answered, then the stack deletes the zone
    rollback = cfn.send(stack_event(cfn, "Delete", responses.url("d"), servers,
                                      physical_id=failed["PhysicalResourceId"]),
                          Context(), environ=env)
    assert rollback["Status"] == "SUCCESS" and rollback["Data"]["Outcome"] == "removed"
    delete_zone(fresh_sandbox, zid)
    assert dangling() == []
    assert snapshot(fresh_sandbox) == before


def test_the_answer_is_sent_before_the_deadline(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    """A 20 s function, INSYNC that never comes, ZONECUT_SYNC_TIMEOUT 120 s: the answer is
    sent with the reserve still left, and names the real id."""
    before = snapshot(fresh_sandbox)
    zid, servers = child_zone(fresh_sandbox, NAME)
    fresh_sandbox.set_faults(pending_seconds=3600)
    env = parent | {"ZONECUT_ANSWER_RESERVE": "1"}
    context = Context(20)
    started = time.monotonic()
    failed = cfn.send(stack_event(cfn, "Create", responses.url("c"), servers), context,
                        environ=env)
    elapsed = time.monotonic() - started
    assert responses.received[-1][2] == failed
    assert failed["Status"] == "FAILED"
    assert elapsed < 19, elapsed  # answered with the reserve left
    assert context.get_remaining_time_in_millis() > 1000
    assert failed["PhysicalResourceId"] == real_id(env)
    fresh_sandbox.set_faults(pending_seconds=0)
    rollback = cfn.send(stack_event(cfn, "Delete", responses.url("d"), servers,
                                      physical_id=failed["PhysicalResourceId"]),
                          Context(), environ=env)
    assert rollback["Data"]["Outcome"] == "removed"
    delete_zone(fresh_sandbox, zid)
    assert snapshot(fresh_sandbox) == before


def test_no_time_left_means_no_request_and_an_answer(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    before = snapshot(fresh_sandbox)
    _, servers = child_zone(fresh_sandbox, NAME)
    fresh_sandbox.reset_calls()
    sent = cfn.send(stack_event(cfn, "Create", responses.url("c"), servers), Context(10),
                      environ=parent)
    assert sent["Status"] == "FAILED" and "function's time" in sent["Reason"]
    assert sent["PhysicalResourceId"].startswith("zonecut-failed-")  # nothing written
    route53_calls = {op: n for (_, op), n in fresh_sandbox.calls().items()
                     if op not in ("AssumeRole", "GetCallerIdentity")}
    assert route53_calls == {}
    assert snapshot(fresh_sandbox) == before


# -- 2: EventBridge: at least once, not in order ----------------------------------------
def test_a_create_event_delivered_again_after_the_delete_writes_nothing(
        fresh_sandbox: Sandbox, parent: dict[str, str]) -> None:
    before = snapshot(fresh_sandbox)
    name = "api.dev.example.com"
    zid, servers = child_zone(fresh_sandbox, name)
    create = create_hosted_zone(DEV, name, zid, servers)
    assert events.handler(create, Context(), environ=parent)["status"] == "delegated"
    delete_zone(fresh_sandbox, zid)
    gone = events.handler(delete_hosted_zone(DEV, zid), Context(), environ=parent)
    assert gone["status"] == "removed"
    again = events.handler(create, Context(), environ=parent)
    assert again["status"] == "stale", again
    assert delegation(fresh_sandbox, name) is None
    assert snapshot(fresh_sandbox) == before


def test_a_create_event_whose_wait_times_out_is_undone_by_the_delete_event(
        fresh_sandbox: Sandbox, parent: dict[str, str]) -> None:
    before = snapshot(fresh_sandbox)
    name = "api.dev.example.com"
    zid, servers = child_zone(fresh_sandbox, name)
    fresh_sandbox.set_faults(pending_seconds=3600)
    with pytest.raises(SyncTimeout):
        events.handler(create_hosted_zone(DEV, name, zid, servers), Context(),
                       environ=parent | {"ZONECUT_SYNC_TIMEOUT": "1"})
    fresh_sandbox.set_faults(pending_seconds=0)
    assert servers_of(delegation(fresh_sandbox, name)) == servers
    owners = parameters(fresh_sandbox, "/zonecut/owners")
    assert owners[f"/zonecut/owners/{name}"]["zone_id"] == zid  # recorded before the write
    delete_zone(fresh_sandbox, zid)
    gone = events.handler(delete_hosted_zone(DEV, zid), Context(), environ=parent)
    assert gone["status"] == "removed"
    assert dangling() == []
    assert snapshot(fresh_sandbox) == before


def test_a_delete_event_for_a_live_zone_changes_nothing(
        fresh_sandbox: Sandbox, parent: dict[str, str]) -> None:
    name = "api.dev.example.com"
    zid, servers = child_zone(fresh_sandbox, name)
    events.handler(create_hosted_zone(DEV, name, zid, servers), Context(), environ=parent)
    before = snapshot(fresh_sandbox)
    forged = events.handler(delete_hosted_zone(DEV, zid), Context(), environ=parent)
    assert forged["status"] == "refused" and "still exists" in forged["reason"]
    assert snapshot(fresh_sandbox) == before


def test_a_recreated_zone_takes_over_and_the_old_delete_event_is_harmless(
        fresh_sandbox: Sandbox, parent: dict[str, str]) -> None:
    """Z1 made and deleted, Z2 made with the same name; the events arrive as Create Z1,
    Create Z2, Delete Z1 (reordered): the parent ends delegating to Z2."""
    name = "api.dev.example.com"
    z1, s1 = child_zone(fresh_sandbox, name, reference="one")
    first = events.handler(create_hosted_zone(DEV, name, z1, s1), Context(), environ=parent)
    assert first["status"] == "delegated"
    delete_zone(fresh_sandbox, z1)
    z2, s2 = child_zone(fresh_sandbox, name, reference="two")
    second = events.handler(create_hosted_zone(DEV, name, z2, s2), Context(), environ=parent)
    assert second["status"] == "delegated", second
    late = events.handler(delete_hosted_zone(DEV, z1), Context(), environ=parent)
    assert late["status"] == "ignored"
    assert servers_of(delegation(fresh_sandbox, name)) == s2
    assert dangling() == []


# -- 3: who owns a delegation -----------------------------------------------------------
def test_a_stack_does_not_adopt_a_delegation_made_by_someone_else(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    _, servers = child_zone(fresh_sandbox, NAME)
    write_ns(fresh_sandbox, parent, NAME, servers)  # by hand, same servers
    before = snapshot(fresh_sandbox)
    made = cfn.send(stack_event(cfn, "Create", responses.url("c"), servers), Context(),
                      environ=parent)
    assert made["Status"] == "FAILED" and made["Data"] == {
        "ZoneName": NAME, "Outcome": "foreign"}
    assert "not through this function" in made["Reason"]
    # the stack's rollback or deletion leaves it as it is
    for physical in (made["PhysicalResourceId"], real_id(parent)):
        gone = cfn.send(stack_event(cfn, "Delete", responses.url("d"), servers,
                                      physical_id=physical), Context(), environ=parent)
        assert gone["Status"] == "SUCCESS"
    assert snapshot(fresh_sandbox) == before


def test_create_never_upserts_over_another_partys_delegation(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    _, first = child_zone(fresh_sandbox, NAME, reference="first")
    _, second = child_zone(fresh_sandbox, NAME, reference="second")
    made = cfn.send(stack_event(cfn, "Create", responses.url("a"), first), Context(),
                      environ=parent)
    assert made["Status"] == "SUCCESS"
    before = snapshot(fresh_sandbox)
    other = cfn.send(stack_event(cfn, "Create", responses.url("b"), second,
                                   stack="other-dns"),
                       Context(), environ=parent)
    assert other["Status"] == "FAILED" and other["Data"]["Outcome"] == "foreign"
    assert "belongs to account 222222222222, stack" in other["Reason"]
    assert servers_of(delegation(fresh_sandbox, NAME)) == first
    assert snapshot(fresh_sandbox) == before


def test_overlapping_allow_lists_do_not_let_one_account_take_anothers_delegation(
        fresh_sandbox: Sandbox, lambda_credentials: None) -> None:
    env = make_parent(fresh_sandbox, {DEV: ["*.dev.example.com"],
                                      TEAM: ["*.dev.example.com"]})
    name = "x.dev.example.com"
    dz, ds = child_zone(fresh_sandbox, name, DEV)
    assert events.handler(create_hosted_zone(DEV, name, dz, ds), Context(),
                          environ=env)["status"] == "delegated"
    before = snapshot(fresh_sandbox)
    owners = parameters(fresh_sandbox, "/zonecut/owners")
    tz, ts = child_zone(fresh_sandbox, name, TEAM)
    taken = events.handler(create_hosted_zone(TEAM, name, tz, ts), Context(), environ=env)
    assert taken["status"] == "foreign"
    assert servers_of(delegation(fresh_sandbox, name)) == ds
    assert parameters(fresh_sandbox, "/zonecut/owners") == owners
    # TEAM deleting its zone does not remove DEV's delegation either
    delete_zone(fresh_sandbox, tz, TEAM)
    assert events.handler(delete_hosted_zone(TEAM, tz), Context(),
                          environ=env)["status"] == "ignored"
    assert snapshot(fresh_sandbox) == before


def test_a_forged_stack_id_can_only_write_the_true_delegation(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    """A direct invoke carrying DEV's StackId (from anyone allowed to invoke)."""
    before = snapshot(fresh_sandbox)
    _, servers = child_zone(fresh_sandbox, NAME)
    attacker = ["ns1.attacker.example.net", "ns2.attacker.example.net"]
    forged = cfn.send(stack_event(cfn, "Create", responses.url("f"), attacker), Context(),
                        environ=parent)
    assert forged["Status"] == "FAILED"
    assert f"account {DEV} has no public hosted zone(s) {NAME}" in forged["Reason"]
    # PROD's own zone of that name is no proof for DEV
    _, prod_servers = child_zone(fresh_sandbox, NAME, PROD)
    stolen = cfn.send(stack_event(cfn, "Create", responses.url("s"), prod_servers), Context(),
                        environ=parent)
    assert stolen["Status"] == "FAILED"
    assert snapshot(fresh_sandbox) == before
    # the real stack delegates; a forged Delete with another stack id leaves it alone
    real = cfn.send(stack_event(cfn, "Create", responses.url("r"), servers), Context(),
                      environ=parent)
    assert real["Status"] == "SUCCESS"
    after = snapshot(fresh_sandbox)
    remove = cfn.send(stack_event(cfn, "Delete", responses.url("x"), servers,
                                    stack="forger",
                                    physical_id=real["PhysicalResourceId"]),
                        Context(), environ=parent)
    assert remove["Data"]["Outcome"] == "left-alone"
    assert snapshot(fresh_sandbox) == after


def test_a_forged_event_cannot_point_the_parent_elsewhere(
        fresh_sandbox: Sandbox, lambda_credentials: None) -> None:
    env = make_parent(fresh_sandbox, {DEV: ["*.dev.example.com"], PROD: ["*.dev.example.com"]})
    name = "api.dev.example.com"
    zid, servers = child_zone(fresh_sandbox, name)
    before = snapshot(fresh_sandbox)
    outcomes = [
        # DEV's zone id claimed by PROD: no such zone in PROD
        events.handler(create_hosted_zone(PROD, name, zid, servers), Context(), environ=env),
        # DEV's zone with other servers
        events.handler(create_hosted_zone(DEV, name, zid, ["ns1.attacker.example.net"]),
                       Context(), environ=env),
        # a zone id that does not exist
        events.handler(create_hosted_zone(DEV, name, "Z0NOSUCHZONE0001", servers),
                       Context(), environ=env),
    ]
    assert [o["status"] for o in outcomes] == ["stale", "refused", "stale"]
    assert snapshot(fresh_sandbox) == before


def test_ns_values_and_ttl_outside_policy_are_refused(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    before = snapshot(fresh_sandbox)
    _, servers = child_zone(fresh_sandbox, NAME)
    many = [f"ns{i}.example.net" for i in range(400)]
    for servers_given, ttl in [(many, None), (servers, "2147483647"), (servers, "5")]:
        props = {} if ttl is None else {"TTL": ttl}
        sent = cfn.send(stack_event(cfn, "Create", responses.url("t"), servers_given,
                                      props=props), Context(), environ=parent)
        assert sent["Status"] == "FAILED", (len(servers_given), ttl)
    assert "TTL 2147483647 is outside the allowed 60..172800" in \
        responses.received[1][2]["Reason"]
    assert snapshot(fresh_sandbox) == before


def test_reads_in_the_parent_touch_only_the_record_name(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    r53 = session_for(fresh_sandbox, NETWORK).client("route53")
    changes = [{"Action": "CREATE", "ResourceRecordSet": {
        "Name": f"host{i:04d}.example.com", "Type": "A", "TTL": 300,
        "ResourceRecords": [{"Value": "192.0.2.9"}]}} for i in range(900)]
    r53.change_resource_record_sets(HostedZoneId=parent["ZONECUT_PARENT_ZONE_ID"],
                                    ChangeBatch={"Changes": changes})
    _, servers = child_zone(fresh_sandbox, NAME)
    fresh_sandbox.reset_calls()
    made = cfn.send(stack_event(cfn, "Create", responses.url("c"), servers), Context(),
                      environ=parent)
    assert made["Status"] == "SUCCESS"
    assert fresh_sandbox.calls()[(NETWORK, "ListResourceRecordSets")] == 1
    fresh_sandbox.reset_calls()
    cfn.send(stack_event(cfn, "Delete", responses.url("d"), servers,
                           physical_id=made["PhysicalResourceId"]), Context(), environ=parent)
    assert fresh_sandbox.calls()[(NETWORK, "ListResourceRecordSets")] == 1
    assert json.loads(json.dumps(made))["Data"]["Outcome"] == "delegated"


def test_the_event_of_a_zone_its_stack_delegated_changes_nothing(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    zid, servers = child_zone(fresh_sandbox, NAME)
    made = cfn.send(stack_event(cfn, "Create", responses.url("c"), servers), Context(),
                      environ=parent)
    assert made["Status"] == "SUCCESS"
    before = snapshot(fresh_sandbox)
    owners = parameters(fresh_sandbox, "/zonecut/owners")
    late = events.handler(create_hosted_zone(DEV, NAME, zid, servers), Context(),
                          environ=parent)
    assert late["status"] == "unchanged" and "by account 222222222222, stack" in late["reason"]
    assert snapshot(fresh_sandbox) == before
    assert parameters(fresh_sandbox, "/zonecut/owners") == owners
    # the stack still owns it: its Delete removes it
    gone = cfn.send(stack_event(cfn, "Delete", responses.url("d"), servers,
                                  physical_id=made["PhysicalResourceId"]), Context(),
                      environ=parent)
    assert gone["Data"]["Outcome"] == "removed"

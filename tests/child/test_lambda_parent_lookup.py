"""Without ZONECUT_PARENT_ZONE_ID the handlers find each name's parent zone in the parent's
account: the one public zone that encloses it most closely. Both paths, against the
sandbox, in the cases where a lookup goes wrong: a deeper parent, a private zone of the
same name, two public zones of one name (refused, never guessed), no parent at all; and
a delegation written before a deeper parent appeared is removed where it was written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from child_support import DEV, NETWORK
from cloudformation_side import CloudFormation
from lambda_events import create_hosted_zone, delete_hosted_zone
from lambda_support import Responses, child_zone, delete_zone, servers_of
from policy_check import Request, batch_request, calls_of_a_cycle, decide, statements_in

from sandbox_fixtures import session_for
from zonecut.aws_lambda import events
from zonecut.aws_lambda.delegation import ParentZone
from zonecut.aws_lambda.settings import Settings
from zonecut.iam.lambda_template import LambdaDeployment, consumer_template, parent_template
from zonecut.names import normalize
from zonecut.sandbox import Sandbox


def lookup_env(parent: dict[str, str], **extra: str) -> dict[str, str]:
    """The handlers' settings without ZONECUT_PARENT_ZONE_ID."""
    return {k: v for k, v in parent.items() if k != "ZONECUT_PARENT_ZONE_ID"} | extra


def parent_zone(sandbox: Sandbox, name: str, *, private: bool = False,
                reference: str | None = None) -> str:
    """Another hosted zone in the parent's account (the network account)."""
    r53 = session_for(sandbox, NETWORK).client("route53")
    extra: dict[str, Any] = {}
    if private:
        vpc = session_for(sandbox, NETWORK).client("ec2", region_name="us-east-1").create_vpc(
            CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        extra = {"VPC": {"VPCRegion": "us-east-1", "VPCId": vpc},
                 "HostedZoneConfig": {"Comment": "internal", "PrivateZone": True}}
    made = r53.create_hosted_zone(Name=name, CallerReference=reference or f"p-{name}-{private}",
                                  **extra)
    return str(made["HostedZone"]["Id"]).split("/")[-1]


def ns_at(sandbox: Sandbox, zone_id: str, name: str) -> list[str]:
    r53 = session_for(sandbox, NETWORK).client("route53")
    sets = r53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    found = [r for r in sets if r["Type"] == "NS" and normalize(r["Name"]) == name]
    return servers_of(found[0]) if found else []


def world(sandbox: Sandbox) -> list[str]:
    """Every record set of every zone of the parent's account, and its SSM parameters."""
    r53 = session_for(sandbox, NETWORK).client("route53")
    rows = []
    for zone in r53.list_hosted_zones()["HostedZones"]:
        for rr in r53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]:
            rows.append(json.dumps([zone["Id"], rr], sort_keys=True))
    ssm = session_for(sandbox, NETWORK).client("ssm", region_name="us-east-1")
    rows += [p["Name"] for p in ssm.get_parameters_by_path(Path="/", Recursive=True)[
        "Parameters"]]
    return sorted(rows)


def test_the_closest_public_zone_is_the_parent_on_both_paths(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    env = lookup_env(parent)
    apex = parent["ZONECUT_PARENT_ZONE_ID"]
    dev = parent_zone(fresh_sandbox, "dev.example.com")
    parent_zone(fresh_sandbox, "dev.example.com", private=True)      # same name, private
    parent_zone(fresh_sandbox, "team.dev.example.com", private=True)  # private only
    before = world(fresh_sandbox)

    _, api_servers = child_zone(fresh_sandbox, "api.dev.example.com")
    made = cfn.send(cfn.event("Create", DEV, responses.url("c"), {
        "ZoneName": "api.dev.example.com", "NameServers": api_servers}), None, environ=env)
    assert made["Status"] == "SUCCESS", made["Reason"]
    assert made["PhysicalResourceId"] == f"zonecut:{dev}:api.dev.example.com"
    assert ns_at(fresh_sandbox, dev, "api.dev.example.com") == api_servers
    assert ns_at(fresh_sandbox, apex, "api.dev.example.com") == []
    ssm = session_for(fresh_sandbox, NETWORK).client("ssm", region_name="us-east-1")
    document = json.loads(ssm.get_parameter(Name="/zonecut/zones/api.dev.example.com")[
        "Parameter"]["Value"])
    assert (document["parent"], document["parent_zone_id"]) == ("dev.example.com", dev)

    # below a private-only level: the public zone above it
    x_id, x_servers = child_zone(fresh_sandbox, "x.team.dev.example.com")
    done = events.handler(create_hosted_zone(DEV, "x.team.dev.example.com", x_id, x_servers),
                          None, environ=env)
    assert done["status"] == "delegated", done
    assert ns_at(fresh_sandbox, dev, "x.team.dev.example.com") == x_servers

    gone = cfn.send(cfn.event("Delete", DEV, responses.url("d"), {
        "ZoneName": "api.dev.example.com", "NameServers": api_servers},
        physical_id=made["PhysicalResourceId"]), None, environ=env)
    assert gone["Status"] == "SUCCESS" and gone["Data"]["Outcome"] == "removed"
    delete_zone(fresh_sandbox, x_id)
    removed = events.handler(delete_hosted_zone(DEV, x_id), None, environ=env)
    assert removed["status"] == "removed", removed
    assert world(fresh_sandbox) == before


def test_two_public_zones_of_one_name_are_never_guessed_between(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    env = lookup_env(parent)
    apex = parent["ZONECUT_PARENT_ZONE_ID"]
    twin = parent_zone(fresh_sandbox, "example.com", reference="twin")
    before = world(fresh_sandbox)
    zid, servers = child_zone(fresh_sandbox, "dev.example.com")
    sent = cfn.send(cfn.event("Create", DEV, responses.url("c"), {
        "ZoneName": "dev.example.com", "NameServers": servers}), None, environ=env)
    assert sent["Status"] == "FAILED"
    assert sent["PhysicalResourceId"].startswith("zonecut-refused-")
    ids = ", ".join(sorted([apex, twin]))
    assert sent["Reason"] == (
        f"account {NETWORK} has 2 public hosted zones named example.com ({ids}): the parent "
        "of dev.example.com is not guessed between them; set ZONECUT_PARENT_ZONE_ID, or "
        "delete the extra zone; nothing was changed")
    done = events.handler(create_hosted_zone(DEV, "dev.example.com", zid, servers), None,
                          environ=env)
    assert done["status"] == "refused" and done["reason"] == sent["Reason"]
    assert world(fresh_sandbox) == before
    # named, the zone is kept (and checked to be above the name)
    pinned = cfn.send(cfn.event("Create", DEV, responses.url("p"), {
        "ZoneName": "dev.example.com", "NameServers": servers}, stack="pinned"), None,
        environ={**env, "ZONECUT_PARENT_ZONE_ID": twin})
    assert pinned["Status"] == "SUCCESS", pinned["Reason"]
    assert ns_at(fresh_sandbox, twin, "dev.example.com") == servers
    assert ns_at(fresh_sandbox, apex, "dev.example.com") == []
    below = cfn.send(cfn.event("Create", DEV, responses.url("b"), {
        "ZoneName": "dev.example.org", "NameServers": servers}, stack="other"), None,
        environ={**env, "ZONECUT_PARENT_ZONE_ID": twin,
                 "ZONECUT_ALLOW": json.dumps({DEV: ["*.example.com", "dev.example.org"]})})
    assert below["Status"] == "FAILED"
    assert below["Reason"] == "dev.example.org is not below the parent zone example.com"


def test_no_parent_zone_is_a_refusal_naming_the_account(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    env = lookup_env(parent, ZONECUT_ALLOW=json.dumps({DEV: ["*.example.org"]}))
    private = parent_zone(fresh_sandbox, "example.org", private=True)
    before = world(fresh_sandbox)
    zid, servers = child_zone(fresh_sandbox, "a.example.org")
    reason = (f"account {NETWORK} has no public hosted zone above a.example.org (looked for "
              f"example.org, org); private zones passed over: example.org ({private}); "
              "nothing was changed")
    sent = cfn.send(cfn.event("Create", DEV, responses.url("c"), {
        "ZoneName": "a.example.org", "NameServers": servers}), None, environ=env)
    assert (sent["Status"], sent["Reason"]) == ("FAILED", reason)
    done = events.handler(create_hosted_zone(DEV, "a.example.org", zid, servers), None,
                          environ=env)
    assert (done["status"], done["reason"]) == ("refused", reason)
    # a name the allow-list refuses is refused before any lookup
    asked = ParentZone(Settings.from_env(env))
    other = events.handler(create_hosted_zone(DEV, "b.example.net", zid, servers), None,
                           parent=asked)
    assert other["status"] == "refused" and "not b.example.net" in other["reason"]
    assert asked.counter.snapshot() == {}
    assert world(fresh_sandbox) == before


def test_a_pinned_private_zone_is_refused_on_both_paths(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    """ZONECUT_PARENT_ZONE_ID naming a private zone of the right name: resolvers on the
    internet never see a delegation written there, so nothing is written at all."""
    private = parent_zone(fresh_sandbox, "example.com", private=True)
    env = {**parent, "ZONECUT_PARENT_ZONE_ID": private}
    before = world(fresh_sandbox)
    zid, servers = child_zone(fresh_sandbox, "dev.example.com")
    reason = (f"ZONECUT_PARENT_ZONE_ID {private} is a private hosted zone (example.com): a "
              "delegation resolvers follow goes into a public zone; nothing was changed")
    sent = cfn.send(cfn.event("Create", DEV, responses.url("c"), {
        "ZoneName": "dev.example.com", "NameServers": servers}), None, environ=env)
    assert (sent["Status"], sent["Reason"]) == ("FAILED", reason)
    done = events.handler(create_hosted_zone(DEV, "dev.example.com", zid, servers), None,
                          environ=env)
    assert (done["status"], done["reason"]) == ("refused", reason)
    assert world(fresh_sandbox) == before


def test_a_delegation_is_removed_from_the_zone_it_was_written_in(
        fresh_sandbox: Sandbox, parent: dict[str, str]) -> None:
    """team.dev.example.com is delegated in example.com; then the parent's account gets
    a dev.example.com. The lookup would now say dev.example.com: the owner record's
    zone is where the removal looks, so nothing is left dangling in example.com."""
    env = lookup_env(parent)
    apex = parent["ZONECUT_PARENT_ZONE_ID"]
    before = world(fresh_sandbox)
    zid, servers = child_zone(fresh_sandbox, "team.dev.example.com")
    done = events.handler(create_hosted_zone(DEV, "team.dev.example.com", zid, servers),
                          None, environ=env)
    assert done["status"] == "delegated", done
    assert ns_at(fresh_sandbox, apex, "team.dev.example.com") == servers
    owner = session_for(fresh_sandbox, NETWORK).client("ssm", region_name="us-east-1")
    record = json.loads(owner.get_parameter(Name="/zonecut/owners/team.dev.example.com")[
        "Parameter"]["Value"])
    assert record["parent_zone_id"] == apex

    dev = parent_zone(fresh_sandbox, "dev.example.com")
    again = events.handler(create_hosted_zone(DEV, "team.dev.example.com", zid, servers),
                           None, environ=env)
    assert again["status"] == "refused"
    assert again["reason"].startswith(
        f"the delegation of team.dev.example.com is written in hosted zone {apex}")
    assert f"is now {dev} (dev.example.com)" in again["reason"]
    assert ns_at(fresh_sandbox, dev, "team.dev.example.com") == []

    delete_zone(fresh_sandbox, zid)
    removed = events.handler(delete_hosted_zone(DEV, zid), None, environ=env)
    assert removed["status"] == "removed", removed
    assert ns_at(fresh_sandbox, apex, "team.dev.example.com") == []
    r53 = session_for(fresh_sandbox, NETWORK).client("route53")
    r53.delete_hosted_zone(Id=dev)
    assert world(fresh_sandbox) == before


@pytest.mark.parametrize("pinned", [True, False], ids=["zone-id", "lookup"])
def test_the_template_policies_allow_exactly_the_calls_the_handlers_make(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation, pinned: bool) -> None:
    apex = parent["ZONECUT_PARENT_ZONE_ID"]
    env = parent if pinned else lookup_env(parent)
    calls = calls_of_a_cycle(fresh_sandbox, env, responses, cfn)
    allow = json.loads(env["ZONECUT_ALLOW"])
    template = parent_template(LambdaDeployment(apex if pinned else None, allow))
    function = template["Resources"]["FunctionRole"]["Properties"]["Policies"][0][
        "PolicyDocument"]
    used = {op if ":" in op else f"route53:{op}" for (account, op) in calls
            if account == NETWORK}
    granted = {a for s in function["Statement"] if s["Sid"] != "Logs"
               for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert used == granted - {"sts:AssumeRole"}
    assert ("route53:ListHostedZonesByName" in granted) is (not pinned)
    statements = statements_in(function, NETWORK)
    zone = f"arn:aws:route53:::hostedzone/{apex}"
    for action in sorted(used):
        if action == "route53:ChangeResourceRecordSets":
            for verb in ("CREATE", "DELETE"):
                assert decide(statements, batch_request(
                    zone, [(verb, "NS", "api.dev.example.com")])), verb
            assert not decide(statements, batch_request(zone, [("CREATE", "A",
                                                                "api.dev.example.com")]))
            continue
        resources = {"route53:GetChange": ["arn:aws:route53:::change/C1"],
                     "route53:ListHostedZonesByName": ["*"]}.get(action, [zone])
        if action.startswith("ssm:"):
            resources = [f"arn:aws:ssm:us-east-1:{NETWORK}:parameter/zonecut/{where}/"
                         "api.dev.example.com" for where in ("owners", "zones")]
        for resource in resources:
            assert decide(statements, Request(action, resource, {})), (action, resource)
    # with a zone id, the zone-scoped reads and the write are on that zone only
    if pinned:
        other = "arn:aws:route53:::hostedzone/ZOTHER0000000"
        assert not decide(statements, Request("route53:GetHostedZone", other, {}))
    child = {op if ":" in op else f"route53:{op}" for (account, op) in calls
             if account == DEV}
    reader = consumer_template(NETWORK)["Resources"]["ReadZones"]["Properties"][
        "Policies"][0]["PolicyDocument"]
    assert child == {a for s in reader["Statement"] for a in (
        [s["Action"]] if isinstance(s["Action"], str) else s["Action"])}

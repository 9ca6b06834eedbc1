"""Requests CloudFormation did not send: anyone allowed to invoke the custom resource can
write any StackId, LogicalResourceId and PhysicalResourceId. The handler asks
CloudFormation in the claiming account (``DescribeStackResource``, through the read-only
role) and changes nothing unless that stack's resource is waiting for exactly this
request. The stacks are moto's; the custom resource's in-progress state is the sandbox's
emulation (:mod:`zonecut.sandbox.cfn_fidelity`)."""

from __future__ import annotations

from typing import Any

from child_support import DEV, PROD
from cloudformation_side import CloudFormation
from lambda_events import custom_resource
from lambda_support import (
    Context,
    Responses,
    child_zone,
    delegation,
    parameters,
    servers_of,
    snapshot,
)

from zonecut.aws_lambda import custom_resource as cr
from zonecut.sandbox import Sandbox

NAME = "dev.example.com"


def props(servers: list[str], name: str = NAME) -> dict[str, Any]:
    return {"ZoneName": name, "NameServers": servers}


def writes(sandbox: Sandbox) -> dict[str, int]:
    """Route 53 writes counted by the sandbox (SSM's are seen in the snapshots)."""
    return {op: n for (_, op), n in sandbox.calls().items()
            if op in ("ChangeResourceRecordSets", "CreateHostedZone", "DeleteHostedZone")}


def test_a_forged_delete_or_update_of_a_live_stack_changes_nothing(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    _, servers = child_zone(fresh_sandbox, NAME)
    _, other = child_zone(fresh_sandbox, "team.dev.example.com")
    made = cfn.send(cfn.event("Create", DEV, responses.url("c"), props(servers)), Context(),
                    environ=parent)
    assert made["Status"] == "SUCCESS"
    physical = made["PhysicalResourceId"]
    real = cfn.stack_id(DEV)
    before, owners = snapshot(fresh_sandbox), parameters(fresh_sandbox, "/zonecut/owners")
    url = responses.url("forged")
    forged = {
        "delete of the live resource": custom_resource(
            "Delete", DEV, url, props(servers), physical_id=physical, stack_id=real),
        "update of the live resource": custom_resource(
            "Update", DEV, url, props(other, "team.dev.example.com"), physical_id=physical,
            old=props(servers), stack_id=real),
        "delete with a placeholder id": custom_resource(
            "Delete", DEV, url, props(servers), physical_id="zonecut-failed-x", stack_id=real),
        "a stack CloudFormation does not know": custom_resource(
            "Delete", DEV, url, props(servers), physical_id=physical,
            stack_id=real.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000"),
        "another account's copy of the StackId": custom_resource(
            "Delete", PROD, url, props(servers), physical_id=physical,
            stack_id=real.replace(f":{DEV}:", f":{PROD}:")),
        "another resource of the stack": custom_resource(
            "Delete", DEV, url, props(servers), physical_id=physical, stack_id=real,
            logical_id="Topic"),
    }
    fresh_sandbox.reset_calls()
    reasons = {}
    for what, event in forged.items():
        sent = cr.handler(event, Context(), environ=parent)
        assert sent["Status"] == "FAILED", (what, sent)
        assert "nothing was changed" in sent["Reason"], (what, sent["Reason"])
        reasons[what] = sent["Reason"]
    # the stack is busy, but with another operation
    fresh_sandbox.set_stack_resource(DEV, real, "ZoneDelegation", physical_id=physical,
                                     status="UPDATE_IN_PROGRESS")
    busy = cr.handler(forged["delete of the live resource"], Context(), environ=parent)
    assert busy["Status"] == "FAILED" and "UPDATE_IN_PROGRESS, not DELETE_IN_PROGRESS" in \
        busy["Reason"]
    assert "CREATE_COMPLETE, not DELETE_IN_PROGRESS" in reasons["delete of the live resource"]
    assert "not UPDATE_IN_PROGRESS" in reasons["update of the live resource"]
    assert "not zonecut-failed-x" in reasons["delete with a placeholder id"]
    assert "knows no resource" in reasons["a stack CloudFormation does not know"]
    assert f"account {PROD}" in reasons["another account's copy of the StackId"]
    assert writes(fresh_sandbox) == {}
    assert snapshot(fresh_sandbox) == before
    assert parameters(fresh_sandbox, "/zonecut/owners") == owners
    assert servers_of(delegation(fresh_sandbox, NAME)) == servers
    # CloudFormation's own Delete still removes it
    fresh_sandbox.set_stack_resource(DEV, real, "ZoneDelegation", physical_id=physical,
                                     status="CREATE_COMPLETE")
    gone = cfn.send(cfn.event("Delete", DEV, responses.url("d"), props(servers),
                              physical_id=physical), Context(), environ=parent)
    assert gone["Data"]["Outcome"] == "removed"
    assert delegation(fresh_sandbox, NAME) is None


def test_a_forged_create_before_the_stacks_own_cannot_take_its_name(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    """Before: the forger's Create made the name's owner record its own (the real stack
    then got ``foreign``). Now CloudFormation is asked whether it is creating that
    resource."""
    _, servers = child_zone(fresh_sandbox, NAME)
    before = snapshot(fresh_sandbox)
    real = cfn.stack_id(DEV)
    fresh_sandbox.reset_calls()
    forged = cr.handler(custom_resource("Create", DEV, responses.url("f"), props(servers),
                                        stack_id=real), Context(), environ=parent)
    assert forged["Status"] == "FAILED" and "knows no resource" in forged["Reason"]
    assert forged["PhysicalResourceId"].startswith("zonecut-refused-")
    assert writes(fresh_sandbox) == {}
    assert snapshot(fresh_sandbox) == before
    made = cfn.send(cfn.event("Create", DEV, responses.url("c"), props(servers)), Context(),
                    environ=parent)
    assert made["Status"] == "SUCCESS" and made["Data"]["Outcome"] == "delegated"
    # once created, a forged Create (a replay) is refused too
    again = cr.handler(cfn.event("Create", DEV, responses.url("r"), props(servers)),
                       Context(), environ=parent)
    assert again["Status"] == "FAILED" and "CREATE_COMPLETE, not CREATE_IN_PROGRESS" in \
        again["Reason"]


def test_a_forged_cleanup_cannot_remove_the_name_the_stack_holds_now(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    """After a rename, CloudFormation's cleanup Delete names the replaced id while the
    resource shows the new one; only that replaced name may go that way."""
    _, dev = child_zone(fresh_sandbox, NAME)
    _, team = child_zone(fresh_sandbox, "team.dev.example.com")
    made = cfn.send(cfn.event("Create", DEV, responses.url("c"), props(dev)), Context(),
                    environ=parent)
    renamed = cfn.send(cfn.event("Update", DEV, responses.url("u"),
                                 props(team, "team.dev.example.com"),
                                 physical_id=made["PhysicalResourceId"], old=props(dev)),
                       Context(), environ=parent)
    assert renamed["Status"] == "SUCCESS"
    now = renamed["PhysicalResourceId"]
    held = snapshot(fresh_sandbox)
    fresh_sandbox.reset_calls()
    forged = cr.handler(cfn.event("Delete", DEV, responses.url("f"),
                                  props(team, "team.dev.example.com"), physical_id=now),
                        Context(), environ=parent)
    assert forged["Status"] == "FAILED" and "UPDATE_COMPLETE, not DELETE_IN_PROGRESS" in \
        forged["Reason"]
    assert writes(fresh_sandbox) == {}
    assert snapshot(fresh_sandbox) == held
    cleanup = cfn.send(cfn.event("Delete", DEV, responses.url("d"), props(dev),
                                 physical_id=made["PhysicalResourceId"]), Context(),
                       environ=parent, cleanup=True)
    assert cleanup["Data"]["Outcome"] == "removed"
    assert delegation(fresh_sandbox, NAME) is None
    assert servers_of(delegation(fresh_sandbox, "team.dev.example.com")) == team


def test_which_states_let_a_request_through() -> None:
    """The rule itself, for every request type and the statuses CloudFormation shows."""
    from zonecut.aws.cloudformation import StackResource
    from zonecut.aws_lambda.stack_claim import refusal

    stack = f"arn:aws:cloudformation:eu-west-1:{DEV}:stack/dev-dns/1"
    now, old = "zonecut:Z1:team.dev.example.com", "zonecut:Z1:dev.example.com"

    def allowed(request: str, physical: str, shown: str, status: str) -> bool:
        event = {"RequestType": request, "StackId": stack, "LogicalResourceId": "D",
                 "PhysicalResourceId": physical}
        return refusal(event, StackResource(stack, "D", shown, "Custom::X", status)) is None

    assert allowed("Create", "", "", "CREATE_IN_PROGRESS")
    assert not allowed("Create", "", now, "CREATE_COMPLETE")
    assert allowed("Update", now, now, "UPDATE_IN_PROGRESS")
    assert allowed("Update", now, now, "UPDATE_ROLLBACK_IN_PROGRESS")
    assert not allowed("Update", old, now, "UPDATE_IN_PROGRESS")
    assert allowed("Delete", now, now, "DELETE_IN_PROGRESS")
    assert not allowed("Delete", now, now, "UPDATE_COMPLETE")
    assert allowed("Delete", old, now, "UPDATE_COMPLETE")  # cleanup of a replaced id
    assert not allowed("Delete", "zonecut-failed-1", now, "CREATE_COMPLETE")
    assert allowed("Delete", "zonecut-failed-1", "zonecut-failed-1", "DELETE_IN_PROGRESS")
    event = {"RequestType": "Delete", "StackId": stack, "LogicalResourceId": "D"}
    assert "knows no resource D" in str(refusal(event, None))

"""The self-service handlers against the sandbox: custom resource and EventBridge events,
the allow-list before any change, responses PUT to a real local HTTP server."""

from __future__ import annotations

import json
from typing import Any

import pytest
from child_support import DEV, NETWORK, PROD
from cloudformation_side import CloudFormation
from lambda_events import create_hosted_zone, delete_hosted_zone
from lambda_support import Responses, child_zone, delegation, snapshot

from sandbox_fixtures import session_for
from zonecut.aws_lambda import events
from zonecut.aws_lambda.policy import AllowList, PolicyError
from zonecut.aws_lambda.settings import Settings, SettingsError
from zonecut.names import normalize
from zonecut.sandbox import Sandbox


def test_create_rename_delete_leaves_the_parent_exactly_as_before(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    before = snapshot(fresh_sandbox)
    _, dev_servers = child_zone(fresh_sandbox, "dev.example.com")
    _, team_servers = child_zone(fresh_sandbox, "team.dev.example.com")

    def run(event: dict[str, Any], cleanup: bool = False) -> dict[str, Any]:
        sent = cfn.send(event, None, environ=parent, cleanup=cleanup)
        path, headers, body = responses.received[-1]
        assert body == sent and path.startswith("/cfn/")
        assert headers["Content-Type"] == ""  # what a pre-signed S3 PUT URL expects
        return body

    created = run(cfn.event("Create", DEV, responses.url("create"),
                                  {"ZoneName": "Dev.Example.com.", "NameServers": dev_servers}))
    assert created["Status"] == "SUCCESS", created["Reason"]
    physical = created["PhysicalResourceId"]
    assert physical == f"zonecut:{parent['ZONECUT_PARENT_ZONE_ID']}:dev.example.com"
    live = delegation(fresh_sandbox, "dev.example.com")
    assert live is not None and live["TTL"] == 900
    assert sorted(normalize(v["Value"]) for v in live["ResourceRecords"]) == sorted(dev_servers)

    renamed = run(cfn.event(
        "Update", DEV, responses.url("update"),
        {"ZoneName": "team.dev.example.com", "NameServers": team_servers},
        physical_id=physical, old={"ZoneName": "Dev.Example.com.", "NameServers": dev_servers}))
    assert renamed["Status"] == "SUCCESS", renamed["Reason"]
    assert renamed["PhysicalResourceId"].endswith(":team.dev.example.com")
    # the old record stays until CloudFormation's cleanup deletes the old physical id
    # (an update that fails later rolls back to it)
    assert delegation(fresh_sandbox, "dev.example.com") is not None
    assert delegation(fresh_sandbox, "team.dev.example.com") is not None
    # CloudFormation's cleanup of the replaced id: the resource is the new one by now
    cleanup = run(cfn.event("Delete", DEV, responses.url("cleanup"),
                            {"ZoneName": "Dev.Example.com.", "NameServers": dev_servers},
                            physical_id=physical), cleanup=True)
    assert cleanup["Status"] == "SUCCESS" and cleanup["Data"]["Outcome"] == "removed"
    assert delegation(fresh_sandbox, "dev.example.com") is None

    deleted = run(cfn.event(
        "Delete", DEV, responses.url("delete"),
        {"ZoneName": "team.dev.example.com", "NameServers": team_servers},
        physical_id=renamed["PhysicalResourceId"]))
    assert deleted["Status"] == "SUCCESS" and deleted["Data"]["Outcome"] == "removed"
    assert snapshot(fresh_sandbox) == before
    assert len(responses.received) == 4


def test_the_custom_resource_refuses_names_outside_the_allow_list(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses,
        cfn: CloudFormation) -> None:
    before = snapshot(fresh_sandbox)
    for account, name in [(PROD, "dev.example.com"), (DEV, "baddev.example.com"),
                          (DEV, "dev.example.org"), (DEV, "www.example.com")]:
        event = cfn.event("Create", account, responses.url("x"),
                          {"ZoneName": name, "NameServers": ["ns-1.awsdns-01.org"]})
        sent = cfn.send(event, None, environ=parent)
        assert sent["Status"] == "FAILED", (account, name)
        # a failed Create reports a placeholder id; its Delete then changes nothing
        delete = cfn.event("Delete", account, responses.url("y"),
                           {"ZoneName": name, "NameServers": ["ns-1.awsdns-01.org"]},
                           physical_id=sent["PhysicalResourceId"])
        assert cfn.send(delete, None, environ=parent)["Status"] == "SUCCESS"
    assert responses.received[0][2]["Reason"] == (
        f"account {PROD} is not in the allow-list")
    assert responses.received[2][2]["Reason"] == (
        f"account {DEV} may claim dev.example.com, *.dev.example.com, not baddev.example.com "
        "(names match on label boundaries)")
    assert snapshot(fresh_sandbox) == before


def test_an_event_outside_the_allow_list_changes_nothing(
        fresh_sandbox: Sandbox, parent: dict[str, str],
        caplog: pytest.LogCaptureFixture) -> None:
    before = snapshot(fresh_sandbox)
    outcomes = [
        events.handler(create_hosted_zone(PROD, "prod.example.com", "Z0PROD0000000001",
                                          ["ns-1.awsdns-01.org"]), None, environ=parent),
        events.handler(create_hosted_zone(DEV, "devx.example.com", "Z0DEVX0000000001",
                                          ["ns-1.awsdns-01.org"]), None, environ=parent),
        events.handler(create_hosted_zone(DEV, "dev.example.com", "Z0DEVP0000000001",
                                          ["ns-1.awsdns-01.org"], private=True),
                       None, environ=parent),
        events.handler(delete_hosted_zone(DEV, "Z0UNKNOWN0000001"), None, environ=parent),
    ]
    assert [o["status"] for o in outcomes] == ["refused", "refused", "ignored", "ignored"]
    assert outcomes[1]["reason"].endswith("not devx.example.com (names match on label "
                                          "boundaries)")
    assert snapshot(fresh_sandbox) == before
    assert "refused: account 333333333333, prod.example.com" in caplog.text


def test_events_delegate_then_undelegate_an_allowed_zone(
        fresh_sandbox: Sandbox, parent: dict[str, str]) -> None:
    before = snapshot(fresh_sandbox)
    zid, servers = child_zone(fresh_sandbox, "api.dev.example.com")
    done = events.handler(create_hosted_zone(DEV, "api.dev.example.com", zid, servers),
                          None, environ=parent)
    assert done["status"] == "delegated"
    live = delegation(fresh_sandbox, "api.dev.example.com")
    assert live is not None
    assert sorted(normalize(v["Value"]) for v in live["ResourceRecords"]) == sorted(servers)
    ssm = session_for(fresh_sandbox, NETWORK).client("ssm", region_name="us-east-1")
    recorded = json.loads(ssm.get_parameter(
        Name="/zonecut/zones/api.dev.example.com")["Parameter"]["Value"])
    assert (recorded["zone_id"], recorded["account_id"]) == (zid, DEV)
    # the same event again (EventBridge delivers at least once): nothing more
    again = events.handler(create_hosted_zone(DEV, "api.dev.example.com", zid, servers),
                           None, environ=parent)
    assert again["status"] == "unchanged"
    # another account deleting a zone id it does not own is refused
    other = events.handler(delete_hosted_zone(PROD, zid), None, environ=parent)
    assert other["status"] == "refused"
    # a DeleteHostedZone event for a zone that still exists (forged, or early) is refused
    early = events.handler(delete_hosted_zone(DEV, zid), None, environ=parent)
    assert early["status"] == "refused" and "still exists" in early["reason"]
    assert delegation(fresh_sandbox, "api.dev.example.com") is not None
    session_for(fresh_sandbox, DEV).client("route53").delete_hosted_zone(Id=zid)
    gone = events.handler(delete_hosted_zone(DEV, zid), None, environ=parent)
    assert gone["status"] == "removed"
    assert snapshot(fresh_sandbox) == before


def test_settings_and_policy_are_checked() -> None:
    with pytest.raises(SettingsError, match="ZONECUT_PARENT_ACCOUNT_ID is not set"):
        Settings.from_env({})
    with pytest.raises(PolicyError, match="'12345' is not a 12-digit account id"):
        AllowList.from_json('{"12345": ["a.example.com"]}')
    policy = AllowList.from_json(json.dumps({DEV: ["*.Dev.Example.COM."]}))
    assert policy.refusal(DEV, "a.b.dev.example.com") is None
    assert policy.refusal(DEV, "dev.example.com") is not None  # strictly below only
    assert policy.refusal(DEV, "xdev.example.com") is not None


def test_the_handlers_record_in_the_handoff_region_not_their_own(
        fresh_sandbox: Sandbox, parent: dict[str, str]) -> None:
    env = {**parent, "AWS_REGION": "eu-west-1"}
    assert Settings.from_env(env).ssm_region == "us-east-1"  # as the CLI's default
    assert Settings.from_env({**env, "AWS_REGION": "cn-north-1"}).ssm_region == "cn-northwest-1"
    zid, servers = child_zone(fresh_sandbox, "api.dev.example.com")
    done = events.handler(create_hosted_zone(DEV, "api.dev.example.com", zid, servers),
                          None, environ=env)
    assert done["status"] == "delegated"
    ssm = session_for(fresh_sandbox, NETWORK).client("ssm", region_name="us-east-1")
    assert ssm.get_parameter(Name="/zonecut/zones/api.dev.example.com")["Parameter"]
    configured = {**env, "ZONECUT_SSM_REGION": "eu-central-1"}
    assert Settings.from_env(configured).ssm_region == "eu-central-1"

"""Multi-account behaviour and server-side call counts."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from sandbox_helpers import CHILD_A, CHILD_B, PARENT, change, create_zone, route53

from sandbox_fixtures import base_session, session_for
from zonecut.sandbox import Sandbox

pytestmark = pytest.mark.sandbox


def test_assumed_role_lands_in_the_role_account(fresh_sandbox: Sandbox) -> None:
    for account in (PARENT, CHILD_A, CHILD_B):
        identity = session_for(fresh_sandbox, account).client("sts").get_caller_identity()
        assert identity["Account"] == account
        assert ":assumed-role/ZonecutDelegation/" in identity["Arn"]


def test_zones_are_isolated_per_account(fresh_sandbox: Sandbox) -> None:
    ids = {}
    for account in (PARENT, CHILD_A, CHILD_B):
        ids[account], _ = create_zone(route53(fresh_sandbox, account), f"z{account[0]}.example.com")
    for account in (PARENT, CHILD_A, CHILD_B):
        client = route53(fresh_sandbox, account)
        listed = [z["Id"] for z in client.list_hosted_zones()["HostedZones"]]
        assert listed == [ids[account]]
        for other, zone_id in ids.items():
            if other != account:
                with pytest.raises(ClientError) as exc:
                    client.get_hosted_zone(Id=zone_id)
                assert exc.value.response["Error"]["Code"] == "NoSuchHostedZone"


def test_calls_are_counted_per_account_and_operation(fresh_sandbox: Sandbox) -> None:
    parent = route53(fresh_sandbox, PARENT)
    child = route53(fresh_sandbox, CHILD_A)
    fresh_sandbox.reset_calls()
    parent_zone, _ = create_zone(parent, "example.com")
    _, servers = create_zone(child, "dev.example.com")
    change(parent, parent_zone, ("CREATE", "dev.example.com", "NS", 300, servers))
    with pytest.raises(ClientError):  # failed requests reached Route 53: they count
        change(parent, parent_zone, ("CREATE", "dev.example.com", "NS", 300, servers))
    child.list_hosted_zones_by_name(DNSName="dev.example.com")
    assert fresh_sandbox.calls() == {
        (PARENT, "CreateHostedZone"): 1,
        (PARENT, "ChangeResourceRecordSets"): 2,
        (CHILD_A, "CreateHostedZone"): 1,
        (CHILD_A, "ListHostedZonesByName"): 1,
    }
    session_for(fresh_sandbox, CHILD_B)  # AssumeRole is made with the base credentials
    assert fresh_sandbox.calls()[("123456789012", "AssumeRole")] == 1
    fresh_sandbox.reset_calls()
    assert fresh_sandbox.calls() == {}


def test_reset_clears_zones(fresh_sandbox: Sandbox) -> None:
    create_zone(route53(fresh_sandbox, PARENT), "example.com")
    fresh_sandbox.reset()
    assert route53(fresh_sandbox, PARENT).list_hosted_zones()["HostedZones"] == []
    assert base_session(fresh_sandbox).client("sts").get_caller_identity()["Account"] == (
        "123456789012"
    )

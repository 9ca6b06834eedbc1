"""What the sandbox cannot show (moto is always INSYNC and never loses a response):
botocore's Stubber plays Route 53's side for these."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from zonecut.aws.calls import CallCounter
from zonecut.aws.errors import AccessDenied, AwsError, SyncTimeout
from zonecut.aws.ratelimit import TokenBucket
from zonecut.aws.route53 import RecordChange, Route53Account
from zonecut.aws.waiter import MIN_INTERVAL
from zonecut.aws.zone_references import ZoneReferences
from zonecut.state import RRSet


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make(clock: Clock) -> tuple[Route53Account, Stubber]:
    client = boto3.client("route53", region_name="us-east-1", aws_access_key_id="x",
                          aws_secret_access_key="x")
    stub = Stubber(client)
    account = Route53Account("222222222222", client, TokenBucket(1000.0), CallCounter(),
                             sleep=clock.sleep, clock=clock.clock)
    return account, stub


def change(status: str) -> dict[str, Any]:
    return {"ChangeInfo": {"Id": "/change/C1", "Status": status,
                           "SubmittedAt": dt.datetime(2026, 1, 1)}}


def test_pending_then_insync_polls_with_backoff() -> None:
    clock = Clock()
    r53, stub = make(clock)
    stub.add_response("get_change", change("PENDING"), {"Id": "C1"})
    stub.add_response("get_change", change("PENDING"), {"Id": "C1"})
    stub.add_response("get_change", change("INSYNC"), {"Id": "C1"})
    with stub:
        r53.wait_insync(["C1"], timeout=60, what="test change")
    stub.assert_no_pending_responses()
    assert clock.sleeps == [MIN_INTERVAL, MIN_INTERVAL]  # apart while young (aws/waiter.py)


def test_timeout_while_pending_names_account_and_change() -> None:
    clock = Clock()
    r53, stub = make(clock)
    for _ in range(20):
        stub.add_response("get_change", change("PENDING"), {"Id": "C1"})
    with stub, pytest.raises(SyncTimeout) as caught:
        r53.wait_insync(["C1"], timeout=5, what="delegating dev.example.com")
    message = str(caught.value)
    assert "222222222222" in message and "C1" in message and "delegating dev.example.com" in message
    assert clock.now >= 5


def zone_item(zone_id: str, name: str, ref: str) -> dict[str, Any]:
    return {"Id": f"/hostedzone/{zone_id}", "Name": name, "CallerReference": ref,
            "Config": {"PrivateZone": False, "Comment": ""}, "ResourceRecordSetCount": 2}


def test_hosted_zone_already_exists_on_retry_adopts_the_zone() -> None:
    clock = Clock()
    r53, stub = make(clock)
    refs = ZoneReferences("222222222222", "dev.example.com", clock=lambda: 7.0,
                          random_bits=lambda: 9)
    ref = refs.sequence()[0]
    stub.add_client_error("create_hosted_zone", "HostedZoneAlreadyExists",
                          "A hosted zone has already been created with the specified caller "
                          "reference.", 409)
    stub.add_response("list_hosted_zones_by_name", {
        "HostedZones": [zone_item("ZOTHER", "dev.example.com.", "someone-else"),
                        zone_item("ZMINE", "dev.example.com.", ref)],
        "IsTruncated": False, "MaxItems": "100", "DNSName": "dev.example.com."},
        {"DNSName": "dev.example.com.", "MaxItems": "100"})
    stub.add_response("get_hosted_zone", {
        "HostedZone": zone_item("ZMINE", "dev.example.com.", ref),
        "DelegationSet": {"NameServers": ["ns-1.awsdns-01.com", "ns-2.awsdns-02.net",
                                          "ns-3.awsdns-03.org", "ns-4.awsdns-04.co.uk"]}},
        {"Id": "ZMINE"})
    stub.add_response("list_hosted_zones_by_name", {
        "HostedZones": [zone_item("ZMINE", "dev.example.com.", ref)],
        "IsTruncated": False, "MaxItems": "100", "DNSName": "dev.example.com."},
        {"DNSName": "dev.example.com.", "MaxItems": "100"})
    with stub:
        zone, change_id = r53.create_zone("dev.example.com", refs, "c")
    stub.assert_no_pending_responses()
    assert zone.zone_id == "ZMINE"
    assert change_id is None
    assert len(zone.name_servers) == 4


def test_conflicting_domain_exists_is_a_clear_error() -> None:
    clock = Clock()
    r53, stub = make(clock)
    stub.add_client_error("create_hosted_zone", "ConflictingDomainExists",
                          "The zone dev.example.com. conflicts with a zone of the "
                          "delegation set", 400)
    with stub, pytest.raises(AwsError) as caught:
        r53.create_zone("dev.example.com", ZoneReferences("222222222222", "dev.example.com"),
                        "c")
    message = str(caught.value)
    assert "ConflictingDomainExists" in message
    assert "creating zone dev.example.com" in message
    assert "222222222222" in message


def test_find_zones_pages_and_skips_private_zones() -> None:
    clock = Clock()
    r53, stub = make(clock)
    private = zone_item("ZPRIV", "example.com.", "p")
    private["Config"]["PrivateZone"] = True
    stub.add_response("list_hosted_zones_by_name", {
        "HostedZones": [private, zone_item("Z1", "example.com.", "a")],
        "IsTruncated": True, "MaxItems": "2", "DNSName": "example.com.",
        "NextDNSName": "example.com.", "NextHostedZoneId": "Z2"},
        {"DNSName": "example.com.", "MaxItems": "100"})
    stub.add_response("list_hosted_zones_by_name", {
        "HostedZones": [zone_item("Z2", "example.com.", "b"),
                        zone_item("Z3", "example.net.", "c")],
        "IsTruncated": True, "MaxItems": "2", "DNSName": "example.com.",
        "NextDNSName": "example.org.", "NextHostedZoneId": "Z4"},
        {"DNSName": "example.com.", "HostedZoneId": "Z2", "MaxItems": "100"})
    with stub:
        found = r53.find_zones("example.com")
    stub.assert_no_pending_responses()
    assert [z.zone_id for z in found] == ["Z1", "Z2"]


def test_access_denied_names_account_call_and_role() -> None:
    clock = Clock()
    client = boto3.client("route53", region_name="us-east-1", aws_access_key_id="x",
                          aws_secret_access_key="x")
    stub = Stubber(client)
    r53 = Route53Account("333333333333", client, TokenBucket(1000.0), CallCounter(),
                         sleep=clock.sleep, clock=clock.clock,
                         principal="arn:aws:iam::333333333333:role/ZonecutDelegation")
    stub.add_client_error("change_resource_record_sets", "AccessDenied",
                          "User is not authorized to perform route53:ChangeResourceRecordSets",
                          403)
    with stub, pytest.raises(AccessDenied) as caught:
        r53.change_rrsets("Z1", "prod.example.com", [RecordChange("UPSERT", RRSet(
            "x.prod.example.com", "A", 60, ("192.0.2.1",)))], "c")
    message = str(caught.value)
    assert "333333333333" in message
    assert "ChangeResourceRecordSets" in message
    assert "role/ZonecutDelegation" in message

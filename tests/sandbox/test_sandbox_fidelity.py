"""Route 53 behaviour of the sandbox, through boto3 over HTTP to the moto server."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.route53.models import Route53Backend
from sandbox_helpers import CHILD_A, CHILD_B, PARENT, change, create_zone, route53, rrsets

from zonecut.sandbox import Sandbox, fidelity
from zonecut.sandbox.nameservers import TLDS, server_tld

pytestmark = pytest.mark.sandbox


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response: Any = exc.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def test_zone_gets_four_pool_servers_and_matching_apex(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, servers = create_zone(client, "example.com")
    assert [server_tld(s) for s in servers] == list(TLDS)
    assert set(servers) <= set(fresh_sandbox.pool.names)
    records = rrsets(client, zone_id)
    ns = records[("example.com.", "NS")]
    assert ns["TTL"] == 172800
    assert [r["Value"] for r in ns["ResourceRecords"]] == [s + "." for s in servers]
    soa = records[("example.com.", "SOA")]
    assert soa["TTL"] == 900
    assert [r["Value"] for r in soa["ResourceRecords"]] == [
        f"{servers[0]}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"
    ]
    got = client.get_hosted_zone(Id=zone_id)["DelegationSet"]["NameServers"]
    assert got == servers
    # moto would list every zone's own delegation set as a reusable one
    assert client.list_reusable_delegation_sets()["DelegationSets"] == []


def test_same_name_and_parent_child_never_share_servers(fresh_sandbox: Sandbox) -> None:
    zones: list[tuple[str, set[str]]] = []
    for account, name in [
        (PARENT, "example.com"),
        (CHILD_A, "example.com"),
        (CHILD_B, "example.com"),
        (CHILD_A, "dev.example.com"),
        (CHILD_B, "dev.example.com"),
        (CHILD_B, "x.dev.example.com"),
    ]:
        _, servers = create_zone(route53(fresh_sandbox, account), name)
        zones.append((name, set(servers)))
    for i, (a, sa) in enumerate(zones):
        for b, sb in zones[i + 1:]:
            if a == b or a.endswith("." + b) or b.endswith("." + a):
                assert not sa & sb, (a, b)


def test_recreated_zone_gets_a_new_delegation_set(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, CHILD_A)
    sets = []
    for attempt in range(5):
        zone_id, servers = create_zone(client, "dev.example.com", f"attempt-{attempt}")
        sets.append(frozenset(servers))
        client.delete_hosted_zone(Id=zone_id)
    assert len(set(sets)) == 5


def test_private_zone_has_no_delegation_set(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    made = client.create_hosted_zone(
        Name="internal.example.com",
        CallerReference="private",
        HostedZoneConfig={"PrivateZone": True},
        VPC={"VPCRegion": "us-east-1", "VPCId": "vpc-12345678"},
    )
    assert "DelegationSet" not in made
    ns = rrsets(client, made["HostedZone"]["Id"])[("internal.example.com.", "NS")]
    assert {r["Value"] for r in ns["ResourceRecords"]}.isdisjoint(
        s + "." for s in fresh_sandbox.pool.names
    )


def test_reused_caller_reference_is_hosted_zone_already_exists(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "example.com", "same-ref")
    with pytest.raises(ClientError) as exc:
        create_zone(client, "example.com", "same-ref")
    code, message, status = _error(exc)
    assert (code, status) == ("HostedZoneAlreadyExists", 409)
    assert zone_id in message
    assert len(client.list_hosted_zones()["HostedZones"]) == 1
    # the reference is per account
    create_zone(route53(fresh_sandbox, CHILD_A), "example.com", "same-ref")


def test_invalid_domain_name(fresh_sandbox: Sandbox) -> None:
    with pytest.raises(ClientError) as exc:
        create_zone(route53(fresh_sandbox, PARENT), "bad..example.com")
    assert _error(exc)[0] == "InvalidDomainName"


def test_duplicate_create_is_invalid_change_batch(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "example.com")
    delegation = ("CREATE", "dev.example.com", "NS", 300, ["ns-1.awsdns-00.com."])
    change(client, zone_id, delegation)
    with pytest.raises(ClientError) as exc:
        change(client, zone_id, ("CREATE", "dev.example.com", "NS", 300, ["ns-2.awsdns-00.com."]))
    code, message, status = _error(exc)
    assert (code, status) == ("InvalidChangeBatch", 400)
    assert (
        "Tried to create resource record set [name='dev.example.com.', type='NS'] "
        "but it already exists" in message
    )
    ns = rrsets(client, zone_id)[("dev.example.com.", "NS")]
    assert [r["Value"] for r in ns["ResourceRecords"]] == ["ns-1.awsdns-00.com."]


@pytest.mark.parametrize(
    "ttl, values, expected",
    [
        (301, ["a.example.net.", "b.example.net."], "do not match the current values"),
        (300, ["a.example.net."], "do not match the current values"),
        (300, ["a.example.net.", "c.example.net."], "do not match the current values"),
    ],
)
def test_delete_must_match_exactly(
    fresh_sandbox: Sandbox, ttl: int, values: list[str], expected: str
) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "example.com")
    change(client, zone_id, ("CREATE", "dev.example.com", "NS", 300,
                             ["a.example.net.", "b.example.net."]))
    with pytest.raises(ClientError) as exc:
        change(client, zone_id, ("DELETE", "dev.example.com", "NS", ttl, values))
    code, message, _ = _error(exc)
    assert code == "InvalidChangeBatch"
    assert expected in message
    # the exact live values (in any order, with or without the trailing dot) delete it
    change(client, zone_id, ("DELETE", "dev.example.com", "NS", 300,
                             ["b.example.net", "a.example.net."]))
    assert ("dev.example.com.", "NS") not in rrsets(client, zone_id)


def test_delete_of_missing_set_and_atomic_batches(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "example.com")
    with pytest.raises(ClientError) as exc:
        change(
            client, zone_id,
            ("CREATE", "www.example.com", "A", 60, ["192.0.2.1"]),
            ("DELETE", "old.example.com", "A", 60, ["192.0.2.9"]),
        )
    assert "but it was not found" in _error(exc)[1]
    assert ("www.example.com.", "A") not in rrsets(client, zone_id)


def test_names_outside_the_zone_on_a_label_boundary(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "example.com")
    with pytest.raises(ClientError) as exc:
        change(client, zone_id, ("CREATE", "badexample.com", "A", 60, ["192.0.2.1"]))
    assert _error(exc)[0] == "InvalidChangeBatch"


def test_value_character_limit_counts_upsert_twice(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "example.com")
    values = ['"' + "x" * 248 + '"'] * 80  # 80 * 250 = 20,000 characters
    change(client, zone_id, ("CREATE", "big.example.com", "TXT", 60, values))
    with pytest.raises(ClientError) as exc:
        change(client, zone_id, ("UPSERT", "big.example.com", "TXT", 120, values))
    code, message, _ = _error(exc)
    assert code == "InvalidChangeBatch"
    assert "32000" in message


def test_apex_records_and_cname_rules(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, servers = create_zone(client, "example.com")
    with pytest.raises(ClientError):
        change(client, zone_id, ("DELETE", "example.com", "NS", 172800, [s + "." for s in servers]))
    change(client, zone_id, ("CREATE", "www.example.com", "A", 60, ["192.0.2.1"]))
    with pytest.raises(ClientError) as exc:
        change(client, zone_id, ("CREATE", "www.example.com", "CNAME", 60, ["x.example.net"]))
    assert "conflicts with other records" in _error(exc)[1]


def test_zone_with_a_delegation_is_not_empty(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "example.com")
    change(client, zone_id, ("CREATE", "dev.example.com", "NS", 300, ["ns-1.awsdns-00.com."]))
    with pytest.raises(ClientError) as exc:
        client.delete_hosted_zone(Id=zone_id)
    assert _error(exc)[0] == "HostedZoneNotEmpty"
    change(client, zone_id, ("DELETE", "dev.example.com", "NS", 300, ["ns-1.awsdns-00.com."]))
    client.delete_hosted_zone(Id=zone_id)


def test_wildcards_are_returned_escaped(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "example.com")
    change(client, zone_id, ("CREATE", "*.Example.com", "A", 60, ["192.0.2.1"]))
    assert ("\\052.example.com.", "A") in rrsets(client, zone_id)


def test_patches_are_idempotent(fresh_sandbox: Sandbox) -> None:
    before = Route53Backend.create_hosted_zone
    fidelity.install(fresh_sandbox.assigner)
    fidelity.install(fresh_sandbox.assigner)
    assert Route53Backend.create_hosted_zone is before
    assert fidelity.installed()
    client = route53(fresh_sandbox, PARENT)
    create_zone(client, "example.com", "ref")
    with pytest.raises(ClientError) as exc:
        create_zone(client, "example.com", "ref")
    assert _error(exc)[0] == "HostedZoneAlreadyExists"


def test_more_than_ten_tags_in_one_call_is_invalid_input(fresh_sandbox: Sandbox) -> None:
    """zonecut tags a new zone in one call: the declared tags (at most 9) and
    zonecut:managed. Route 53 takes at most 10 in one call (botocore: TagList max 10)."""
    client = route53(fresh_sandbox, PARENT)
    zone_id = create_zone(client, "example.com")[0].split("/")[-1]
    ten = [{"Key": f"k{i}", "Value": "v"} for i in range(10)]
    client.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id,
                                    AddTags=ten)
    with pytest.raises(ClientError) as exc:
        client.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id,
                                        AddTags=[*ten, {"Key": "k10", "Value": "v"}])
    code, message, status = _error(exc)
    assert (code, status) == ("InvalidInput", 400)
    assert "'Tag' can occur a maximum of '10' times" in message
    tags = client.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id)
    assert len(tags["ResourceTagSet"]["Tags"]) == 10

"""The sandbox's registrar: Route 53 Domains in moto with DS keys (AssociateDelegation-
SignerToDomain and its errors as the botocore route53domains model names them), and the
signed TLD publishing what the registrar holds, seen on the wire and by Unbound."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import botocore.exceptions
import dns.flags
import dns.message
import dns.query
import dns.rcode
import pytest
from dnssec_helpers import sign
from sandbox_helpers import PARENT, change, query, route53

import unbound_support
from sandbox_fixtures import session_for
from zonecut.sandbox import Sandbox

pytestmark = pytest.mark.sandbox

CONTACT = {"FirstName": "Ada", "LastName": "Lovelace", "ContactType": "PERSON",
           "AddressLine1": "1 Main St", "City": "Seattle", "CountryCode": "US",
           "ZipCode": "98101", "PhoneNumber": "+1.2065550100", "Email": "ada@example.org"}


def domains(sandbox: Sandbox, account: str = PARENT) -> Any:
    return session_for(sandbox, account).client("route53domains", region_name="us-east-1")


def register(sandbox: Sandbox, name: str = "example.com", account: str = PARENT) -> str:
    """Register ``name``: Route 53 Domains creates its hosted zone; returns the zone id."""
    domains(sandbox, account).register_domain(
        DomainName=name, DurationInYears=2, AdminContact=CONTACT, RegistrantContact=CONTACT,
        TechContact=CONTACT)
    zones = route53(sandbox, account).list_hosted_zones_by_name(DNSName=name)["HostedZones"]
    return str(zones[0]["Id"]).rsplit("/", 1)[-1]


def ksk_attributes(client: Any, zone_id: str) -> dict[str, Any]:
    key = client.get_dnssec(HostedZoneId=zone_id)["KeySigningKeys"][0]
    return {"Algorithm": key["SigningAlgorithmType"], "Flags": key["Flag"],
            "PublicKey": key["PublicKey"]}


def error_code(call: Any, **kwargs: Any) -> str:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(**kwargs)
    return str(caught.value.response["Error"]["Code"])


def tld_answer(sandbox: Sandbox, name: str, rtype: str) -> dns.message.Message:
    return query(sandbox.info, "com.tld-servers.sandbox", name, rtype)


def test_a_registered_domain_is_delegated_to_its_hosted_zone_by_the_tld(
        fresh_sandbox: Sandbox) -> None:
    zone_id = register(fresh_sandbox)
    zone = route53(fresh_sandbox, PARENT).get_hosted_zone(Id=zone_id)
    servers = sorted(zone["DelegationSet"]["NameServers"])
    detail = domains(fresh_sandbox).get_domain_detail(DomainName="example.com")
    assert sorted(ns["Name"] for ns in detail["Nameservers"]) == servers
    assert detail["DnssecKeys"] == [] and detail["DnsSec"] == "DISABLED"
    answer = tld_answer(fresh_sandbox, "example.com", "NS")
    assert sorted(str(r).rstrip(".") for rr in answer.authority for r in rr) == servers


def test_update_name_servers_and_ds_keys_show_in_the_tld_zone(fresh_sandbox: Sandbox) -> None:
    zone_id = register(fresh_sandbox)
    r53 = route53(fresh_sandbox, PARENT)
    ds = sign(fresh_sandbox, PARENT, r53, zone_id)
    client = domains(fresh_sandbox)
    op = client.associate_delegation_signer_to_domain(
        DomainName="example.com", SigningAttributes=ksk_attributes(r53, zone_id))
    assert client.get_operation_detail(OperationId=op["OperationId"])["Status"] == "SUCCESSFUL"
    keys = client.get_domain_detail(DomainName="example.com")["DnssecKeys"]
    assert len(keys) == 1 and set(keys[0]) == {"Algorithm", "DigestType", "Digest", "KeyTag",
                                                "Id"}
    assert f"{keys[0]['KeyTag']} 13 2 {keys[0]['Digest']}" == ds
    answer = query(fresh_sandbox.info, "com.tld-servers.sandbox", "example.com", "DS")
    published = [r.to_text().upper() for rr in answer.answer for r in rr]
    assert published == [ds.upper()]
    # the registry's name servers change with the registrar's
    client.update_domain_nameservers(DomainName="example.com", Nameservers=[
        {"Name": "ns1.example.net"}, {"Name": "ns2.example.net"}])
    answer = tld_answer(fresh_sandbox, "example.com", "NS")
    assert sorted(str(r) for rr in answer.authority for r in rr) == [
        "ns1.example.net.", "ns2.example.net."]
    client.disassociate_delegation_signer_from_domain(DomainName="example.com",
                                                      Id=keys[0]["Id"])
    answer = query(fresh_sandbox.info, "com.tld-servers.sandbox", "example.com", "DS")
    assert not [r for rr in answer.answer for r in rr]


def test_sandbox_register_still_delegates_a_domain_the_registrar_does_not_hold(
        fresh_sandbox: Sandbox) -> None:
    fresh_sandbox.register("example.org", ["ns-1.awsdns-01.org"])
    answer = query(fresh_sandbox.info, "org.tld-servers.sandbox", "example.org", "NS")
    assert [str(r) for rr in answer.authority for r in rr] == ["ns-1.awsdns-01.org."]


def test_each_refusal_has_the_models_error_code(fresh_sandbox: Sandbox) -> None:
    zone_id = register(fresh_sandbox)
    r53 = route53(fresh_sandbox, PARENT)
    sign(fresh_sandbox, PARENT, r53, zone_id)
    good = ksk_attributes(r53, zone_id)
    client = domains(fresh_sandbox)
    assoc = client.associate_delegation_signer_to_domain
    assert error_code(client.get_domain_detail, DomainName="example.zzzz") == "UnsupportedTLD"
    assert error_code(client.get_domain_detail, DomainName="other.com") == "InvalidInput"
    assert error_code(assoc, DomainName="other.com", SigningAttributes=good) == "InvalidInput"
    assert error_code(assoc, DomainName="example.com",
                      SigningAttributes={**good, "Flags": 1}) == "InvalidInput"
    assert error_code(assoc, DomainName="example.com",
                      SigningAttributes={**good, "Algorithm": 99}) == "InvalidInput"
    assert error_code(assoc, DomainName="example.com",
                      SigningAttributes={**good, "PublicKey": "not base64!"}) == "InvalidInput"
    assert error_code(assoc, DomainName="example.com",
                      SigningAttributes={**good, "Algorithm": 5}) == "TLDRulesViolation"
    assert error_code(client.update_domain_nameservers, DomainName="example.com",
                      Nameservers=[{"Name": "ns1.example.net"}]) == "TLDRulesViolation"
    assoc(DomainName="example.com", SigningAttributes=good)
    assert error_code(assoc, DomainName="example.com", SigningAttributes=good) == "InvalidInput"
    for i in range(3):
        key = base64.b64encode(bytes([i + 1]) * 64).decode()
        assoc(DomainName="example.com", SigningAttributes={**good, "PublicKey": key})
    key = base64.b64encode(b"\x09" * 64).decode()
    assert error_code(assoc, DomainName="example.com",
                      SigningAttributes={**good, "PublicKey": key}) == "DnssecLimitExceeded"
    assert error_code(client.disassociate_delegation_signer_from_domain,
                      DomainName="example.com", Id="nope") == "InvalidInput"


def test_operations_stay_in_progress_and_a_second_one_is_a_duplicate_request(
        fresh_sandbox: Sandbox) -> None:
    register(fresh_sandbox)
    client = domains(fresh_sandbox)
    servers = [{"Name": "ns1.example.net"}, {"Name": "ns2.example.net"}]
    client.update_domain_nameservers(DomainName="example.com", Nameservers=servers)
    client.update_domain_nameservers(DomainName="example.com", Nameservers=servers)  # done
    fresh_sandbox.set_faults(pending_seconds=0.5)
    try:
        op = client.update_domain_nameservers(DomainName="example.com", Nameservers=servers)
        assert client.get_operation_detail(OperationId=op["OperationId"])["Status"] == \
            "IN_PROGRESS"
        assert error_code(client.update_domain_nameservers, DomainName="example.com",
                          Nameservers=servers) == "DuplicateRequest"
        time.sleep(0.6)
        assert client.get_operation_detail(OperationId=op["OperationId"])["Status"] == \
            "SUCCESSFUL"
    finally:
        fresh_sandbox.set_faults(pending_seconds=0)


def test_too_many_operations_in_progress_is_operation_limit_exceeded(
        fresh_sandbox: Sandbox) -> None:
    from zonecut.sandbox.domains_api import MAX_IN_PROGRESS

    for i in range(MAX_IN_PROGRESS + 1):
        register(fresh_sandbox, f"d{i}.com")
    fresh_sandbox.set_faults(pending_seconds=30)
    try:
        client = domains(fresh_sandbox)
        servers = [{"Name": "ns1.example.net"}, {"Name": "ns2.example.net"}]
        for i in range(MAX_IN_PROGRESS):
            client.update_domain_nameservers(DomainName=f"d{i}.com", Nameservers=servers)
        assert error_code(client.update_domain_nameservers, DomainName=f"d{MAX_IN_PROGRESS}.com",
                          Nameservers=servers) == "OperationLimitExceeded"
    finally:
        fresh_sandbox.set_faults(pending_seconds=0)


@pytest.mark.unbound
def test_unbound_follows_the_registrar_secure_then_bogus(fresh_sandbox: Sandbox,
                                                         tmp_path: Path) -> None:
    if unbound_support.UNBOUND is None:
        pytest.skip("unbound is not installed")
    if fresh_sandbox.info.root_hints[0].port != 53:
        pytest.skip("Unbound needs the sandbox DNS on port 53 (run as root)")
    zone_id = register(fresh_sandbox)
    r53 = route53(fresh_sandbox, PARENT)
    sign(fresh_sandbox, PARENT, r53, zone_id)
    change(r53, zone_id, ("CREATE", "www.example.com", "A", 60, ["192.0.2.5"]))
    client = domains(fresh_sandbox)
    client.associate_delegation_signer_to_domain(
        DomainName="example.com", SigningAttributes=ksk_attributes(r53, zone_id))
    hints, anchor = tmp_path / "root.hints", tmp_path / "root.ds"
    fresh_sandbox.write_root_hints(hints)
    fresh_sandbox.write_trust_anchor(anchor)

    def ask() -> dns.message.Message:
        process, port = unbound_support.start(tmp_path, hints, anchor)
        try:
            wanted = dns.message.make_query("www.example.com", "A", want_dnssec=True)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                try:
                    return dns.query.udp(wanted, "127.0.0.1", port=port, timeout=2)
                except (OSError, dns.exception.Timeout):
                    time.sleep(0.1)
            raise AssertionError("unbound did not answer")
        finally:
            unbound_support.stop(process)

    secure = ask()
    assert secure.rcode() == dns.rcode.NOERROR and secure.flags & dns.flags.AD, secure
    # a wrong key at the registrar: the TLD's DS names no key of the zone
    key = client.get_domain_detail(DomainName="example.com")["DnssecKeys"][0]
    client.disassociate_delegation_signer_from_domain(DomainName="example.com", Id=key["Id"])
    other = base64.b64encode(b"\x07" * 64).decode()
    client.associate_delegation_signer_to_domain(DomainName="example.com", SigningAttributes={
        "Algorithm": 13, "Flags": 257, "PublicKey": other})
    assert ask().rcode() == dns.rcode.SERVFAIL

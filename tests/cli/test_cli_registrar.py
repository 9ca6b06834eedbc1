"""The whole chain through the command line against a background sandbox, with the root's
domain registered in Route 53 Domains and `registrar: route53`: `zonecut apply` signs the
tree and sets the registrar, Unbound with the sandbox's trust anchor answers AD for a
name in the deepest zone, and each wrong registrar state gives exactly its finding."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import pytest

import unbound_support
from cli_support import zonecut
from sandbox_fixtures import session_for
from zonecut.sandbox.control import SandboxClient
from zonecut.sandbox.process import down, status

CONFIG = """\
version: 1
defaults: {rate_limit: 50, dnssec: true, access: {role_name: ZonecutDelegation}}
accounts:
  network: {id: "111111111111"}
  dev: {id: "222222222222"}
  team-a: {id: "444444444444"}
zones:
  - {name: example.com, account: network, root: true, registrar: route53}
  - {name: dev.example.com, account: dev}
  - name: team-a.dev.example.com
    account: team-a
    records:
      - {name: www, type: A, ttl: 60, values: [192.0.2.10]}
"""
NETWORK = "111111111111"
CONTACT = {"FirstName": "Ada", "LastName": "Lovelace", "ContactType": "PERSON",
           "AddressLine1": "1 Main St", "City": "Seattle", "CountryCode": "US",
           "ZipCode": "98101", "PhoneNumber": "+1.2065550100", "Email": "ada@example.org"}


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "zonecut.yaml").write_text(CONFIG)
    yield tmp_path
    down(tmp_path / ".zonecut")


def codes(workdir: Path) -> list[tuple[str, str]]:
    run = zonecut("verify", "--sandbox", "-o", "json", cwd=workdir)
    assert run.returncode in (0, 3), run.stdout + run.stderr
    return sorted((f["zone"], f["code"]) for f in json.loads(run.stdout)["findings"])


def ask_unbound(tmp_path: Path, client: SandboxClient) -> dns.message.Message:
    hints, anchor = tmp_path / "root.hints", tmp_path / "root.ds"
    client.write_root_hints(hints)
    client.write_trust_anchor(anchor)
    process, port = unbound_support.start(tmp_path, hints, anchor)
    try:
        query = dns.message.make_query("www.team-a.dev.example.com", "A", want_dnssec=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                return dns.query.udp(query, "127.0.0.1", port=port, timeout=2)
            except (OSError, dns.exception.Timeout):
                time.sleep(0.1)
        raise AssertionError("unbound did not answer")
    finally:
        unbound_support.stop(process)


@pytest.mark.timeout(600)
def test_apply_with_registrar_route53_makes_the_chain_secure_and_verify_sees_each_fault(
        workdir: Path) -> None:
    assert zonecut("sandbox", "up", cwd=workdir).returncode == 0
    info = status(workdir / ".zonecut")
    assert info is not None
    client = SandboxClient(info)
    domains: Any = session_for(client, NETWORK).client("route53domains",
                                                       region_name="us-east-1")
    domains.register_domain(DomainName="example.com", DurationInYears=2, AdminContact=CONTACT,
                            RegistrantContact=CONTACT, TechContact=CONTACT)
    plan = zonecut("plan", "--sandbox", cwd=workdir)
    assert plan.returncode in (0, 2), plan.stderr + plan.stdout
    assert "give the registrar (Route 53 Domains) of example.com" in plan.stdout
    applied = zonecut("apply", "--sandbox", "--yes", cwd=workdir)
    assert applied.returncode == 0, applied.stderr + applied.stdout
    assert "gave the registrar of example.com its DS" in applied.stdout + applied.stderr
    detail = domains.get_domain_detail(DomainName="example.com")
    assert len(detail["DnssecKeys"]) == 1
    assert codes(workdir) == []
    again = zonecut("plan", "--sandbox", "-o", "json", cwd=workdir)
    assert json.loads(again.stdout)["dnssec"]["registrar_changes"] == []

    if unbound_support.UNBOUND is not None and info.root_hints[0].port == 53:
        answer = ask_unbound(workdir, client)
        assert answer.rcode() == dns.rcode.NOERROR and answer.flags & dns.flags.AD, answer
        assert "192.0.2.10" in answer.to_text()

    good = detail["DnssecKeys"][0]
    r53 = session_for(client, NETWORK).client("route53")
    zone = r53.list_hosted_zones_by_name(DNSName="example.com")["HostedZones"][0]
    ksk = r53.get_dnssec(HostedZoneId=zone["Id"])["KeySigningKeys"][0]
    other = base64.b64encode(b"\x07" * 64).decode()
    # a leftover next to the working DS
    domains.associate_delegation_signer_to_domain(DomainName="example.com", SigningAttributes={
        "Algorithm": 13, "Flags": 257, "PublicKey": other})
    assert codes(workdir) == [("example.com", "REGISTRAR_DS_STALE")]
    # the leftover alone: an outage
    domains.disassociate_delegation_signer_from_domain(DomainName="example.com",
                                                      Id=good["Id"])
    assert codes(workdir) == [("example.com", "REGISTRAR_DS_NO_MATCHING_KSK")]
    if unbound_support.UNBOUND is not None and info.root_hints[0].port == 53:
        assert ask_unbound(workdir, client).rcode() == dns.rcode.SERVFAIL
    # no DS at all: an island
    stale = next(k for k in domains.get_domain_detail(DomainName="example.com")["DnssecKeys"])
    domains.disassociate_delegation_signer_from_domain(DomainName="example.com",
                                                      Id=stale["Id"])
    assert codes(workdir) == [("example.com", "REGISTRAR_DS_MISSING")]
    # apply puts the DS back (and removes nothing else)
    applied = zonecut("apply", "--sandbox", "--yes", cwd=workdir)
    assert applied.returncode == 0, applied.stderr + applied.stdout
    assert codes(workdir) == []
    held = domains.get_domain_detail(DomainName="example.com")["DnssecKeys"]
    assert [k["KeyTag"] for k in held] == [ksk["KeyTag"]]
    # two of the zone's four servers at the registrar
    servers = sorted(r53.get_hosted_zone(Id=zone["Id"])["DelegationSet"]["NameServers"])
    domains.update_domain_nameservers(DomainName="example.com",
                                      Nameservers=[{"Name": s} for s in servers[:2]])
    assert ("example.com", "REGISTRAR_NS_MISMATCH") in codes(workdir)

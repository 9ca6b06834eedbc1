"""The sandbox's DNS servers sign: DNSKEY, RRSIG, DS and NSEC on the wire, checked with
dnspython's DNSSEC validation, and Unbound (an independent validating resolver) with the
sandbox's trust anchor. Zones are signed with raw boto3 calls."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import dns.dnssec
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import pytest
from dnssec_helpers import build_chain
from sandbox_helpers import change

import unbound_support
from zonecut.sandbox import Sandbox

pytestmark = pytest.mark.sandbox

IN = dns.rdataclass.IN
WWW = "www.dev.example.com"


def _ask(sandbox: Sandbox, server: str, name: str, rtype: str) -> dns.message.Message:
    address = sandbox.info.server(server)
    query = dns.message.make_query(name, rtype, want_dnssec=True, use_edns=0, payload=4096)
    query.flags &= ~dns.flags.RD
    response, _ = dns.query.udp_with_fallback(query, address.address, port=address.port,
                                              timeout=2)
    return response


def _rrset(section: list[dns.rrset.RRset], name: str, rtype: str,
           covers: str | None = None) -> dns.rrset.RRset:
    for rrset in section:
        if rrset.name == dns.name.from_text(name) and rrset.rdtype == dns.rdatatype.from_text(
                rtype) and (covers is None or rrset.covers == dns.rdatatype.from_text(covers)):
            return rrset
    raise AssertionError(f"no {name} {rtype} {covers or ''} in {section}")


def _signed_chain(sandbox: Sandbox) -> dict[str, Any]:
    """root -> com -> example.com -> dev.example.com, all signed, DS at every cut."""
    return build_chain(sandbox)


def test_a_signing_zone_serves_its_ksk_signed_through_kms_and_rrsigs(
        fresh_sandbox: Sandbox) -> None:
    chain = _signed_chain(fresh_sandbox)
    server = chain["child_ns"][0]
    keys = _ask(fresh_sandbox, server, "dev.example.com", "DNSKEY")
    dnskeys = _rrset(keys.answer, "dev.example.com", "DNSKEY")
    assert sorted(k.flags for k in dnskeys) == [256, 257]
    ksk = next(k for k in dnskeys if k.flags == 257)
    # the KSK is the one GetDNSSEC shows, and its DS is the one in the parent
    shown = chain["child"].get_dnssec(HostedZoneId=chain["child_id"].rsplit("/", 1)[-1])
    assert ksk == dns.rdata.from_text(IN, dns.rdatatype.DNSKEY,
                                      shown["KeySigningKeys"][0]["DNSKEYRecord"])
    ds = dns.rdata.from_text(IN, dns.rdatatype.DS, chain["child_ds"])
    assert dns.dnssec.make_ds(dns.name.from_text("dev.example.com"), ksk, "SHA256") == ds
    # the DNSKEY set is signed by the KSK (KMS Sign) and validates with it alone
    sigs = _rrset(keys.answer, "dev.example.com", "RRSIG", "DNSKEY")
    ksk_only = dns.rrset.from_rdata_list("dev.example.com", 3600, [ksk])
    dns.dnssec.validate(dnskeys, sigs, {dns.name.from_text("dev.example.com"): ksk_only})
    # an answer is signed by the ZSK
    answer = _ask(fresh_sandbox, server, WWW, "A")
    assert answer.flags & dns.flags.AA
    a_set = _rrset(answer.answer, WWW, "A")
    dns.dnssec.validate(a_set, _rrset(answer.answer, WWW, "RRSIG", "A"),
                        {dns.name.from_text("dev.example.com"): dnskeys})
    # without DO nothing changes
    address = fresh_sandbox.info.server(server)
    plain = dns.query.udp(dns.message.make_query(WWW, "A"), address.address,
                          port=address.port, timeout=2)
    assert [r.rdtype for r in plain.answer] == [dns.rdatatype.A]


def test_denial_is_black_lies_nsec(fresh_sandbox: Sandbox) -> None:
    chain = _signed_chain(fresh_sandbox)
    server = chain["child_ns"][0]
    keys = _rrset(_ask(fresh_sandbox, server, "dev.example.com", "DNSKEY").answer,
                  "dev.example.com", "DNSKEY")
    anchor = {dns.name.from_text("dev.example.com"): keys}
    missing = _ask(fresh_sandbox, server, "nothing.dev.example.com", "A")
    assert missing.rcode() == dns.rcode.NOERROR  # Route 53: no NXDOMAIN when signing
    nsec = _rrset(missing.authority, "nothing.dev.example.com", "NSEC")
    assert nsec[0].next == dns.name.from_text("\\000.nothing.dev.example.com")
    assert dns.rdatatype.A not in _types(nsec)
    dns.dnssec.validate(nsec, _rrset(missing.authority, "nothing.dev.example.com", "RRSIG",
                                     "NSEC"), anchor)
    soa = _rrset(missing.authority, "dev.example.com", "SOA")
    dns.dnssec.validate(soa, _rrset(missing.authority, "dev.example.com", "RRSIG", "SOA"),
                        anchor)
    nodata = _ask(fresh_sandbox, server, WWW, "TXT")
    types = _types(_rrset(nodata.authority, WWW, "NSEC"))
    assert {dns.rdatatype.A, dns.rdatatype.RRSIG, dns.rdatatype.NSEC} == types


def _types(nsec: dns.rrset.RRset) -> set[dns.rdatatype.RdataType]:
    found: set[dns.rdatatype.RdataType] = set()
    for window, bitmap in nsec[0].windows:
        for i, byte in enumerate(bitmap):
            for bit in range(8):
                if byte & (0x80 >> bit):
                    found.add(dns.rdatatype.RdataType.make(window * 256 + i * 8 + bit))
    return found


def test_parents_serve_ds_or_prove_there_is_none(fresh_sandbox: Sandbox) -> None:
    chain = _signed_chain(fresh_sandbox)
    parent_server = chain["parent_ns"][0]
    referral = _ask(fresh_sandbox, parent_server, WWW, "A")
    assert not referral.flags & dns.flags.AA
    ds = _rrset(referral.authority, "dev.example.com", "DS")
    assert ds[0] == dns.rdata.from_text(IN, dns.rdatatype.DS, chain["child_ds"])
    _rrset(referral.authority, "dev.example.com", "RRSIG", "DS")
    # an unsigned child: the parent proves "no DS" with an NSEC at the cut
    change(chain["parent"], chain["parent_id"],
           ("CREATE", "plain.example.com", "NS", 300, ["ns.example.net."]))
    insecure = _ask(fresh_sandbox, parent_server, "www.plain.example.com", "A")
    nsec = _rrset(insecure.authority, "plain.example.com", "NSEC")
    assert _types(nsec) == {dns.rdatatype.NS, dns.rdatatype.RRSIG, dns.rdatatype.NSEC}
    # the TLD serves example.com's DS from the registration, signed; the root signs the TLD
    tld = _ask(fresh_sandbox, "com.tld-servers.sandbox", "example.com", "DS")
    _rrset(tld.answer, "example.com", "RRSIG", "DS")
    root = _ask(fresh_sandbox, "a.root-servers.sandbox", "com", "DS")
    _rrset(root.answer, "com", "RRSIG", "DS")
    assert fresh_sandbox.info.trust_anchor[0].startswith(". IN DS ")


def _resolve(port: int, name: str, process: Any) -> dns.message.Message:
    query = dns.message.make_query(name, "A", want_dnssec=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            return dns.query.udp(query, "127.0.0.1", port=port, timeout=2)
        except (OSError, dns.exception.Timeout):
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.terminate()
    output = process.communicate(timeout=5)[0].decode(errors="replace")
    pytest.fail(f"unbound did not answer (exit {process.returncode}):\n{output}")


@pytest.mark.unbound
def test_unbound_validates_the_signed_chain_and_fails_on_a_wrong_ds(
        fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    if unbound_support.UNBOUND is None:
        pytest.skip("unbound is not installed")
    if fresh_sandbox.info.root_hints[0].port != 53:
        pytest.skip("Unbound needs the sandbox DNS on port 53 (run as root)")
    chain = _signed_chain(fresh_sandbox)
    hints, anchor = tmp_path / "root.hints", tmp_path / "root.ds"
    fresh_sandbox.write_root_hints(hints)
    fresh_sandbox.write_trust_anchor(anchor)
    process, port = unbound_support.start(tmp_path, hints, anchor)
    try:
        secure = _resolve(port, WWW, process)
        assert secure.rcode() == dns.rcode.NOERROR
        assert secure.flags & dns.flags.AD
        assert [rd.address for rd in _rrset(secure.answer, WWW, "A")] == ["192.0.2.77"]
    finally:
        unbound_support.stop(process)
    # a DS in example.com that matches no DNSKEY of dev.example.com: bogus, SERVFAIL
    good = chain["child_ds"]
    digest = good.split()[3]
    wrong = good.replace(digest, ("0" if digest[0] != "0" else "1") + digest[1:])
    change(chain["parent"], chain["parent_id"],
           ("DELETE", "dev.example.com", "DS", 300, [good]),
           ("CREATE", "dev.example.com", "DS", 300, [wrong]))
    process, port = unbound_support.start(tmp_path, hints, anchor)
    try:
        assert _resolve(port, WWW, process).rcode() == dns.rcode.SERVFAIL
    finally:
        unbound_support.stop(process)


def test_a_signing_zone_serves_ttls_of_at_most_one_week(fresh_sandbox: Sandbox) -> None:
    """Route 53 developer guide: "When you enable DNSSEC signing for a hosted zone,
    Route 53 limits the TTL to one week" (no error for longer TTLs); unsigned zones
    serve the TTL as set."""
    chain = build_chain(fresh_sandbox, parent_signed=False)
    month = 30 * 86400
    change(chain["child"], chain["child_id"],
           ("CREATE", "long.dev.example.com", "TXT", month, ['"x"']))
    answer = _ask(fresh_sandbox, chain["child_ns"][0], "long.dev.example.com", "TXT")
    assert _rrset(answer.answer, "long.dev.example.com", "TXT").ttl == 7 * 86400
    sig = _rrset(answer.answer, "long.dev.example.com", "RRSIG", "TXT")
    assert sig[0].original_ttl == 7 * 86400
    change(chain["parent"], chain["parent_id"],
           ("CREATE", "long.example.com", "TXT", month, ['"x"']))
    unsigned = _ask(fresh_sandbox, chain["parent_ns"][0], "long.example.com", "TXT")
    assert _rrset(unsigned.answer, "long.example.com", "TXT").ttl == month

"""Classifying one response (pure: dnspython messages built in the test)."""

from __future__ import annotations

import dns.flags
import dns.message
import dns.rcode
import dns.rrset

from zonecut.verify.observations import Outcome
from zonecut.verify.responses import read_response


def _response(qname: str, qtype: str, *, aa: bool = False,
              rcode: int = dns.rcode.NOERROR) -> dns.message.Message:
    response = dns.message.make_response(dns.message.make_query(qname, qtype, flags=0))
    if aa:
        response.flags |= dns.flags.AA
    response.set_rcode(rcode)
    return response


def test_referral_with_glue() -> None:
    response = _response("dev.example.com.", "NS")
    response.authority.append(dns.rrset.from_text(
        "dev.example.com.", 3600, "IN", "NS", "NS-2.awsdns-02.com.", "ns1.dev.example.com."))
    response.additional.append(dns.rrset.from_text(
        "ns1.dev.example.com.", 3600, "IN", "A", "192.0.2.1"))
    facts = read_response(response, "dev.example.com", "NS")
    assert facts.outcome is Outcome.REFERRAL
    assert facts.authority_zone == "dev.example.com"
    assert facts.authority_ns == ("ns-2.awsdns-02.com", "ns1.dev.example.com")
    assert facts.glue == (("ns1.dev.example.com", "192.0.2.1"),)


def test_authoritative_answers_and_denials() -> None:
    soa = _response("example.com.", "SOA", aa=True)
    soa.answer.append(dns.rrset.from_text(
        "example.com.", 900, "IN", "SOA", "ns. hostmaster. 7 7200 900 1209600 86400"))
    facts = read_response(soa, "example.com", "SOA")
    assert (facts.outcome, facts.aa, facts.soa_serial) == (Outcome.ANSWER, True, 7)

    nodata = _response("example.com.", "A", aa=True)
    nodata.authority.append(dns.rrset.from_text(
        "example.com.", 900, "IN", "NS", "ns.example.net."))
    assert read_response(nodata, "example.com", "A").outcome is Outcome.NODATA

    nx = _response("nope.example.com.", "A", aa=True, rcode=dns.rcode.NXDOMAIN)
    assert read_response(nx, "nope.example.com", "A").outcome is Outcome.NXDOMAIN


def test_rcodes_and_cname() -> None:
    refused = _response("example.com.", "SOA", rcode=dns.rcode.REFUSED)
    assert read_response(refused, "example.com", "SOA").outcome is Outcome.REFUSED
    failed = _response("example.com.", "SOA", rcode=dns.rcode.SERVFAIL)
    assert read_response(failed, "example.com", "SOA").outcome is Outcome.SERVFAIL
    notimp = _response("example.com.", "SOA", rcode=dns.rcode.NOTIMP)
    facts = read_response(notimp, "example.com", "SOA")
    assert (facts.outcome, facts.rcode) == (Outcome.OTHER_RCODE, "NOTIMP")

    alias = _response("ns.example.com.", "A", aa=True)
    alias.answer.append(dns.rrset.from_text(
        "ns.example.com.", 300, "IN", "CNAME", "host.example.net."))
    facts = read_response(alias, "ns.example.com", "A")
    assert (facts.outcome, facts.answer_cname) == (Outcome.ANSWER, "host.example.net")


def test_one_rr_per_rrset_reads_as_merged_rrsets() -> None:
    """The transport reads answers with one RR per rrset (cheaper); every kind of
    answer must give the same facts as the merged form."""
    referral = _response("dev.example.com.", "NS")
    referral.authority.append(dns.rrset.from_text(
        "dev.example.com.", 3600, "IN", "NS", "ns-2.awsdns-02.com.", "ns1.dev.example.com.",
        "ns2.dev.example.com."))
    referral.additional.append(dns.rrset.from_text(
        "ns1.dev.example.com.", 3600, "IN", "A", "192.0.2.1", "192.0.2.2"))
    answer = _response("example.com.", "NS", aa=True)
    answer.answer.append(dns.rrset.from_text(
        "example.com.", 172800, "IN", "NS", "ns-1.awsdns-01.com.", "ns-513.awsdns-01.net."))
    answer.authority.append(dns.rrset.from_text(
        "example.com.", 172800, "IN", "NS", "ns-1.awsdns-01.com.", "ns-513.awsdns-01.net."))
    alias = _response("ns.example.com.", "A", aa=True)
    alias.answer.append(dns.rrset.from_text("ns.example.com.", 300, "IN", "CNAME",
                                            "host.example.net."))
    cases = [(referral, "dev.example.com", "NS"), (answer, "example.com", "NS"),
             (alias, "ns.example.com", "A")]
    for message, qname, qtype in cases:
        wire = message.to_wire()
        merged = read_response(dns.message.from_wire(wire), qname, qtype)
        split = dns.message.from_wire(wire, one_rr_per_rrset=True)
        assert len(split.authority) + len(split.answer) > 1 or message is alias
        assert read_response(split, qname, qtype) == merged
    assert read_response(dns.message.from_wire(referral.to_wire(), one_rr_per_rrset=True),
                         "dev.example.com", "NS").authority_ns == (
        "ns-2.awsdns-02.com", "ns1.dev.example.com", "ns2.dev.example.com")

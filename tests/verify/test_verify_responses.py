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

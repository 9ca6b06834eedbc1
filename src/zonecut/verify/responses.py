"""Reading one DNS response into the plain fields of a :class:`QueryRecord` (pure)."""

from __future__ import annotations

from dataclasses import dataclass

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rdtypes.ANY.NS
import dns.rdtypes.ANY.SOA
import dns.rdtypes.IN.A

from zonecut.names import normalize
from zonecut.verify.observations import Outcome


def wire_name(name: dns.name.Name) -> str:
    """A dnspython name as a canonical zonecut name (``"."`` for the root)."""
    text = name.to_text(omit_final_dot=True)
    return "." if text in ("", "@", ".") else normalize(text)


@dataclass(frozen=True)
class ResponseFacts:
    """What a response says about ``qname``/``qtype``."""

    outcome: Outcome
    rcode: str
    aa: bool
    answer_ns: tuple[str, ...] = ()
    answer_addresses: tuple[str, ...] = ()
    answer_cname: str | None = None
    authority_zone: str | None = None
    authority_ns: tuple[str, ...] = ()
    glue: tuple[tuple[str, str], ...] = ()
    soa_serial: int | None = None


def read_response(response: dns.message.Message, qname: str, qtype: str) -> ResponseFacts:
    """Classify ``response`` to the question (``qname``, ``qtype``). The same facts
    whether it was read with one RR per rrset or with its rrsets merged."""
    rcode = dns.rcode.to_text(response.rcode())
    aa = bool(response.flags & dns.flags.AA)
    wanted = dns.rdatatype.from_text(qtype)

    answer_ns: list[str] = []
    addresses: list[str] = []
    cname: str | None = None
    serial: int | None = None
    has_answer = False
    for rrset in response.answer:
        if wire_name(rrset.name) != qname:
            continue
        if rrset.rdtype == wanted:
            has_answer = True
        elif rrset.rdtype == dns.rdatatype.CNAME:
            has_answer = True
            cname = wire_name(rrset[0].target)
        for rdata in rrset:
            if isinstance(rdata, dns.rdtypes.ANY.NS.NS):
                answer_ns.append(wire_name(rdata.target))
            elif isinstance(rdata, dns.rdtypes.IN.A.A):
                addresses.append(str(rdata.address))
            elif isinstance(rdata, dns.rdtypes.ANY.SOA.SOA):
                serial = int(rdata.serial)

    authority_zone: str | None = None
    authority_ns: list[str] = []
    for rrset in response.authority:  # one RR per rrset when read so (see transport)
        if rrset.rdtype != dns.rdatatype.NS:
            continue
        owner = wire_name(rrset.name)
        if authority_zone is None:
            authority_zone = owner
        if owner == authority_zone:
            authority_ns.extend(wire_name(rdata.target) for rdata in rrset)

    glue: list[tuple[str, str]] = []
    for rrset in response.additional:
        if rrset.rdtype == dns.rdatatype.A:
            glue.extend((wire_name(rrset.name), str(rdata.address)) for rdata in rrset)

    outcome = _outcome(rcode, aa, has_answer, authority_zone is not None)
    return ResponseFacts(
        outcome=outcome,
        rcode=rcode,
        aa=aa,
        answer_ns=tuple(sorted(set(answer_ns))),
        answer_addresses=tuple(sorted(set(addresses))),
        answer_cname=cname,
        authority_zone=authority_zone if outcome is Outcome.REFERRAL else None,
        authority_ns=tuple(sorted(set(authority_ns))) if outcome is Outcome.REFERRAL else (),
        glue=tuple(sorted(set(glue))) if outcome is Outcome.REFERRAL else (),
        soa_serial=serial,
    )


def _outcome(rcode: str, aa: bool, has_answer: bool, has_authority_ns: bool) -> Outcome:
    if rcode == "NXDOMAIN":
        return Outcome.NXDOMAIN
    if rcode == "REFUSED":
        return Outcome.REFUSED
    if rcode == "SERVFAIL":
        return Outcome.SERVFAIL
    if rcode != "NOERROR":
        return Outcome.OTHER_RCODE
    if has_answer:
        return Outcome.ANSWER
    if has_authority_ns and not aa:
        return Outcome.REFERRAL
    return Outcome.NODATA

"""From query bytes to reply bytes: parsing, faults, EDNS and UDP truncation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import dns.exception
import dns.flags
import dns.message
import dns.opcode
import dns.rcode
import dns.rdataclass
import dns.rdatatype

Behaviour = Literal["normal", "silent", "no-aa", "refused", "servfail"]
BEHAVIOURS: tuple[Behaviour, ...] = ("normal", "silent", "no-aa", "refused", "servfail")
CLASSIC_UDP_LIMIT = 512
ZONE_TRANSFERS = (dns.rdatatype.AXFR, dns.rdatatype.IXFR)
MAX_UDP_PAYLOAD = 4096

# Fills an authoritative response for the (single) question of the query it was made for.
Answerer = Callable[[dns.message.Message], None]


def reply(
    wire: bytes, *, tcp: bool, answer: Answerer, behaviour: Behaviour = "normal"
) -> bytes | None:
    """The reply to ``wire`` or None to stay silent.

    Over UDP an answer larger than 512 bytes (or the EDNS payload size, at most 4096)
    is replaced by an empty one with TC set, so the client retries over TCP. Like a
    real authoritative server (and Route 53): an EDNS version above 0 gets BADVERS with
    an OPT of version 0 (RFC 6891 section 6.1.3); a zone transfer (AXFR, IXFR) is
    REFUSED (Route 53 does not support zone transfers), and over TCP the connection is
    then closed (see :func:`closes_connection`).
    """
    if behaviour == "silent":
        return None
    try:
        query = dns.message.from_wire(wire)
    except dns.exception.DNSException:
        return _formerr(wire)
    response = dns.message.make_response(query)
    if query.edns >= 0:
        # the DO bit is copied into the response (RFC 3225): answers are then signed
        response.use_edns(0, ednsflags=query.ednsflags & dns.flags.DO,
                          payload=max(CLASSIC_UDP_LIMIT, min(query.payload, MAX_UDP_PAYLOAD)))
    if behaviour == "refused":
        response.set_rcode(dns.rcode.REFUSED)
    elif behaviour == "servfail":
        response.set_rcode(dns.rcode.SERVFAIL)
    elif query.opcode() != dns.opcode.QUERY:
        response.set_rcode(dns.rcode.NOTIMP)
    elif len(query.question) != 1:
        response.set_rcode(dns.rcode.FORMERR)
    elif query.edns > 0:
        response.set_rcode(dns.rcode.BADVERS)  # the OPT added above says version 0
    elif (query.question[0].rdclass != dns.rdataclass.IN
          or query.question[0].rdtype in ZONE_TRANSFERS):
        response.set_rcode(dns.rcode.REFUSED)
    else:
        answer(response)
        if behaviour == "no-aa":
            response.flags &= ~dns.flags.AA
    limit = 65535 if tcp else (response.payload if query.edns >= 0 else CLASSIC_UDP_LIMIT)
    try:
        return response.to_wire(max_size=limit)
    except dns.exception.TooBig:
        truncated = dns.message.make_response(query)
        if query.edns >= 0:
            truncated.use_edns(0, ednsflags=response.ednsflags, payload=response.payload)
        truncated.flags = response.flags | dns.flags.TC
        truncated.set_rcode(response.rcode())
        return truncated.to_wire(max_size=limit)


def closes_connection(wire: bytes) -> bool:
    """After answering this query over TCP, close the connection: a zone transfer,
    which is refused (a server that refuses AXFR does not keep the stream open)."""
    try:
        query = dns.message.from_wire(wire)
    except dns.exception.DNSException:
        return False
    return any(q.rdtype in ZONE_TRANSFERS for q in query.question)


def _formerr(wire: bytes) -> bytes | None:
    """FORMERR echoing the query id, when at least a header arrived."""
    if len(wire) < 12:
        return None
    flags = int.from_bytes(wire[2:4], "big")
    reply_flags = (flags | dns.flags.QR) & ~0x000F | dns.rcode.FORMERR
    return wire[:2] + reply_flags.to_bytes(2, "big") + b"\x00" * 8

"""The DNSSEC probe: from the root down to each zone, what every cut serves signed.

For each zone it walks from the root hints asking, label by label, the current zone's
servers for ``<name> NS`` with the DO bit (RD=0, EDNS payload 1232, TCP when truncated):
a referral is a zone cut, and carries the parent's DS set (or its proof that there is
none) with the parent's RRSIGs. Servers come from the referral's glue, else by
resolving their names from the root the same way. At each cut it then asks the zone's
own servers for its DNSKEY and SOA sets. Addresses outside the run's scope are never
queried (:mod:`zonecut.verify.addresses`). The result is plain data
(:class:`~zonecut.verify.dnssec_model.DnssecObservations`); the checks are pure.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset

from zonecut.verify.addresses import address_problem, scope_for
from zonecut.verify.dnssec_model import (
    ROOT_TRUST_ANCHORS,
    DnssecObservations,
    Signed,
    ZoneKeys,
)
from zonecut.verify.targets import ServerAddress

EDNS_PAYLOAD = 1232
MAX_RESOLVE_DEPTH = 3
MAX_STEPS = 12


@dataclass
class _Cut:
    parent: str | None
    servers: list[ServerAddress]
    ds: Signed


def _signed(sections: Sequence[list[dns.rrset.RRset]], name: dns.name.Name,
            rdtype: dns.rdatatype.RdataType) -> Signed:
    found: dns.rrset.RRset | None = None
    sigs: list[str] = []
    for section in sections:
        for rrset in section:
            if rrset.name != name:
                continue
            if rrset.rdtype == rdtype:
                found = rrset
            elif rrset.rdtype == dns.rdatatype.RRSIG and rrset.covers == rdtype:
                sigs.extend(r.to_text() for r in rrset)
    if found is None:
        return Signed(rrsigs=tuple(sigs))
    return Signed(found.ttl, tuple(r.to_text() for r in found), tuple(sigs))


def _canonical(name: dns.name.Name) -> str:
    text = name.to_text().lower()
    return "." if text == "." else text.rstrip(".")


class _Walker:
    def __init__(self, roots: Sequence[ServerAddress], timeout: float, scope: str) -> None:
        self.roots = list(roots)
        self.port = roots[0].port if roots else 53
        self.timeout = timeout
        self.scope = scope
        self.cuts: dict[str, _Cut] = {".": _Cut(None, self.roots, Signed())}
        self.done: set[str] = set()
        self.addresses: dict[str, list[str]] = {}

    async def ask(self, servers: Sequence[ServerAddress], qname: dns.name.Name,
                  qtype: str) -> tuple[dns.message.Message | None, str]:
        query = dns.message.make_query(qname, qtype, use_edns=0, payload=EDNS_PAYLOAD,
                                       want_dnssec=True)
        query.flags &= ~dns.flags.RD
        last = "no server to ask"
        for server in servers:
            problem = address_problem(server.address, self.scope)
            if problem is not None:
                last = f"{server.address}: {problem}: not queried"
                continue
            try:
                response, _ = await dns.asyncquery.udp_with_fallback(
                    query, server.address, timeout=self.timeout, port=server.port,
                    ignore_unexpected=True)
            except (dns.exception.DNSException, OSError) as exc:
                last = f"{server.name} ({server.address}): {exc or type(exc).__name__}"
                continue
            if response.rcode() in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
                return response, server.name
            last = f"{server.name} ({server.address}): {dns.rcode.to_text(response.rcode())}"
        return None, last

    async def servers_of(self, ns: dns.rrset.RRset, response: dns.message.Message,
                         depth: int) -> list[ServerAddress]:
        found: list[ServerAddress] = []
        for rdata in ns:
            host = rdata.target
            glue = [a.address for rrset in response.additional
                    if rrset.name == host and rrset.rdtype == dns.rdatatype.A for a in rrset]
            if not glue and depth < MAX_RESOLVE_DEPTH:
                glue = await self.resolve(host, depth + 1)
            found.extend(ServerAddress(_canonical(host), a, self.port) for a in glue)
        return found

    async def resolve(self, host: dns.name.Name, depth: int) -> list[str]:
        key = _canonical(host)
        if key in self.addresses:
            return self.addresses[key]
        self.addresses[key] = []
        servers = self.roots
        for _ in range(MAX_STEPS):
            response, _ = await self.ask(servers, host, "A")
            if response is None:
                break
            answer = [a.address for rrset in response.answer
                      if rrset.name == host and rrset.rdtype == dns.rdatatype.A for a in rrset]
            if answer:
                self.addresses[key] = answer
                break
            ns = next((r for r in response.authority if r.rdtype == dns.rdatatype.NS), None)
            if ns is None or response.flags & dns.flags.AA:
                break
            servers = await self.servers_of(ns, response, depth)
        return self.addresses[key]

    async def walk(self, zone: str) -> None:
        target = dns.name.from_text(zone)
        current = "."
        for depth in range(len(target.labels) - 2, -1, -1):
            name = dns.name.Name(target.labels[depth:])
            key = _canonical(name)
            if key in self.cuts:
                current = key
                continue
            response, _ = await self.ask(self.cuts[current].servers, name, "NS")
            if response is None:
                return
            referral = next((r for r in response.authority if r.name == name
                             and r.rdtype == dns.rdatatype.NS), None)
            if referral is not None and not response.flags & dns.flags.AA:
                servers = await self.servers_of(referral, response, 0)
                ds = _signed([response.authority], name, dns.rdatatype.DS)
                self.cuts[key] = _Cut(current, servers, ds)
                current = key
            elif any(r.name == name and r.rdtype == dns.rdatatype.NS for r in response.answer):
                # the parent's server also serves the zone: ask it for the DS itself
                ds_answer, _ = await self.ask(self.cuts[current].servers, name, "DS")
                ds = (_signed([ds_answer.answer], name, dns.rdatatype.DS)
                      if ds_answer is not None else Signed())
                self.cuts[key] = _Cut(current, list(self.cuts[current].servers), ds)
                current = key

    async def keys(self, zone: str) -> ZoneKeys:
        cut = self.cuts[zone]
        name = dns.name.from_text(zone)
        dnskey, server = await self.ask(cut.servers, name, "DNSKEY")
        soa, _ = await self.ask(cut.servers, name, "SOA")
        if dnskey is None or soa is None:
            return ZoneKeys(zone, cut.parent, cut.ds, error=server)
        return ZoneKeys(zone, cut.parent, cut.ds,
                        dnskey=_signed([dnskey.answer], name, dns.rdatatype.DNSKEY),
                        soa=_signed([soa.answer], name, dns.rdatatype.SOA), server=server)


async def probe_dnssec(zones: Sequence[str], roots: Sequence[ServerAddress], *,
                       timeout: float = 2.0, scope: str = "auto",
                       anchors: Sequence[str] = ROOT_TRUST_ANCHORS) -> DnssecObservations:
    """What every zone cut from the root down to each of ``zones`` serves, signed."""
    walker = _Walker(roots, timeout, scope_for([r.address for r in roots], scope))
    for zone in sorted(set(zones), key=lambda z: z.count(".")):
        await walker.walk(zone)
    found = await asyncio.gather(*(walker.keys(z) for z in walker.cuts))
    return DnssecObservations({k.zone: k for k in found}, tuple(anchors))


def probe_dnssec_sync(zones: Sequence[str], roots: Sequence[ServerAddress], *,
                      timeout: float = 2.0, scope: str = "auto",
                      anchors: Sequence[str] = ROOT_TRUST_ANCHORS) -> DnssecObservations:
    return asyncio.run(probe_dnssec(zones, roots, timeout=timeout, scope=scope,
                                    anchors=anchors))

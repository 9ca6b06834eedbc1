"""One authoritative zone and how an authoritative server answers from it.

Answers the way Route 53 (and any RFC 1034 authoritative server) does: AA for data
in the zone; a referral (the cut's NS in authority, glue in additional, no AA) for
names at or below a delegation inside the zone; NXDOMAIN or NODATA with the SOA in
authority (TTL = min(SOA TTL, SOA minimum)); CNAMEs followed inside the zone;
wildcards synthesised; DS at a cut answered by the parent side.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from zonecut.sandbox.zone_data import Record

if TYPE_CHECKING:
    from zonecut.sandbox.dns_sign import ZoneSigner

IN = dns.rdataclass.IN
_MAX_CNAME_CHAIN = 8
Node = dict[dns.rdatatype.RdataType, dns.rrset.RRset]


def _name(text: str) -> dns.name.Name:
    return dns.name.from_text(text, origin=dns.name.root)


@dataclass
class AuthZone:
    """The record sets of one zone, keyed by owner name and type."""

    origin: dns.name.Name
    nodes: dict[dns.name.Name, Node] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # values dnspython could not parse
    signer: ZoneSigner | None = None  # DNSSEC: signs answers to queries with DO set
    _existing: set[dns.name.Name] = field(default_factory=set)

    # -- building ---------------------------------------------------------------------
    def add(self, owner: str, rtype: str, ttl: int, values: Iterable[str]) -> None:
        try:
            rdtype = dns.rdatatype.from_text(rtype)
            name = _name(owner)
        except (dns.exception.DNSException, ValueError) as exc:
            self.skipped.append(f"{owner} {rtype}: {exc}")
            return
        if not name.is_subdomain(self.origin):
            self.skipped.append(f"{owner} {rtype}: outside {self.origin}")
            return
        node = self.nodes.setdefault(name, {})
        rrset = node.get(rdtype)
        if rrset is None:
            rrset = node[rdtype] = dns.rrset.RRset(name, IN, rdtype)
        for value in values:
            try:
                rdata = dns.rdata.from_text(
                    IN, rdtype, value, origin=dns.name.root, relativize=False
                )
            except (dns.exception.DNSException, ValueError) as exc:
                self.skipped.append(f"{owner} {rtype} {value!r}: {exc}")
                continue
            rrset.add(rdata, ttl)
        if not rrset:
            del node[rdtype]
            if not node:
                del self.nodes[name]
            return
        while name != self.origin and name not in self._existing:
            self._existing.add(name)
            name = name.parent()
        self._existing.add(self.origin)

    @classmethod
    def from_records(cls, origin: str, records: Iterable[Record]) -> AuthZone:
        """A zone from Route 53 record sets; aliases to record sets of the zone are resolved."""
        zone = cls(_name(origin))
        records = list(records)
        plain = {(r.name, r.type): r for r in records if r.alias is None}
        for record in records:
            if record.alias is None:
                zone.add(record.name, record.type, record.ttl, record.values)
                continue
            target = plain.get((record.alias[1], record.type))
            if target is None:
                zone.skipped.append(f"{record.name} {record.type}: alias target not in zone")
                continue
            zone.add(record.name, record.type, target.ttl, target.values)
        return zone

    # -- answering --------------------------------------------------------------------
    def contains(self, qname: dns.name.Name) -> bool:
        return qname.is_subdomain(self.origin)

    def answer(self, response: dns.message.Message, qname: dns.name.Name, qtype: int) -> None:
        """Fill ``response`` (rcode, AA, sections) for ``qname``/``qtype`` inside this zone."""
        rdtype = dns.rdatatype.RdataType.make(qtype)
        cut = self._cut(qname)
        if cut is not None and not (rdtype == dns.rdatatype.DS and qname == cut):
            self._referral(response, cut)
            return
        response.flags |= dns.flags.AA
        name = qname
        for _ in range(_MAX_CNAME_CHAIN):
            node, owner_known = self._node(name)
            if node is None:
                if not owner_known:
                    response.set_rcode(dns.rcode.NXDOMAIN)
                self._negative(response)
                return
            if rdtype == dns.rdatatype.ANY:
                response.answer.extend(_owned(rrset, name) for rrset in node.values())
                return
            found = node.get(rdtype)
            if found is not None:
                response.answer.append(_owned(found, name))
                self._additional(response, found)
                return
            cname = node.get(dns.rdatatype.CNAME)
            if cname is None:
                self._negative(response)
                return
            response.answer.append(_owned(cname, name))
            target: dns.name.Name = cname[0].target
            if not self.contains(target) or self._cut(target) is not None:
                return
            name = target

    def types_at(self, name: dns.name.Name) -> set[dns.rdatatype.RdataType] | None:
        """The types at ``name`` (directly or by wildcard); None when it does not exist."""
        node, exists = self._node(name)
        if not exists:
            return None
        return set(node) if node is not None else set()

    def _node(self, name: dns.name.Name) -> tuple[Node | None, bool]:
        """The node for ``name`` (direct or by wildcard) and whether the name exists."""
        node = self.nodes.get(name)
        if node is not None:
            return node, True
        if name in self._existing:
            return None, True
        if name == self.origin:
            return None, False
        encloser = name.parent()
        while encloser not in self._existing and encloser != self.origin:
            encloser = encloser.parent()
        wildcard = self.nodes.get(dns.name.Name((b"*", *encloser.labels)))
        return wildcard, wildcard is not None

    def _cut(self, qname: dns.name.Name) -> dns.name.Name | None:
        """The highest delegation point strictly below the apex at or above ``qname``."""
        for depth in range(len(self.origin) + 1, len(qname) + 1):
            candidate = qname.split(depth)[1]
            node = self.nodes.get(candidate)
            if node is not None and dns.rdatatype.NS in node:
                return candidate
        return None

    def _referral(self, response: dns.message.Message, cut: dns.name.Name) -> None:
        ns = self.nodes[cut][dns.rdatatype.NS]
        response.authority.append(ns)
        self._additional(response, ns)

    def _negative(self, response: dns.message.Message) -> None:
        soa = self.nodes.get(self.origin, {}).get(dns.rdatatype.SOA)
        if soa is None:
            return
        ttl = min(soa.ttl, soa[0].minimum)
        response.authority.append(dns.rrset.from_rdata_list(self.origin, ttl, list(soa)))

    def _additional(self, response: dns.message.Message, rrset: dns.rrset.RRset) -> None:
        if rrset.rdtype not in (dns.rdatatype.NS, dns.rdatatype.MX, dns.rdatatype.SRV):
            return
        for rdata in rrset:
            target = rdata.exchange if rrset.rdtype == dns.rdatatype.MX else rdata.target
            node = self.nodes.get(target, {})
            for rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
                glue = node.get(rdtype)
                if glue is not None and glue not in response.additional:
                    response.additional.append(glue)


def _owned(rrset: dns.rrset.RRset, owner: dns.name.Name) -> dns.rrset.RRset:
    """``rrset`` under ``owner`` (differs when synthesised from a wildcard)."""
    if rrset.name == owner:
        return rrset
    return dns.rrset.from_rdata_list(owner, rrset.ttl, list(rrset))


def check_ds(owner: str, value: str) -> None:
    """ValueError naming ``owner`` unless ``value`` is a DS record's text form."""
    try:
        dns.rdata.from_text(IN, dns.rdatatype.DS, value)
    except (dns.exception.DNSException, ValueError) as exc:
        raise ValueError(f"{owner}: {value!r} is not a DS value ({exc})") from exc

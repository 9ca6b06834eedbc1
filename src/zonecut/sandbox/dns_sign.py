"""Online DNSSEC signing of the sandbox's answers, the way Route 53 signs.

A :class:`ZoneSigner` holds a zone's keys: key-signing keys that sign only the DNSKEY
set (for Route 53 zones their signatures come from KMS ``Sign`` of the KSK's key,
through :class:`~zonecut.sandbox.dnssec_keys.RemoteSigner`) and a zone-signing key that
signs everything else (the sandbox's own, as Route 53 manages ZSKs itself). The root
and TLD zones use one key of the sandbox for both (flags 257).

:meth:`ZoneSigner.sign` runs after :meth:`AuthZone.answer` for a query with the DO bit
and adds to the response:

- an RRSIG for every rrset of the zone in the answer and authority sections (not for
  the NS of a referral nor glue, which the parent does not sign);
- at a delegation: the DS set with its RRSIG, or an NSEC at the cut without DS (types
  NS RRSIG NSEC) proving there is none (an insecure delegation);
- denial as Route 53 does it, "black lies" (minimal NSEC, RFC 4470 style): for a name
  that does not exist, NOERROR with an NSEC at the name whose next name is
  ``\\000.<name>`` and whose types are only RRSIG and NSEC; for a name without the
  type asked, an NSEC at the name listing the types it has.

Signatures are valid from one hour ago for 14 days and are cached per rrset for a
day; a KSK whose KMS key can no longer sign keeps the signature made before (Route 53
serves what it has while a KSK is ACTION_NEEDED) -- a new DNSKEY set then goes unsigned
by it, which validating resolvers see as bogus.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import dns.dnssec
import dns.dnssecalgs.base
import dns.dnssecalgs.ecdsa
import dns.dnssectypes
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.DNSKEY
import dns.rrset

from zonecut.sandbox.dns_zone import AuthZone

log = logging.getLogger(__name__)

IN = dns.rdataclass.IN
DNSKEY_TTL = 3600
# "When you enable DNSSEC signing for a hosted zone, Route 53 limits the TTL to one week"
# (developer guide, configuring DNSSEC signing): longer TTLs are served as one week.
ROUTE53_SIGNED_MAX_TTL = 7 * 86400
SIGNATURE_LIFETIME = 14 * 86400
RESIGN_AFTER = 86400
BACKDATE = 3600
_BLACK_LIE_TYPES = "RRSIG NSEC"


@dataclass
class SigningKey:
    dnskey: dns.rdtypes.ANY.DNSKEY.DNSKEY
    private: dns.dnssecalgs.base.GenericPrivateKey


@dataclass
class ZoneSigner:
    """Signs the answers of one zone (see the module documentation)."""

    origin: dns.name.Name
    ksks: Sequence[SigningKey]
    zsk: SigningKey
    _cache: dict[tuple[object, ...], tuple[float, dns.rrset.RRset]] = field(
        default_factory=dict)

    def dnskey_rrset(self) -> dns.rrset.RRset:
        keys = [k.dnskey for k in self.ksks]
        if all(k.dnskey != self.zsk.dnskey for k in self.ksks):
            keys.append(self.zsk.dnskey)
        return dns.rrset.from_rdata_list(self.origin, DNSKEY_TTL, keys)

    def install(self, zone: AuthZone, *, max_ttl: int | None = None) -> None:
        """Put the DNSKEY set at the zone's apex and make ``zone`` answer signed; with
        ``max_ttl``, longer TTLs are served as ``max_ttl``."""
        if max_ttl is not None:
            for node in zone.nodes.values():
                for found in node.values():
                    found.ttl = min(found.ttl, max_ttl)
        rrset = self.dnskey_rrset()
        zone.nodes.setdefault(self.origin, {})[dns.rdatatype.DNSKEY] = rrset
        zone.signer = self

    # -- signatures ---------------------------------------------------------------------
    def rrsig(self, rrset: dns.rrset.RRset) -> dns.rrset.RRset | None:
        key = (rrset.name, rrset.rdtype, rrset.ttl, frozenset(rrset))
        now = time.time()
        cached = self._cache.get(key)
        if cached is not None and now - cached[0] < RESIGN_AFTER:
            return cached[1]
        signers = self.ksks if rrset.rdtype == dns.rdatatype.DNSKEY else [self.zsk]
        sigs = []
        for signer in signers:
            try:
                sigs.append(dns.dnssec.sign(
                    rrset, signer.private, self.origin, signer.dnskey,
                    inception=int(now) - BACKDATE,
                    expiration=int(now) - BACKDATE + SIGNATURE_LIFETIME))
            except Exception as exc:  # a KMS key that can no longer sign
                log.warning("cannot sign %s %s: %s", rrset.name,
                            dns.rdatatype.to_text(rrset.rdtype), exc)
        if not sigs:
            return cached[1] if cached is not None else None
        made = dns.rrset.from_rdata_list(rrset.name, rrset.ttl, sigs)
        self._cache[key] = (now, made)
        return made

    def _signed(self, section: list[dns.rrset.RRset], *, skip: set[int]) -> None:
        for rrset in list(section):
            if id(rrset) in skip or rrset.rdtype == dns.rdatatype.RRSIG:
                continue
            if not rrset.name.is_subdomain(self.origin):
                continue
            sig = self.rrsig(rrset)
            if sig is not None:
                section.append(sig)

    def _nsec(self, owner: dns.name.Name, types: str, ttl: int) -> dns.rrset.RRset:
        next_name = dns.name.Name((b"\x00", *owner.labels))
        rdata = dns.rdata.from_text(IN, dns.rdatatype.NSEC, f"{next_name.to_text()} {types}")
        return dns.rrset.from_rdata_list(owner, ttl, [rdata])

    # -- answers ------------------------------------------------------------------------
    def sign(self, zone: AuthZone, response: dns.message.Message, qname: dns.name.Name,
             qtype: int) -> None:
        """Add RRSIGs, DS or NSEC to ``response`` (already answered by ``zone``)."""
        referral = not response.flags & dns.flags.AA
        skip: set[int] = set()
        if referral:
            for rrset in response.authority:
                if rrset.rdtype == dns.rdatatype.NS:
                    skip.add(id(rrset))
                    self._delegation(zone, response, rrset.name)
            self._signed(response.authority, skip=skip)
            return
        self._signed(response.answer, skip=skip)
        if response.answer and not response.authority and response.rcode() == dns.rcode.NOERROR:
            return
        if response.rcode() not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            return
        soa = next((r for r in response.authority if r.rdtype == dns.rdatatype.SOA), None)
        if soa is None:
            return
        name = _final_name(response, qname)
        if not name.is_subdomain(self.origin):
            return
        types = zone.types_at(name)
        if response.rcode() == dns.rcode.NXDOMAIN or types is None:
            response.set_rcode(dns.rcode.NOERROR)  # black lies: the name "exists", empty
            listed = _BLACK_LIE_TYPES
        else:
            listed = " ".join(sorted(
                {dns.rdatatype.to_text(t) for t in types} | {"RRSIG", "NSEC"}))
        response.authority.append(self._nsec(name, listed, soa.ttl))
        self._signed(response.authority, skip=skip)

    def _delegation(self, zone: AuthZone, response: dns.message.Message,
                    cut: dns.name.Name) -> None:
        ds = zone.nodes.get(cut, {}).get(dns.rdatatype.DS)
        if ds is not None:
            response.authority.append(ds)
            return
        soa = zone.nodes.get(self.origin, {}).get(dns.rdatatype.SOA)
        ttl = min(soa.ttl, soa[0].minimum) if soa is not None else 300
        response.authority.append(self._nsec(cut, "NS RRSIG NSEC", ttl))


def _final_name(response: dns.message.Message, qname: dns.name.Name) -> dns.name.Name:
    """The name a negative answer is about: ``qname`` or the end of its CNAME chain."""
    name = qname
    for rrset in response.answer:
        if rrset.rdtype == dns.rdatatype.CNAME and rrset.name == name:
            name = rrset[0].target
    return name


def local_key(flags: int) -> SigningKey:
    """A new ECDSAP256SHA256 key of the sandbox's own (a ZSK, or a root/TLD key)."""
    private = dns.dnssecalgs.ecdsa.PrivateECDSAP256SHA256.generate()
    dnskey = dns.dnssec.make_dnskey(private.public_key().key,
                                    dns.dnssectypes.Algorithm.ECDSAP256SHA256, flags=flags)
    return SigningKey(dnskey, private)



def unsigned_referral_ds(zone: AuthZone, response: dns.message.Message) -> None:
    """An unsigned zone's referral still carries a DS set it holds at the cut (RFC 4035
    section 3.1.4.1), without signatures: a resolver then sees a DS it cannot trust."""
    if response.flags & dns.flags.AA:
        return
    for rrset in list(response.authority):
        if rrset.rdtype == dns.rdatatype.NS:
            ds = zone.nodes.get(rrset.name, {}).get(dns.rdatatype.DS)
            if ds is not None:
                response.authority.append(ds)

"""DNSSEC findings: each link of the chain of trust, judged with dnspython's validation.

Pure: observations (:mod:`zonecut.verify.dnssec_model`), the time and Route 53's
GetDNSSEC answers in, findings out. Each zone is judged on its own link -- the DS set
its parent serves, its DNSKEY set, and its signatures -- with the parent's DNSKEY set
(or, for the root, the trust anchors), so a broken link is reported where it is, once:

1. A DS in a parent that is not signed (no DNSKEY): ``DNSSEC_PARENT_UNSIGNED``; the
   link is not judged further (resolvers never use that DS).
2. A DS while the zone serves no DNSKEY: ``DNSSEC_DS_WITHOUT_SIGNING_CHILD`` (outage).
3. DS records only of algorithms or digests validators do not use (RFC 8624):
   ``DNSSEC_ALGORITHM_UNSUPPORTED``; the zone is then treated as unsigned.
4. No supported DS matching a DNSKEY of the zone: ``DNSSEC_DS_NO_MATCHING_DNSKEY``.
5. The DNSKEY set (by a key a DS names) and the SOA set (by the DNSKEY set), and the
   DS set (by the parent's keys): no RRSIG valid now because they expired
   (``DNSSEC_RRSIG_EXPIRED``), are not valid yet (``DNSSEC_RRSIG_NOT_YET_VALID``), or do
   not verify (``DNSSEC_SIGNATURE_BOGUS``); one finding per zone, the first that applies.
6. A zone that serves a DNSKEY set but has no DS in its parent: ``DNSSEC_ISLAND``.
7. From the API (GetDNSSEC): a KSK (or the zone's signing) in ``ACTION_NEEDED``:
   ``DNSSEC_KSK_ACTION_NEEDED``; not signing while the parent publishes its DS:
   ``DNSSEC_DS_WITHOUT_SIGNING_CHILD``; declared ``dnssec: true`` and not signing:
   ``DNSSEC_NOT_SIGNING``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import cast

import dns.dnssec
import dns.dnssectypes
import dns.exception
import dns.name
import dns.node
import dns.rdata
import dns.rdataclass
import dns.rdataset
import dns.rdatatype
import dns.rdtypes.dsbase
import dns.rrset

from zonecut.verify.dnssec_model import DnssecObservations, KskState, Signed, ZoneKeys
from zonecut.verify.findings import Finding, finding

IN = dns.rdataclass.IN
# RFC 8624 sections 3.1 and 3.3: algorithms and digests a validator MUST (or is
# RECOMMENDED to) support; SHA-1 based ones are left out (RFC 9904 deprecates them).
SUPPORTED_ALGORITHMS = frozenset({8, 10, 13, 14, 15, 16})
SUPPORTED_DIGESTS = frozenset({2, 4})
CODES = frozenset({
    "DNSSEC_DS_WITHOUT_SIGNING_CHILD", "DNSSEC_DS_NO_MATCHING_DNSKEY", "DNSSEC_RRSIG_EXPIRED",
    "DNSSEC_RRSIG_NOT_YET_VALID", "DNSSEC_SIGNATURE_BOGUS", "DNSSEC_KSK_ACTION_NEEDED",
    "DNSSEC_ISLAND", "DNSSEC_PARENT_UNSIGNED", "DNSSEC_ALGORITHM_UNSUPPORTED",
    "DNSSEC_NOT_SIGNING"})
"""The catalogue codes this module gives (and no other check does)."""


def _rrset(name: str, rtype: str, signed: Signed) -> dns.rrset.RRset | None:
    if not signed.values:
        return None
    try:
        return dns.rrset.from_text_list(dns.name.from_text(name), max(signed.ttl, 0), IN, rtype,
                                        list(signed.values))
    except (dns.exception.DNSException, ValueError):
        return None


def _rrsigs(name: str, signed: Signed) -> dns.rrset.RRset | None:
    if not signed.rrsigs:
        return None
    try:
        return dns.rrset.from_text_list(dns.name.from_text(name), 0, IN, "RRSIG",
                                        list(signed.rrsigs))
    except (dns.exception.DNSException, ValueError):
        return None


def _signature_problem(rrset: dns.rrset.RRset | None, sigs: dns.rrset.RRset | None,
                       keys: dns.rrset.RRset, owner: str, now: float) -> str | None:
    """None when an RRSIG over ``rrset`` verifies with ``keys`` at ``now``; else the
    finding code for the best reason none does."""
    if rrset is None:
        return None
    if sigs is None:
        return "DNSSEC_SIGNATURE_BOGUS"
    keyring: dict[dns.name.Name, dns.node.Node | dns.rdataset.Rdataset] = {
        dns.name.from_text(owner): keys}
    reasons: list[str] = []
    for sig in sigs:
        if sig.key_tag not in {dns.dnssec.key_id(k) for k in keys}:
            continue
        single = dns.rrset.from_rdata_list(sigs.name, 0, [sig])
        try:
            dns.dnssec.validate(rrset, single, keyring, now=now)
            return None
        except dns.exception.ValidationFailure:
            if sig.expiration < now:
                reasons.append("DNSSEC_RRSIG_EXPIRED")
            elif sig.inception > now:
                reasons.append("DNSSEC_RRSIG_NOT_YET_VALID")
            else:
                reasons.append("DNSSEC_SIGNATURE_BOGUS")
    for code in ("DNSSEC_RRSIG_EXPIRED", "DNSSEC_RRSIG_NOT_YET_VALID"):
        if code in reasons:
            return code
    return "DNSSEC_SIGNATURE_BOGUS"


def _anchor_ds(anchors: Iterable[str]) -> list[str]:
    values = []
    for line in anchors:
        fields = line.split()
        if "DS" in fields:
            values.append(" ".join(fields[fields.index("DS") + 1:]))
    return values


_MESSAGES = {
    "DNSSEC_RRSIG_EXPIRED": "every signature of {zone}'s {what} has expired",
    "DNSSEC_RRSIG_NOT_YET_VALID": "no signature of {zone}'s {what} is valid yet",
    "DNSSEC_SIGNATURE_BOGUS": "no signature of {zone}'s {what} verifies",
}


def _link(keys: ZoneKeys, parent: ZoneKeys | None, anchors: Sequence[str],
          now: float) -> list[Finding]:
    zone = keys.zone
    is_root = keys.parent is None
    ds_values = _anchor_ds(anchors) if is_root else list(keys.ds.values)
    dnskey = _rrset(zone, "DNSKEY", keys.dnskey)
    parent_keys = _rrset(parent.zone, "DNSKEY", parent.dnskey) if parent is not None else None
    where = "the trust anchor" if is_root else f"the parent {keys.parent}"
    if not ds_values:
        if dnskey is not None and not is_root:
            return [finding("DNSSEC_ISLAND", zone,
                            f"{zone} is signed but {where} has no DS for it: validating "
                            "resolvers treat it as unsigned (an island of trust)",
                            details={"parent": str(keys.parent)})]
        return []
    if not is_root and parent_keys is None:
        return [finding("DNSSEC_PARENT_UNSIGNED", zone,
                        f"{where} publishes a DS for {zone} but is not signed itself: no "
                        "resolver can use that DS", details={"ds": ds_values})]
    if dnskey is None:
        return [finding("DNSSEC_DS_WITHOUT_SIGNING_CHILD", zone,
                        f"{where} has a DS for {zone}, but {zone} serves no DNSKEY: "
                        "validating resolvers answer SERVFAIL for the whole zone",
                        details={"ds": ds_values, "server": keys.server or keys.error})]
    ds_set: list[dns.rdtypes.dsbase.DSBase] = []
    for value in ds_values:
        try:
            ds_set.append(cast(dns.rdtypes.dsbase.DSBase,
                               dns.rdata.from_text(IN, dns.rdatatype.DS, value)))
        except (dns.exception.DNSException, ValueError):
            continue
    usable = [d for d in ds_set
              if d.algorithm in SUPPORTED_ALGORITHMS and d.digest_type in SUPPORTED_DIGESTS]
    if not usable:
        return [finding("DNSSEC_ALGORITHM_UNSUPPORTED", zone,
                        f"every DS for {zone} in {where} uses an algorithm or digest "
                        "validators do not support: resolvers treat the zone as unsigned",
                        details={"ds": ds_values})]
    name = dns.name.from_text(zone)
    matched = [k for k in dnskey if any(
        d.key_tag == dns.dnssec.key_id(k) and d.algorithm == k.algorithm
        and dns.dnssec.make_ds(name, k, d.digest_type) == d for d in usable)]
    if not matched:
        return [finding("DNSSEC_DS_NO_MATCHING_DNSKEY", zone,
                        f"no DS for {zone} in {where} matches a DNSKEY {zone} serves: "
                        "validating resolvers answer SERVFAIL for the whole zone",
                        details={"ds": ds_values,
                                 "dnskey_tags": [str(dns.dnssec.key_id(k)) for k in dnskey]})]
    checks = [
        ("DNSKEY set", _signature_problem(
            dnskey, _rrsigs(zone, keys.dnskey),
            dns.rrset.from_rdata_list(name, dnskey.ttl, matched), zone, now)),
        ("SOA", _signature_problem(_rrset(zone, "SOA", keys.soa), _rrsigs(zone, keys.soa),
                                   dnskey, zone, now)),
    ]
    if parent is not None and parent_keys is not None:
        ds_rrset = _rrset(zone, "DS", keys.ds)
        checks.append(("DS set (signed by the parent)", _signature_problem(
            ds_rrset, _rrsigs(zone, keys.ds), parent_keys, parent.zone, now)))
    for what, code in checks:
        if code is not None:
            return [finding(code, zone, _MESSAGES[code].format(zone=zone, what=what),
                            details={"rrset": what})]
    return []


def ksk_findings(zone: str, serve_signature: str,
                 ksks: Sequence[KskState]) -> list[Finding]:
    """DNSSEC_KSK_ACTION_NEEDED from a zone's GetDNSSEC answer
    (see :func:`zonecut.verify.dnssec_model.ksk_states`)."""
    found = [finding("DNSSEC_KSK_ACTION_NEEDED", zone,
                     f"Route 53 reports key-signing key {k.name} of {zone} as "
                     f"{k.status}: {k.message or 'no message'}",
                     details={"ksk": k.name, "status": k.status})
             for k in ksks if k.status in ("ACTION_NEEDED", "INTERNAL_FAILURE")]
    if not found and serve_signature in ("ACTION_NEEDED", "INTERNAL_FAILURE"):
        found.append(finding("DNSSEC_KSK_ACTION_NEEDED", zone,
                             f"Route 53 reports DNSSEC signing of {zone} as {serve_signature}",
                             details={"status": serve_signature}))
    return found


def check_dnssec(zones: Iterable[str], observations: DnssecObservations, *, now: float,
                 api: Mapping[str, tuple[str, Sequence[KskState]]] | None = None,
                 declared: Mapping[str, bool] | None = None) -> list[Finding]:
    """The DNSSEC findings of ``zones`` (canonical names), at time ``now`` (seconds since
    the epoch), and of the links above a zone that has a DS (the root's against the
    trust anchors, the TLD's...): a zone's chain is only as good as those. ``api`` maps
    a zone to its GetDNSSEC (ServeSignature, KSKs); ``declared`` a zone to its config's
    ``dnssec`` (see :func:`signing_findings`)."""
    wanted = set(zones)
    judged = set(wanted)
    for zone in wanted:  # a zone with a DS depends on every link above it
        keys = observations.zones.get(zone)
        if keys is not None and keys.ds.values:
            judged.update(k.zone for k in observations.path(zone))
    found: list[Finding] = []
    for zone in sorted(judged, key=lambda z: (0 if z == "." else z.count(".") + 1, z)):
        keys = observations.zones.get(zone)
        if keys is not None:
            parent = observations.zones.get(keys.parent) if keys.parent is not None else None
            found.extend(_link(keys, parent, observations.anchors, now))
        if api is not None and zone in api:
            serve, ksks = api[zone]
            found.extend(signing_findings(
                zone, serve, ksks, declared=(declared or {}).get(zone),
                ds_published=keys is not None and bool(keys.ds.values),
                seen={f.code for f in found if f.zone == zone}))
    return sorted(found, key=lambda f: f.sort_key)


def signing_findings(zone: str, serve_signature: str, ksks: Sequence[KskState], *,
                     declared: bool | None, ds_published: bool,
                     seen: Iterable[str] = ()) -> list[Finding]:
    """What a zone's GetDNSSEC says that DNS answers may not show yet: a KSK (or the
    signing) in ACTION_NEEDED (:func:`ksk_findings`); a zone that is not signing while
    its parent publishes its DS (``DNSSEC_DS_WITHOUT_SIGNING_CHILD``, unless the DNS
    checks found it already: ``seen``); a zone declared ``dnssec: true`` that is not
    signing and has no DS (``DNSSEC_NOT_SIGNING``)."""
    found = ksk_findings(zone, serve_signature, ksks)
    if found or serve_signature == "SIGNING":
        return found
    if ds_published:
        if "DNSSEC_DS_WITHOUT_SIGNING_CHILD" not in set(seen):
            found.append(finding(
                "DNSSEC_DS_WITHOUT_SIGNING_CHILD", zone,
                f"Route 53 reports {zone} as {serve_signature} while its parent publishes "
                "a DS for it: validating resolvers answer SERVFAIL for the whole zone once "
                "the signatures they hold expire", details={"status": serve_signature}))
    elif declared is True:
        found.append(finding(
            "DNSSEC_NOT_SIGNING", zone,
            f"{zone} is declared dnssec: true, but Route 53 reports it as {serve_signature}",
            details={"status": serve_signature}))
    return found


def why_insecure(zone: str, observations: DnssecObservations, *, now: float) -> str | None:
    """None when a validating resolver with these trust anchors would find ``zone`` secure
    (every link from the root down to it has a DS -- the root: the anchors -- and passes
    every check above); else why not, naming the link that breaks (the zone's own or one
    above it), in one line."""
    path = observations.path(zone)
    if not path or path[0].zone != ".":  # not seen, or not reached from the root
        seen = observations.zones.get(zone)
        return f"{zone} was not reached from the root" + (
            f" ({seen.error})" if seen is not None and seen.error else "")
    for keys in path:
        where = "its own link" if keys.zone == zone else f"the link of {keys.zone} above it"
        if keys.parent is not None and not keys.ds.values:
            return (f"{where}: {keys.parent} has no DS for {keys.zone} (unsigned, or an "
                    "island of trust)")
        parent = observations.zones.get(keys.parent) if keys.parent is not None else None
        broken = _link(keys, parent, observations.anchors, now)
        if broken:
            return f"{where}: {broken[0].code}: {broken[0].message}"
    return None


def is_secure(zone: str, observations: DnssecObservations, *, now: float) -> bool:
    """Whether a validating resolver with these trust anchors would find ``zone`` secure:
    every link from the root down to it has a DS (the root: the anchors) and passes every
    check above. (For a line such as "the chain is secure" in a demo or a report.)"""
    return why_insecure(zone, observations, now=now) is None

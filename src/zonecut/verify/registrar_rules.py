"""The verify catalogue's registrar rules: a root zone against what Route 53 Domains (its
registrar, in the root's account) holds. Checked by :mod:`zonecut.verify.registrar`."""

from __future__ import annotations

from zonecut.findings.catalogue import ROUTE53, Rule, Severity

_DOMAINS_DNSSEC = ROUTE53 + "DeveloperGuide/domain-configure-dnssec.html"
_DOMAINS_NS = ROUTE53 + "DeveloperGuide/domain-name-servers-glue-records.html"

REGISTRAR_RULES: tuple[Rule, ...] = (
    Rule("REGISTRAR_NS_MISMATCH", Severity.CRITICAL,
         "The registrar (Route 53 Domains) delegates the root zone to other name servers "
         "than the zone's delegation set.",
         "Route 53 Domains: GetDomainDetail Nameservers", _DOMAINS_NS,
         fix="set the domain's name servers to the zone's delegation set (`GetHostedZone` "
             "-> `DelegationSet.NameServers`): `registrar: route53` on the root and "
             "`zonecut apply`, or `aws route53domains update-domain-nameservers`."),
    Rule("REGISTRAR_DS_NO_MATCHING_KSK", Severity.CRITICAL,
         "The registrar holds DS records for the root zone, none of which names an active "
         "key-signing key of a zone that is signing (outage: validating resolvers answer "
         "SERVFAIL for the whole domain).",
         "RFC 4035 section 5; Route 53 Domains: GetDomainDetail DnssecKeys", _DOMAINS_DNSSEC,
         fix="at once, give the registrar the DS of the zone's active KSK (`GetDNSSEC`; "
             "`zonecut apply` with `registrar: route53`), or remove the DS there "
             "(`disassociate-delegation-signer-from-domain`) if the zone is not signing."),
    Rule("REGISTRAR_DS_MISSING", Severity.WARNING,
         "The root zone is signing but the registrar holds no DS for it (an island of "
         "trust).",
         "RFC 4035 section 5; Route 53 Domains: AssociateDelegationSignerToDomain",
         _DOMAINS_DNSSEC,
         fix="give the registrar the DS of the zone's active KSK: `registrar: route53` on "
             "the root and `zonecut apply`, or `associate-delegation-signer-to-domain` with "
             "the KSK's public key, flags 257 and algorithm 13."),
    Rule("REGISTRAR_DS_STALE", Severity.WARNING,
         "The registrar holds, next to a DS that works, a DS that names no active key of "
         "the root zone (a leftover).",
         "RFC 6781 section 4.1.2", _DOMAINS_DNSSEC,
         fix="remove the stale DS at the registrar once the working one has been published "
             "for a day (`zonecut apply` with `registrar: route53` does it)."),
)

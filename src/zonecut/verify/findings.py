"""The catalogue of verification findings, and the finding value itself.

Like a linter's rule list: every finding has a stable ``code`` (never renamed), a
severity, a one-line title, and a reference (an RFC section or a Zonemaster test
case). ``docs/findings.md`` explains each code: what it means, why it matters, how
to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

_RFC = "https://www.rfc-editor.org/rfc/"
_ZONEMASTER = ("https://github.com/zonemaster/zonemaster/blob/master/docs/public/"
               "specifications/tests/")
_R53_QUOTAS = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html"
_DNSSEC_TP = _ZONEMASTER + "DNSSEC-TP/"


class Severity(StrEnum):
    CRITICAL = "critical"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most severe."""
        return list(Severity).index(self)

    @property
    def fails(self) -> bool:
        """Findings of this severity make ``zonecut verify`` exit non-zero."""
        return self in (Severity.CRITICAL, Severity.ERROR)


@dataclass(frozen=True)
class Rule:
    """One entry of the catalogue."""

    code: str
    severity: Severity
    title: str
    reference: str
    help_uri: str


CATALOGUE: tuple[Rule, ...] = (
    Rule("DANGLING_DELEGATION", Severity.CRITICAL,
         "The parent delegates to a zone that no longer exists, or to servers of no live "
         "copy of it (takeover risk).",
         "RFC 1034 section 4.2.2; Zonemaster BASIC02", _ZONEMASTER + "Basic-TP/basic02.md"),
    Rule("TAKEOVER_IN_PROGRESS", Severity.CRITICAL,
         "A server the parent or the zone's apex NS lists answers authoritatively for the "
         "zone with someone else's data.",
         "RFC 1034 section 4.2.2; Zonemaster DELEGATION07",
         _ZONEMASTER + "Delegation-TP/delegation07.md"),
    Rule("EXTRA_NS_IN_PARENT", Severity.CRITICAL,
         "The parent's NS set lists a server outside the zone's delegation set "
         "(partial dangling delegation).",
         "Zonemaster DELEGATION07 (EXTRA_NAME_PARENT)",
         _ZONEMASTER + "Delegation-TP/delegation07.md"),
    Rule("EXTRA_NS_IN_APEX", Severity.CRITICAL,
         "The zone's apex NS set names a server outside its delegation set that does not "
         "serve it (takeover risk).",
         "RFC 2181 section 5.4.1; Zonemaster DELEGATION07",
         _ZONEMASTER + "Delegation-TP/delegation07.md"),
    Rule("ZONE_MISSING", Severity.ERROR,
         "A declared zone does not exist in Route 53 (and nothing delegates it).",
         "zonecut configuration", "https://docs.aws.amazon.com/Route53/latest/"
         "DeveloperGuide/CreatingHostedZone.html"),
    Rule("ZONE_UNREAD", Severity.ERROR,
         "The account of a declared zone could not be read: the zone was not verified.",
         "zonecut configuration", "https://docs.aws.amazon.com/Route53/latest/"
         "DeveloperGuide/access-control-overview.html"),
    Rule("DUPLICATE_ZONE", Severity.ERROR,
         "The zone's account holds several public hosted zones of its name.",
         "Route 53: multiple hosted zones with the same name",
         "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zones-working-"
         "with.html"),
    Rule("SERVERS_FAILING", Severity.ERROR,
         "The parent lists the zone's own servers, and none of them serves it.",
         "RFC 1034 section 4.2.2; Zonemaster BASIC02", _ZONEMASTER + "Basic-TP/basic02.md"),
    Rule("CNAME_AT_DELEGATION", Severity.ERROR,
         "The parent holds a CNAME where the zone's delegation should be.",
         "RFC 1034 section 3.6.2; RFC 2181 section 10.1", _RFC + "rfc2181#section-10.1"),
    Rule("NS_ADDRESS_NOT_ROUTABLE", Severity.ERROR,
         "A listed server's address (glue or A record) is one zonecut never queries: "
         "special-purpose, or not globally routable in a public delegation.",
         "RFC 6890; RFC 1034 section 4.2.2", _RFC + "rfc6890"),
    Rule("DEADLINE_EXCEEDED", Severity.ERROR,
         "The zone's checks did not finish within the deadline: it was not verified.",
         "RFC 1035 section 7.2", _RFC + "rfc1035#section-7.2"),
    Rule("PROBE_LIMIT", Severity.ERROR,
         "A referral on the zone's path names more servers, or more servers without "
         "glue, than zonecut follows.",
         "RFC 1035 section 7.2; RFC 9199", _RFC + "rfc9199"),
    Rule("NOT_DELEGATED", Severity.ERROR,
         "The zone exists but its parent has no NS records for it.",
         "RFC 1034 section 4.2.2; Zonemaster BASIC01", _ZONEMASTER + "Basic-TP/basic01.md"),
    Rule("WALK_FAILED", Severity.ERROR,
         "The walk from the root could not reach the servers of the parent zone.",
         "RFC 1034 section 4.3.2; Zonemaster BASIC01", _ZONEMASTER + "Basic-TP/basic01.md"),
    Rule("PARENT_UNREACHABLE", Severity.ERROR,
         "No server of the parent zone gave a usable answer about the delegation.",
         "RFC 1034 section 4.3.2; Zonemaster BASIC01", _ZONEMASTER + "Basic-TP/basic01.md"),
    Rule("PARENT_SERVERS_DISAGREE", Severity.ERROR,
         "The parent zone's servers give different referrals for the zone.",
         "RFC 1034 section 4.2.2; Zonemaster CONSISTENCY04",
         _ZONEMASTER + "Consistency-TP/consistency04.md"),
    Rule("NS_MISMATCH", Severity.ERROR,
         "The parent's NS set and the zone's delegation set differ.",
         "Zonemaster DELEGATION07 (EXTRA_NAME_CHILD)",
         _ZONEMASTER + "Delegation-TP/delegation07.md"),
    Rule("LAME_SERVER", Severity.ERROR,
         "A listed server answers for the zone without authority, refuses, or fails.",
         "Zonemaster BASIC02, DELEGATION04", _ZONEMASTER + "Delegation-TP/delegation04.md"),
    Rule("NS_NAME_UNRESOLVABLE", Severity.ERROR,
         "A listed server's host name has no IPv4 address reachable from the root.",
         "Zonemaster NAMESERVER06", _ZONEMASTER + "Nameserver-TP/nameserver06.md"),
    Rule("SERVER_UNREACHABLE", Severity.WARNING,
         "A listed server does not answer, even on retry (error when no server answers).",
         "Zonemaster CONNECTIVITY01", _ZONEMASTER + "Connectivity-TP/connectivity01.md"),
    Rule("SOA_SERIAL_INCONSISTENT", Severity.WARNING,
         "The zone's servers give different SOA serials.",
         "Zonemaster CONSISTENCY01", _ZONEMASTER + "Consistency-TP/consistency01.md"),
    Rule("NS_INCONSISTENT_ACROSS_SERVERS", Severity.WARNING,
         "The zone's servers give different apex NS sets.",
         "Zonemaster CONSISTENCY04", _ZONEMASTER + "Consistency-TP/consistency04.md"),
    Rule("APEX_NS_EDITED", Severity.WARNING,
         "The zone's apex NS records differ from its Route 53 delegation set.",
         "RFC 1034 section 4.2.2; Zonemaster DELEGATION07",
         _ZONEMASTER + "Delegation-TP/delegation07.md"),
    Rule("GRANDPARENT_DELEGATION", Severity.WARNING,
         "A zone other than the closest parent also delegates the zone.",
         "RFC 1034 section 4.2.1", _RFC + "rfc1034#section-4.2.1"),
    Rule("OCCLUDED_RECORDS", Severity.WARNING,
         "The parent holds records other than NS at or below the zone cut.",
         "RFC 1034 section 4.2.1", _RFC + "rfc1034#section-4.2.1"),
    Rule("RECORD_LIMIT_NEAR", Severity.WARNING,
         "The zone is close to its Route 53 record quota.",
         "Route 53 quotas: records per hosted zone", _R53_QUOTAS),
    Rule("NS_TTL_POLICY", Severity.INFO,
         "The delegation's NS TTL in the parent is outside the policy range.",
         "RFC 2181 section 8", _RFC + "rfc2181#section-8"),
    Rule("SERVER_SLOW", Severity.INFO,
         "A listed server answered only after a retry.",
         "Zonemaster CONNECTIVITY01", _ZONEMASTER + "Connectivity-TP/connectivity01.md"),
    # DNSSEC (zonecut.verify.dnssec)
    Rule("DNSSEC_DS_WITHOUT_SIGNING_CHILD", Severity.CRITICAL,
         "The parent publishes a DS for the zone, but the zone is not signed (outage for "
         "validating resolvers).",
         "RFC 4035 section 5; Zonemaster DNSSEC11", _DNSSEC_TP + "dnssec11.md"),
    Rule("DNSSEC_DS_NO_MATCHING_DNSKEY", Severity.CRITICAL,
         "No DS for the zone in its parent matches a DNSKEY the zone serves (outage for "
         "validating resolvers).",
         "RFC 4035 section 5.2; Zonemaster DNSSEC02", _DNSSEC_TP + "dnssec02.md"),
    Rule("DNSSEC_RRSIG_EXPIRED", Severity.CRITICAL,
         "Every signature over one of the zone's key rrsets (DNSKEY, SOA, DS) has expired.",
         "RFC 4035 section 5.3.1; Zonemaster DNSSEC04", _DNSSEC_TP + "dnssec04.md"),
    Rule("DNSSEC_RRSIG_NOT_YET_VALID", Severity.CRITICAL,
         "No signature over one of the zone's key rrsets (DNSKEY, SOA, DS) is valid yet.",
         "RFC 4035 section 5.3.1; Zonemaster DNSSEC04", _DNSSEC_TP + "dnssec04.md"),
    Rule("DNSSEC_SIGNATURE_BOGUS", Severity.CRITICAL,
         "No signature over one of the zone's key rrsets (DNSKEY, SOA, DS) verifies.",
         "RFC 4035 section 5.3; Zonemaster DNSSEC08, DNSSEC09", _DNSSEC_TP + "dnssec08.md"),
    Rule("DNSSEC_KSK_ACTION_NEEDED", Severity.ERROR,
         "Route 53 reports a key-signing key (or the zone's signing) as ACTION_NEEDED: it "
         "lost access to the KMS key (outage coming).",
         "Route 53 developer guide: troubleshooting DNSSEC signing",
         "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/"
         "dns-configuring-dnssec-troubleshoot.html"),
    Rule("DNSSEC_ISLAND", Severity.WARNING,
         "The zone is signed but its parent has no DS for it (an island of trust).",
         "RFC 4035 section 5; Zonemaster DNSSEC07", _DNSSEC_TP + "dnssec07.md"),
    Rule("DNSSEC_PARENT_UNSIGNED", Severity.WARNING,
         "The parent publishes a DS for the zone but is not signed itself: the DS is unused.",
         "RFC 4035 section 5", _RFC + "rfc4035#section-5"),
    Rule("DNSSEC_ALGORITHM_UNSUPPORTED", Severity.WARNING,
         "Every DS for the zone uses an algorithm or digest validators do not support: the "
         "zone is treated as unsigned.",
         "RFC 8624 sections 3.1, 3.3; Zonemaster DNSSEC01, DNSSEC05",
         _DNSSEC_TP + "dnssec05.md"),
    Rule("UNVERIFIED", Severity.INFO,
         "The delegation could not be checked from the DNS because an enclosing zone is "
         "broken (reported there).",
         "RFC 1034 section 4.3.2", _RFC + "rfc1034#section-4.3.2"),
)

RULES: Mapping[str, Rule] = {rule.code: rule for rule in CATALOGUE}


def zone_order(zone: str) -> tuple[str, ...]:
    """A sort key that puts a zone right after its parent (labels from the right)."""
    return tuple(reversed(zone.split(".")))


@dataclass(frozen=True)
class Finding:
    """One problem found with one zone (and, optionally, one of its servers)."""

    code: str
    severity: Severity
    message: str
    zone: str
    server: str | None = None
    reference: str = ""
    details: tuple[tuple[str, str], ...] = ()

    @property
    def sort_key(self) -> tuple[tuple[str, ...], int, str, str, str]:
        """Zones in DNS order (parents before children), then severity, code, server."""
        return (zone_order(self.zone), self.severity.rank, self.code, self.server or "",
                self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "zone": self.zone,
            "server": self.server,
            "reference": self.reference,
            "details": dict(self.details),
        }


def finding(code: str, zone: str, message: str, *, server: str | None = None,
            details: Mapping[str, str | Iterable[str]] | None = None,
            severity: Severity | None = None) -> Finding:
    """A finding of catalogue ``code`` (its severity unless overridden)."""
    rule = RULES[code]
    pairs: list[tuple[str, str]] = []
    for key, value in sorted((details or {}).items()):
        pairs.append((key, value if isinstance(value, str) else ", ".join(value)))
    return Finding(
        code=code,
        severity=severity or rule.severity,
        message=" ".join(message.split()),
        zone=zone,
        server=server,
        reference=rule.reference,
        details=tuple(pairs),
    )

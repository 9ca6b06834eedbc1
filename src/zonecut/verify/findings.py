"""The catalogue of verification findings, and the finding value itself.

The rules are :class:`zonecut.findings.Rule` entries (stable code, severity, title,
reference, link, fix), the same model audit uses. ``docs/findings.md`` explains each
code: what it means, why it matters, how to fix it (its Fix lines are the catalogue's).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from zonecut.findings.catalogue import RFC as _RFC
from zonecut.findings.catalogue import ROUTE53, Catalogue, Rule, Severity, zone_order
from zonecut.findings.catalogue import ZONEMASTER as _ZONEMASTER
from zonecut.findings.values import detail_pairs, one_line
from zonecut.verify.registrar_rules import REGISTRAR_RULES

_DNSSEC_TP = _ZONEMASTER + "DNSSEC-TP/"

_R53_QUOTAS = ROUTE53 + "DeveloperGuide/DNSLimitations.html"

CATALOGUE: tuple[Rule, ...] = (
    Rule("DANGLING_DELEGATION", Severity.CRITICAL,
         "The parent delegates to a zone that no longer exists, or to servers of no live "
         "copy of it (takeover risk).",
         "RFC 1034 section 4.2.2; Zonemaster BASIC02", _ZONEMASTER + "Basic-TP/basic02.md",
         fix="if the zone was deleted on purpose, delete the NS rrset for it from the "
             "parent (and from any ancestor that also holds one). If the zone was "
             "recreated, replace the parent's NS values with the new zone's delegation "
             "set (`zonecut apply` does this). Always delete the parent NS before the "
             "child zone."),
    Rule("TAKEOVER_IN_PROGRESS", Severity.CRITICAL,
         "A server the parent or the zone's apex NS lists answers authoritatively for the "
         "zone with someone else's data.",
         "RFC 1034 section 4.2.2; Zonemaster DELEGATION07",
         _ZONEMASTER + "Delegation-TP/delegation07.md",
         fix="at once, set the parent's NS rrset (and the zone's apex NS rrset) to "
             "exactly the zone's delegation set; then find out who created the other zone "
             "(AWS support for Route 53 servers) and rotate anything validated through "
             "the DNS meanwhile (certificates)."),
    Rule("EXTRA_NS_IN_PARENT", Severity.CRITICAL,
         "The parent's NS set lists a server outside the zone's delegation set "
         "(partial dangling delegation).",
         "Zonemaster DELEGATION07 (EXTRA_NAME_PARENT)",
         _ZONEMASTER + "Delegation-TP/delegation07.md",
         fix="set the parent's NS rrset to exactly the zone's delegation set."),
    Rule("EXTRA_NS_IN_APEX", Severity.CRITICAL,
         "The zone's apex NS set names a server outside its delegation set that does not "
         "serve it (takeover risk).",
         "RFC 2181 section 5.4.1; Zonemaster DELEGATION07",
         _ZONEMASTER + "Delegation-TP/delegation07.md",
         fix="restore the apex NS rrset to the delegation set (`GetHostedZone` -> "
             "`DelegationSet.NameServers`)."),
    Rule("ZONE_MISSING", Severity.ERROR,
         "A declared zone does not exist in Route 53 (and nothing delegates it).",
         "zonecut configuration", "https://docs.aws.amazon.com/Route53/latest/"
         "DeveloperGuide/CreatingHostedZone.html",
         fix="`zonecut apply` creates it; if it was removed on purpose, remove it from "
             "the configuration."),
    Rule("ZONE_UNREAD", Severity.ERROR,
         "The account of a declared zone could not be read: the zone was not verified.",
         "zonecut configuration", "https://docs.aws.amazon.com/Route53/latest/"
         "DeveloperGuide/access-control-overview.html",
         fix="fix the access named in the details (`zonecut iam` prints the role zonecut "
             "needs) and verify again."),
    Rule("DUPLICATE_ZONE", Severity.ERROR,
         "The zone's account holds several public hosted zones of its name.",
         "Route 53: multiple hosted zones with the same name",
         "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zones-working-"
         "with.html",
         fix="move what the other copies hold into the live copy, delete them (their NS "
             "records first), or pin the live copy with `zone_id:`."),
    Rule("SERVERS_FAILING", Severity.ERROR,
         "The parent lists the zone's own servers, and none of them serves it.",
         "RFC 1034 section 4.2.2; Zonemaster BASIC02", _ZONEMASTER + "Basic-TP/basic02.md",
         fix="the zone's servers: for Route 53, check the AWS Health Dashboard and the "
             "zone (DNSSEC signing problems give SERVFAIL: a KMS key disabled or "
             "deleted); for other servers, their logs and zone load. Verify again when "
             "they answer."),
    Rule("CNAME_AT_DELEGATION", Severity.ERROR,
         "The parent holds a CNAME where the zone's delegation should be.",
         "RFC 1034 section 3.6.2; RFC 2181 section 10.1", _RFC + "rfc2181#section-10.1",
         fix="delete the CNAME from the parent and create the NS rrset with the zone's "
             "delegation set (`zonecut apply`)."),
    Rule("NS_ADDRESS_NOT_ROUTABLE", Severity.ERROR,
         "A listed server's address (glue or A record) is one zonecut never queries: "
         "special-purpose, or not globally routable in a public delegation.",
         "RFC 6890; RFC 1034 section 4.2.2", _RFC + "rfc6890",
         fix="correct the glue or the server's A record; remove the server from the NS "
             "set if it is not a public server."),
    Rule("DEADLINE_EXCEEDED", Severity.ERROR,
         "The zone's checks did not finish within the deadline: it was not verified.",
         "RFC 1035 section 7.2", _RFC + "rfc1035#section-7.2",
         fix="look at the zone's other findings and at `PROBE_LIMIT`; run again with a "
             "longer deadline only to see more."),
    Rule("PROBE_LIMIT", Severity.ERROR,
         "A referral on the zone's path names more servers, or more servers without "
         "glue, than zonecut follows.",
         "RFC 1035 section 7.2; RFC 9199", _RFC + "rfc9199",
         fix="keep NS sets small and give glue for in-zone server names."),
    Rule("NOT_DELEGATED", Severity.ERROR,
         "The zone exists but its parent has no NS records for it.",
         "RFC 1034 section 4.2.2; Zonemaster BASIC01", _ZONEMASTER + "Basic-TP/basic01.md",
         fix="create the NS rrset in the parent with the zone's delegation set (`zonecut "
             "apply`); for a registered domain, set the name servers at the registrar."),
    Rule("WALK_FAILED", Severity.ERROR,
         "The walk from the root could not reach the servers of the parent zone.",
         "RFC 1034 section 4.3.2; Zonemaster BASIC01", _ZONEMASTER + "Basic-TP/basic01.md",
         fix="read the reason: fix the enclosing delegation it names, or check the "
             "network, `--root-hints` and the port map when verifying a private hierarchy."),
    Rule("PARENT_UNREACHABLE", Severity.ERROR,
         "No server of the parent zone gave a usable answer about the delegation.",
         "RFC 1034 section 4.3.2; Zonemaster BASIC01", _ZONEMASTER + "Basic-TP/basic01.md",
         fix="fix the parent zone's servers (often the parent has its own finding, then "
             "the child gets `UNVERIFIED` instead of this)."),
    Rule("PARENT_SERVERS_DISAGREE", Severity.ERROR,
         "The parent zone's servers give different referrals for the zone.",
         "RFC 1034 section 4.2.2; Zonemaster CONSISTENCY04",
         _ZONEMASTER + "Consistency-TP/consistency04.md",
         fix="wait for the change to be INSYNC and verify again; if it persists, look for "
             "a second hosted zone with the parent's name (duplicate public zones) or a "
             "secondary that no longer transfers."),
    Rule("NS_MISMATCH", Severity.ERROR,
         "The parent's NS set and the zone's delegation set differ.",
         "Zonemaster DELEGATION07 (EXTRA_NAME_CHILD)",
         _ZONEMASTER + "Delegation-TP/delegation07.md",
         fix="set the parent's NS rrset to exactly the zone's delegation set."),
    Rule("LAME_SERVER", Severity.ERROR,
         "A listed server answers for the zone without authority, refuses, or fails.",
         "Zonemaster BASIC02, DELEGATION04", _ZONEMASTER + "Delegation-TP/delegation04.md",
         fix="make the listed server set match the servers that serve the zone (for Route "
             "53: the delegation set); report a Route 53 server that refuses its own zone."),
    Rule("NS_NAME_UNRESOLVABLE", Severity.ERROR,
         "A listed server's host name has no IPv4 address reachable from the root.",
         "Zonemaster NAMESERVER06", _ZONEMASTER + "Nameserver-TP/nameserver06.md",
         fix="correct the NS values (typo, a server name from another provider)."),
    Rule("SERVER_UNREACHABLE", Severity.WARNING,
         "A listed server does not answer, even on retry (error when no server answers).",
         "Zonemaster CONNECTIVITY01", _ZONEMASTER + "Connectivity-TP/connectivity01.md",
         fix="check the network path to the server; for Route 53 servers, check for a "
             "firewall between the verifier and the internet. A server that answers only "
             "on retry is `SERVER_SLOW`, not this."),
    Rule("SOA_SERIAL_INCONSISTENT", Severity.WARNING,
         "The zone's servers give different SOA serials.",
         "Zonemaster CONSISTENCY01", _ZONEMASTER + "Consistency-TP/consistency01.md",
         fix="find the server with the odd serial (in the details) and sync or remove it."),
    Rule("NS_INCONSISTENT_ACROSS_SERVERS", Severity.WARNING,
         "The zone's servers give different apex NS sets.",
         "Zonemaster CONSISTENCY04", _ZONEMASTER + "Consistency-TP/consistency04.md",
         fix="make every server serve the same apex NS rrset."),
    Rule("APEX_NS_EDITED", Severity.WARNING,
         "The zone's apex NS records differ from its Route 53 delegation set.",
         "RFC 1034 section 4.2.2; Zonemaster DELEGATION07",
         _ZONEMASTER + "Delegation-TP/delegation07.md",
         fix="restore the apex NS rrset to the delegation set (`GetHostedZone` -> "
             "`DelegationSet.NameServers`); `zonecut apply` does, unless the zone has "
             "`apex_ns: report` (a zone served by several providers on purpose)."),
    Rule("GRANDPARENT_DELEGATION", Severity.WARNING,
         "A zone other than the closest parent also delegates the zone.",
         "RFC 1034 section 4.2.1", _RFC + "rfc1034#section-4.2.1",
         fix="delete the NS rrset from the grandparent; delegate only from the closest "
             "enclosing zone."),
    Rule("OCCLUDED_RECORDS", Severity.WARNING,
         "The parent holds records other than NS at or below the zone cut.",
         "RFC 1034 section 4.2.1", _RFC + "rfc1034#section-4.2.1",
         fix="move the records into the child zone, then delete them from the parent."),
    Rule("RECORD_LIMIT_NEAR", Severity.WARNING,
         "The zone is close to its Route 53 record quota.",
         "Route 53 quotas: records per hosted zone", _R53_QUOTAS,
         fix="request a quota increase, or split the zone (a delegated child zone)."),
    Rule("NS_TTL_POLICY", Severity.INFO,
         "The delegation's NS TTL in the parent is outside the policy range.",
         "RFC 2181 section 8", _RFC + "rfc2181#section-8",
         fix="set the TTL in the zonecut configuration (3,600-86,400 s is AWS's advice "
             "for stable delegations; lower it around planned changes)."),
    Rule("SERVER_SLOW", Severity.INFO,
         "A listed server answered only after a retry.",
         "Zonemaster CONNECTIVITY01", _ZONEMASTER + "Connectivity-TP/connectivity01.md",
         fix="nothing if it is rare; otherwise look at the network path to that server."),
    # DNSSEC (zonecut.verify.dnssec)
    Rule("DNSSEC_DS_WITHOUT_SIGNING_CHILD", Severity.CRITICAL,
         "The parent publishes a DS for the zone, but the zone is not signed (outage for "
         "validating resolvers).",
         "RFC 4035 section 5; Zonemaster DNSSEC11", _DNSSEC_TP + "dnssec11.md",
         fix="at once, delete the DS from the parent (Route 53: the DS record set in the "
             "parent zone; a registered domain: the registrar's DNSSEC keys) -- or enable "
             "signing again with a KSK that matches it. Then wait out the DS TTL before any "
             "further change. `zonecut apply` orders this for you: DS last when signing, DS "
             "first when unsigning."),
    Rule("DNSSEC_DS_NO_MATCHING_DNSKEY", Severity.CRITICAL,
         "No DS for the zone in its parent matches a DNSKEY the zone serves (outage for "
         "validating resolvers).",
         "RFC 4035 section 5.2; Zonemaster DNSSEC02", _DNSSEC_TP + "dnssec02.md",
         fix="put the DS of the zone's active KSK into the parent (Route 53 `GetDNSSEC`: "
             "`KeySigningKeys[].DSRecord`) and remove the stale one; for a rollover publish "
             "both DS records until the old KSK is retired (`zonecut rotate-ksk`)."),
    Rule("DNSSEC_RRSIG_EXPIRED", Severity.CRITICAL,
         "Every signature over one of the zone's key rrsets (DNSKEY, SOA, DS) has expired.",
         "RFC 4035 section 5.3.1; Zonemaster DNSSEC04", _DNSSEC_TP + "dnssec04.md",
         fix="for Route 53 zones restore the KMS key (enabled, key policy granting `dnssec-"
             "route53.amazonaws.com`) and reactivate the KSK; elsewhere re-sign the zone. "
             "Check the clock of the machine running verify too."),
    Rule("DNSSEC_RRSIG_NOT_YET_VALID", Severity.CRITICAL,
         "No signature over one of the zone's key rrsets (DNSKEY, SOA, DS) is valid yet.",
         "RFC 4035 section 5.3.1; Zonemaster DNSSEC04", _DNSSEC_TP + "dnssec04.md",
         fix="correct the clock of the signer or of the machine running verify; re-sign."),
    Rule("DNSSEC_SIGNATURE_BOGUS", Severity.CRITICAL,
         "No signature over one of the zone's key rrsets (DNSKEY, SOA, DS) verifies.",
         "RFC 4035 section 5.3; Zonemaster DNSSEC08, DNSSEC09", _DNSSEC_TP + "dnssec08.md",
         fix="query the zone's servers directly (`dig +dnssec`); for Route 53, check the KSK "
             "status (`GetDNSSEC`) and the KMS key; for other servers, re-sign the zone."),
    Rule("DNSSEC_KSK_ACTION_NEEDED", Severity.ERROR,
         "Route 53 reports a key-signing key (or the zone's signing) as ACTION_NEEDED: it "
         "lost access to the KMS key (outage coming).",
         "Route 53 developer guide: troubleshooting DNSSEC signing",
         "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/"
         "dns-configuring-dnssec-troubleshoot.html",
         fix="enable the KMS key (cancel its deletion) and restore its key policy (`dnssec-"
             "route53.amazonaws.com` allowed `kms:DescribeKey`, `kms:GetPublicKey`, "
             "`kms:Sign`), then activate the KSK again (`ActivateKeySigningKey`). Set a "
             "CloudWatch alarm on `DNSSECKeySigningKeysNeedingAction`."),
    Rule("DNSSEC_NOT_SIGNING", Severity.WARNING,
         "The zone is declared dnssec: true, but Route 53 reports it as not signing (and "
         "its parent has no DS for it).",
         "Route 53 developer guide: enabling DNSSEC signing",
         "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/"
         "dns-configuring-dnssec-enable-signing.html",
         fix="run `zonecut apply`: it signs the zone and then publishes its DS in the "
             "parent, in that order; or say `dnssec: false` if the zone is not to be "
             "signed."),
    Rule("DNSSEC_ISLAND", Severity.WARNING,
         "The zone is signed but its parent has no DS for it (an island of trust).",
         "RFC 4035 section 5; Zonemaster DNSSEC07", _DNSSEC_TP + "dnssec07.md",
         fix="publish the zone's DS (`GetDNSSEC` `DSRecord`) in the parent -- only after the "
             "zone is signing and only when the parent is signed (`zonecut apply` with "
             "`dnssec: true` does it) -- or disable signing if it is not wanted."),
    Rule("DNSSEC_PARENT_UNSIGNED", Severity.WARNING,
         "The parent publishes a DS for the zone but is not signed itself: the DS is unused.",
         "RFC 4035 section 5", _RFC + "rfc4035#section-5",
         fix="sign the parent and publish its own DS first (top down), or remove the DS "
             "until the parent is signed."),
    Rule("DNSSEC_ALGORITHM_UNSUPPORTED", Severity.WARNING,
         "Every DS for the zone uses an algorithm or digest validators do not support: the "
         "zone is treated as unsigned.",
         "RFC 8624 sections 3.1, 3.3; Zonemaster DNSSEC01, DNSSEC05",
         _DNSSEC_TP + "dnssec05.md",
         fix="re-sign with a supported algorithm (Route 53 signs with 13, ECDSAP256SHA256) "
             "and publish its SHA-256 DS (digest 2); remove the old DS."),
    *REGISTRAR_RULES,
    Rule("UNVERIFIED", Severity.INFO,
         "The delegation could not be checked from the DNS because an enclosing zone is "
         "broken (reported there).",
         "RFC 1034 section 4.3.2", _RFC + "rfc1034#section-4.3.2",
         fix="fix the finding named in `blocked_by`."),
)

VERIFY_CATALOGUE = Catalogue(CATALOGUE, tool="zonecut", docs_page="docs/findings.md",
                             title="Finding codes")
RULES: Mapping[str, Rule] = VERIFY_CATALOGUE.by_code


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

    @property
    def fix(self) -> str:
        """How to fix it: the catalogue entry's fix (or where its docs are)."""
        return VERIFY_CATALOGUE.fix_for(self.code)

    def place(self) -> dict[str, str | None]:
        return {"server": self.server}

    def logical_locations(self) -> list[dict[str, str]]:
        return [{"name": self.zone, "fullyQualifiedName": self.zone, "kind": "resource"}]

    def fingerprint(self) -> tuple[str, str]:
        return "zonecutFinding/v1", f"{self.code}:{self.zone}:{self.server or ''}"


def finding(code: str, zone: str, message: str, *, server: str | None = None,
            details: Mapping[str, str | Iterable[str]] | None = None,
            severity: Severity | None = None) -> Finding:
    """A finding of catalogue ``code`` (its severity unless overridden)."""
    rule = RULES[code]
    return Finding(
        code=code,
        severity=severity or rule.severity,
        message=one_line(message),
        zone=zone,
        server=server,
        reference=rule.reference,
        details=detail_pairs(details),
    )


__all__ = ["CATALOGUE", "RULES", "VERIFY_CATALOGUE", "Finding", "Rule", "Severity", "finding",
           "zone_order"]

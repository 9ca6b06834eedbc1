"""The catalogue of audit findings, and the audit finding value itself.

The same model as :mod:`zonecut.verify.findings` (:mod:`zonecut.findings`: stable
codes, never renamed; a severity; a title; a reference; the fix). An audit
finding also names the account and hosted zone where the fix is made: the account
that holds the offending NS rrset, or the zone itself. ``docs/audit.md`` explains
each code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from zonecut.findings.catalogue import RFC as _RFC
from zonecut.findings.catalogue import ROUTE53 as _R53
from zonecut.findings.catalogue import ZONEMASTER as _ZONEMASTER
from zonecut.findings.catalogue import Catalogue, Rule, Severity, zone_order
from zonecut.findings.values import detail_pairs, one_line

_STS = "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html"

AUDIT_CATALOGUE: tuple[Rule, ...] = (
    Rule("AUDIT_DANGLING_DELEGATION", Severity.CRITICAL,
         "A zone delegates to a zone that exists in no audited account, or to servers of "
         "none of the zones of that name (takeover risk).",
         "RFC 1034 section 4.2.2; Zonemaster BASIC02", _ZONEMASTER + "Basic-TP/basic02.md",
         fix="delete the NS rrset (or set it to the new zone's delegation set). Without "
             "`--dns`, a zone hosted outside the audited accounts also lands here: audit "
             "those accounts too, or use `--dns`."),
    Rule("AUDIT_PARTIAL_DELEGATION", Severity.CRITICAL,
         "A delegation lists servers outside the target zone's delegation set "
         "(partial dangling delegation).",
         "Zonemaster DELEGATION07 (EXTRA_NAME_PARENT)",
         _ZONEMASTER + "Delegation-TP/delegation07.md",
         fix="set the NS rrset to exactly the zone's delegation set."),
    Rule("AUDIT_APEX_NS_STRAY", Severity.CRITICAL,
         "A zone's apex NS set names servers outside every delegation set of a zone of "
         "that name (the same exposure as a partial dangling delegation).",
         "RFC 2181 section 5.4.1; Zonemaster DELEGATION07",
         _ZONEMASTER + "Delegation-TP/delegation07.md",
         fix="restore the apex NS rrset to the zone's delegation set."),
    Rule("AUDIT_INCOMPLETE_DELEGATION", Severity.ERROR,
         "A delegation lists only some of the target zone's name servers.",
         "Zonemaster DELEGATION07 (EXTRA_NAME_CHILD)",
         _ZONEMASTER + "Delegation-TP/delegation07.md",
         fix="set the NS rrset to exactly the zone's delegation set."),
    Rule("AUDIT_DUPLICATE_ZONE", Severity.ERROR,
         "Several public hosted zones have the same name (in one account or several).",
         "Route 53 API: CreateHostedZone", _R53 + "APIReference/API_CreateHostedZone.html",
         fix="delete the copies nobody delegates (after moving any records you need), or "
             "pin the live one with `zone_id` in the config."),
    Rule("AUDIT_ACCOUNT_UNREADABLE", Severity.ERROR,
         "An account could not be read (the role was refused or an API call failed); "
         "findings that depend on it may be missing or wrong.",
         "AWS STS AssumeRole", _STS,
         fix="deploy the audit role in the account (or pass `--exclude`)."),
    Rule("AUDIT_UNVERIFIED_DELEGATION", Severity.WARNING,
         "A delegation to a zone that no audited account holds, while some accounts were "
         "not audited: it may live there.",
         "RFC 1034 section 4.2.2", _RFC + "rfc1034#section-4.2.2",
         fix="audit the account that holds the zone too, or the whole organisation (no "
             "`--accounts`), or run with `--dns`."),
    Rule("AUDIT_ORPHAN_ZONE", Severity.WARNING,
         "A zone lies below another zone of the organisation, but no zone delegates it.",
         "RFC 1034 section 4.2.2; Zonemaster BASIC01", _ZONEMASTER + "Basic-TP/basic01.md",
         fix="delegate it from its enclosing zone (`zonecut apply` with the written "
             "config does), or delete the zone."),
    Rule("AUDIT_SKIPPED_LEVEL", Severity.WARNING,
         "A zone other than the closest enclosing zone delegates the zone "
         "(grandparent delegation).",
         "RFC 1034 section 4.2.1", _RFC + "rfc1034#section-4.2.1",
         fix="delete the NS rrset from the upper zone; delegate only from the closest."),
    Rule("AUDIT_EXTERNAL_DELEGATION", Severity.WARNING,
         "A delegation to a zone that no audited account holds is served by someone else "
         "(checked over DNS): confirm who owns it.",
         "RFC 1034 section 4.2.2; Zonemaster BASIC02", _ZONEMASTER + "Basic-TP/basic02.md",
         fix="confirm who owns that hosted zone; audit that account too."),
    Rule("AUDIT_ROOT_ZONE", Severity.INFO,
         "A zone with no enclosing zone in the organisation: the top of a tree, delegated "
         "by its registrar.",
         "RFC 1034 section 4.2.2", _RFC + "rfc1034#section-4.2.2"),
)

AUDIT = Catalogue(AUDIT_CATALOGUE, tool="zonecut audit", docs_page="docs/audit.md",
                  title="Audit finding codes")
AUDIT_RULES: Mapping[str, Rule] = AUDIT.by_code


@dataclass(frozen=True)
class AuditFinding:
    """One problem found in the organisation.

    ``zone`` is the zone name the finding is about (for a delegation: the delegated
    name); ``account_id`` and ``zone_id`` say where the fix is made (for a delegation:
    the zone holding the NS rrset). Both are None when the finding spans several.
    """

    code: str
    severity: Severity
    message: str
    zone: str
    account_id: str | None = None
    zone_id: str | None = None
    reference: str = ""
    details: tuple[tuple[str, str], ...] = ()

    @property
    def sort_key(self) -> tuple[tuple[str, ...], int, str, str, str, str]:
        """Zones in DNS order (parents before children), then severity, code, place."""
        return (zone_order(self.zone), self.severity.rank, self.code, self.account_id or "",
                self.zone_id or "", self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "zone": self.zone,
            "account_id": self.account_id,
            "zone_id": self.zone_id,
            "reference": self.reference,
            "details": dict(self.details),
        }

    @property
    def fix(self) -> str:
        """How to fix it: the catalogue entry's fix (or where its docs are)."""
        return AUDIT.fix_for(self.code)

    def place(self) -> dict[str, str | None]:
        return {"account_id": self.account_id, "zone_id": self.zone_id}

    def logical_locations(self) -> list[dict[str, str]]:
        locations: list[dict[str, str]] = []
        if self.zone:
            locations.append({"name": self.zone, "fullyQualifiedName": self.zone,
                              "kind": "resource"})
        if self.account_id:
            locations.append({"name": self.account_id,
                              "fullyQualifiedName": f"aws:account/{self.account_id}",
                              "kind": "namespace"})
        return locations

    def fingerprint(self) -> tuple[str, str]:
        return ("zonecutAudit/v1",
                f"{self.code}:{self.zone}:{self.account_id or ''}:{self.zone_id or ''}")


def audit_finding(code: str, zone: str, message: str, *, account_id: str | None = None,
                  zone_id: str | None = None,
                  details: Mapping[str, str | Iterable[str]] | None = None) -> AuditFinding:
    """A finding of catalogue ``code``, its message on one line."""
    rule = AUDIT_RULES[code]
    return AuditFinding(
        code=code,
        severity=rule.severity,
        message=one_line(message),
        zone=zone,
        account_id=account_id,
        zone_id=zone_id,
        reference=rule.reference,
        details=detail_pairs(details),
    )

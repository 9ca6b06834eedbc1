"""The catalogue of audit findings, and the audit finding value itself.

The same shape as :mod:`zonecut.verify.findings` (stable codes, never renamed; a
severity; a one-line title; a reference) and the same :class:`Severity`. An audit
finding also names the account and hosted zone where the fix is made: the account
that holds the offending NS rrset, or the zone itself. ``docs/audit.md`` explains
each code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from zonecut.verify.findings import Rule, Severity, zone_order

_RFC = "https://www.rfc-editor.org/rfc/"
_ZONEMASTER = ("https://github.com/zonemaster/zonemaster/blob/master/docs/public/"
               "specifications/tests/")
_R53 = "https://docs.aws.amazon.com/Route53/latest/"
_STS = "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html"

AUDIT_CATALOGUE: tuple[Rule, ...] = (
    Rule("AUDIT_DANGLING_DELEGATION", Severity.CRITICAL,
         "A zone delegates to a zone that exists in no audited account, or to servers of "
         "none of the zones of that name (takeover risk).",
         "RFC 1034 section 4.2.2; Zonemaster BASIC02", _ZONEMASTER + "Basic-TP/basic02.md"),
    Rule("AUDIT_PARTIAL_DELEGATION", Severity.CRITICAL,
         "A delegation lists servers outside the target zone's delegation set "
         "(partial dangling delegation).",
         "Zonemaster DELEGATION07 (EXTRA_NAME_PARENT)",
         _ZONEMASTER + "Delegation-TP/delegation07.md"),
    Rule("AUDIT_APEX_NS_STRAY", Severity.CRITICAL,
         "A zone's apex NS set names servers outside every delegation set of a zone of "
         "that name (the same exposure as a partial dangling delegation).",
         "RFC 2181 section 5.4.1; Zonemaster DELEGATION07",
         _ZONEMASTER + "Delegation-TP/delegation07.md"),
    Rule("AUDIT_INCOMPLETE_DELEGATION", Severity.ERROR,
         "A delegation lists only some of the target zone's name servers.",
         "Zonemaster DELEGATION07 (EXTRA_NAME_CHILD)",
         _ZONEMASTER + "Delegation-TP/delegation07.md"),
    Rule("AUDIT_DUPLICATE_ZONE", Severity.ERROR,
         "Several public hosted zones have the same name (in one account or several).",
         "Route 53 API: CreateHostedZone", _R53 + "APIReference/API_CreateHostedZone.html"),
    Rule("AUDIT_ACCOUNT_UNREADABLE", Severity.ERROR,
         "An account could not be read (the role was refused or an API call failed); "
         "findings that depend on it may be missing or wrong.",
         "AWS STS AssumeRole", _STS),
    Rule("AUDIT_UNVERIFIED_DELEGATION", Severity.WARNING,
         "A delegation to a zone that no audited account holds, while some accounts were "
         "not audited: it may live there.",
         "RFC 1034 section 4.2.2", _RFC + "rfc1034#section-4.2.2"),
    Rule("AUDIT_ORPHAN_ZONE", Severity.WARNING,
         "A zone lies below another zone of the organisation, but no zone delegates it.",
         "RFC 1034 section 4.2.2; Zonemaster BASIC01", _ZONEMASTER + "Basic-TP/basic01.md"),
    Rule("AUDIT_SKIPPED_LEVEL", Severity.WARNING,
         "A zone other than the closest enclosing zone delegates the zone "
         "(grandparent delegation).",
         "RFC 1034 section 4.2.1", _RFC + "rfc1034#section-4.2.1"),
    Rule("AUDIT_EXTERNAL_DELEGATION", Severity.WARNING,
         "A delegation to a zone that no audited account holds is served by someone else "
         "(checked over DNS): confirm who owns it.",
         "RFC 1034 section 4.2.2; Zonemaster BASIC02", _ZONEMASTER + "Basic-TP/basic02.md"),
    Rule("AUDIT_ROOT_ZONE", Severity.INFO,
         "A zone with no enclosing zone in the organisation: the top of a tree, delegated "
         "by its registrar.",
         "RFC 1034 section 4.2.2", _RFC + "rfc1034#section-4.2.2"),
)

AUDIT_RULES: Mapping[str, Rule] = {rule.code: rule for rule in AUDIT_CATALOGUE}


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


def audit_finding(code: str, zone: str, message: str, *, account_id: str | None = None,
                  zone_id: str | None = None,
                  details: Mapping[str, str | Iterable[str]] | None = None) -> AuditFinding:
    """A finding of catalogue ``code``, its message on one line."""
    rule = AUDIT_RULES[code]
    pairs: list[tuple[str, str]] = []
    for key, value in sorted((details or {}).items()):
        pairs.append((key, value if isinstance(value, str) else ", ".join(value)))
    return AuditFinding(
        code=code,
        severity=rule.severity,
        message=" ".join(message.split()),
        zone=zone,
        account_id=account_id,
        zone_id=zone_id,
        reference=rule.reference,
        details=tuple(pairs),
    )

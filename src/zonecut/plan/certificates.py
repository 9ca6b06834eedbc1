"""Planning certificates: reuse a matching one or request it; its validation CNAMEs (pure).

A certificate matches a declaration when it has the same domain names in the same
region and is usable (pending validation, issued or inactive: not failed, expired,
revoked or timed out). One validation CNAME serves a name and its wildcard
(``dev.example.com`` and ``*.dev.example.com``): it is written once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from zonecut.config.tree import DesiredCertificate, DesiredZone
from zonecut.names import to_fqdn
from zonecut.plan.records import RecordSetChange
from zonecut.state import RRSet

VALIDATION_TTL = 300

USABLE_STATUSES = ("PENDING_VALIDATION", "ISSUED", "INACTIVE")


@dataclass(frozen=True)
class ValidationRecord:
    """The CNAME ACM asks for to validate one domain name (canonical name and value)."""

    domain: str
    name: str
    value: str
    status: str = ""


@dataclass(frozen=True)
class CertificateInfo:
    arn: str
    region: str
    domains: tuple[str, ...]  # DomainName first, then the other SubjectAlternativeNames
    status: str
    type: str = "AMAZON_ISSUED"
    validation: tuple[ValidationRecord, ...] = ()
    failure_reason: str = ""

    @property
    def domain_set(self) -> frozenset[str]:
        return frozenset(self.domains)

    @property
    def validation_ready(self) -> bool:
        """ACM has named a validation record for every domain (it takes a few seconds)."""
        return len(self.validation) == len({*self.domains})


def idempotency_token(account_id: str, region: str, domains: Sequence[str]) -> str:
    """ACM's IdempotencyToken (32 word characters) derived from the declaration."""
    text = f"{account_id}|{region}|{','.join(domains)}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def matching(desired: DesiredCertificate, found: Iterable[CertificateInfo]
             ) -> CertificateInfo | None:
    """The certificate to reuse for ``desired``: same names and region, usable; issued ones
    first."""
    usable = [c for c in found
              if c.region == desired.region and c.domain_set == desired.domain_set
              and c.status in USABLE_STATUSES and c.type in ("AMAZON_ISSUED", "")]
    usable.sort(key=lambda c: (c.status != "ISSUED", c.status != "PENDING_VALIDATION", c.arn))
    return usable[0] if usable else None


@dataclass(frozen=True)
class CertificatePlan:
    """One declared certificate: reuse ``existing`` or request it."""

    zone: str
    account_id: str
    account_key: str
    certificate: DesiredCertificate
    existing: CertificateInfo | None = None

    @property
    def action(self) -> str:
        if self.existing is None:
            return "request"
        return "issued" if self.existing.status == "ISSUED" else "wait"

    @property
    def token(self) -> str:
        return idempotency_token(self.account_id, self.certificate.region,
                                 self.certificate.domains)

    def data(self) -> dict[str, Any]:
        return {
            "zone": self.zone,
            "account_id": self.account_id,
            "domains": list(self.certificate.domains),
            "region": self.certificate.region,
            "action": self.action,
            "arn": self.existing.arn if self.existing else None,
            "status": self.existing.status if self.existing else None,
        }

    def describe(self) -> str:
        names = ", ".join(self.certificate.domains)
        if self.existing is None:
            return f"request certificate {names} in {self.certificate.region} (DNS validation)"
        return (f"certificate {names} in {self.certificate.region}: {self.existing.status}, "
                f"reused ({self.existing.arn})")


def plan_certificates(zone: DesiredZone, found: Sequence[CertificateInfo]
                      ) -> list[CertificatePlan]:
    return [CertificatePlan(zone.name, zone.account_id, zone.account_key, cert,
                            matching(cert, found))
            for cert in zone.certificates]


def validation_changes(zone: str, records: Iterable[ValidationRecord],
                       live: Sequence[RRSet]) -> tuple[list[RecordSetChange], list[str]]:
    """The CNAMEs to write into ``zone`` so ACM can validate, once per name, and problems
    (two certificates asking for different values at one name)."""
    wanted: dict[str, str] = {}
    problems: list[str] = []
    for record in records:
        first = wanted.setdefault(record.name, record.value)
        if first != record.value:
            problems.append(f"{zone}: ACM asks for two values at {record.name} "
                            f"({first}, {record.value})")
    current = {rr.name: rr for rr in live if rr.type == "CNAME"}
    changes: list[RecordSetChange] = []
    for name, value in sorted(wanted.items()):
        rrset = {"Name": to_fqdn(name), "Type": "CNAME", "TTL": VALIDATION_TTL,
                 "ResourceRecords": [{"Value": to_fqdn(value)}]}
        live_rr = current.get(name)
        if live_rr is None:
            changes.append(RecordSetChange(zone, "CREATE", name, "CNAME", rrset,
                                           "ACM validation"))
        elif live_rr.values != (value,):
            changes.append(RecordSetChange(zone, "UPSERT", name, "CNAME", rrset,
                                           "ACM validation value changed"))
    return changes, problems

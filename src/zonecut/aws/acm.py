"""ACM calls for one account and region, rate limited, with results as plain data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from zonecut.aws.fleet import Fleet
from zonecut.aws.ratelimit import TokenBucket
from zonecut.aws.service import ServiceAccount
from zonecut.names import normalize
from zonecut.plan.certificates import USABLE_STATUSES, CertificateInfo, ValidationRecord


def _info(region: str, cert: dict[str, Any]) -> CertificateInfo:
    domain = normalize(str(cert.get("DomainName", "")))
    sans = [normalize(str(n)) for n in cert.get("SubjectAlternativeNames", [])]
    domains = tuple(dict.fromkeys([domain, *sans]))
    records: list[ValidationRecord] = []
    for option in cert.get("DomainValidationOptions", []) or []:
        record = option.get("ResourceRecord")
        if not record or option.get("ValidationMethod", "DNS") != "DNS":
            continue
        records.append(ValidationRecord(
            domain=normalize(str(option.get("DomainName", ""))),
            name=normalize(str(record["Name"])),
            value=normalize(str(record["Value"])),
            status=str(option.get("ValidationStatus", "")),
        ))
    return CertificateInfo(
        arn=str(cert["CertificateArn"]), region=region, domains=domains,
        status=str(cert.get("Status", "")), type=str(cert.get("Type", "")),
        validation=tuple(records), failure_reason=str(cert.get("FailureReason", "") or ""),
    )


class AcmAccount(ServiceAccount):
    """One account's ACM in one region; every request through the account's token bucket."""

    service = "acm"
    label = "ACM"

    def certificates(self, statuses: Sequence[str] = USABLE_STATUSES) -> list[tuple[str, str]]:
        """(arn, DomainName) of the account's certificates in these statuses."""
        found: list[tuple[str, str]] = []
        params: dict[str, Any] = {"CertificateStatuses": list(statuses), "MaxItems": 100}
        while True:
            page = self._call("list_certificates", "listing certificates", **params)
            for item in page.get("CertificateSummaryList", []):
                found.append((str(item["CertificateArn"]),
                              normalize(str(item.get("DomainName", "")))))
            token = page.get("NextToken")
            if not token:
                return found
            params["NextToken"] = token

    def describe(self, arn: str) -> CertificateInfo:
        page = self._call("describe_certificate", f"reading certificate {arn}",
                          CertificateArn=arn)
        return _info(self.region, page["Certificate"])

    def request(self, domains: Sequence[str], token: str) -> str:
        """Request a DNS-validated certificate; the same token within an hour gives the same
        certificate back (ACM's idempotency)."""
        params: dict[str, Any] = {"DomainName": domains[0], "ValidationMethod": "DNS",
                                  "IdempotencyToken": token}
        if len(domains) > 1:
            params["SubjectAlternativeNames"] = list(domains[1:])
        page = self._call("request_certificate",
                          f"requesting a certificate for {', '.join(domains)}", **params)
        return str(page["CertificateArn"])


def acm_account(fleet: Fleet, account_id: str, region: str) -> AcmAccount:
    """An ACM handle in ``region`` with the account's session and rate limit."""
    client = fleet.client(account_id, "acm", region)
    return AcmAccount(account_id, region, client, TokenBucket(fleet.rate_limit), fleet.counter)

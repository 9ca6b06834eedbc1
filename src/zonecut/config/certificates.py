"""ACM certificates a zone's owner declares: certificate names and
:class:`CertificateSpec`."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StrictStr, field_validator

from zonecut import names
from zonecut.config.fields import FrozenModel, Region, quoted


def _check_cert_domain(value: str) -> str:
    found = names.problems(value, allow_wildcard=True)
    if found:
        raise ValueError(f"{quoted(value)}: " + "; ".join(t[:200] for t in found))
    return names.normalize(value)


CertDomain = Annotated[StrictStr, AfterValidator(_check_cert_domain)]


class CertificateSpec(FrozenModel):
    """An ACM certificate requested in the zone's account, validated through the zone."""

    domains: Annotated[tuple[CertDomain, ...], Field(min_length=1, max_length=10)] = Field(
        description="The names it covers, inside the zone: the first is the DomainName, the "
        "rest SubjectAlternativeNames ('dev.example.com', '*.dev.example.com')."
    )
    region: Region = Field(
        description="ACM region: us-east-1 for CloudFront (and edge-optimized API Gateway); "
        "the resource's region for regional API Gateway and load balancers."
    )

    @field_validator("domains")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("a domain is listed twice")
        return value

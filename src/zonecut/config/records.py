"""Records a zone's owner declares: record names, canonical values (A, AAAA, CNAME,
TXT, MX), aliases to AWS resources (:class:`AliasSpec`) and :class:`RecordSpec`."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    Field,
    StrictBool,
    StrictStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from zonecut import names
from zonecut.config.aliases import (
    ALIAS_KINDS,
    alias_hosted_zone_id,
    alias_target_problem,
    alias_target_region,
)
from zonecut.config.fields import FrozenModel, Region, Ttl, ZoneId, quoted

_TXT_CHUNK = 255
RECORD_TYPES: tuple[str, ...] = ("A", "AAAA", "CNAME", "TXT", "MX")


def _check_record_name(value: str) -> str:
    text = value.strip()
    if text == "@":
        return text
    found = [p for p in names.problems(text, allow_wildcard=True)
             if not p.startswith("a zone name needs")]
    if found:
        raise ValueError(f"record name {quoted(value)}: " + "; ".join(t[:200] for t in found))
    return text


def _check_host(value: str, what: str) -> str:
    found = [p for p in names.problems(value) if not p.startswith("a zone name needs")]
    if found:
        raise ValueError(f"{what} {quoted(value)}: " + "; ".join(t[:200] for t in found))
    return names.normalize(value)


def txt_value(text: str) -> str:
    """A TXT value as Route 53 stores it: quoted strings of at most 255 characters.

    Text already in quotes is kept as written; other text is escaped and split.
    """
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        return text
    chunks = [text[i:i + _TXT_CHUNK] for i in range(0, len(text), _TXT_CHUNK)] or [""]
    return " ".join('"' + c.replace("\\", "\\\\").replace('"', '\\"') + '"' for c in chunks)


def record_value(rtype: str, value: str) -> str:
    """The canonical form of one record value (raises ValueError when it is not valid)."""
    text = value.strip()
    if rtype == "A":
        try:
            return str(ipaddress.IPv4Address(text))
        except ValueError:
            raise ValueError(f"{quoted(value)} is not an IPv4 address") from None
    if rtype == "AAAA":
        try:
            return str(ipaddress.IPv6Address(text))
        except ValueError:
            raise ValueError(f"{quoted(value)} is not an IPv6 address") from None
    if rtype == "CNAME":
        return _check_host(text, "CNAME target")
    if rtype == "MX":
        parts = text.split()
        if len(parts) != 2 or not parts[0].isdigit() or int(parts[0]) > 65535:
            raise ValueError(f"MX value {quoted(value)} must be 'PREFERENCE HOST' "
                             "(preference 0-65535), like '10 mail.example.com'")
        return f"{int(parts[0])} {_check_host(parts[1], 'MX host')}"
    if rtype == "TXT":
        if len(value) > 4000:
            raise ValueError("a TXT value is at most 4000 characters")
        return txt_value(value)
    raise ValueError(f"unsupported record type {rtype!r}")


RecordName = Annotated[StrictStr, AfterValidator(_check_record_name)]
RecordType = Literal["A", "AAAA", "CNAME", "TXT", "MX"]  # keep in step with RECORD_TYPES
AliasKind = Literal["cloudfront", "apigateway", "apigateway-edge", "alb", "elb", "nlb"]


_CLOUDFRONT_ALIASES = frozenset({"cloudfront", "apigateway-edge"})


class AliasSpec(FrozenModel):
    """An alias to an AWS resource: Route 53 answers with the target's addresses."""

    type: AliasKind = Field(
        description="What the alias points at: " + "; ".join(
            f"{kind}: {what}" for kind, what in ALIAS_KINDS.items()) + "."
    )
    target: Annotated[StrictStr, AfterValidator(
        lambda value: _check_host(value, "alias target"))] = Field(
        description="The target's DNS name, as AWS reports it for the resource."
    )
    region: Region | None = Field(
        None, description="The target's region; null reads it from the target name "
        "(not needed for cloudfront and apigateway-edge)."
    )
    hosted_zone_id: ZoneId | None = Field(
        None, description="The target's hosted zone id, when zonecut's table lacks the region "
        "(API Gateway regionalHostedZoneId, a load balancer's CanonicalHostedZoneId)."
    )
    evaluate_target_health: StrictBool = Field(
        False, description="Route 53 checks the target's health before answering with it. "
        "Not for cloudfront and apigateway-edge (a CloudFront distribution)."
    )

    @model_validator(mode="after")
    def _resolvable(self) -> Self:
        problem = alias_target_problem(self.type, self.target)
        if problem:
            raise ValueError(problem)
        if self.evaluate_target_health and self.type in _CLOUDFRONT_ALIASES:
            # Route 53 API reference, AliasTarget.EvaluateTargetHealth: "You can't set
            # EvaluateTargetHealth to true when the alias target is a CloudFront
            # distribution" (an edge-optimized API is served by one): InvalidChangeBatch
            raise ValueError("evaluate_target_health cannot be true for an alias of type "
                             f"{self.type}: its target is a CloudFront distribution, and "
                             "Route 53 refuses that; remove it")
        named = alias_target_region(self.type, self.target)
        if self.region and named and self.region != named:
            raise ValueError(f"region {self.region} differs from the region in the target "
                             f"name ({named})")
        region = self.region or named
        if self.hosted_zone_id is None and alias_hosted_zone_id(self.type, region) is None:
            raise ValueError(f"zonecut knows no hosted zone id for {self.type} in region "
                             f"{region}; set alias.hosted_zone_id to the value AWS reports "
                             "for the target")
        return self


class RecordSpec(FrozenModel):
    """One record set the zone's owner declares."""

    name: RecordName = Field(
        description="'@' for the apex, a name relative to the zone ('www', '*.api'), or a "
        "name inside the zone ('www.dev.example.com'; a trailing dot makes it absolute)."
    )
    type: RecordType = Field(description="A, AAAA, CNAME, TXT or MX.")
    ttl: Ttl | None = Field(None, description="Seconds; null uses defaults.record_ttl. "
                            "Not for alias records.")
    values: tuple[StrictStr, ...] = Field(
        (), description="The values: addresses for A/AAAA, one host name for CNAME, "
        "'PREFERENCE HOST' for MX, text for TXT (quoted and split for you)."
    )
    alias: AliasSpec | None = Field(
        None, description="Instead of values: an alias (type A or AAAA) to an AWS resource."
    )

    @field_validator("values")
    @classmethod
    def _canonical_values(cls, value: tuple[str, ...],
                          info: ValidationInfo) -> tuple[str, ...]:
        rtype = info.data.get("type")
        if rtype is None:
            return value
        found = tuple(record_value(rtype, v) for v in value)
        if len(set(found)) != len(found):
            raise ValueError("a value is listed twice")
        if rtype == "CNAME" and len(found) > 1:
            raise ValueError("a CNAME record holds exactly one value")
        return found

    @model_validator(mode="after")
    def _values_or_alias(self) -> Self:
        if self.alias is not None:
            if self.values:
                raise ValueError("give either values or alias, not both")
            if self.type not in ("A", "AAAA"):
                raise ValueError(f"an alias record is of type A or AAAA, not {self.type}")
            if self.ttl is not None:
                raise ValueError("an alias record takes its TTL from the target; remove ttl")
        elif not self.values:
            raise ValueError("a record needs values (or an alias)")
        return self

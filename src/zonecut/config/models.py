"""The zonecut.yaml data model: pydantic v2 models, frozen, unknown keys forbidden.

Field validation (types, ranges, name syntax) lives on the models. Checks that
relate several parts of a config (references, duplicates, roots) are the
``relation_problems`` function at the bottom: :class:`Config` runs it when built
directly, and the loader runs it on partly invalid input too, so that one run
reports every problem with its line.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from zonecut import names
from zonecut.config.errors import Loc, format_loc
from zonecut.config.tree import (
    ALIAS_KINDS,
    alias_hosted_zone_id,
    alias_target_problem,
    alias_target_region,
    declared_parent,
    record_name,
)

MAX_TTL = 2_147_483_647
PARTITIONS: tuple[str, ...] = ("aws", "aws-cn", "aws-us-gov")
ROLE_PLACEHOLDERS = ("account_id", "account")
SKIP_RELATION_CHECKS = "zonecut_skip_relation_checks"
"""Validation context key: the loader runs the relation checks itself, with line numbers."""

ACCOUNT_ID_RE = re.compile(r"^[0-9]{12}$")
ACCOUNT_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
ROLE_ARN_RE = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::(?P<account>[0-9]{12}):role/"
    r"(?P<path>(?:[\w+=,.@-]+/)*)(?P<name>[\w+=,.@-]{1,64})$",
    re.ASCII,
)
ZONE_ID_RE = re.compile(r"^[A-Z0-9]{1,32}$")
REGION_RE = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}$")
_IAM_NAME_RE = re.compile(r"^[\w+=,.@-]+$", re.ASCII)
_IAM_PATH_RE = re.compile(r"^(?:[\w+=,.@-]+/)*$", re.ASCII)
_EXTERNAL_ID_RE = re.compile(r"^[\w+=,.@:/-]{2,1224}$", re.ASCII)
_SOURCE_IDENTITY_RE = re.compile(r"^[\w+=,.@-]{2,64}$", re.ASCII)
_SESSION_PREFIX_RE = re.compile(r"^[\w+=,.@-]{1,32}$", re.ASCII)
_TAG_PUNCTUATION = frozenset(" _.:/=+-@")
PRINCIPAL_ARN_RE = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::(?P<account>[0-9]{12}):"
    r"(?:root|(?:role|user)/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,128})$",
    re.ASCII,
)
_PRINCIPAL_SCHEMA_PATTERN = r"^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(root|role/.+|user/.+)$"
_SSM_NAME_RE = re.compile(r"^(?:/[A-Za-z0-9_.-]+)+$", re.ASCII)
_TXT_CHUNK = 255
RECORD_TYPES: tuple[str, ...] = ("A", "AAAA", "CNAME", "TXT", "MX")


# -- field validators ------------------------------------------------------------------


def _quoted(value: str, limit: int = 80) -> str:
    """``repr`` of user text, cut short so a huge value cannot flood the messages."""
    return repr(value if len(value) <= limit else value[:limit] + "...")


def _int_account_id(value: object) -> object:
    """Accept an unquoted 12-digit YAML int; refuse ints that lost leading zeros."""
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value) if 0 <= value < 10**13 else ""
        if len(text) != 12:
            shown = text or "this number"
            raise ValueError(
                f"account id {shown} is not 12 digits; "
                'quote account ids so leading zeros survive (id: "012345678901")'
            )
        return text
    return value


def _check_account_id(value: str) -> str:
    if not ACCOUNT_ID_RE.match(value):
        raise ValueError(f"account id {_quoted(value)} must be exactly 12 digits")
    return value


def _check_account_key(value: str) -> str:
    if not ACCOUNT_KEY_RE.match(value):
        raise ValueError(
            f"account key {_quoted(value)} may only hold letters, digits, '.', '_' and '-', "
            "must start with a letter or digit and be at most 64 characters"
        )
    return value


def _check_account_ref(value: str) -> str:
    if not value.strip():
        raise ValueError("the account must name a key of `accounts` or a 12-digit account id")
    return value


def _check_zone_name(value: str) -> str:
    found = names.problems(value)
    if found:
        raise ValueError(f"{_quoted(value)}: " + "; ".join(text[:200] for text in found))
    return names.normalize(value)


def _check_role_name(value: str) -> str:
    try:
        parts = list(string.Formatter().parse(value))
    except ValueError as exc:
        raise ValueError(f"role_name {_quoted(value)} is not a valid template: {exc}") from None
    for _text, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in ROLE_PLACEHOLDERS or spec or conversion:
            raise ValueError(
                f"role_name {_quoted(value)} may only use the placeholders {{account_id}} and "
                f"{{account}}; found {{{field[:40]}}}"
            )
    rendered = value.format(account_id="123456789012", account="key")
    path, _, name = rendered.strip("/").rpartition("/")
    path_ok = not path or _IAM_PATH_RE.match(path + "/")
    if not name or not _IAM_NAME_RE.match(name) or not path_ok:
        raise ValueError(
            f"role_name {_quoted(value)} is not an IAM role name: use letters, digits and "
            "'+=,.@_-', optionally after a path like 'path/to/'"
        )
    return value


def _check_role_arn(value: str) -> str:
    if not ROLE_ARN_RE.match(value):
        raise ValueError(
            f"role_arn {_quoted(value)} is not an IAM role ARN "
            "(arn:aws:iam::123456789012:role/Name)"
        )
    return value


def _check_external_id(value: str) -> str:
    if not _EXTERNAL_ID_RE.match(value):
        raise ValueError(
            "external_id must be 2 to 1224 characters of letters, digits and '+=,.@:/_-'"
        )
    return value


def _check_source_identity(value: str) -> str:
    if not _SOURCE_IDENTITY_RE.match(value):
        raise ValueError(
            "source_identity must be 2 to 64 characters of letters, digits and '+=,.@_-'"
        )
    return value


def _check_region(value: str) -> str:
    if not REGION_RE.match(value):
        raise ValueError(f"region {_quoted(value)} is not an AWS region name like 'us-east-1'")
    return value


def _check_session_name(value: str) -> str:
    if not _SESSION_PREFIX_RE.match(value):
        raise ValueError(
            "session_name must be 1 to 32 characters of letters, digits and '+=,.@_-'"
        )
    return value


def _check_profile(value: str) -> str:
    if not value.strip():
        raise ValueError("profile must not be empty; use null for the default credential chain")
    return value


def _check_zone_id(value: str) -> str:
    bare = value.removeprefix("/hostedzone/")
    if not ZONE_ID_RE.match(bare):
        raise ValueError(
            f"zone_id {_quoted(value)} is not a hosted zone id "
            "(upper-case letters and digits, like Z0123456789ABC)"
        )
    return bare


def _check_tag_text(value: str) -> str:
    bad = sorted({ch for ch in value if not (ch.isalnum() or ch in _TAG_PUNCTUATION)})
    if bad:
        raise ValueError(
            f"{_quoted(value)} holds characters Route 53 tags do not allow: "
            f"{_quoted(''.join(bad))} "
            "(letters, digits, spaces and '_.:/=+-@' are allowed)"
        )
    return value


def _check_tag_key(value: str) -> str:
    if value.lower().startswith("aws:"):
        raise ValueError(f"tag key {_quoted(value)}: the 'aws:' prefix is reserved by AWS")
    if value.lower() == "zonecut:managed":
        raise ValueError(f"tag key {_quoted(value)} is zonecut's own: it marks the zones "
                         "zonecut created (the ones `apply --prune` may delete)")
    return _check_tag_text(value)


def _check_version(value: int) -> int:
    if value != 1:
        raise ValueError(f"unsupported version {value}; this zonecut reads version 1")
    return value


# -- validators of what a zone holds (records, certificates) and of the SSM handoff ----


def _check_record_name(value: str) -> str:
    text = value.strip()
    if text == "@":
        return text
    found = [p for p in names.problems(text, allow_wildcard=True)
             if not p.startswith("a zone name needs")]
    if found:
        raise ValueError(f"record name {_quoted(value)}: " + "; ".join(t[:200] for t in found))
    return text


def _check_host(value: str, what: str) -> str:
    found = [p for p in names.problems(value) if not p.startswith("a zone name needs")]
    if found:
        raise ValueError(f"{what} {_quoted(value)}: " + "; ".join(t[:200] for t in found))
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
            raise ValueError(f"{_quoted(value)} is not an IPv4 address") from None
    if rtype == "AAAA":
        try:
            return str(ipaddress.IPv6Address(text))
        except ValueError:
            raise ValueError(f"{_quoted(value)} is not an IPv6 address") from None
    if rtype == "CNAME":
        return _check_host(text, "CNAME target")
    if rtype == "MX":
        parts = text.split()
        if len(parts) != 2 or not parts[0].isdigit() or int(parts[0]) > 65535:
            raise ValueError(f"MX value {_quoted(value)} must be 'PREFERENCE HOST' "
                             "(preference 0-65535), like '10 mail.example.com'")
        return f"{int(parts[0])} {_check_host(parts[1], 'MX host')}"
    if rtype == "TXT":
        if len(value) > 4000:
            raise ValueError("a TXT value is at most 4000 characters")
        return txt_value(value)
    raise ValueError(f"unsupported record type {rtype!r}")


def _check_cert_domain(value: str) -> str:
    found = names.problems(value, allow_wildcard=True)
    if found:
        raise ValueError(f"{_quoted(value)}: " + "; ".join(t[:200] for t in found))
    return names.normalize(value)


def _check_ssm_prefix(value: str) -> str:
    text = value.rstrip("/")
    _check_ssm_name(text)
    return text


def _check_ssm_name(value: str) -> str:
    if not _SSM_NAME_RE.match(value) or len(value) > 1011:
        raise ValueError(
            f"{_quoted(value)} is not an SSM parameter path: it starts with '/' and holds "
            "letters, digits and '_.-' between the slashes (at most 1011 characters)"
        )
    first = value.split("/")[1].lower()
    if first.startswith(("aws", "ssm")):
        raise ValueError(f"{_quoted(value)}: SSM reserves names that begin with 'aws' or 'ssm'")
    return value


def _check_principal_arn(value: str) -> str:
    if not PRINCIPAL_ARN_RE.match(value):
        raise ValueError(
            f"principal_arn {_quoted(value)} is not an IAM role, user or account root ARN "
            "(arn:aws:iam::123456789012:role/Name)"
        )
    return value


def _one_or_many(value: object) -> object:
    return [value] if isinstance(value, str) else value


# -- field types -----------------------------------------------------------------------

AccountId = Annotated[
    StrictStr, BeforeValidator(_int_account_id), AfterValidator(_check_account_id),
    Field(json_schema_extra={"pattern": ACCOUNT_ID_RE.pattern}),
]
AccountKey = Annotated[StrictStr, AfterValidator(_check_account_key)]
AccountRef = Annotated[StrictStr, BeforeValidator(_int_account_id),
                       AfterValidator(_check_account_ref)]
ZoneName = Annotated[StrictStr, AfterValidator(_check_zone_name)]
Ttl = Annotated[StrictInt, Field(ge=1, le=MAX_TTL)]
RoleName = Annotated[StrictStr, AfterValidator(_check_role_name)]
RoleArn = Annotated[StrictStr, AfterValidator(_check_role_arn)]
ExternalId = Annotated[StrictStr, AfterValidator(_check_external_id)]
SourceIdentity = Annotated[StrictStr, AfterValidator(_check_source_identity)]
Region = Annotated[StrictStr, AfterValidator(_check_region)]
ZoneId = Annotated[StrictStr, AfterValidator(_check_zone_id)]
TagKey = Annotated[StrictStr, Field(min_length=1, max_length=128), AfterValidator(_check_tag_key)]
TagValue = Annotated[StrictStr, Field(max_length=256), AfterValidator(_check_tag_text)]
Partition = Literal["aws", "aws-cn", "aws-us-gov"]  # keep in step with PARTITIONS
RecordName = Annotated[StrictStr, AfterValidator(_check_record_name)]
CertDomain = Annotated[StrictStr, AfterValidator(_check_cert_domain)]
SsmPrefix = Annotated[StrictStr, AfterValidator(_check_ssm_prefix)]
SsmName = Annotated[StrictStr, AfterValidator(_check_ssm_name)]
PrincipalArn = Annotated[StrictStr, AfterValidator(_check_principal_arn)]
RecordType = Literal["A", "AAAA", "CNAME", "TXT", "MX"]  # keep in step with RECORD_TYPES
AliasKind = Literal["cloudfront", "apigateway", "apigateway-edge", "alb", "elb", "nlb"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# -- models ----------------------------------------------------------------------------


class AccessDefaults(_Model):
    """How every account is reached unless the account overrides it."""

    role_name: RoleName = Field(
        "ZonecutDelegation",
        description="IAM role to assume in each account. A template: {account_id} and "
        "{account} (the account's key) are replaced. May hold a path: 'path/Name'.",
    )
    external_id: ExternalId | None = Field(
        None, description="sts:ExternalId passed to AssumeRole; null for none."
    )
    source_identity: SourceIdentity | None = Field(
        None, description="sts:SourceIdentity passed to AssumeRole; null for none."
    )
    region: Region | None = Field(
        None, description="STS and Route 53 region; null uses the partition's Route 53 "
        "home region (us-east-1, cn-northwest-1, us-gov-west-1)."
    )
    partition: Partition = Field("aws", description="AWS partition: aws, aws-cn or aws-us-gov.")
    session_name: Annotated[StrictStr, AfterValidator(_check_session_name)] = Field(
        "zonecut", description="Prefix of the RoleSessionName seen in CloudTrail."
    )
    principal_arn: Annotated[
        tuple[PrincipalArn, ...], BeforeValidator(_one_or_many), Field(min_length=1),
        WithJsonSchema({"anyOf": [
            {"type": "string", "pattern": _PRINCIPAL_SCHEMA_PATTERN},
            {"type": "array", "minItems": 1,
             "items": {"type": "string", "pattern": _PRINCIPAL_SCHEMA_PATTERN}},
        ]}),
    ] | None = Field(
        None, description="The IAM identity (or identities) zonecut runs as: the principal "
        "`zonecut iam` names in every role's trust policy. Text or a list."
    )

    @field_validator("principal_arn")
    @classmethod
    def _principal_partition(cls, value: tuple[str, ...] | None,
                             info: ValidationInfo) -> tuple[str, ...] | None:
        partition = info.data.get("partition")
        for arn in value or ():
            match = PRINCIPAL_ARN_RE.match(arn)
            if match and partition and match["partition"] != partition:
                raise ValueError(f"principal_arn {arn} is in partition {match['partition']!r} "
                                 f"but defaults.access.partition is {partition!r}")
        return value

    def role_name_for(self, account_key: str, account_id: str) -> str:
        """The role name template rendered for one account."""
        return self.role_name.format(account_id=account_id, account=account_key)


class NsTtlPolicy(_Model):
    """The NS TTL range that ``verify`` accepts on delegations."""

    min: Ttl = Field(300, description="Lowest NS TTL (seconds) verify accepts.")
    max: Ttl = Field(172800, description="Highest NS TTL (seconds) verify accepts.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


ApexNs = Literal["repair", "report"]


class SsmDefaults(_Model):
    """The SSM Parameter Store handoff: zone details published for child accounts."""

    publish: StrictBool = Field(
        False, description="apply writes one parameter per zone, in the account of its "
        "parent (a root zone: its own account)."
    )
    prefix: SsmPrefix = Field(
        "/zonecut/zones", description="Parameter path prefix; a zone's parameter is "
        "PREFIX/ZONE-NAME."
    )
    region: Region | None = Field(
        None, description="The one region of the handoff's parameters, for every account "
        "and for the Lambda handlers (their ZONECUT_SSM_REGION); null uses the partition's "
        "Route 53 home region (us-east-1), whatever an account's own region."
    )


class Defaults(_Model):
    """Settings that apply to every account and zone unless overridden."""

    ns_ttl: Ttl = Field(3600, description="TTL (seconds) of the NS records written into "
                        "parent zones, 1..2147483647.")
    rate_limit: Annotated[float, Field(strict=True, gt=0, allow_inf_nan=False)] = Field(
        5.0, description="Route 53 requests per second per account."
    )
    rate_burst: Annotated[float, Field(strict=True, ge=1, allow_inf_nan=False)] = Field(
        1.0, description="Route 53 requests an idle account may send at once (the size of "
        "its token bucket; Route 53 documents 50 with a rate of 10 per second). "
        "Route 53's per-operation buckets (CreateHostedZone 40 at 2 per second, "
        "DeleteHostedZone 40 at 5 per second) always apply on top."
    )
    max_parallel_accounts: Annotated[StrictInt, Field(ge=1)] = Field(
        8, description="How many accounts are read or changed at the same time."
    )
    apex_ns: ApexNs = Field(
        "repair", description="What plan/apply do when a zone's apex NS differs from its "
        "delegation set: repair (set it back) or report (a note, no change)."
    )
    sync_timeout: Annotated[StrictInt, Field(gt=0)] = Field(
        300, description="Seconds to wait for a Route 53 change to become INSYNC."
    )
    ns_ttl_policy: NsTtlPolicy = Field(
        default_factory=NsTtlPolicy, description="NS TTL range that verify accepts."
    )
    access: AccessDefaults = Field(
        default_factory=AccessDefaults, description="How accounts are reached."
    )
    record_ttl: Ttl = Field(300, description="TTL (seconds) of declared records without "
                            "their own ttl.")
    certificate_timeout: Annotated[StrictInt, Field(gt=0)] = Field(
        900, description="Seconds apply waits for a requested certificate to be ISSUED."
    )
    ssm: SsmDefaults = Field(
        default_factory=SsmDefaults,
        description="Publishing each delegated zone's details to SSM Parameter Store.",
    )


class Account(_Model):
    """One AWS account and how to reach it. Unset fields fall back to defaults.access."""

    id: AccountId = Field(description='The 12-digit account id. Quote it: "012345678901".')
    profile: Annotated[StrictStr, AfterValidator(_check_profile)] | None = Field(
        None, description="AWS profile to start from; null uses the default credential chain."
    )
    role_arn: RoleArn | None = Field(
        None, description="Explicit role ARN to assume (wins over role_name); must be a role "
        "of this account."
    )
    role_name: RoleName | None = Field(
        None, description="Overrides defaults.access.role_name for this account."
    )
    assume_role: StrictBool = Field(
        True, description="false: use the profile or default chain as is, no AssumeRole."
    )
    external_id: ExternalId | None = Field(
        None, description="Overrides defaults.access.external_id."
    )
    source_identity: SourceIdentity | None = Field(
        None, description="Overrides defaults.access.source_identity."
    )
    region: Region | None = Field(None, description="Overrides defaults.access.region.")


_CLOUDFRONT_ALIASES = frozenset({"cloudfront", "apigateway-edge"})


class AliasSpec(_Model):
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


class RecordSpec(_Model):
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


class CertificateSpec(_Model):
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


class ParentFromSsm(_Model):
    """The zone's parent is not in this file: read it from an SSM parameter."""

    account: AccountRef = Field(
        description="The account holding the parameter and the parent zone (key or id)."
    )
    parameter: SsmName = Field(
        description="The parameter zonecut published for the parent zone, like "
        "/zonecut/zones/example.com."
    )
    region: Region | None = Field(
        None, description="The parameter's region; null uses defaults.ssm.region, else the "
        "partition's Route 53 home region."
    )
    role_arn: RoleArn | None = Field(
        None, description="A read-only role in that account to read the parameter with; "
        "null reads it with the account's own access."
    )


class ZoneSpec(_Model):
    """One public hosted zone. Its parent is its closest declared ancestor."""

    name: ZoneName = Field(description="Zone name; stored lower case without trailing dot.")
    account: AccountRef = Field(
        description="The account holding the zone: a key of `accounts` or its 12-digit id."
    )
    root: StrictBool = Field(
        False, description="Top of a tree: delegated by the registrar, not by zonecut."
    )
    ns_ttl: Ttl | None = Field(None, description="Overrides defaults.ns_ttl for this delegation.")
    comment: Annotated[StrictStr, Field(max_length=256)] | None = Field(
        None, description="Hosted zone comment (at most 256 characters)."
    )
    # Route 53: "You can add a maximum of 10 tags to a health check or a hosted zone"
    # (ChangeTagsForResource; ResourceTagSet.Tags max 10 in the service model), and
    # zonecut adds zonecut:managed to every zone it creates: 9 are left for the file.
    tags: Annotated[dict[TagKey, TagValue], Field(max_length=9)] = Field(
        default_factory=dict, description="Hosted zone tags (at most 9: Route 53 allows 10 "
        "per hosted zone and zonecut sets zonecut:managed on the zones it creates; tags set "
        "on the zone outside zonecut count too; key <= 128 and value <= 256 characters). "
        "Set on new and existing zones; tags not declared are left as they are."
    )
    zone_id: ZoneId | None = Field(
        None, description="Pin the hosted zone when the account has several public zones "
        "of this name."
    )
    records: tuple[RecordSpec, ...] = Field(
        (), description="Record sets the zone's owner declares (not at or below a declared "
        "child zone's name)."
    )
    records_managed: Literal["declared", "full"] = Field(
        "declared", description="declared: records not in the file are left alone; full: "
        "they are deleted (never the apex SOA/NS, NS delegations or ACM validation records)."
    )
    apex_ns: ApexNs | None = Field(
        None, description="What plan/apply do when the zone's apex NS differs from its "
        "delegation set: repair (set it back) or report (a note, no change: a zone served "
        "by several DNS providers on purpose); null uses defaults.apex_ns."
    )
    certificates: tuple[CertificateSpec, ...] = Field(
        (), description="ACM certificates requested in the zone's account with DNS validation."
    )
    parent_from_ssm: ParentFromSsm | None = Field(
        None, description="The parent zone is not declared here: read its details from an "
        "SSM parameter published by the parent's zonecut."
    )


class Config(_Model):
    """A whole zonecut.yaml."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", title="zonecut configuration",
        json_schema_extra={"description": "Route 53 delegation across AWS accounts, "
                           "declared in one file (zonecut.yaml)."},
    )

    version: Annotated[StrictInt, AfterValidator(_check_version)] = Field(
        description="Format version; must be 1."
    )
    defaults: Defaults = Field(default_factory=Defaults, description="Settings for everything.")
    accounts: dict[AccountKey, Account] = Field(
        description="The AWS accounts, by a key of your choice."
    )
    zones: tuple[ZoneSpec, ...] = Field(
        description="The public hosted zones. Nesting follows the names: a zone's parent is "
        "its closest declared ancestor."
    )

    @model_validator(mode="after")
    def _relations(self, info: ValidationInfo) -> Self:
        if info.context and info.context.get(SKIP_RELATION_CHECKS):
            return self
        found = relation_problems(self.defaults, facts_of_accounts(self.accounts),
                                  facts_of_zones(self.zones))
        if found:
            raise ValueError("; ".join(f"{format_loc(loc)}: {message}" for loc, message in found))
        return self

    def account_key(self, key_or_id: str) -> str | None:
        """The key of the account named by key or by 12-digit id; None when unknown."""
        if key_or_id in self.accounts:
            return key_or_id
        for key, account in self.accounts.items():
            if account.id == key_or_id:
                return key
        return None

    def account(self, key_or_id: str) -> Account | None:
        """The account named by key or by 12-digit id; None when unknown."""
        key = self.account_key(key_or_id)
        return None if key is None else self.accounts[key]

    def _known(self, key_or_id: str) -> tuple[str, Account]:
        key = self.account_key(key_or_id)
        if key is None:
            raise KeyError(f"unknown account {key_or_id!r}")
        return key, self.accounts[key]

    def effective_access(self, key_or_id: str) -> AccessDefaults:
        """defaults.access with this account's overrides applied and role_name rendered.

        Raises KeyError for an unknown account.
        """
        key, account = self._known(key_or_id)
        base = self.defaults.access
        template = account.role_name or base.role_name
        return base.model_copy(update={
            "role_name": template.format(account_id=account.id, account=key),
            "external_id": account.external_id or base.external_id,
            "source_identity": account.source_identity or base.source_identity,
            "region": account.region or base.region,
        })

    def role_arn_for(self, key_or_id: str) -> str | None:
        """The role to assume for this account; None when ``assume_role`` is false.

        Raises KeyError for an unknown account.
        """
        _key, account = self._known(key_or_id)
        if not account.assume_role:
            return None
        if account.role_arn:
            return account.role_arn
        access = self.effective_access(key_or_id)
        return f"arn:{access.partition}:iam::{account.id}:role/{access.role_name.strip('/')}"


# -- relation checks -------------------------------------------------------------------

Problem = tuple[Loc, str]
"""A problem found by :func:`relation_problems`: where (a path tuple) and what."""


@dataclass(frozen=True)
class AccountFacts:
    """What the relation checks know about one declared account.

    ``account`` is None when the account itself is invalid; ``id`` may still be known.
    """

    id: str | None
    account: Account | None = None


@dataclass(frozen=True)
class ZoneFacts:
    """What the relation checks know about one declared zone (None: unknown or invalid)."""

    index: int
    name: str
    account: str | None = None
    root: bool | None = None
    ns_ttl: int | None = None
    zone_id: str | None = None
    records: tuple[RecordFacts, ...] = ()
    certificates: tuple[CertificateFacts, ...] = ()
    ssm_parent: ParentFromSsm | None = None
    has_ssm_parent: bool = False


@dataclass(frozen=True)
class RecordFacts:
    """One declared record as the relation checks see it: ``text`` as written, ``type``
    when valid."""

    index: int
    text: str
    type: str | None = None


@dataclass(frozen=True)
class CertificateFacts:
    """One declared certificate: its valid domains (canonical) and region."""

    index: int
    domains: tuple[str, ...]
    region: str | None = None


_ACCOUNT_ID = TypeAdapter(AccountId)
_ACCOUNT_REF = TypeAdapter(AccountRef)
_ZONE_NAME = TypeAdapter(ZoneName)
_BOOL = TypeAdapter(StrictBool)
_TTL = TypeAdapter(Ttl)
_ZONE_ID = TypeAdapter(ZoneId)
_MAX_LISTED = 12
_T = TypeVar("_T")
_MAX_HINTS = 20


def _lenient(adapter: TypeAdapter[_T], raw: Mapping[str, object], key: str) -> _T | None:
    if key not in raw:
        return None
    try:
        return adapter.validate_python(raw[key])
    except ValidationError:
        return None


def facts_of_accounts(accounts: Mapping[str, Account]) -> dict[str, AccountFacts]:
    return {key: AccountFacts(account.id, account) for key, account in accounts.items()}


def facts_of_zones(zones: Sequence[ZoneSpec]) -> list[ZoneFacts]:
    return [
        ZoneFacts(
            index, zone.name, zone.account, zone.root, zone.ns_ttl, zone.zone_id,
            records=tuple(RecordFacts(i, r.name, r.type) for i, r in enumerate(zone.records)),
            certificates=tuple(CertificateFacts(i, c.domains, c.region)
                               for i, c in enumerate(zone.certificates)),
            ssm_parent=zone.parent_from_ssm,
            has_ssm_parent=zone.parent_from_ssm is not None,
        )
        for index, zone in enumerate(zones)
    ]


def account_facts_from_raw(raw: object) -> AccountFacts:
    """Whatever can be validated of one raw ``accounts`` entry."""
    try:
        account = Account.model_validate(raw)
    except ValidationError:
        pass
    else:
        return AccountFacts(account.id, account)
    if not isinstance(raw, Mapping):
        return AccountFacts(None)
    return AccountFacts(_lenient(_ACCOUNT_ID, raw, "id"))


def zone_facts_from_raw(index: int, raw: object) -> ZoneFacts | None:
    """Whatever can be validated of one raw ``zones`` item; None without a valid name."""
    if not isinstance(raw, Mapping):
        return None
    name = _lenient(_ZONE_NAME, raw, "name")
    if name is None:
        return None
    return ZoneFacts(
        index, name,
        account=_lenient(_ACCOUNT_REF, raw, "account"),
        root=_lenient(_BOOL, raw, "root") if "root" in raw else False,
        ns_ttl=_lenient(_TTL, raw, "ns_ttl"),
        zone_id=_lenient(_ZONE_ID, raw, "zone_id"),
        records=_record_facts_from_raw(raw.get("records")),
        certificates=_certificate_facts_from_raw(raw.get("certificates")),
        ssm_parent=_lenient(_SSM_PARENT, raw, "parent_from_ssm"),
        has_ssm_parent=raw.get("parent_from_ssm") is not None,
    )


_RECORD_NAME = TypeAdapter(RecordName)
_RECORD_TYPE = TypeAdapter(RecordType)
_CERT_DOMAIN = TypeAdapter(CertDomain)
_REGION = TypeAdapter(Region)
_SSM_PARENT = TypeAdapter(ParentFromSsm)


def _record_facts_from_raw(raw: object) -> tuple[RecordFacts, ...]:
    if not isinstance(raw, list):
        return ()
    found: list[RecordFacts] = []
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping):
            continue
        name = _lenient(_RECORD_NAME, item, "name")
        if name is not None:
            found.append(RecordFacts(index, name, _lenient(_RECORD_TYPE, item, "type")))
    return tuple(found)


def _certificate_facts_from_raw(raw: object) -> tuple[CertificateFacts, ...]:
    if not isinstance(raw, list):
        return ()
    found: list[CertificateFacts] = []
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping) or not isinstance(item.get("domains"), list):
            continue
        domains: list[str] = []
        for domain in item["domains"]:
            try:
                domains.append(_CERT_DOMAIN.validate_python(domain))
            except ValidationError:
                continue
        found.append(CertificateFacts(index, tuple(domains),
                                      _lenient(_REGION, item, "region")))
    return tuple(found)


def defaults_from_raw(raw: object) -> Defaults | None:
    """The defaults if they validate; None otherwise."""
    try:
        return Defaults.model_validate(raw)
    except ValidationError:
        return None


def relation_problems(
    defaults: Defaults | None,
    accounts: Mapping[str, AccountFacts],
    zones: Sequence[ZoneFacts],
    where: Callable[[Loc], str] = format_loc,
) -> list[Problem]:
    """Problems between parts of a config: references, duplicates, roots, TTL policy.

    ``where`` renders another location for messages that point at it (the loader
    adds the line number). Unknown (None) facts are skipped, never guessed.
    """
    found = _account_problems(defaults, accounts, where)
    if defaults is not None:
        found += _policy_problems(defaults, zones)
    found += _reference_problems(accounts, zones)
    found += _duplicate_problems(zones, where)
    found += _root_problems(zones, where)
    found += _ssm_parent_problems(accounts, zones, where)
    found += _record_problems(zones, where)
    found += _certificate_problems(zones, where)
    return found


def _listing(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_MAX_LISTED])
    if len(items) > _MAX_LISTED:
        shown += f" and {len(items) - _MAX_LISTED} more"
    return shown


def _account_problems(defaults: Defaults | None, accounts: Mapping[str, AccountFacts],
                      where: Callable[[Loc], str]) -> list[Problem]:
    found: list[Problem] = []
    first_key_of_id: dict[str, str] = {}
    plain_credentials: dict[str | None, tuple[str, str]] = {}
    for key, facts in accounts.items():
        if facts.id is not None:
            first = first_key_of_id.setdefault(facts.id, key)
            if first != key:
                found.append((("accounts", key, "id"), (
                    f"account id {facts.id} is already declared as {first!r} "
                    f"({where(('accounts', first, 'id'))}); declare each account once"
                )))
            if ACCOUNT_ID_RE.match(key) and key != facts.id:
                found.append((("accounts", key), (
                    f"the key {key!r} looks like an account id but this account's id is "
                    f"{facts.id}; zones name accounts by key or by id, so pick another key"
                )))
        account = facts.account
        if account is None:
            continue
        found += _role_problems(key, account, defaults)
        if not account.assume_role:
            other = plain_credentials.setdefault(account.profile, (key, account.id))
            if other[1] != account.id:
                how = (f"profile {account.profile!r}" if account.profile
                       else "the default credential chain")
                found.append((("accounts", key, "assume_role"), (
                    f"{key!r} and {other[0]!r} both use {how} without assuming a role but "
                    "declare different account ids; one set of credentials reaches one account"
                )))
    return found


def _role_problems(key: str, account: Account, defaults: Defaults | None) -> list[Problem]:
    found: list[Problem] = []
    if not account.assume_role:
        for field in ("role_arn", "role_name", "external_id", "source_identity"):
            if getattr(account, field) is not None:
                found.append((("accounts", key, field), (
                    f"{field} is set but assume_role is false, so no role is assumed; "
                    "remove one of them"
                )))
        return found
    if account.role_arn is not None:
        match = ROLE_ARN_RE.match(account.role_arn)
        if match and match["account"] != account.id:
            found.append((("accounts", key, "role_arn"), (
                f"role_arn names account {match['account']} but this account's id is "
                f"{account.id}; the role must live in the account itself"
            )))
        elif match and defaults is not None and match["partition"] != defaults.access.partition:
            found.append((("accounts", key, "role_arn"), (
                f"role_arn is in partition {match['partition']!r} but "
                f"defaults.access.partition is {defaults.access.partition!r}"
            )))
        return found
    if defaults is None:
        return found
    template = account.role_name or defaults.access.role_name
    rendered = template.format(account_id=account.id, account=key).strip("/")
    name = rendered.rpartition("/")[2]
    if len(name) > 64 or len(rendered) > 512:
        found.append((("accounts", key), (
            f"the role name {rendered!r} made from role_name {template!r} is too long "
            "(IAM allows 64 characters, 512 with the path)"
        )))
    return found


def _policy_problems(defaults: Defaults, zones: Sequence[ZoneFacts]) -> list[Problem]:
    policy = defaults.ns_ttl_policy
    found: list[Problem] = []

    def check(loc: Loc, ttl: int) -> None:
        if not policy.min <= ttl <= policy.max:
            found.append((loc, (
                f"ns_ttl {ttl} is outside defaults.ns_ttl_policy ({policy.min}..{policy.max}); "
                "verify would flag the delegation"
            )))

    check(("defaults", "ns_ttl"), defaults.ns_ttl)
    for zone in zones:
        if zone.ns_ttl is not None:
            check(("zones", zone.index, "ns_ttl"), zone.ns_ttl)
    return found


def _reference_problems(accounts: Mapping[str, AccountFacts],
                        zones: Sequence[ZoneFacts]) -> list[Problem]:
    found: list[Problem] = []
    key_of_id = {facts.id: key for key, facts in accounts.items() if facts.id is not None}
    every_id_known = len(key_of_id) == len(accounts)
    keys = list(accounts)
    for zone in zones:
        ref = zone.account
        if ref is None or ref in accounts or ref in key_of_id:
            continue
        if not keys:
            message = f"unknown account {ref!r}: no accounts are declared"
        elif ACCOUNT_ID_RE.match(ref):
            if not every_id_known:
                continue
            declared = [f"{key} ({facts.id})" for key, facts in accounts.items()]
            message = f"no declared account has id {ref}; declared: {_listing(declared)}"
        else:
            message = f"unknown account {ref!r}; declared accounts: {_listing(keys)}"
            close = difflib.get_close_matches(ref, keys, n=1)
            if close:
                message += f" (did you mean {close[0]!r}?)"
        found.append((("zones", zone.index, "account"), message))
    return found


def _duplicate_problems(zones: Sequence[ZoneFacts], where: Callable[[Loc], str]) -> list[Problem]:
    found: list[Problem] = []
    first_by_name: dict[str, ZoneFacts] = {}
    first_by_id: dict[str, ZoneFacts] = {}
    for zone in zones:
        first = first_by_name.setdefault(zone.name, zone)
        if first is not zone:
            found.append((("zones", zone.index, "name"), (
                f"{zone.name} is declared twice: also at {where(('zones', first.index, 'name'))}; "
                "names are compared in lower case without the trailing dot"
            )))
        if zone.zone_id is None:
            continue
        pinned = first_by_id.setdefault(zone.zone_id, zone)
        if pinned is not zone:
            found.append((("zones", zone.index, "zone_id"), (
                f"zone_id {zone.zone_id} is also pinned on {pinned.name} "
                f"({where(('zones', pinned.index, 'zone_id'))}); one hosted zone backs one "
                "declared zone"
            )))
    return found


def _root_problems(zones: Sequence[ZoneFacts], where: Callable[[Loc], str]) -> list[Problem]:
    found: list[Problem] = []
    first_by_name: dict[str, ZoneFacts] = {}
    for zone in zones:
        first_by_name.setdefault(zone.name, zone)
    declared = set(first_by_name)
    hints = 0
    for zone in first_by_name.values():
        parent = declared_parent(zone.name, declared)
        if parent is None and zone.root is False and not zone.has_ssm_parent:
            message = (f"{zone.name} is not under any declared zone; "
                       "declare its parent or mark it `root: true`")
            if hints < _MAX_HINTS:
                hints += 1
                message += _near_miss(zone.name, declared)
            found.append((("zones", zone.index, "name"), message))
        elif parent is not None and zone.root is True:
            above = first_by_name[parent]
            found.append((("zones", zone.index, "root"), (
                f"{zone.name} is marked `root: true` but lies below the declared zone {parent} "
                f"({where(('zones', above.index, 'name'))}); remove `root: true` and zonecut "
                f"delegates it from {parent}"
            )))
    return found


def _near_miss(name: str, declared: set[str]) -> str:
    """A hint when a declared zone ends the name but not on a label boundary."""
    for other in sorted(declared, key=len, reverse=True):
        if other != name and name.endswith(other) and not names.is_below(name, other):
            return (f" ({other} is not its parent: zones nest on label boundaries, "
                    f"and {name} is not inside {other})")
    return ""


def _ssm_parent_problems(accounts: Mapping[str, AccountFacts], zones: Sequence[ZoneFacts],
                         where: Callable[[Loc], str]) -> list[Problem]:
    """A zone whose parent is read from SSM has no declared parent and is not a root."""
    found: list[Problem] = []
    declared = {zone.name: zone for zone in reversed(zones)}
    key_of_id = {facts.id: key for key, facts in accounts.items() if facts.id is not None}
    for zone in zones:
        if not zone.has_ssm_parent:
            continue
        loc: Loc = ("zones", zone.index, "parent_from_ssm")
        parent = declared_parent(zone.name, set(declared))
        if parent is not None:
            found.append((loc, (
                f"{zone.name} lies below the declared zone {parent} "
                f"({where(('zones', declared[parent].index, 'name'))}); remove parent_from_ssm "
                f"and zonecut delegates it from {parent}"
            )))
        if zone.root is True:
            found.append((loc, "a zone whose parent is read from SSM is not a root zone; "
                          "remove `root: true`"))
        ref = zone.ssm_parent
        if ref is None:
            continue
        key = ref.account if ref.account in accounts else key_of_id.get(ref.account)
        if key is None:
            found.append(((*loc, "account"), (
                f"unknown account {ref.account!r}; declared accounts: {_listing(list(accounts))}"
            )))
            continue
        account_id = accounts[key].id
        match = ROLE_ARN_RE.match(ref.role_arn or "")
        if match and account_id is not None and match["account"] != account_id:
            found.append(((*loc, "role_arn"), (
                f"role_arn names account {match['account']} but the parameter is read in "
                f"account {key!r} ({account_id})"
            )))
    return found


def _delegated_below(name: str, zone: str, declared: Mapping[str, ZoneFacts]
                     ) -> ZoneFacts | None:
    """The declared zone closest to ``zone`` that is below it and holds ``name``."""
    best: ZoneFacts | None = None
    for other, facts in declared.items():
        if names.is_below(other, zone) and names.is_at_or_below(name, other) \
                and (best is None or len(other) < len(best.name)):
            best = facts
    return best


def _belongs_to_child(name: str, child: ZoneFacts, where: Callable[[Loc], str],
                      what: str) -> str:
    account = f" to account {child.account}" if child.account else ""
    return (f"{what} {name} is at or below {child.name}, delegated{account} "
            f"({where(('zones', child.index, 'name'))}); that name belongs to the child "
            "zone: declare it there")


def _record_problems(zones: Sequence[ZoneFacts], where: Callable[[Loc], str]) -> list[Problem]:
    """Records live inside their zone and never at or below a delegated child's name."""
    found: list[Problem] = []
    declared = {zone.name: zone for zone in reversed(zones)}
    for zone in zones:
        if declared.get(zone.name) is not zone:
            continue
        seen: dict[tuple[str, str], RecordFacts] = {}
        types_at: dict[str, set[str]] = {}
        for record in zone.records:
            loc: Loc = ("zones", zone.index, "records", record.index, "name")
            text = record.text.strip()
            canon = names.normalize(text) if text != "@" else zone.name
            if not text.endswith(".") and text != "@" \
                    and not names.is_at_or_below(canon, zone.name) \
                    and any(names.is_at_or_below(canon, other) for other in declared):
                found.append((loc, f"{canon} is not inside the zone {zone.name}; declare the "
                              "record in the zone that holds it (or write the name relative "
                              f"to {zone.name})"))
                continue
            name = record_name(text, zone.name)
            if not names.is_at_or_below(name, zone.name):
                found.append((loc, f"{name} is not inside the zone {zone.name}"))
                continue
            if len(name) > names.MAX_NAME_OCTETS:
                found.append((loc, f"{name} is {len(name)} octets long; at most "
                              f"{names.MAX_NAME_OCTETS} are allowed"))
                continue
            child = _delegated_below(name, zone.name, declared)
            if child is not None:
                found.append((loc, _belongs_to_child(name, child, where, "the record")))
                continue
            if record.type is None:
                continue
            first = seen.setdefault((name, record.type), record)
            if first is not record:
                found.append((("zones", zone.index, "records", record.index), (
                    f"{name} {record.type} is declared twice: also at "
                    f"{where(('zones', zone.index, 'records', first.index))}; list every "
                    "value in one record")))
                continue
            if record.type == "CNAME" and name == zone.name:
                found.append((("zones", zone.index, "records", record.index, "type"),
                              f"a CNAME record cannot be at the zone apex ({zone.name})"))
            types_at.setdefault(name, set()).add(record.type)
        for name, types in sorted(types_at.items()):
            if "CNAME" in types and len(types) > 1:
                record = seen[(name, "CNAME")]
                found.append((("zones", zone.index, "records", record.index), (
                    f"{name} has a CNAME record and other records "
                    f"({', '.join(sorted(types - {'CNAME'}))}); a CNAME is alone at its name")))
    return found


def _certificate_problems(zones: Sequence[ZoneFacts],
                          where: Callable[[Loc], str]) -> list[Problem]:
    """Certificate names are validated through this zone: they must lie inside it and
    not at or below a delegated child."""
    found: list[Problem] = []
    declared = {zone.name: zone for zone in reversed(zones)}
    for zone in zones:
        if declared.get(zone.name) is not zone:
            continue
        seen: dict[tuple[frozenset[str], str | None], CertificateFacts] = {}
        for cert in zone.certificates:
            loc: Loc = ("zones", zone.index, "certificates", cert.index, "domains")
            for domain in cert.domains:
                base = domain[2:] if domain.startswith("*.") else domain
                if not names.is_at_or_below(base, zone.name):
                    found.append((loc, f"{domain} is not inside the zone {zone.name}; request "
                                  "the certificate in the zone that holds the name"))
                    continue
                child = _delegated_below(base, zone.name, declared)
                if child is not None:
                    found.append((loc, _belongs_to_child(domain, child, where,
                                                         "the certificate name")))
            key = (frozenset(cert.domains), cert.region)
            first = seen.setdefault(key, cert)
            if first is not cert and cert.domains:
                found.append((("zones", zone.index, "certificates", cert.index), (
                    f"the same certificate is declared twice: also at "
                    f"{where(('zones', zone.index, 'certificates', first.index))}")))
    return found

"""How accounts are reached: role, external id, session and principal validators, the
``defaults.access`` model (:class:`AccessDefaults`) and :class:`Account`."""

from __future__ import annotations

import re
import string
from typing import Annotated

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StrictBool,
    StrictStr,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from zonecut.config.fields import AccountId, FrozenModel, Partition, Region, quoted

ROLE_PLACEHOLDERS = ("account_id", "account")
ROLE_ARN_RE = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::(?P<account>[0-9]{12}):role/"
    r"(?P<path>(?:[\w+=,.@-]+/)*)(?P<name>[\w+=,.@-]{1,64})$",
    re.ASCII,
)
_IAM_NAME_RE = re.compile(r"^[\w+=,.@-]+$", re.ASCII)
_IAM_PATH_RE = re.compile(r"^(?:[\w+=,.@-]+/)*$", re.ASCII)
_EXTERNAL_ID_RE = re.compile(r"^[\w+=,.@:/-]{2,1224}$", re.ASCII)
_SOURCE_IDENTITY_RE = re.compile(r"^[\w+=,.@-]{2,64}$", re.ASCII)
_SESSION_PREFIX_RE = re.compile(r"^[\w+=,.@-]{1,32}$", re.ASCII)
PRINCIPAL_ARN_RE = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::(?P<account>[0-9]{12}):"
    r"(?:root|(?:role|user)/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,128})$",
    re.ASCII,
)
_PRINCIPAL_SCHEMA_PATTERN = r"^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(root|role/.+|user/.+)$"


def _check_role_name(value: str) -> str:
    try:
        parts = list(string.Formatter().parse(value))
    except ValueError as exc:
        raise ValueError(f"role_name {quoted(value)} is not a valid template: {exc}") from None
    for _text, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in ROLE_PLACEHOLDERS or spec or conversion:
            raise ValueError(
                f"role_name {quoted(value)} may only use the placeholders {{account_id}} and "
                f"{{account}}; found {{{field[:40]}}}"
            )
    rendered = value.format(account_id="123456789012", account="key")
    path, _, name = rendered.strip("/").rpartition("/")
    path_ok = not path or _IAM_PATH_RE.match(path + "/")
    if not name or not _IAM_NAME_RE.match(name) or not path_ok:
        raise ValueError(
            f"role_name {quoted(value)} is not an IAM role name: use letters, digits and "
            "'+=,.@_-', optionally after a path like 'path/to/'"
        )
    return value


def _check_role_arn(value: str) -> str:
    if not ROLE_ARN_RE.match(value):
        raise ValueError(
            f"role_arn {quoted(value)} is not an IAM role ARN "
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


def _check_principal_arn(value: str) -> str:
    if not PRINCIPAL_ARN_RE.match(value):
        raise ValueError(
            f"principal_arn {quoted(value)} is not an IAM role, user or account root ARN "
            "(arn:aws:iam::123456789012:role/Name)"
        )
    return value


def _one_or_many(value: object) -> object:
    return [value] if isinstance(value, str) else value


RoleName = Annotated[StrictStr, AfterValidator(_check_role_name)]
RoleArn = Annotated[StrictStr, AfterValidator(_check_role_arn)]
ExternalId = Annotated[StrictStr, AfterValidator(_check_external_id)]
SourceIdentity = Annotated[StrictStr, AfterValidator(_check_source_identity)]
PrincipalArn = Annotated[StrictStr, AfterValidator(_check_principal_arn)]


class AccessDefaults(FrozenModel):
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


class Account(FrozenModel):
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

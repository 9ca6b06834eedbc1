"""The SSM Parameter Store handoff: parameter names, ``defaults.ssm``
(:class:`SsmDefaults`) and a zone's ``parent_from_ssm`` (:class:`ParentFromSsm`)."""

from __future__ import annotations

import re
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, Field, StrictBool, StrictStr, model_validator

from zonecut.config.accounts import RoleArn
from zonecut.config.fields import AccountRef, FrozenModel, Region, quoted

_SSM_NAME_RE = re.compile(r"^(?:/[A-Za-z0-9_.-]+)+$", re.ASCII)


def _check_ssm_prefix(value: str) -> str:
    text = value.rstrip("/")
    _check_ssm_name(text)
    return text


def _check_ssm_name(value: str) -> str:
    if not _SSM_NAME_RE.match(value) or len(value) > 1011:
        raise ValueError(
            f"{quoted(value)} is not an SSM parameter path: it starts with '/' and holds "
            "letters, digits and '_.-' between the slashes (at most 1011 characters)"
        )
    first = value.split("/")[1].lower()
    if first.startswith(("aws", "ssm")):
        raise ValueError(f"{quoted(value)}: SSM reserves names that begin with 'aws' or 'ssm'")
    return value


SsmPrefix = Annotated[StrictStr, AfterValidator(_check_ssm_prefix)]
SsmName = Annotated[StrictStr, AfterValidator(_check_ssm_name)]


class SsmDefaults(FrozenModel):
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
    publish_in: Literal["parent", "zone", "account"] | None = Field(
        None, description="Where apply writes a zone's parameter: parent (the account of "
        "the zone's parent; a root zone: its own), zone (the zone's own account) or account "
        "(the one registry account `account`); null: account when `account` is set, else "
        "parent."
    )
    account: AccountRef | None = Field(
        None, description="The central registry account (key or id, declared under "
        "`accounts`) that holds every parameter, so that every consumer reads one place."
    )

    @model_validator(mode="after")
    def _one_location(self) -> Self:
        if self.publish_in == "account" and self.account is None:
            raise ValueError("publish_in: account needs `account`, the registry account "
                             "that holds the parameters")
        if self.publish_in in ("parent", "zone") and self.account is not None:
            raise ValueError(f"`account` is the registry account of publish_in: account, "
                             f"but publish_in is {self.publish_in}; remove one of them")
        return self

    @property
    def location(self) -> Literal["parent", "zone", "account"]:
        """Where the parameters are written (publish_in with its default resolved)."""
        if self.publish_in is not None:
            return self.publish_in
        return "account" if self.account is not None else "parent"


class ParentFromSsm(FrozenModel):
    """The zone's parent is not in this file: read it from an SSM parameter."""

    account: AccountRef = Field(
        description="The account holding the parameter (key or id): where it is read."
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
    parent_account: AccountRef | None = Field(
        None, description="The account holding the parent zone (key or id), when it is not "
        "`account`: the NS is written there, and `zonecut iam` grants it there. plan checks "
        "that the parameter names it. null: the account the parameter names (declared "
        "under `accounts`)."
    )

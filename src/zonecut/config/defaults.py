"""The ``defaults`` section: :class:`Defaults` and the NS TTL policy verify accepts."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, StrictBool, StrictInt, model_validator

from zonecut.config.accounts import AccessDefaults
from zonecut.config.dnssec import DS_TTL_DEFAULT, DsTtl
from zonecut.config.fields import FrozenModel, Ttl
from zonecut.config.handoff import SsmDefaults
from zonecut.config.zones import ApexNs


class NsTtlPolicy(FrozenModel):
    """The NS TTL range that ``verify`` accepts on delegations."""

    min: Ttl = Field(300, description="Lowest NS TTL (seconds) verify accepts.")
    max: Ttl = Field(172800, description="Highest NS TTL (seconds) verify accepts.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class Defaults(FrozenModel):
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
    dnssec: StrictBool | None = Field(
        None, description="Sign every zone (true) or none (false) with DNSSEC, unless the "
        "zone says otherwise; null leaves the signing of zones that do not say as it is."
    )
    ds_ttl: DsTtl = Field(DS_TTL_DEFAULT, description="TTL (seconds) of the DS records "
                          "written into parent zones, 1..604800 (Route 53 caps signed TTLs "
                          "at one week); keep it short while rolling DNSSEC out.")

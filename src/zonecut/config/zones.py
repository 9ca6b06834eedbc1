"""One declared hosted zone: :class:`ZoneSpec` and the apex NS mode."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictStr

from zonecut.config.certificates import CertificateSpec
from zonecut.config.dnssec import DsTtl, KmsKeyArn
from zonecut.config.fields import AccountRef, FrozenModel, TagKey, TagValue, Ttl, ZoneId, ZoneName
from zonecut.config.handoff import ParentFromSsm
from zonecut.config.records import RecordSpec

ApexNs = Literal["repair", "report"]


class ZoneSpec(FrozenModel):
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
    dnssec: StrictBool | None = Field(
        None, description="Sign the zone with DNSSEC (true), unsign it (false); null uses "
        "defaults.dnssec (null there too: its signing is left as it is). See docs/dnssec.md."
    )
    kms_key_arn: KmsKeyArn | None = Field(
        None, description="A customer-managed KMS key (ECC_NIST_P256, SIGN_VERIFY) in "
        "us-east-1 of the zone's account for its key-signing key; null: zonecut creates one."
    )
    ds_ttl: DsTtl | None = Field(None, description="Overrides defaults.ds_ttl for this "
                                 "zone's DS record in its parent.")
    registrar: Literal["route53"] | None = Field(
        None, description="A root zone's registrar, when zonecut may set the domain's name "
        "servers and DS there: route53 (Route 53 Domains in the zone's account). See "
        "docs/dnssec.md#the-registrar.")

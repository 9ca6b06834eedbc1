"""Field validators and types shared across the config: account ids and keys, zone
names, TTLs, regions, zone ids, tags; and the frozen base model."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
)

from zonecut import names

MAX_TTL = 2_147_483_647
PARTITIONS: tuple[str, ...] = ("aws", "aws-cn", "aws-us-gov")
ACCOUNT_ID_RE = re.compile(r"^[0-9]{12}$")
ACCOUNT_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
ZONE_ID_RE = re.compile(r"^[A-Z0-9]{1,32}$")
REGION_RE = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}$")
_TAG_PUNCTUATION = frozenset(" _.:/=+-@")


def quoted(value: str, limit: int = 80) -> str:
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
        raise ValueError(f"account id {quoted(value)} must be exactly 12 digits")
    return value


def _check_account_key(value: str) -> str:
    if not ACCOUNT_KEY_RE.match(value):
        raise ValueError(
            f"account key {quoted(value)} may only hold letters, digits, '.', '_' and '-', "
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
        raise ValueError(f"{quoted(value)}: " + "; ".join(text[:200] for text in found))
    return names.normalize(value)


def _check_region(value: str) -> str:
    if not REGION_RE.match(value):
        raise ValueError(f"region {quoted(value)} is not an AWS region name like 'us-east-1'")
    return value


def _check_zone_id(value: str) -> str:
    bare = value.removeprefix("/hostedzone/")
    if not ZONE_ID_RE.match(bare):
        raise ValueError(
            f"zone_id {quoted(value)} is not a hosted zone id "
            "(upper-case letters and digits, like Z0123456789ABC)"
        )
    return bare


def _check_tag_text(value: str) -> str:
    bad = sorted({ch for ch in value if not (ch.isalnum() or ch in _TAG_PUNCTUATION)})
    if bad:
        raise ValueError(
            f"{quoted(value)} holds characters Route 53 tags do not allow: "
            f"{quoted(''.join(bad))} "
            "(letters, digits, spaces and '_.:/=+-@' are allowed)"
        )
    return value


def _check_tag_key(value: str) -> str:
    if value.lower().startswith("aws:"):
        raise ValueError(f"tag key {quoted(value)}: the 'aws:' prefix is reserved by AWS")
    if value.lower() == "zonecut:managed":
        raise ValueError(f"tag key {quoted(value)} is zonecut's own: it marks the zones "
                         "zonecut created (the ones `apply --prune` may delete)")
    return _check_tag_text(value)


AccountId = Annotated[
    StrictStr, BeforeValidator(_int_account_id), AfterValidator(_check_account_id),
    Field(json_schema_extra={"pattern": ACCOUNT_ID_RE.pattern}),
]
AccountKey = Annotated[StrictStr, AfterValidator(_check_account_key)]
AccountRef = Annotated[StrictStr, BeforeValidator(_int_account_id),
                       AfterValidator(_check_account_ref)]
ZoneName = Annotated[StrictStr, AfterValidator(_check_zone_name)]
Ttl = Annotated[StrictInt, Field(ge=1, le=MAX_TTL)]
Region = Annotated[StrictStr, AfterValidator(_check_region)]
ZoneId = Annotated[StrictStr, AfterValidator(_check_zone_id)]
TagKey = Annotated[StrictStr, Field(min_length=1, max_length=128), AfterValidator(_check_tag_key)]
TagValue = Annotated[StrictStr, Field(max_length=256), AfterValidator(_check_tag_text)]
Partition = Literal["aws", "aws-cn", "aws-us-gov"]  # keep in step with PARTITIONS


class FrozenModel(BaseModel):
    """The base of every config model: frozen, unknown keys refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")

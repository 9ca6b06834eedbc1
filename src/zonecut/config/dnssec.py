"""DNSSEC settings of the config: the types the models use, and each zone's effective
settings (``DnssecSettings``).

- ``dnssec: true | false`` on a zone or in ``defaults``. Unset (null) everywhere: zonecut
  neither reads nor changes the zone's signing (a config that never mentions DNSSEC
  makes no DNSSEC call). ``false`` on a zone that is signing unsigns it, in the safe
  order (docs/dnssec.md).
- ``kms_key_arn``: a customer-managed KMS key of the zone's account, in us-east-1 (Route
  53 signs only with keys there), for the zone's key-signing key; null: zonecut creates
  (or finds again, by alias) a key of its own in the zone's account.
- ``ds_ttl``: the TTL of the DS record written into the parent, 1..604800 s (Route 53
  caps the TTL of signed records at one week). Short by default (3600 s), as AWS advises
  while a chain of trust is rolled out; a DS removal waits this long before the zone is
  unsigned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, Field, StrictInt, StrictStr

DS_TTL_MAX = 604_800
"""Route 53: signed records' TTLs are capped at one week (RRSIG validity)."""
DS_TTL_DEFAULT = 3600
KMS_REGION = "us-east-1"
"""Route 53 DNSSEC: 'The customer managed key that you use with DNSSEC signing must be in
the US East (N. Virginia) Region.'"""

KMS_KEY_ARN_RE = re.compile(
    r"^arn:aws:kms:(?P<region>[a-z0-9-]+):(?P<account>[0-9]{12}):key/"
    r"(?P<key>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$",
    re.ASCII)


def check_kms_key_arn(value: str) -> str:
    match = KMS_KEY_ARN_RE.match(value)
    if match is None:
        raise ValueError(
            f"{value!r} is not a KMS key ARN (arn:aws:kms:us-east-1:ACCOUNT:key/KEY-ID; an "
            "alias ARN is not accepted: Route 53 records the key's own ARN)")
    if match["region"] != KMS_REGION:
        raise ValueError(
            f"the KMS key {value} is in {match['region']}; Route 53 signs only with keys "
            f"in {KMS_REGION}")
    return value


def kms_key_account(arn: str) -> str | None:
    """The account id in a KMS key ARN; None when it is not one."""
    match = KMS_KEY_ARN_RE.match(arn)
    return match["account"] if match else None


KmsKeyArn = Annotated[StrictStr, AfterValidator(check_kms_key_arn)]
DsTtl = Annotated[StrictInt, Field(ge=1, le=DS_TTL_MAX)]


@dataclass(frozen=True)
class DnssecSettings:
    """A zone's effective DNSSEC settings. ``sign`` None: unmanaged (left as it is)."""

    sign: bool | None = None
    kms_key_arn: str | None = None
    ds_ttl: int = DS_TTL_DEFAULT

    @property
    def managed(self) -> bool:
        return self.sign is not None


def effective(zone_sign: bool | None, default_sign: bool | None, kms_key_arn: str | None,
              zone_ds_ttl: int | None, default_ds_ttl: int) -> DnssecSettings:
    """A zone's settings from its own keys and the defaults."""
    sign = zone_sign if zone_sign is not None else default_sign
    return DnssecSettings(sign=sign, kms_key_arn=kms_key_arn,
                          ds_ttl=zone_ds_ttl if zone_ds_ttl is not None else default_ds_ttl)


"""How to reach one AWS account: plain data, resolved from the config."""

from __future__ import annotations

import re
from dataclasses import dataclass

HOME_REGIONS = {
    "aws": "us-east-1",
    "aws-cn": "cn-northwest-1",
    "aws-us-gov": "us-gov-west-1",
}

_SESSION_NAME_BAD = re.compile(r"[^\w+=,.@-]")


@dataclass(frozen=True)
class AccountAccess:
    """Everything needed to get credentials for one account.

    ``role_arn`` is None when the account is reached with the profile or the
    default credential chain as is.
    """

    key: str
    account_id: str
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    source_identity: str | None = None
    region: str | None = None
    partition: str = "aws"
    session_name: str = "zonecut"

    @property
    def home_region(self) -> str:
        return self.region or HOME_REGIONS.get(self.partition, "us-east-1")


def partition_of(region: str | None) -> str:
    """The partition a region belongs to (``aws`` when unknown)."""
    if region and region.startswith("cn-"):
        return "aws-cn"
    if region and region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def role_arn_for(partition: str, account_id: str, role_name: str) -> str:
    """The ARN of ``role_name`` (which may hold a path) in ``account_id``."""
    name = role_name.strip("/")
    return f"arn:{partition}:iam::{account_id}:role/{name}"


def session_name(prefix: str, purpose: str, account_key: str) -> str:
    """A RoleSessionName that says what the session is for (2-64 chars, IAM's alphabet)."""
    raw = f"{prefix}-{purpose}-{account_key}"
    clean = _SESSION_NAME_BAD.sub("-", raw)[:64]
    return clean if len(clean) >= 2 else "zonecut"

"""Accounts declared up front: each gets the delegation role zonecut assumes.

moto neither requires the role to exist nor enforces its trust policy (any
``AssumeRole`` succeeds); creating it makes ``iam get-role`` and listings look like
a prepared organisation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from moto.iam.models import iam_backends

DELEGATION_ROLE = "ZonecutDelegation"
MANAGEMENT_ACCOUNT = "123456789012"  # moto's default account: unknown credentials land here
_ACCOUNT_RE = re.compile(r"^\d{12}$")


def check_account_id(account_id: str) -> str:
    if not _ACCOUNT_RE.match(account_id):
        raise ValueError(f"{account_id!r} is not a 12-digit AWS account id")
    return account_id


def create_roles(accounts: Iterable[str], role_name: str = DELEGATION_ROLE) -> None:
    """Create ``role_name`` (trusting the management account) in every account."""
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    for account_id in accounts:
        backend = iam_backends[check_account_id(account_id)]["aws"]
        if any(role.name == role_name for role in backend.get_roles()):
            continue
        backend.create_role(
            role_name=role_name,
            assume_role_policy_document=trust,
            path="/",
            permissions_boundary=None,
            description="zonecut sandbox: delegation role",
            tags=[],
            max_session_duration="3600",
        )

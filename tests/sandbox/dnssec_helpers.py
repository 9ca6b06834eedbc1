"""KMS keys and signed zones in the sandbox through raw boto3 calls (for DNSSEC tests)."""

from __future__ import annotations

import json
from typing import Any

from sandbox_fixtures import session_for
from zonecut.sandbox import SandboxControl

DNSSEC_SERVICE = "dnssec-route53.amazonaws.com"


def key_policy(account_id: str, *, service: str = DNSSEC_SERVICE,
               actions: tuple[str, ...] = ("kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"),
               ) -> str:
    """The key policy AWS's guide gives for a DNSSEC KSK key (root account + Route 53)."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "Allow Route 53 DNSSEC Service", "Effect": "Allow",
             "Principal": {"Service": service}, "Action": list(actions), "Resource": "*",
             "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}},
        ],
    })


def kms_key(sandbox: SandboxControl, account_id: str, *, region: str = "us-east-1",
            key_spec: str = "ECC_NIST_P256", key_usage: str = "SIGN_VERIFY",
            policy: str | None = None) -> tuple[str, str]:
    """A customer-managed KMS key: (ARN, key id)."""
    kms = session_for(sandbox, account_id).client("kms", region_name=region)
    made = kms.create_key(KeySpec=key_spec, KeyUsage=key_usage,
                          Policy=policy if policy is not None else key_policy(account_id))
    return made["KeyMetadata"]["Arn"], made["KeyMetadata"]["KeyId"]


def add_ksk(client: Any, zone_id: str, kms_arn: str, name: str = "ksk_1",
            status: str = "ACTIVE") -> dict[str, Any]:
    made: dict[str, Any] = client.create_key_signing_key(
        CallerReference=f"ref-{zone_id}-{name}", HostedZoneId=zone_id,
        KeyManagementServiceArn=kms_arn, Name=name, Status=status)
    return made


def sign(sandbox: SandboxControl, account_id: str, client: Any, zone_id: str,
         name: str = "ksk_1") -> str:
    """KMS key, active KSK, EnableHostedZoneDNSSEC: returns the zone's DS value."""
    arn, _ = kms_key(sandbox, account_id)
    add_ksk(client, zone_id, arn, name)
    client.enable_hosted_zone_dnssec(HostedZoneId=zone_id)
    ds: str = client.get_dnssec(HostedZoneId=zone_id)["KeySigningKeys"][0]["DSRecord"]
    return ds

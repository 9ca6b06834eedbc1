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


AUTO = "auto"


def build_chain(sandbox: SandboxControl, *, parent_signed: bool = True,
                child_signed: bool = True, child_ds: str | None = AUTO) -> dict[str, Any]:
    """example.com (account 111111111111, registered at the TLD, with its DS when signed)
    delegating dev.example.com (account 222222222222); www.dev.example.com A 192.0.2.77.
    ``child_ds``: the DS written in example.com for dev (AUTO: the child's own, when
    signed; None: none)."""
    from sandbox_helpers import CHILD_A, PARENT, change, create_zone, route53

    parent, child = route53(sandbox, PARENT), route53(sandbox, CHILD_A)
    parent_id, parent_ns = create_zone(parent, "example.com")
    child_id, child_ns = create_zone(child, "dev.example.com")
    sandbox.register("example.com", parent_ns)
    if parent_signed:
        parent_ds = sign(sandbox, PARENT, parent, parent_id.rsplit("/", 1)[-1])
        sandbox.register("example.com", parent_ns, [parent_ds])
    change(parent, parent_id, ("CREATE", "dev.example.com", "NS", 300,
                               [s + "." for s in child_ns]))
    own_ds = sign(sandbox, CHILD_A, child, child_id.rsplit("/", 1)[-1]) if child_signed else None
    ds = own_ds if child_ds == AUTO else child_ds
    if ds is not None:
        change(parent, parent_id, ("CREATE", "dev.example.com", "DS", 300, [ds]))
    change(child, child_id, ("CREATE", "www.dev.example.com", "A", 60, ["192.0.2.77"]))
    return {"parent": parent, "parent_id": parent_id, "parent_ns": parent_ns,
            "child": child, "child_id": child_id, "child_ns": child_ns, "child_ds": own_ds,
            "ds_in_parent": ds}

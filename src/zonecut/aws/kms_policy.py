"""The key policy of the KMS keys zonecut creates for DNSSEC (pure).

As Route 53 documents for a customer managed key used for DNSSEC signing
("Working with customer managed keys for DNSSEC"): the service principal
``dnssec-route53.amazonaws.com`` may DescribeKey, GetPublicKey and Sign only for hosted
zones of the key's own account (``aws:SourceAccount``, ``aws:SourceArn``), and CreateGrant
only for AWS resources (``kms:GrantIsForAWSResource``); the account itself keeps full
control of its key (without that statement nobody could manage or delete the key).
"""

from __future__ import annotations

from typing import Any

Document = dict[str, Any]

KMS_REGION = "us-east-1"
"""Route 53 signs only with KMS keys in us-east-1 (the same fact config.dnssec checks
in ``kms_key_arn``; config may not import zonecut.aws, so it holds its own copy)."""
DNSSEC_SERVICE = "dnssec-route53.amazonaws.com"
KEY_SPEC = "ECC_NIST_P256"
KEY_USAGE = "SIGN_VERIFY"


def dnssec_key_policy(account_id: str, partition: str = "aws") -> Document:
    return {"Version": "2012-10-17", "Statement": [
        {
            "Sid": "AllowRoute53DnssecService",
            "Effect": "Allow",
            "Principal": {"Service": DNSSEC_SERVICE},
            "Action": ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account_id},
                "ArnLike": {"aws:SourceArn": f"arn:{partition}:route53:::hostedzone/*"},
            },
        },
        {
            "Sid": "AllowRoute53DnssecToCreateGrant",
            "Effect": "Allow",
            "Principal": {"Service": DNSSEC_SERVICE},
            "Action": "kms:CreateGrant",
            "Resource": "*",
            "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
        {
            "Sid": "EnableIamPolicies",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
            "Action": "kms:*",
            "Resource": "*",
        },
    ]}

"""The one-at-a-time baseline, the way a per-record custom resource delegates.

Per delegation: assume the parent account's role, look the parent zone up by name, and
send one ChangeResourceRecordSets with one NS change (UPSERT). No batching, no shared
session, no zone-id cache. This is benchmark code, not zonecut: it talks to boto3
directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import boto3
from botocore.config import Config

RETRIES = Config(retries={"mode": "standard", "max_attempts": 10})


@dataclass(frozen=True)
class Delegation:
    parent: str
    parent_account: str
    child: str
    servers: tuple[str, ...]


def delegate_one(endpoint_url: str, item: Delegation, ttl: int = 3600) -> None:
    base = boto3.session.Session(aws_access_key_id="bench", aws_secret_access_key="bench",
                                 region_name="us-east-1")
    creds = base.client("sts", endpoint_url=endpoint_url).assume_role(
        RoleArn=f"arn:aws:iam::{item.parent_account}:role/ZonecutDelegation",
        RoleSessionName=f"baseline-{item.child}"[:64])["Credentials"]
    r53 = boto3.client("route53", endpoint_url=endpoint_url, region_name="us-east-1",
                       aws_access_key_id=creds["AccessKeyId"],
                       aws_secret_access_key=creds["SecretAccessKey"],
                       aws_session_token=creds["SessionToken"], config=RETRIES)
    listed = r53.list_hosted_zones_by_name(DNSName=item.parent + ".", MaxItems="1")
    zone_id = listed["HostedZones"][0]["Id"]
    r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {
            "Name": item.child + ".", "Type": "NS", "TTL": ttl,
            "ResourceRecords": [{"Value": s + "."} for s in item.servers]}}]})


def run(endpoint_url: str, delegations: Sequence[Delegation]) -> None:
    for item in delegations:
        delegate_one(endpoint_url, item)

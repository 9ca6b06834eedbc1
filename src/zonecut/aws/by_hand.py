"""Route 53 changes made by hand, outside zonecut's machinery: what an organisation or a
child account does itself. The demo uses them to set up the sandbox (an apex zone that
exists before zonecut, a record a child writes in its own zone).

Raw boto3 clients through the given endpoint (the sandbox's), one assumed role per
account; nothing here is retried, rate limited or waited for, which is the point: it is
not zonecut doing it.
"""

from __future__ import annotations

from typing import Any

import boto3

SANDBOX_KEY = "sandbox"


def route53_as(endpoint_url: str, account_id: str, *, role_name: str = "ZonecutDelegation",
               session_name: str = "zonecut-demo-setup") -> Any:
    """A Route 53 client of ``account_id`` (its role assumed through ``endpoint_url``)."""
    base = boto3.Session(aws_access_key_id=SANDBOX_KEY, aws_secret_access_key=SANDBOX_KEY,
                         region_name="us-east-1")
    creds = base.client("sts", endpoint_url=endpoint_url).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{role_name}",
        RoleSessionName=session_name)["Credentials"]
    return boto3.client("route53", endpoint_url=endpoint_url, region_name="us-east-1",
                        aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])


def create_existing_zone(endpoint_url: str, account_id: str, name: str) -> None:
    """``name`` created in ``account_id`` the way an organisation's existing apex was:
    not by zonecut (its CallerReference is not one of zonecut's)."""
    route53_as(endpoint_url, account_id).create_hosted_zone(
        Name=name, CallerReference=f"existing-{name}")


def upsert_a_record(endpoint_url: str, account_id: str, zone: str, name: str,
                    address: str) -> None:
    """What a child account does with its zone: a record nobody else had to approve."""
    r53 = route53_as(endpoint_url, account_id)
    zone_id = next(z["Id"] for z in r53.list_hosted_zones_by_name(DNSName=zone)["HostedZones"]
                   if z["Name"].rstrip(".") == zone)
    r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {
            "Name": name, "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": address}]}}]})

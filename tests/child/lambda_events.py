"""Realistic sample events for the Lambda handlers (shapes as AWS sends them)."""

from __future__ import annotations

import uuid
from typing import Any


def custom_resource(request: str, account: str, url: str, properties: dict[str, Any],
                    *, physical_id: str | None = None,
                    old: dict[str, Any] | None = None, stack_id: str | None = None,
                    logical_id: str = "ZoneDelegation") -> dict[str, Any]:
    """A CloudFormation custom resource request, as delivered to a Lambda function
    (``stack_id``: a stack's real id; by default one no CloudFormation knows)."""
    stack = stack_id or (f"arn:aws:cloudformation:eu-west-1:{account}:stack/dev-dns/"
                         "5b1c2f40-8f3e-11ef-9d0a-0a1b2c3d4e5f")
    event: dict[str, Any] = {
        "RequestType": request,
        "ServiceToken": "arn:aws:lambda:us-east-1:111111111111:function:zonecut-delegate",
        "ResponseURL": url,
        "StackId": stack,
        "RequestId": str(uuid.uuid4()),
        "LogicalResourceId": logical_id,
        "ResourceType": "Custom::ZonecutDelegation",
        "ResourceProperties": {
            "ServiceToken": "arn:aws:lambda:us-east-1:111111111111:function:zonecut-delegate",
            **properties,
        },
    }
    if physical_id is not None:
        event["PhysicalResourceId"] = physical_id
    if old is not None:
        event["OldResourceProperties"] = {
            "ServiceToken": "arn:aws:lambda:us-east-1:111111111111:function:zonecut-delegate",
            **old,
        }
    return event


def _cloudtrail(account: str, name: str, request: dict[str, Any],
                response: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.route53",
        "account": account,
        "time": "2024-05-02T10:15:31Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {
            "eventVersion": "1.09",
            "userIdentity": {
                "type": "AssumedRole",
                "principalId": "AROAEXAMPLEID:dev-admin",
                "arn": f"arn:aws:sts::{account}:assumed-role/Admin/dev-admin",
                "accountId": account,
                "accessKeyId": "ASIAEXAMPLEKEY",
                "sessionContext": {
                    "sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLEID",
                                      "arn": f"arn:aws:iam::{account}:role/Admin",
                                      "accountId": account, "userName": "Admin"},
                    "attributes": {"creationDate": "2024-05-02T10:01:02Z",
                                   "mfaAuthenticated": "false"},
                },
            },
            "eventTime": "2024-05-02T10:15:31Z",
            "eventSource": "route53.amazonaws.com",
            "eventName": name,
            "awsRegion": "us-east-1",
            "sourceIPAddress": "198.51.100.7",
            "userAgent": "aws-cli/2.15.40 Python/3.11.8 Linux/6.1 exe/x86_64",
            "requestParameters": request,
            "responseElements": response,
            "requestID": str(uuid.uuid4()),
            "eventID": str(uuid.uuid4()),
            "readOnly": False,
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": account,
            "eventCategory": "Management",
        },
    }


def create_hosted_zone(account: str, name: str, zone_id: str, servers: list[str],
                       *, private: bool = False) -> dict[str, Any]:
    reference = str(uuid.uuid4())
    config = {"comment": "", "privateZone": private}
    return _cloudtrail(account, "CreateHostedZone",
                       {"name": name, "callerReference": reference,
                        "hostedZoneConfig": config},
                       {"hostedZone": {"id": f"/hostedzone/{zone_id}", "name": f"{name}.",
                                       "callerReference": reference, "config": config,
                                       "resourceRecordSetCount": 2},
                        "changeInfo": {"id": "/change/C0123456789ABCDEFGHIJ",
                                       "status": "PENDING",
                                       "submittedAt": "May 2, 2024 10:15:31 AM"},
                        "delegationSet": {"nameServers": servers},
                        "location": "https://route53.amazonaws.com/2013-04-01/hostedzone/"
                                    f"{zone_id}"})


def delete_hosted_zone(account: str, zone_id: str) -> dict[str, Any]:
    return _cloudtrail(account, "DeleteHostedZone", {"id": zone_id},
                       {"changeInfo": {"id": "/change/C0987654321ABCDEFGHIJ",
                                       "status": "PENDING",
                                       "submittedAt": "May 2, 2024 11:02:10 AM"}})

"""CloudFormation for the self-service Lambda handlers (pure data).

``parent_template``: in the parent zone's account (region us-east-1, where Route 53's
CloudTrail events arrive), the two functions, one role with exactly what they need, a
log group each, invoke permissions for the custom resource per consumer account, and
(with ``events``) the EventBridge rule, its invoke permission and a bus policy letting
each consumer account forward its events.

``consumer_template``: in each consumer account, the read-only role the functions prove
zones through and (with ``events``) the rule forwarding Route 53's CloudTrail events to
the parent's bus. The account still needs a CloudTrail trail recording management
events: without one, Route 53 calls never reach EventBridge.

``registry_template``: with ``ssm_role_arn`` (the documents published in a registry
account), that role, in the registry account: only the parameters under the prefix.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zonecut.iam.changes import ACTIONS_KEY, NAMES_KEY, TYPES_KEY

FUNCTION_ROLE = "zonecut-lambda"
CHILD_ROLE = "ZonecutLambdaRead"
FORWARD_ROLE = "zonecut-forward-route53-events"
CUSTOM_RESOURCE = "zonecut-delegate"
EVENTS = "zonecut-events"
RUNTIME = "python3.11"
TIMEOUT = 120
EVENT_PATTERN = {
    "source": ["aws.route53"],
    "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventSource": ["route53.amazonaws.com"],
               "eventName": ["CreateHostedZone", "DeleteHostedZone"]},
}


@dataclass(frozen=True)
class LambdaDeployment:
    parent_zone_id: str | None
    """The one parent zone; None: each name's parent zone is found in the account
    (``ListHostedZonesByName``, :mod:`zonecut.aws_lambda.parent_lookup`)."""
    allow: Mapping[str, Sequence[str]]
    """Account id -> name patterns (``name``, ``*.name``), as ``ZONECUT_ALLOW``."""
    events: bool = True
    owner_prefix: str = "/zonecut/owners"
    ssm_prefix: str = "/zonecut/zones"
    ns_ttl: int = 3600
    ssm_role_arn: str | None = None
    """A role of the registry account the documents are published in (None: this one)."""
    parent_parameter: str | None = None
    """The parent zone's own document, checked before every delegation."""

    @property
    def consumers(self) -> list[str]:
        return sorted(self.allow)


def _sub(text: str) -> dict[str, str]:
    return {"Fn::Sub": text}


def _parameter_arns(prefix: str) -> list[Any]:
    path = prefix.strip("/")
    base = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/"
    return [_sub(base + path), _sub(base + path + "/*")]


def function_policy(d: LambdaDeployment) -> dict[str, Any]:
    zone = _sub(f"arn:${{AWS::Partition}}:route53:::hostedzone/{d.parent_zone_id or '*'}")
    patterns = sorted({p for names in d.allow.values() for p in names})
    parameters = _parameter_arns(d.owner_prefix)
    if d.ssm_prefix and d.ssm_role_arn is None:
        parameters += _parameter_arns(d.ssm_prefix)
    elif d.parent_parameter is not None and d.ssm_role_arn is None:
        parameters += [_sub("arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:"
                            f"parameter{d.parent_parameter}")]
    statements: list[dict[str, Any]] = [
        *([{"Sid": "FindParentZone", "Effect": "Allow",
            "Action": "route53:ListHostedZonesByName", "Resource": "*"}]
          if d.parent_zone_id is None else []),
        {"Sid": "ReadParentZone", "Effect": "Allow",
         "Action": ["route53:GetHostedZone", "route53:ListResourceRecordSets"],
         "Resource": zone},
        {"Sid": "Delegate", "Effect": "Allow", "Action": "route53:ChangeResourceRecordSets",
         "Resource": zone,
         "Condition": {"ForAllValues:StringEquals": {TYPES_KEY: ["NS"],
                                                     ACTIONS_KEY: ["CREATE", "UPSERT",
                                                                   "DELETE"]},
                       "ForAllValues:StringLike": {NAMES_KEY: patterns}}},
        {"Sid": "WaitForChanges", "Effect": "Allow", "Action": "route53:GetChange",
         "Resource": _sub("arn:${AWS::Partition}:route53:::change/*")},
        {"Sid": "OwnerRecords", "Effect": "Allow",
         "Action": ["ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter",
                    "ssm:GetParametersByPath"],
         "Resource": parameters},
        {"Sid": "ProveZones", "Effect": "Allow", "Action": "sts:AssumeRole",
         "Resource": [_sub(f"arn:${{AWS::Partition}}:iam::{account}:role/{CHILD_ROLE}")
                      for account in d.consumers]},
        *([{"Sid": "PublishInRegistry", "Effect": "Allow", "Action": "sts:AssumeRole",
            "Resource": d.ssm_role_arn}] if d.ssm_role_arn else []),
        {"Sid": "Logs", "Effect": "Allow",
         "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": [{"Fn::GetAtt": [f"{name}Logs", "Arn"]}
                      for name in _functions(d)]},
    ]
    return {"Version": "2012-10-17", "Statement": statements}


def _functions(d: LambdaDeployment) -> dict[str, tuple[str, str]]:
    found = {"CustomResource": (CUSTOM_RESOURCE, "zonecut.aws_lambda.custom_resource.handler")}
    if d.events:
        found["Events"] = (EVENTS, "zonecut.aws_lambda.events.handler")
    return found


def parent_template(d: LambdaDeployment) -> dict[str, Any]:
    environment: dict[str, Any] = {
        "ZONECUT_PARENT_ACCOUNT_ID": {"Ref": "AWS::AccountId"},
        "ZONECUT_ALLOW": json.dumps({k: list(v) for k, v in sorted(d.allow.items())},
                                    separators=(",", ":")),
        "ZONECUT_CHILD_ROLE_NAME": CHILD_ROLE,
        "ZONECUT_OWNER_PREFIX": d.owner_prefix,
        "ZONECUT_SSM_PREFIX": d.ssm_prefix,
        "ZONECUT_NS_TTL": str(d.ns_ttl),
    }
    if d.parent_zone_id is not None:
        environment["ZONECUT_PARENT_ZONE_ID"] = d.parent_zone_id
    if d.ssm_role_arn is not None:
        environment["ZONECUT_SSM_ACCOUNT_ID"] = d.ssm_role_arn.split(":")[4]
        environment["ZONECUT_SSM_ROLE_ARN"] = d.ssm_role_arn
    if d.parent_parameter is not None:
        environment["ZONECUT_PARENT_PARAMETER"] = d.parent_parameter
    resources: dict[str, Any] = {
        "FunctionRole": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": FUNCTION_ROLE,
            "Description": "zonecut self-service delegation (custom resource and events)",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "zonecut-delegate",
                          "PolicyDocument": function_policy(d)}]}},
    }
    outputs: dict[str, Any] = {
        "FunctionRoleArn": {"Description": "Trusted by each consumer account's "
                            f"{CHILD_ROLE} role", "Value": {"Fn::GetAtt": ["FunctionRole",
                                                                          "Arn"]}}}
    for logical, (name, handler) in _functions(d).items():
        resources[f"{logical}Logs"] = {"Type": "AWS::Logs::LogGroup", "Properties": {
            "LogGroupName": f"/aws/lambda/{name}", "RetentionInDays": 90}}
        resources[logical] = {"Type": "AWS::Lambda::Function", "DependsOn": f"{logical}Logs",
                              "Properties": {
            "FunctionName": name, "Runtime": RUNTIME, "Handler": handler,
            "Architectures": ["x86_64"], "MemorySize": 256, "Timeout": TIMEOUT,
            "Role": {"Fn::GetAtt": ["FunctionRole", "Arn"]},
            "Code": {"S3Bucket": {"Ref": "CodeBucket"}, "S3Key": {"Ref": "CodeKey"}},
            "Environment": {"Variables": environment}}}
    for account in d.consumers:
        resources[f"Invoke{account}"] = {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": {"Ref": "CustomResource"},
            "Principal": account}}
        outputs.setdefault("ServiceToken", {
            "Description": "ServiceToken of Custom::ZonecutDelegation",
            "Value": {"Fn::GetAtt": ["CustomResource", "Arn"]}})
    if d.events:
        resources["Route53Events"] = {"Type": "AWS::Events::Rule", "Properties": {
            "Description": "Route 53 CreateHostedZone/DeleteHostedZone from consumer accounts",
            "EventPattern": EVENT_PATTERN | {"account": d.consumers},
            "State": "ENABLED",
            "Targets": [{"Arn": {"Fn::GetAtt": ["Events", "Arn"]}, "Id": "zonecut-events"}]}}
        resources["InvokeFromRule"] = {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": {"Ref": "Events"},
            "Principal": "events.amazonaws.com",
            "SourceArn": {"Fn::GetAtt": ["Route53Events", "Arn"]}}}
        for account in d.consumers:
            resources[f"Forward{account}"] = {"Type": "AWS::Events::EventBusPolicy",
                                              "Properties": {
                "StatementId": f"zonecut-{account}",
                "Statement": {"Effect": "Allow", "Principal": {"AWS": _sub(
                    f"arn:${{AWS::Partition}}:iam::{account}:root")},
                    "Action": "events:PutEvents",
                    "Resource": _sub("arn:${AWS::Partition}:events:${AWS::Region}:"
                                     "${AWS::AccountId}:event-bus/default")}}}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": (f"zonecut self-service delegation into hosted zone "
                        f"{d.parent_zone_id} (deploy in us-east-1 of its account)"
                        if d.parent_zone_id else
                        "zonecut self-service delegation into each name's parent zone in "
                        "this account (deploy in us-east-1)"),
        "Parameters": {
            "CodeBucket": {"Type": "String", "Description": "S3 bucket of the zip from "
                           "`zonecut lambda package`"},
            "CodeKey": {"Type": "String", "Description": "Its key"}},
        "Resources": resources,
        "Outputs": outputs,
    }


def consumer_template(parent_account_id: str, events: bool = True) -> dict[str, Any]:
    function_role = _sub(f"arn:${{AWS::Partition}}:iam::{parent_account_id}:role/"
                         f"{FUNCTION_ROLE}")
    resources: dict[str, Any] = {
        "ReadZones": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": CHILD_ROLE,
            "Description": "zonecut's Lambda reads this account's hosted zones and stack "
                           "resources (read only) to prove a claimed zone and a custom "
                           "resource request before acting on them",
            "MaxSessionDuration": 3600,
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": function_role},
                "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "zonecut-read-zones", "PolicyDocument": {
                "Version": "2012-10-17", "Statement": [
                    {"Sid": "ReadZone", "Effect": "Allow", "Action": "route53:GetHostedZone",
                     "Resource": _sub("arn:${AWS::Partition}:route53:::hostedzone/*")},
                    {"Sid": "FindZones", "Effect": "Allow",
                     "Action": "route53:ListHostedZonesByName", "Resource": "*"},
                    {"Sid": "ReadStackResource", "Effect": "Allow",
                     "Action": "cloudformation:DescribeStackResource",
                     "Resource": _sub("arn:${AWS::Partition}:cloudformation:*:"
                                      "${AWS::AccountId}:stack/*/*")}]}}]}},
    }
    if events:
        bus = _sub(f"arn:${{AWS::Partition}}:events:us-east-1:{parent_account_id}:"
                   "event-bus/default")
        resources["ForwardRole"] = {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": FORWARD_ROLE,
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "forward-to-parent", "PolicyDocument": {
                "Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": "events:PutEvents", "Resource": bus}]}}]}}
        resources["ForwardRoute53Events"] = {"Type": "AWS::Events::Rule", "Properties": {
            "Description": "Route 53 zone creations and deletions to zonecut in the parent "
                           "account (needs a CloudTrail trail of management events)",
            "EventPattern": EVENT_PATTERN, "State": "ENABLED",
            "Targets": [{"Arn": bus, "Id": "zonecut-parent",
                         "RoleArn": {"Fn::GetAtt": ["ForwardRole", "Arn"]}}]}}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "zonecut self-service delegation: what a consumer account needs "
                       "(deploy in us-east-1)",
        "Resources": resources,
        "Outputs": {"ReadRoleArn": {"Value": {"Fn::GetAtt": ["ReadZones", "Arn"]}}},
    }


def registry_policy(ssm_prefix: str, parent_parameter: str | None = None) -> dict[str, Any]:
    """What the handlers do in the registry account: read, write and delete the published
    documents (``GetParameter``, ``PutParameter``, ``DeleteParameter`` under the prefix,
    never a listing), and read the parent zone's own document when it is elsewhere."""
    base = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/"
    statements: list[dict[str, Any]] = [
        {"Sid": "PublishZones", "Effect": "Allow",
         "Action": ["ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter"],
         "Resource": _sub(base + ssm_prefix.strip("/") + "/*")}]
    prefix = ssm_prefix.rstrip("/") + "/"
    if parent_parameter is not None and not parent_parameter.startswith(prefix):
        statements.append({"Sid": "ReadParentDocument", "Effect": "Allow",
                           "Action": "ssm:GetParameter",
                           "Resource": _sub(base + parent_parameter.lstrip("/"))})
    return {"Version": "2012-10-17", "Statement": statements}


def registry_template(parent_account_id: str, role_path: str, role_name: str,
                      ssm_prefix: str, parent_parameter: str | None = None) -> dict[str, Any]:
    """The registry account's side of ``--ssm-role-arn``: the role the handlers assume
    there (``role_path``/``role_name``, the ARN's), trusting only ``zonecut-lambda`` of the
    parent's account, allowed :func:`registry_policy`."""
    function_role = _sub(f"arn:${{AWS::Partition}}:iam::{parent_account_id}:role/"
                         f"{FUNCTION_ROLE}")
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "zonecut self-service delegation: the role its functions publish "
                       "zone documents through (deploy in the registry account, in the "
                       "SSM handoff region, us-east-1 by default)",
        "Resources": {"PublishRole": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": role_name, "Path": role_path or "/",
            "Description": "zonecut's Lambda functions publish delegated zones' documents "
                           f"under {ssm_prefix}",
            "MaxSessionDuration": 3600,
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": function_role},
                "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "zonecut-publish-zones",
                          "PolicyDocument": registry_policy(ssm_prefix, parent_parameter)}]}}},
        "Outputs": {"PublishRoleArn": {"Value": {"Fn::GetAtt": ["PublishRole", "Arn"]}}},
    }

"""Checking a generated policy against the calls the handlers really make: one full
cycle of both handlers (custom resource Create and Delete, an event's create and
delete), each request with its own counted ParentZone, and the template's Fn::Sub
filled in so that the evaluator of tests/iam can judge each call."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from child_support import DEV
from cloudformation_side import CloudFormation
from lambda_events import create_hosted_zone, delete_hosted_zone
from lambda_support import Responses, child_zone, delete_zone

from zonecut.aws_lambda import events
from zonecut.aws_lambda.delegation import ParentZone
from zonecut.aws_lambda.settings import Settings
from zonecut.sandbox import Sandbox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "iam"))
from iam_evaluator import Request, batch_request, decide

__all__ = ["Request", "batch_request", "calls_of_a_cycle", "decide", "statements_in"]


def resolved(value: Any, account: str) -> list[str]:
    """A policy's Resource with the template's Fn::Sub filled in for ``account``."""
    listed = value if isinstance(value, list) else [value]
    out = []
    for item in listed:
        text = item["Fn::Sub"] if isinstance(item, dict) else item
        out.append(text.replace("${AWS::Partition}", "aws").replace(
            "${AWS::Region}", "us-east-1").replace("${AWS::AccountId}", account))
    return out


def statements_in(policy: dict[str, Any], account: str) -> list[dict[str, Any]]:
    return [{**s, "Resource": resolved(s["Resource"], account)} for s in policy["Statement"]
            if s["Sid"] != "Logs"]


def calls_of_a_cycle(fresh_sandbox: Sandbox, env: dict[str, str], responses: Responses,
                     cfn: CloudFormation) -> dict[tuple[str, str], int]:
    """Every call of a custom resource Create and Delete and of an event's create and
    delete, each request with its own ParentZone; the calls per (account, operation)."""
    calls: dict[tuple[str, str], int] = {}

    def run(send: Any) -> Any:
        asked = ParentZone(Settings.from_env(env))
        done = send(asked)
        for key, n in asked.counter.snapshot().items():
            calls[key] = calls.get(key, 0) + n
        return done

    _, servers = child_zone(fresh_sandbox, "api.dev.example.com")
    props = {"ZoneName": "api.dev.example.com", "NameServers": servers}
    made = run(lambda p: cfn.send(cfn.event("Create", DEV, responses.url("c"), props),
                                  None, parent=p))
    assert made["Status"] == "SUCCESS", made["Reason"]
    gone = run(lambda p: cfn.send(cfn.event("Delete", DEV, responses.url("d"), props,
                                            physical_id=made["PhysicalResourceId"]),
                                  None, parent=p))
    assert gone["Data"]["Outcome"] == "removed"
    zid, web = child_zone(fresh_sandbox, "web.dev.example.com")
    event = create_hosted_zone(DEV, "web.dev.example.com", zid, web)
    assert run(lambda p: events.handler(event, None, parent=p))["status"] == "delegated"
    delete_zone(fresh_sandbox, zid)
    assert run(lambda p: events.handler(delete_hosted_zone(DEV, zid), None,
                                        parent=p))["status"] == "removed"
    return calls

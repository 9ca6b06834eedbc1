"""Both handlers driven through every call boundary, as tests/core/crash.py drives apply:
the run is stopped before AWS request k+1 (for every k) by a kill (``Crash``: nothing
answers), by an AccessDenied answer for every request from k+1 on, or by the Lambda
deadline passing there; then what follows in AWS happens (CloudFormation's rollback
Delete, a retried stack delete, the event redelivered) and the zone is deleted.

After every request, and at the end, no NS rrset in any parent points at servers that
do not serve the named zone (``crash.dangling``), and at the end the parent zone and the
SSM parameters are as they were before.

The AccessDenied answers are made on this side of the wire, in botocore's
``before-send`` (the sandbox, like moto, does not enforce IAM policies, so it cannot
refuse an ``ssm:PutParameter``)."""

from __future__ import annotations

import itertools
import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from child_support import DEV
from cloudformation_side import REGION, CloudFormation
from lambda_events import create_hosted_zone, delete_hosted_zone
from lambda_support import (
    Context,
    Responses,
    child_zone,
    delegation,
    delete_zone,
    servers_of,
    snapshot,
)

from zonecut.aws_lambda import custom_resource as cr
from zonecut.aws_lambda import events
from zonecut.aws_lambda.delegation import ParentZone
from zonecut.aws_lambda.settings import Settings
from zonecut.sandbox import Sandbox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "core"))
from crash import Crash, dangling

MODES = ("crash", "denied", "deadline")


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self.data


def denied(service: str) -> AWSResponse:
    """AWS's AccessDenied answer, in the service's own wire format."""
    if service == "route53":
        body = (b'<?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/'
                b'doc/2013-04-01/"><Error><Type>Sender</Type><Code>AccessDenied</Code>'
                b"<Message>User is not authorized to perform this action</Message></Error>"
                b"<RequestId>injected</RequestId></ErrorResponse>")
        return AWSResponse("https://route53.amazonaws.com", 403,
                           {"Content-Type": "text/xml"}, _Body(body))
    body = json.dumps({"__type": "AccessDeniedException",
                       "message": "User is not authorized to perform this action"}).encode()
    return AWSResponse(f"https://{service}.amazonaws.com", 400,
                       {"Content-Type": "application/x-amz-json-1.1"}, _Body(body))


class Arm:
    """Counts a handler's AWS requests (Route 53 and SSM, every account) and stops the
    run before request ``limit + 1`` the way ``mode`` says."""

    def __init__(self, parent: ParentZone, context: Context, mode: str,
                 limit: int | None, *, check: bool = True) -> None:
        self.context, self.mode, self.limit, self.check = context, mode, limit, check
        self.sent = 0
        self.violations: list[str] = []
        self.lock = threading.Lock()
        for client in (parent.r53.client, parent.ssm.client, parent.reader(DEV).client,
                       parent.stacks(DEV, REGION).client):
            client.meta.events.register_first("before-send", self.before_send)
            client.meta.events.register("after-call", self.after_call)

    def before_send(self, event_name: str = "", **kwargs: Any) -> AWSResponse | None:
        with self.lock:
            if self.limit is not None and self.sent >= self.limit:
                if self.mode == "crash":
                    raise Crash()
                if self.mode == "denied":
                    return denied(event_name.split(".")[1])
                self.context.expire()
            self.sent += 1
        return None

    def after_call(self, **kwargs: Any) -> None:
        if self.check:
            self.violations.extend(dangling())


def armed(env: dict[str, str], mode: str, limit: int | None, *, check: bool = True
          ) -> tuple[ParentZone, Context, Arm]:
    parent = ParentZone(Settings.from_env(env))
    context = Context()
    return parent, context, Arm(parent, context, mode, limit, check=check)


def stack(cfn: CloudFormation, request: str, url: str, servers: list[str], **extra: Any
          ) -> dict[str, Any]:
    return cfn.event(request, DEV, url, {"ZoneName": "dev.example.com",
                                         "NameServers": servers}, **extra)


def run_cr(cfn: CloudFormation, event: dict[str, Any], env: dict[str, str], mode: str,
           limit: int | None) -> tuple[dict[str, Any] | None, Arm]:
    cfn.sending(event)
    parent, context, arm = armed(env, mode, limit)
    try:
        sent = cr.handler(event, context, parent=parent)
    except Crash:
        cfn.answered(event, None)
        return None, arm  # killed: CloudFormation gets no answer
    cfn.answered(event, sent)
    return sent, arm


def boundaries(measure: Any) -> range:
    """0..N, N the requests of an undisturbed run."""
    total = measure()
    assert total > 3
    return range(total + 1)


# -- the custom resource -----------------------------------------------------------------
@pytest.mark.parametrize("mode", MODES)
def test_custom_resource_create_stopped_after_every_call_then_rolled_back(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses, mode: str,
        cfn: CloudFormation) -> None:
    before = snapshot(fresh_sandbox)

    def measure() -> int:
        zid, servers = child_zone(fresh_sandbox, "dev.example.com", reference="measure")
        sent, arm = run_cr(cfn, stack(cfn, "Create", responses.url("m"), servers), parent,
                           mode, None)
        assert sent is not None and sent["Status"] == "SUCCESS", sent
        cfn.send(stack(cfn, "Delete", responses.url("m"), servers,
                         physical_id=sent["PhysicalResourceId"]), Context(), environ=parent)
        delete_zone(fresh_sandbox, zid)
        return arm.sent

    outcomes = []
    for k in boundaries(measure):
        zid, servers = child_zone(fresh_sandbox, "dev.example.com", reference=f"k{k}")
        create = stack(cfn, "Create", responses.url(f"c{k}"), servers)
        sent, arm = run_cr(cfn, create, parent, mode, k)
        assert arm.violations == [], (k, arm.violations)
        assert dangling() == [], k
        # the stack rolls back (or, after a success, is deleted): Delete with the id
        # answered, or with a placeholder when nothing was answered; then the zone goes
        physical = sent["PhysicalResourceId"] if sent else f"zonecut-failed-{create['RequestId']}"
        outcomes.append((k, sent["Status"] if sent else "no answer", physical.split(":")[0]))
        rollback = cfn.send(stack(cfn, "Delete", responses.url(f"d{k}"), servers,
                                    physical_id=physical), Context(), environ=parent)
        assert rollback["Status"] == "SUCCESS", (k, rollback)
        delete_zone(fresh_sandbox, zid)
        assert dangling() == [], k
        assert snapshot(fresh_sandbox) == before, k
    assert outcomes[-1][1] == "SUCCESS"
    if mode != "crash":  # a failure after the first write names the real id
        assert any(status == "FAILED" and prefix == "zonecut" for _, status, prefix in outcomes)


@pytest.mark.parametrize("mode", MODES)
def test_custom_resource_delete_stopped_after_every_call_then_retried(
        fresh_sandbox: Sandbox, parent: dict[str, str], responses: Responses, mode: str,
        cfn: CloudFormation) -> None:
    before = snapshot(fresh_sandbox)

    def setup(tag: str) -> tuple[str, list[str], str]:
        zid, servers = child_zone(fresh_sandbox, "dev.example.com", reference=tag)
        made = cfn.send(stack(cfn, "Create", responses.url(tag), servers), Context(),
                          environ=parent)
        assert made["Status"] == "SUCCESS"
        return zid, servers, str(made["PhysicalResourceId"])

    def measure() -> int:
        zid, servers, physical = setup("measure")
        sent, arm = run_cr(cfn, stack(cfn, "Delete", responses.url("m"), servers,
                                 physical_id=physical), parent, mode, None)
        assert sent is not None and sent["Data"]["Outcome"] == "removed"
        delete_zone(fresh_sandbox, zid)
        return arm.sent

    for k in boundaries(measure):
        zid, servers, physical = setup(f"k{k}")
        delete = stack(cfn, "Delete", responses.url(f"d{k}"), servers, physical_id=physical)
        sent, arm = run_cr(cfn, delete, parent, mode, k)
        assert arm.violations == [], (k, arm.violations)
        if sent is None or sent["Status"] == "FAILED":
            # the stack stops in DELETE_FAILED with its zone; deleting it again retries
            assert dangling() == [], k
            again = cfn.send(stack(cfn, "Delete", responses.url(f"r{k}"), servers,
                                     physical_id=physical), Context(), environ=parent)
            assert again["Status"] == "SUCCESS", (k, again)
        delete_zone(fresh_sandbox, zid)
        assert dangling() == [], k
        assert snapshot(fresh_sandbox) == before, k


# -- the EventBridge handler -------------------------------------------------------------
NAME = "api.dev.example.com"


def run_event(event: dict[str, Any], env: dict[str, str], mode: str, limit: int | None,
              *, check: bool = True) -> tuple[dict[str, str] | None, Arm]:
    parent, context, arm = armed(env, mode, limit, check=check)
    try:
        return events.handler(event, context, parent=parent), arm
    except Crash:
        return None, arm
    except Exception:
        return None, arm  # the invocation failed: Lambda retries it, EventBridge redelivers


@pytest.mark.parametrize("mode", MODES)
def test_events_stopped_after_every_call_then_redelivered(
        fresh_sandbox: Sandbox, parent: dict[str, str], mode: str) -> None:
    before = snapshot(fresh_sandbox)

    def measure() -> tuple[int, int]:
        zid, servers = child_zone(fresh_sandbox, NAME, reference="measure")
        done, create = run_event(create_hosted_zone(DEV, NAME, zid, servers), parent, mode,
                                 None)
        assert done is not None and done["status"] == "delegated"
        delete_zone(fresh_sandbox, zid)
        gone, remove = run_event(delete_hosted_zone(DEV, zid), parent, mode, None,
                                 check=False)
        assert gone is not None and gone["status"] == "removed"
        return create.sent, remove.sent

    creates, removes = measure()
    for k in range(max(creates, removes) + 1):
        zid, servers = child_zone(fresh_sandbox, NAME, reference=f"k{k}")
        create = create_hosted_zone(DEV, NAME, zid, servers)
        _, arm = run_event(create, parent, mode, min(k, creates))
        assert arm.violations == [], (k, arm.violations)
        again = events.handler(create, Context(), environ=parent)  # redelivered
        assert again["status"] in ("delegated", "unchanged"), (k, again)
        assert servers_of(delegation(fresh_sandbox, NAME)) == servers
        delete_zone(fresh_sandbox, zid)
        # while the zone is gone and the Delete event not yet handled, the parent lags:
        # that is the event path's nature; it ends when the event is handled
        delete = delete_hosted_zone(DEV, zid)
        run_event(delete, parent, mode, min(k, removes), check=False)
        last = events.handler(delete, Context(), environ=parent)  # redelivered
        assert last["status"] in ("removed", "gone", "ignored"), (k, last)
        assert dangling() == [], k
        assert snapshot(fresh_sandbox) == before, k


def test_events_twice_and_in_every_order_never_dangle(
        fresh_sandbox: Sandbox, parent: dict[str, str]) -> None:
    """Zone Z1 made and deleted, then Z2 made with the same name; their three events, one
    of them twice, delivered in every order once Z2 exists."""
    before = snapshot(fresh_sandbox)
    orders = sorted(set(itertools.permutations(["c1", "c1", "d1", "c2"])))
    for number, order in enumerate(orders):
        name = f"o{number}.dev.example.com"
        z1, s1 = child_zone(fresh_sandbox, name, reference=f"one-{name}")
        delete_zone(fresh_sandbox, z1)
        z2, s2 = child_zone(fresh_sandbox, name, reference=f"two-{name}")
        deliveries = {"c1": create_hosted_zone(DEV, name, z1, s1),
                      "d1": delete_hosted_zone(DEV, z1),
                      "c2": create_hosted_zone(DEV, name, z2, s2)}
        for step in order:
            events.handler(deliveries[step], Context(), environ=parent)
            assert dangling() == [], (order, step)
        assert servers_of(delegation(fresh_sandbox, name)) == s2, order
        delete_zone(fresh_sandbox, z2)
        assert events.handler(delete_hosted_zone(DEV, z2), Context(),
                              environ=parent)["status"] == "removed"
        assert snapshot(fresh_sandbox) == before, order
    assert len(orders) == 12

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
refuse an ``ssm:PutParameter``).

Cost: the module shares one sandbox state (reset once), one parent zone and one
credentials cache (``SessionFactory``, as a warm Lambda container keeps it); each test
works on names of its own below dev.example.com and its own stack, and checks that it
leaves the parent as it found it. Every handler run still gets fresh AWS clients, so
each run's requests are counted and stopped on their own."""

from __future__ import annotations

import itertools
import json
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
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
    make_parent,
    servers_of,
    snapshot,
)

from zonecut.aws.sessions import SessionFactory
from zonecut.aws_lambda import custom_resource as cr
from zonecut.aws_lambda import events
from zonecut.aws_lambda.delegation import ParentZone
from zonecut.aws_lambda.settings import Settings
from zonecut.sandbox import Sandbox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "core"))
from crash import Crash, dangling

MODES = ("crash", "denied", "deadline")


@dataclass
class World:
    sandbox: Sandbox
    env: dict[str, str]
    settings: Settings
    factory: SessionFactory
    cfn: CloudFormation
    responses: Responses

    def parent(self) -> ParentZone:
        """A request's view of the parent: fresh clients, the shared credentials."""
        return ParentZone(self.settings, self.factory)


@pytest.fixture(scope="module")
def world(sandbox: Sandbox) -> Iterator[World]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.delenv("AWS_PROFILE", raising=False)
        sandbox.reset()
        env = make_parent(sandbox)
        settings = Settings.from_env(env)
        responses = Responses()
        yield World(sandbox, env, settings, settings.factory(), CloudFormation(sandbox),
                    responses)
        responses.close()


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
                 limit: int | None, *, check: bool = True, stacks: bool = True) -> None:
        self.context, self.mode, self.limit, self.check = context, mode, limit, check
        self.sent = 0
        self.violations: list[str] = []
        self.lock = threading.Lock()
        clients = [parent.r53.client, parent.ssm.client, parent.reader(DEV).client]
        if stacks:  # the custom resource's (the event handler makes no CloudFormation call)
            clients.append(parent.stacks(DEV, REGION).client)
        for client in clients:
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


def armed(w: World, mode: str, limit: int | None, *, check: bool = True,
          stacks: bool = True) -> tuple[ParentZone, Context, Arm]:
    parent = w.parent()
    context = Context()
    return parent, context, Arm(parent, context, mode, limit, check=check, stacks=stacks)


def stack(w: World, tag: str, request: str, servers: list[str], **extra: Any
          ) -> dict[str, Any]:
    """A request of stack ``tag`` for ``tag``.dev.example.com."""
    return w.cfn.event(request, DEV, w.responses.url(tag),
                       {"ZoneName": f"{tag}.dev.example.com", "NameServers": servers},
                       stack=tag, **extra)


def send(w: World, event: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation sends ``event``; the handler runs undisturbed."""
    return w.cfn.send(event, Context(), parent=w.parent())


def run_cr(w: World, event: dict[str, Any], mode: str, limit: int | None
           ) -> tuple[dict[str, Any] | None, Arm]:
    w.cfn.sending(event)
    parent, context, arm = armed(w, mode, limit)
    try:
        sent = cr.handler(event, context, parent=parent)
    except Crash:
        w.cfn.answered(event, None)
        return None, arm  # killed: CloudFormation gets no answer
    w.cfn.answered(event, sent)
    return sent, arm


def boundaries(measure: Any) -> range:
    """0..N, N the requests of an undisturbed run."""
    total = measure()
    assert total > 3
    return range(total + 1)


# -- the custom resource -----------------------------------------------------------------
@pytest.mark.parametrize("mode", MODES)
def test_custom_resource_create_stopped_after_every_call_then_rolled_back(
        world: World, mode: str) -> None:
    w, tag = world, f"create-{mode}"
    name = f"{tag}.dev.example.com"
    before = snapshot(w.sandbox)

    def measure() -> int:
        zid, servers = child_zone(w.sandbox, name, reference=f"{tag}-measure")
        sent, arm = run_cr(w, stack(w, tag, "Create", servers), mode, None)
        assert sent is not None and sent["Status"] == "SUCCESS", sent
        send(w, stack(w, tag, "Delete", servers, physical_id=sent["PhysicalResourceId"]))
        delete_zone(w.sandbox, zid)
        return arm.sent

    outcomes = []
    for k in boundaries(measure):
        zid, servers = child_zone(w.sandbox, name, reference=f"{tag}-k{k}")
        create = stack(w, tag, "Create", servers)
        sent, arm = run_cr(w, create, mode, k)
        assert arm.violations == [], (k, arm.violations)
        assert dangling() == [], k
        # the stack rolls back (or, after a success, is deleted): Delete with the id
        # answered, or with a placeholder when nothing was answered; then the zone goes
        physical = sent["PhysicalResourceId"] if sent else f"zonecut-failed-{create['RequestId']}"
        outcomes.append((k, sent["Status"] if sent else "no answer", physical.split(":")[0]))
        rollback = send(w, stack(w, tag, "Delete", servers, physical_id=physical))
        assert rollback["Status"] == "SUCCESS", (k, rollback)
        delete_zone(w.sandbox, zid)
        assert dangling() == [], k
        assert snapshot(w.sandbox) == before, k
    assert outcomes[-1][1] == "SUCCESS"
    if mode != "crash":  # a failure after the first write names the real id
        assert any(status == "FAILED" and prefix == "zonecut" for _, status, prefix in outcomes)


@pytest.mark.parametrize("mode", MODES)
def test_custom_resource_delete_stopped_after_every_call_then_retried(
        world: World, mode: str) -> None:
    w, tag = world, f"delete-{mode}"
    name = f"{tag}.dev.example.com"
    before = snapshot(w.sandbox)

    def setup(ref: str) -> tuple[str, list[str], str]:
        zid, servers = child_zone(w.sandbox, name, reference=f"{tag}-{ref}")
        made = send(w, stack(w, tag, "Create", servers))
        assert made["Status"] == "SUCCESS"
        return zid, servers, str(made["PhysicalResourceId"])

    def measure() -> int:
        zid, servers, physical = setup("measure")
        sent, arm = run_cr(w, stack(w, tag, "Delete", servers, physical_id=physical), mode,
                           None)
        assert sent is not None and sent["Data"]["Outcome"] == "removed"
        delete_zone(w.sandbox, zid)
        return arm.sent

    for k in boundaries(measure):
        zid, servers, physical = setup(f"k{k}")
        delete = stack(w, tag, "Delete", servers, physical_id=physical)
        sent, arm = run_cr(w, delete, mode, k)
        assert arm.violations == [], (k, arm.violations)
        if sent is None or sent["Status"] == "FAILED":
            # the stack stops in DELETE_FAILED with its zone; deleting it again retries
            assert dangling() == [], k
            again = send(w, stack(w, tag, "Delete", servers, physical_id=physical))
            assert again["Status"] == "SUCCESS", (k, again)
        delete_zone(w.sandbox, zid)
        assert dangling() == [], k
        assert snapshot(w.sandbox) == before, k


# -- the EventBridge handler -------------------------------------------------------------
def event(w: World, body: dict[str, Any]) -> dict[str, str]:
    """An event handled undisturbed (delivered again, or the next one)."""
    return events.handler(body, Context(), parent=w.parent())


def run_event(w: World, body: dict[str, Any], mode: str, limit: int | None,
              *, check: bool = True) -> tuple[dict[str, str] | None, Arm]:
    parent, context, arm = armed(w, mode, limit, check=check, stacks=False)
    try:
        return events.handler(body, context, parent=parent), arm
    except Crash:
        return None, arm
    except Exception:
        return None, arm  # the invocation failed: Lambda retries it, EventBridge redelivers


@pytest.mark.parametrize("mode", MODES)
def test_events_stopped_after_every_call_then_redelivered(world: World, mode: str) -> None:
    w, name = world, f"events-{mode}.dev.example.com"
    before = snapshot(w.sandbox)

    def measure() -> tuple[int, int]:
        zid, servers = child_zone(w.sandbox, name, reference=f"{name}-measure")
        done, create = run_event(w, create_hosted_zone(DEV, name, zid, servers), mode, None)
        assert done is not None and done["status"] == "delegated"
        delete_zone(w.sandbox, zid)
        gone, remove = run_event(w, delete_hosted_zone(DEV, zid), mode, None, check=False)
        assert gone is not None and gone["status"] == "removed"
        return create.sent, remove.sent

    creates, removes = measure()
    for k in range(max(creates, removes) + 1):
        zid, servers = child_zone(w.sandbox, name, reference=f"{name}-k{k}")
        create = create_hosted_zone(DEV, name, zid, servers)
        _, arm = run_event(w, create, mode, min(k, creates))
        assert arm.violations == [], (k, arm.violations)
        again = event(w, create)  # redelivered
        assert again["status"] in ("delegated", "unchanged"), (k, again)
        assert servers_of(delegation(w.sandbox, name)) == servers
        delete_zone(w.sandbox, zid)
        # while the zone is gone and the Delete event not yet handled, the parent lags:
        # that is the event path's nature; it ends when the event is handled
        delete = delete_hosted_zone(DEV, zid)
        run_event(w, delete, mode, min(k, removes), check=False)
        last = event(w, delete)  # redelivered
        assert last["status"] in ("removed", "gone", "ignored"), (k, last)
        assert dangling() == [], k
        assert snapshot(w.sandbox) == before, k


def test_events_twice_and_in_every_order_never_dangle(world: World) -> None:
    """Zone Z1 made and deleted, then Z2 made with the same name; their three events, one
    of them twice, delivered in every order once Z2 exists."""
    w = world
    before = snapshot(w.sandbox)
    orders = sorted(set(itertools.permutations(["c1", "c1", "d1", "c2"])))
    for number, order in enumerate(orders):
        name = f"o{number}.dev.example.com"
        z1, s1 = child_zone(w.sandbox, name, reference=f"one-{name}")
        delete_zone(w.sandbox, z1)
        z2, s2 = child_zone(w.sandbox, name, reference=f"two-{name}")
        deliveries = {"c1": create_hosted_zone(DEV, name, z1, s1),
                      "d1": delete_hosted_zone(DEV, z1),
                      "c2": create_hosted_zone(DEV, name, z2, s2)}
        for step in order:
            event(w, deliveries[step])
            assert dangling() == [], (order, step)
        assert servers_of(delegation(w.sandbox, name)) == s2, order
        delete_zone(w.sandbox, z2)
        assert event(w, delete_hosted_zone(DEV, z2))["status"] == "removed"
        assert snapshot(w.sandbox) == before, order
    assert len(orders) == 12

"""A CloudFormation custom resource a child account's stack uses to delegate its zone.

Properties: ``ZoneName`` and ``NameServers`` (the child zone's), optionally ``TTL``.
The requesting account is the one in ``StackId``. The physical id
(``zonecut:PARENT_ZONE_ID:NAME``) is stable for a name: renaming the zone in an update
gives a new id, and the update removes the old NS rrset itself (CloudFormation's later
Delete of the old id then finds it gone, and succeeds). Delete removes exactly the NS
rrset this resource made, and succeeds when it is gone already.

The response goes to the pre-signed ``ResponseURL`` through a sender (``urllib`` by
default; tests pass their own, or a local server's URL).
"""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from zonecut import names
from zonecut.aws_lambda.delegation import Outcome, ParentZone
from zonecut.aws_lambda.settings import Settings
from zonecut.errors import ZonecutError

log = logging.getLogger("zonecut.aws_lambda")

Sender = Callable[[str, bytes], None]
PREFIX = "zonecut"
MAX_REASON = 3000


def urllib_sender(url: str, body: bytes) -> None:
    """PUT the response to CloudFormation's pre-signed S3 URL."""
    request = urllib.request.Request(url, data=body, method="PUT", headers={
        "Content-Type": "", "Content-Length": str(len(body))})
    with urllib.request.urlopen(request, timeout=30) as reply:
        reply.read()


def physical_id(zone_id: str, name: str) -> str:
    return f"{PREFIX}:{zone_id}:{name}"


def parse_physical_id(value: str) -> tuple[str, str] | None:
    parts = value.split(":")
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    return parts[1], parts[2]


def stack_account(event: Mapping[str, Any]) -> str:
    """The account of the requesting stack (``arn:aws:cloudformation:REGION:ACCOUNT:...``)."""
    parts = str(event.get("StackId", "")).split(":")
    return parts[4] if len(parts) > 5 else ""


class BadRequest(ZonecutError):
    """Properties that cannot describe a delegation."""


def _properties(props: Mapping[str, Any]) -> tuple[str, tuple[str, ...], int | None]:
    raw = props.get("ZoneName")
    if not isinstance(raw, str) or not raw:
        raise BadRequest("the property ZoneName is required")
    try:
        name = names.canonical(raw)
    except names.InvalidName as exc:
        raise BadRequest(f"ZoneName: {exc}") from None
    servers = props.get("NameServers")
    if not isinstance(servers, list) or not servers:
        raise BadRequest("the property NameServers is required (the child zone's name servers)")
    try:
        wanted = tuple(sorted(names.canonical(str(s)) for s in servers))
    except names.InvalidName as exc:
        raise BadRequest(f"NameServers: {exc}") from None
    ttl_text = props.get("TTL")
    ttl = None
    if ttl_text not in (None, ""):
        try:
            ttl = int(str(ttl_text))
        except ValueError:
            raise BadRequest(f"TTL {ttl_text!r} is not a whole number") from None
        if not 1 <= ttl <= 2_147_483_647:
            raise BadRequest(f"TTL {ttl} is out of range")
    return name, wanted, ttl


def handle(event: Mapping[str, Any], parent: ParentZone) -> tuple[Outcome, str]:
    """Process one request; returns the outcome and the physical id to report."""
    request = str(event.get("RequestType", ""))
    account = stack_account(event)
    zone_id = parent.settings.parent_zone_id
    current_id = str(event.get("PhysicalResourceId", ""))
    if request == "Delete":
        parsed = parse_physical_id(current_id)
        if parsed is None or parsed[0] != zone_id:
            # never created (a failed Create), or made by another deployment
            return Outcome("gone", "", "nothing of this resource exists here"), current_id
        try:
            _, servers, _ = _properties(event.get("ResourceProperties", {}))
        except BadRequest:
            servers = ()
        return parent.remove(account, parsed[1], servers), current_id
    name, servers, ttl = _properties(event.get("ResourceProperties", {}))
    new_id = physical_id(zone_id, name)
    if request == "Create":
        outcome = parent.delegate(account, name, servers, ttl)
        # a refused Create gets an id that is not ours: its Delete then changes nothing
        return outcome, (f"{PREFIX}-refused-{event.get('RequestId', '')}" if outcome.refused
                         else new_id)
    if request == "Update":
        old = parse_physical_id(current_id)
        outcome = parent.delegate(account, name, servers, ttl)
        if outcome.refused or old is None or old[0] != zone_id or old[1] == name:
            return outcome, new_id if not outcome.refused else current_id
        try:
            _, old_servers, _ = _properties(event.get("OldResourceProperties", {}))
        except BadRequest:
            old_servers = ()
        removed = parent.remove(account, old[1], old_servers)
        return Outcome(outcome.status, name, f"{outcome.reason}; old {old[1]}: "
                       f"{removed.status} ({removed.reason})"), new_id
    raise BadRequest(f"unknown RequestType {request!r}")


def handler(event: Mapping[str, Any], context: Any = None, *,
            environ: Mapping[str, str] | None = None, sender: Sender | None = None,
            parent: ParentZone | None = None) -> dict[str, Any]:
    """The Lambda entry point. Always answers CloudFormation (else the stack hangs for an
    hour); returns the response it sent."""
    send = sender or urllib_sender
    physical = str(event.get("PhysicalResourceId") or
                   f"{PREFIX}-failed-{event.get('RequestId', 'unknown')}")
    try:
        parent = parent or ParentZone(Settings.from_env(os.environ if environ is None
                                                        else environ))
        outcome, physical = handle(event, parent)
        status = "FAILED" if outcome.refused else "SUCCESS"
        reason = outcome.reason if outcome.refused else f"{outcome.status}: {outcome.reason}"
        data = {"ZoneName": outcome.name, "Outcome": outcome.status}
    except ZonecutError as exc:
        log.warning("refused: %s", exc)
        status, reason, data = "FAILED", str(exc), {}
    except Exception as exc:  # answer CloudFormation whatever happened
        log.exception("custom resource failed")
        status, reason, data = "FAILED", f"{type(exc).__name__}: {exc}", {}
    response = {
        "Status": status,
        "Reason": reason[:MAX_REASON],
        "PhysicalResourceId": physical,
        "StackId": event.get("StackId", ""),
        "RequestId": event.get("RequestId", ""),
        "LogicalResourceId": event.get("LogicalResourceId", ""),
        "NoEcho": False,
        "Data": data,
    }
    send(str(event.get("ResponseURL", "")), json.dumps(response).encode())
    return response

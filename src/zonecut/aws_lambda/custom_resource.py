"""A CloudFormation custom resource a child account's stack uses to delegate its zone.

Properties: ``ZoneName`` and ``NameServers`` (the child zone's), optionally ``TTL``.
The requesting account is the one in ``StackId``; the owner of what is written is the
stack and logical resource (see :mod:`zonecut.aws_lambda.delegation` for the rules). The
physical id (``zonecut:PARENT_ZONE_ID:NAME``, the zone written in) is stable for a name:
renaming the zone in
an update gives a new id; CloudFormation's cleanup then deletes the old id, which
removes the old NS rrset. Delete removes exactly the NS rrset this resource owns, and
succeeds when it is gone already.

CloudFormation's own: before anything is changed, the stack named by ``StackId`` is asked
(``DescribeStackResource`` in its account and region, through the read-only role)
whether its resource ``LogicalResourceId`` is waiting for this very request
(:mod:`zonecut.aws_lambda.stack_claim`); a request it is not waiting for (forged,
replayed, another stack's) changes nothing and answers FAILED.

Failure: a request that fails after writing anything answers FAILED with the real
physical id, so that CloudFormation's rollback Delete removes what was written (the
owner record says what); a request refused before writing answers with a placeholder
(``zonecut-refused-...``, ``zonecut-failed-...``), whose Delete changes nothing that this
stack does not own. The answer is always sent before the function's deadline.

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
from zonecut.aws_lambda import stack_claim
from zonecut.aws_lambda.deadline import Deadline
from zonecut.aws_lambda.delegation import ParentZone
from zonecut.aws_lambda.outcome import Claim, Outcome
from zonecut.aws_lambda.settings import Settings
from zonecut.aws_lambda.stack_claim import PREFIX as PREFIX
from zonecut.aws_lambda.stack_claim import parse_physical_id as parse_physical_id
from zonecut.aws_lambda.stack_claim import physical_id as physical_id
from zonecut.aws_lambda.stack_claim import stack_parts
from zonecut.errors import ZonecutError

log = logging.getLogger("zonecut.aws_lambda")

Sender = Callable[[str, bytes], None]
MAX_REASON = 3000


def urllib_sender(url: str, body: bytes, timeout: float = 30.0) -> None:
    """PUT the response to CloudFormation's pre-signed S3 URL."""
    request = urllib.request.Request(url, data=body, method="PUT", headers={
        "Content-Type": "", "Content-Length": str(len(body))})
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        reply.read()


def stack_account(event: Mapping[str, Any]) -> str:
    """The account of the requesting stack (``arn:aws:cloudformation:REGION:ACCOUNT:...``)."""
    parts = stack_parts(str(event.get("StackId", "")))
    return parts[1] if parts else ""


def not_cloudformations(event: Mapping[str, Any], parent: ParentZone) -> str | None:
    """Why the stack named in the request is not waiting for it (None: it is); read in
    the stack's account and region (:mod:`zonecut.aws_lambda.stack_claim`)."""
    stack = str(event.get("StackId", ""))
    parts = stack_parts(stack)
    if parts is None:
        return f"StackId {stack!r} is not a stack ARN"
    region, account = parts
    found = parent.stacks(account, region).stack_resource(
        stack, str(event.get("LogicalResourceId", "")))
    return stack_claim.refusal(event, found)


def party(event: Mapping[str, Any]) -> str:
    """The owner a stack's requests act for: the stack and the logical resource."""
    return f"{event.get('StackId', '')}|{event.get('LogicalResourceId', '')}"


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
        if ttl < 1:
            raise BadRequest(f"TTL {ttl} is out of range")
    return name, wanted, ttl


def _zone_name(props: Any) -> str | None:
    try:
        return names.canonical(str(props.get("ZoneName", ""))) if isinstance(props, dict) \
            else None
    except names.InvalidName:
        return None


def handle(event: Mapping[str, Any], parent: ParentZone) -> tuple[Outcome, str]:
    """Process one request; returns the outcome and the physical id to report."""
    request = str(event.get("RequestType", ""))
    account = stack_account(event)
    if not account:
        raise BadRequest(f"StackId {event.get('StackId', '')!r} names no account")
    pinned = parent.settings.parent_zone_id
    current_id = str(event.get("PhysicalResourceId", ""))
    request_id = str(event.get("RequestId", ""))
    if request == "Delete":
        parsed = parse_physical_id(current_id)
        if parsed is not None and pinned is not None and parsed[0] != pinned:
            return Outcome("gone", "", "made by another deployment"), current_id
        # without ZONECUT_PARENT_ZONE_ID the owner record says which zone to look in
        # a placeholder id (a Create that failed or was never answered): this stack may
        # still own the name's delegation, and only that is removed
        name = parsed[1] if parsed else _zone_name(event.get("ResourceProperties", {}))
        if name is None:
            return Outcome("gone", "", "nothing of this resource exists here"), current_id
        forged = not_cloudformations(event, parent)
        if forged:
            return parent.refuse(account, name, forged), current_id
        claim = Claim(account, name, "stack", party(event), request_id)
        return parent.remove_owned(claim), current_id
    if request not in ("Create", "Update"):
        raise BadRequest(f"unknown RequestType {request!r}")
    name, servers, ttl = _properties(event.get("ResourceProperties", {}))
    # the allow-list first (no read for an account it refuses), then CloudFormation
    refused = parent.refusal(account, name) or not_cloudformations(event, parent)
    outcome = parent.refuse(account, name, refused) if refused else parent.delegate(
        Claim(account, name, "stack", party(event), request_id, servers=servers, ttl=ttl))
    located = parent.parents.parent_zone_id(name)
    if not outcome.refused and located is not None:
        return outcome, physical_id(located, name)
    # refused before anything was written: an id that is not ours, so its Delete (or the
    # rollback of the Update) changes nothing
    return outcome, (f"{PREFIX}-refused-{request_id}" if request == "Create" else current_id)


def _intended_id(event: Mapping[str, Any], parent: ParentZone) -> str | None:
    if event.get("RequestType") not in ("Create", "Update"):
        return None
    name = _zone_name(event.get("ResourceProperties", {}))
    located = parent.parents.parent_zone_id(name) if name else None
    return physical_id(located, name) if name and located else None


def handler(event: Mapping[str, Any], context: Any = None, *,
            environ: Mapping[str, str] | None = None, sender: Sender | None = None,
            parent: ParentZone | None = None) -> dict[str, Any]:
    """The Lambda entry point. Always answers CloudFormation, before the deadline (else
    the stack hangs for an hour); returns the response it sent."""
    send = sender or _bounded(urllib_sender, context)
    physical = str(event.get("PhysicalResourceId") or
                   f"{PREFIX}-failed-{event.get('RequestId', 'unknown')}")
    try:
        if parent is None:
            settings = Settings.from_env(os.environ if environ is None else environ)
            parent = ParentZone(settings)
        parent.deadline = Deadline(context, reserve=parent.settings.answer_reserve)
        outcome, physical = handle(event, parent)
        status = "FAILED" if outcome.refused else "SUCCESS"
        reason = outcome.reason if outcome.refused else f"{outcome.status}: {outcome.reason}"
        data = {"ZoneName": outcome.name, "Outcome": outcome.status}
    except Exception as exc:  # answer CloudFormation whatever happened
        if isinstance(exc, ZonecutError):
            log.warning("failed: %s", exc)
        else:
            log.exception("custom resource failed")
        status, data = "FAILED", {}
        reason = str(exc) if isinstance(exc, ZonecutError) else f"{type(exc).__name__}: {exc}"
        intended = _intended_id(event, parent) if parent else None
        if parent is not None and parent.wrote and intended is not None:
            # own up: the rollback's Delete of this id removes what was written
            physical = intended
            reason += " (what was written is removed by the rollback)"
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


def _bounded(sender: Callable[[str, bytes, float], None], context: Any) -> Sender:
    """``sender`` with its timeout bounded by the function's time left."""
    def send(url: str, body: bytes) -> None:
        left = Deadline(context).left()
        sender(url, body, max(1.0, min(30.0, left - 0.5)))
    return send

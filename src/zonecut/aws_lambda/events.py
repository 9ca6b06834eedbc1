"""An EventBridge handler: Route 53 ``CreateHostedZone`` / ``DeleteHostedZone`` calls in
child accounts (CloudTrail events, forwarded to the parent's event bus) delegate and
undelegate the zone in the parent, within the allow-list.

CreateHostedZone: the event only *claims* a zone (its id, name and name servers); the
zone is read in the event's account through the read-only role, and the delegation
written is that zone's, owned by the event path with the zone's id (see
:mod:`zonecut.aws_lambda.delegation`). A redelivered event for a zone deleted since
changes nothing (``stale``). DeleteHostedZone names only the zone id: the owner record
maps it back to the name; the NS rrset is removed only once the zone is gone.

A failure raises (after the owner record was written, if it got that far): Lambda's
asynchronous retries, or the next event for the zone, finish the work.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from zonecut import names
from zonecut.aws_lambda.deadline import Deadline
from zonecut.aws_lambda.delegation import ParentZone
from zonecut.aws_lambda.outcome import Claim, Outcome
from zonecut.aws_lambda.settings import Settings
from zonecut.errors import ZonecutError

log = logging.getLogger("zonecut.aws_lambda")

DETAIL_TYPE = "AWS API Call via CloudTrail"


def _ignored(reason: str) -> Outcome:
    log.info("ignored: %s", reason)
    return Outcome("ignored", "", reason)


def handle(event: Mapping[str, Any], parent: ParentZone) -> Outcome:
    detail = event.get("detail")
    if event.get("detail-type") != DETAIL_TYPE or event.get("source") != "aws.route53" \
            or not isinstance(detail, dict) \
            or detail.get("eventSource") != "route53.amazonaws.com":
        return _ignored("not a Route 53 API call from CloudTrail")
    if detail.get("errorCode"):
        return _ignored(f"the call failed ({detail.get('errorCode')})")
    account = str(event.get("account", ""))
    recipient = str(detail.get("recipientAccountId", account))
    if recipient != account:
        return parent.refuse(account, "", f"the event names accounts {account} and {recipient}")
    request = detail.get("requestParameters") or {}
    response = detail.get("responseElements") or {}
    name_of_event = str(detail.get("eventName", ""))
    if name_of_event == "CreateHostedZone":
        if (request.get("hostedZoneConfig") or {}).get("privateZone"):
            return _ignored("a private hosted zone")
        try:
            name = names.canonical(str(request.get("name", "")))
        except names.InvalidName as exc:
            return parent.refuse(account, str(request.get("name", "")), str(exc))
        servers = (response.get("delegationSet") or {}).get("nameServers") or []
        zone_id = str((response.get("hostedZone") or {}).get("id", "")).removeprefix(
            "/hostedzone/")
        if not zone_id:
            return parent.refuse(account, name, "the event names no hosted zone id")
        try:
            claimed = tuple(sorted(names.canonical(str(s)) for s in servers))
        except names.InvalidName as exc:
            return parent.refuse(account, name, f"nameServers: {exc}")
        return parent.delegate(Claim(account, name, "event", zone_id,
                                     str(event.get("id", "")), zone_id=zone_id,
                                     servers=claimed))
    if name_of_event == "DeleteHostedZone":
        zone_id = str(request.get("id", "")).removeprefix("/hostedzone/")
        if not zone_id:
            return parent.refuse(account, "", "the event names no hosted zone id")
        return parent.remove_deleted(account, zone_id)
    return _ignored(f"{name_of_event} is not handled")


def handler(event: Mapping[str, Any], context: Any = None, *,
            environ: Mapping[str, str] | None = None,
            parent: ParentZone | None = None) -> dict[str, str]:
    """The Lambda entry point; returns what was done (also logged)."""
    try:
        parent = parent or ParentZone(Settings.from_env(os.environ if environ is None
                                                        else environ))
        parent.deadline = Deadline(context, reserve=parent.settings.answer_reserve)
        return handle(event, parent).data()
    except ZonecutError as exc:
        log.error("failed: %s", exc)
        raise

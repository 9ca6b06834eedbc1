"""An EventBridge handler: Route 53 ``CreateHostedZone`` / ``DeleteHostedZone`` calls in
child accounts (CloudTrail events, forwarded to the parent's event bus) delegate and
undelegate the zone in the parent, within the allow-list.

CreateHostedZone: the zone's name and name servers come from the event; the delegation
is recorded in SSM (``ZONECUT_SSM_PREFIX``) with the zone's id. DeleteHostedZone names
only the zone id: the record made at create time maps it back to the name, and exactly
the name servers written then are removed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from zonecut import names
from zonecut.aws_lambda.delegation import Outcome, ParentZone
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
        zone_id = str((response.get("hostedZone") or {}).get("id", "")) or None
        return parent.delegate(account, name, [str(s) for s in servers], zone_id=zone_id)
    if name_of_event == "DeleteHostedZone":
        zone_id = str(request.get("id", ""))
        recorded = parent.recorded(zone_id)
        if recorded is None:
            return _ignored(f"no delegation was recorded for hosted zone {zone_id}")
        if recorded.account_id != account:
            return parent.refuse(account, recorded.name,
                                 f"{recorded.name} was delegated to account "
                                 f"{recorded.account_id}")
        return parent.remove(account, recorded.name, recorded.name_servers)
    return _ignored(f"{name_of_event} is not handled")


def handler(event: Mapping[str, Any], context: Any = None, *,
            environ: Mapping[str, str] | None = None,
            parent: ParentZone | None = None) -> dict[str, str]:
    """The Lambda entry point; returns what was done (also logged)."""
    try:
        parent = parent or ParentZone(Settings.from_env(os.environ if environ is None
                                                        else environ))
        return handle(event, parent).data()
    except ZonecutError as exc:
        log.error("failed: %s", exc)
        raise

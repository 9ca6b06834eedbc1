"""The parent's own published document, checked before a handler delegates below it
(ZONECUT_PARENT_PARAMETER): read and judged by :mod:`zonecut.apply.handoff_read`, as
the CLI judges ``parent_from_ssm``."""

from __future__ import annotations

from collections.abc import Callable

from zonecut.apply.handoff_read import (
    HandoffError,
    ZoneDocument,
    check_against_zone,
    parent_account_of,
)
from zonecut.aws_lambda.settings import Settings
from zonecut.state import HostedZone


def problem(settings: Settings, child: str, text: str | None, parent: HostedZone,
            parent_zone: Callable[[], HostedZone | None]) -> str | None:
    """Why ``text`` (the parameter ``settings.parent_parameter``, None when it does not
    exist) does not describe ``parent``, the zone ``child`` is delegated in
    (ZONECUT_PARENT_ZONE_ID or the one found); None when it does. ``parent_zone`` reads
    that zone with its servers (None: it does not exist), only when needed."""
    access = settings.handoff_access()
    where = f"parameter {settings.parent_parameter} in account {access.account_id}"
    if text is None:
        return f"{child}: {where} does not exist; nothing was changed"
    try:
        document = ZoneDocument.from_json(text, where)
    except HandoffError as exc:
        return f"{child}: {exc}; nothing was changed"
    parent_account = settings.parent_account_id
    found = parent_account_of(
        document, where, child, declared={parent_account: parent_account},
        expected=parent_account,
        role_hint="ZONECUT_PARENT_ROLE_ARN",
        expected_label="ZONECUT_PARENT_ACCOUNT_ID").problem
    if found is None and document.zone_id != parent.zone_id:
        which = (f"ZONECUT_PARENT_ZONE_ID {parent.zone_id}" if settings.parent_zone_id
                 else f"{parent.zone_id}, the parent zone ({parent.name}) found in account "
                      f"{parent_account}")
        found = (f"{child}: {where} names zone {document.zone_id}, not {which}; nothing "
                 "was changed")
    if found is None:
        found = check_against_zone(document, where, child, parent_zone(),
                                   f"ZONECUT_PARENT_ACCOUNT_ID ({parent_account})")
    return found

"""The parent's account's hosted zones as one handler request sees them: each read once,
each name's parent zone found once (:mod:`zonecut.aws_lambda.parent_lookup`, or
ZONECUT_PARENT_ZONE_ID), and the zone an owner record says its NS rrset is in."""

from __future__ import annotations

from collections.abc import Callable

from zonecut import names
from zonecut.aws.errors import AwsError
from zonecut.aws.route53 import Route53Account
from zonecut.aws_lambda.ownership import Owner
from zonecut.aws_lambda.parent_lookup import find_parent
from zonecut.aws_lambda.settings import Settings
from zonecut.state import HostedZone


class ParentZones:
    """The parent's zones for one request (``r53``: the parent account's Route 53)."""

    def __init__(self, settings: Settings, r53: Callable[[], Route53Account]) -> None:
        self.settings = settings
        self._r53 = r53
        self._read: dict[str, HostedZone | None] = {}
        self._parents: dict[str, HostedZone | str] = {}

    def read_zone(self, zone_id: str) -> HostedZone | None:
        """A hosted zone of the parent's account with its servers (GetHostedZone, once a
        request); None when there is no such zone."""
        if zone_id not in self._read:
            try:
                self._read[zone_id] = self._r53().get_zone(zone_id)
            except AwsError as exc:
                if exc.code != "NoSuchHostedZone":
                    raise
                self._read[zone_id] = None
        return self._read[zone_id]

    def parent_for(self, child: str) -> HostedZone | str:
        """The zone ``child``'s delegation goes into, or why there is none: with
        ZONECUT_PARENT_ZONE_ID that zone (``child`` must be below it), else the lookup of
        :mod:`~zonecut.aws_lambda.parent_lookup`. Once a request per name."""
        found = self._parents.get(child)
        if found is None:
            pinned = self.settings.parent_zone_id
            if pinned is None:
                found = find_parent(child, self.settings.parent_account_id, lambda name:
                                    self._r53().find_zones(name, include_private=True))
            else:
                # GetHostedZone raises when the zone is gone, as it always did
                zone = self._read.get(pinned) or self._r53().get_zone(pinned)
                self._read[pinned] = zone
                if zone.private:
                    found = (f"ZONECUT_PARENT_ZONE_ID {pinned} is a private hosted zone "
                             f"({zone.name}): a delegation resolvers follow goes into a "
                             "public zone; nothing was changed")
                elif names.is_below(child, zone.name):
                    found = zone
                else:
                    found = f"{child} is not below the parent zone {zone.name}"
            self._parents[child] = found
        return found

    def parent_zone_id(self, child: str) -> str | None:
        """The id of the parent zone found for ``child`` in this request (None: none)."""
        found = self._parents.get(child)
        return found.zone_id if isinstance(found, HostedZone) else None

    def recorded(self, held: Owner) -> HostedZone | str:
        """Where the delegation of an owner record was written: the zone it names (records
        written before it was kept: the name's parent as found now)."""
        if not held.parent_zone_id:
            return self.parent_for(held.name)
        zone = self.read_zone(held.parent_zone_id)
        if zone is None:
            return (f"hosted zone {held.parent_zone_id}, where the delegation of {held.name} "
                    "was written, no longer exists")
        return zone

"""Proof that a claimed zone exists, read in the claiming account itself.

Each consumer account has a read-only role (``ZONECUT_CHILD_ROLE_NAME``, allowed
``route53:GetHostedZone`` and ``route53:ListHostedZonesByName`` only); the handlers read
the claimed zone through it. A request or event only *claims* a zone: what is written
is what Route 53 says the zone in that account is (its name and delegation set).
"""

from __future__ import annotations

from collections.abc import Callable

from zonecut.aws.errors import AwsError
from zonecut.aws.route53 import Route53Account
from zonecut.state import HostedZone

Reader = Callable[[str], Route53Account]


class ChildZones:
    """The consumer accounts' hosted zones, read through their read-only roles."""

    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    def zone(self, account_id: str, zone_id: str) -> HostedZone | None:
        """The public hosted zone ``zone_id`` of ``account_id`` with its delegation set;
        None when the account has no such zone (deleted, or never its)."""
        try:
            zone = self._reader(account_id).get_zone(zone_id)
        except AwsError as exc:
            if exc.code in ("NoSuchHostedZone", "InvalidInput"):
                return None
            raise
        return None if zone.private else zone

    def named(self, account_id: str, name: str) -> list[HostedZone]:
        """Every public hosted zone of ``account_id`` named ``name``, with its servers."""
        found = []
        for candidate in self._reader(account_id).find_zones(name):
            zone = self.zone(account_id, candidate.zone_id)
            if zone is not None:
                found.append(zone)
        return found

    def serving(self, account_id: str, name: str, servers: frozenset[str]
                ) -> HostedZone | None:
        """A live zone ``name`` of ``account_id`` among whose servers all of ``servers``
        are (a delegation to them still works); None if there is none."""
        for zone in self.named(account_id, name):
            if servers <= frozenset(zone.name_servers):
                return zone
        return None

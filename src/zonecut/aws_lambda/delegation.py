"""The one thing the handlers change: NS record sets in the parent zone (and the SSM record
of each delegation). Every change is checked against the allow-list first."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from zonecut import names
from zonecut.apply.ssm_publish import HandoffError, ZoneDocument, parameter_name
from zonecut.aws.fleet import Fleet
from zonecut.aws.route53 import RecordChange, Route53Account
from zonecut.aws.ssm import SsmAccount, ssm_account
from zonecut.aws_lambda.settings import Settings
from zonecut.state import RRSet

log = logging.getLogger("zonecut.aws_lambda")


@dataclass(frozen=True)
class Outcome:
    """What a handler did: ``status`` is one of delegated, unchanged, removed, gone,
    left-alone, refused, ignored."""

    status: str
    name: str = ""
    reason: str = ""

    @property
    def refused(self) -> bool:
        return self.status == "refused"

    def data(self) -> dict[str, str]:
        return {"status": self.status, "name": self.name, "reason": self.reason}


class ParentZone:
    """The parent hosted zone, through zonecut's Route 53 adapter."""

    def __init__(self, settings: Settings, fleet: Fleet | None = None) -> None:
        self.settings = settings
        self.fleet = fleet or settings.fleet()
        self._r53: Route53Account | None = None
        self._name: str | None = None
        self._ssm: SsmAccount | None = None

    @property
    def r53(self) -> Route53Account:
        if self._r53 is None:
            self._r53 = self.fleet.route53(self.settings.parent_account_id)
        return self._r53

    @property
    def name(self) -> str:
        if self._name is None:
            self._name = self.r53.get_zone(self.settings.parent_zone_id).name
        return self._name

    @property
    def ssm(self) -> SsmAccount | None:
        if not self.settings.ssm_prefix:
            return None
        if self._ssm is None:
            self._ssm = ssm_account(self.fleet, self.settings.parent_account_id,
                                    self.settings.ssm_region)
        return self._ssm

    # -- checks -------------------------------------------------------------------------
    def refusal(self, account_id: str, name: str) -> str | None:
        """Why ``account_id`` may not have ``name`` delegated here (None: it may)."""
        if not names.is_below(name, self.name):
            return f"{name} is not below the parent zone {self.name}"
        return self.settings.allow.refusal(account_id, name)

    def _at(self, name: str) -> list[RRSet]:
        return [rr for rr in self.r53.list_rrsets(self.settings.parent_zone_id)
                if rr.name == name]

    # -- changes ------------------------------------------------------------------------
    def delegate(self, account_id: str, name: str, servers: Sequence[str],
                 ttl: int | None = None, zone_id: str | None = None) -> Outcome:
        """Make the parent's NS rrset for ``name`` list ``servers`` (CREATE or UPSERT)."""
        refusal = self.refusal(account_id, name)
        if refusal:
            return self.refuse(account_id, name, refusal)
        wanted = tuple(sorted(names.normalize(s) for s in servers))
        if not wanted:
            return self.refuse(account_id, name, "no name servers given")
        found = self._at(name)
        other = sorted({rr.type for rr in found if rr.type not in ("NS", "DS")})
        if other:
            return self.refuse(account_id, name, f"the parent holds {', '.join(other)} records "
                               f"at {name}; a delegation would hide them")
        current = next((rr for rr in found if rr.type == "NS"), None)
        ttl = ttl or self.settings.ns_ttl
        if current is not None and current.value_set == frozenset(wanted) and current.ttl == ttl:
            self._record(account_id, name, wanted, zone_id)
            return Outcome("unchanged", name, f"{self.name} already delegates {name}")
        action = "CREATE" if current is None else "UPSERT"
        change_id = self.r53.change_rrsets(
            self.settings.parent_zone_id, self.name,
            [RecordChange(action, RRSet(name, "NS", ttl, wanted))],
            f"zonecut self-service: delegate {name} to account {account_id}")
        self.r53.wait_insync([change_id], timeout=self.settings.sync_timeout,
                             what=f"delegating {name}")
        self._record(account_id, name, wanted, zone_id)
        log.info("delegated %s to %s (account %s)", name, ", ".join(wanted), account_id)
        return Outcome("delegated", name, f"{action} NS {name} in {self.name}")

    def remove(self, account_id: str, name: str, servers: Sequence[str]) -> Outcome:
        """Delete the parent's NS rrset for ``name`` if it is exactly ``servers`` (what was
        made); succeed when it is gone already, leave it alone when someone changed it."""
        refusal = self.refusal(account_id, name)
        if refusal:
            return self.refuse(account_id, name, refusal)
        made = frozenset(names.normalize(s) for s in servers)
        current = next((rr for rr in self._at(name) if rr.type == "NS"), None)
        if current is None:
            self._forget(name)
            return Outcome("gone", name, f"{self.name} holds no NS for {name}")
        if current.value_set != made:
            log.warning("left %s alone: its NS rrset lists %s, not the servers it was made "
                        "with (%s)", name, ", ".join(current.values), ", ".join(sorted(made)))
            return Outcome("left-alone", name, "the NS rrset was changed since it was made")
        change_id = self.r53.change_rrsets(
            self.settings.parent_zone_id, self.name, [RecordChange("DELETE", current)],
            f"zonecut self-service: remove the delegation of {name}")
        self.r53.wait_insync([change_id], timeout=self.settings.sync_timeout,
                             what=f"removing the delegation of {name}")
        self._forget(name)
        log.info("removed the delegation of %s (account %s)", name, account_id)
        return Outcome("removed", name, f"DELETE NS {name} in {self.name}")

    def refuse(self, account_id: str, name: str, reason: str) -> Outcome:
        log.warning("refused: account %s, %s: %s", account_id, name or "(no name)", reason)
        return Outcome("refused", name, reason)

    # -- the SSM record of each delegation ------------------------------------------------
    def _record(self, account_id: str, name: str, servers: Sequence[str],
                zone_id: str | None) -> None:
        ssm = self.ssm
        if ssm is None or zone_id is None:
            return
        document = ZoneDocument(name, zone_id.removeprefix("/hostedzone/"), account_id,
                                tuple(servers), self.name, self.settings.parent_zone_id,
                                self.settings.parent_account_id)
        key = parameter_name(self.settings.ssm_prefix, name)
        if ssm.get(key) != document.to_json():
            ssm.put(key, document.to_json(), f"zonecut self-service: {name} (account "
                    f"{account_id})")

    def _forget(self, name: str) -> None:
        if self.ssm is not None:
            self.ssm.delete(parameter_name(self.settings.ssm_prefix, name))

    def recorded(self, zone_id: str) -> ZoneDocument | None:
        """The delegation recorded for hosted zone ``zone_id`` (from an earlier create)."""
        if self.ssm is None:
            return None
        bare = zone_id.removeprefix("/hostedzone/")
        for key, value in sorted(self.ssm.under(self.settings.ssm_prefix).items()):
            try:
                document = ZoneDocument.from_json(value, key)
            except HandoffError:
                continue
            if document.zone_id == bare:
                return document
        return None

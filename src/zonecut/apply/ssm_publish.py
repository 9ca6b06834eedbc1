"""The SSM Parameter Store handoff between a parent's and a child's zonecut.

Publish: with ``defaults.ssm.publish``, apply writes one String parameter per declared
zone, ``PREFIX/ZONE`` (``/zonecut/zones/dev.example.com``), where
``defaults.ssm.publish_in`` says (:mod:`zonecut.config.handoff_location`: the parent's
account by default, the zone's own, or one registry account), holding JSON: the zone's
id, name, name servers and owning account, and its parent's name, zone id and account.
Written only when it differs.

Read: a zone with ``parent_from_ssm`` has no parent in its own file. zonecut reads the
parent's parameter in ``parent_from_ssm.account`` (through ``role_arn`` when given, a
read-only role), and checks it (:mod:`zonecut.apply.handoff_read`): it describes a zone
above this one, the account it names is declared (and is ``parent_account`` when that
is set), and that account holds the zone under that id, with that name and those name
servers. Then the NS delegation is written into that zone, in that account, with that
account's access, as it would be for a declared parent. Any problem stops the apply
before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from zonecut.apply.handoff_read import (
    HandoffError,
    ZoneDocument,
    below_problem,
    check_against_zone,
    parameter_name,
    parent_account_of,
)
from zonecut.aws.access import role_arn_for
from zonecut.aws.errors import AwsError
from zonecut.aws.fleet import Fleet
from zonecut.aws.route53 import RecordChange
from zonecut.aws.ssm import SsmAccount, handoff_region, ssm_account
from zonecut.config.accounts import AccessDefaults
from zonecut.config.handoff import SsmDefaults
from zonecut.config.handoff_location import HandoffLocation
from zonecut.config.tree import DesiredTree, DesiredZone
from zonecut.plan.changes import Plan
from zonecut.state import HostedZone, RRSet

__all__ = ["HandoffError", "ParentLink", "Publication", "SsmHandoff", "SsmPlan", "SsmResult",
           "ZoneDocument", "live_zones", "parameter_name"]


def live_zones(plan: Plan, created: Mapping[str, HostedZone] | None = None
               ) -> dict[str, HostedZone]:
    """Each declared zone that exists, with its delegation set (plan + zones apply made)."""
    found = {z.name: HostedZone(z.zone_id, z.name, z.account_id, z.name_servers)
             for z in plan.zones if z.zone_id}
    found.update(created or {})
    return found


@dataclass(frozen=True)
class ParentLink:
    """A zone whose parent was read from SSM, and its NS rrset there now. ``account_id``
    is the parent zone's account (where the NS is written; the parameter's before the
    document is read), ``read_in`` the account the parameter was read in."""

    zone: str
    account_id: str
    parameter: str
    parent: ZoneDocument | None
    current: RRSet | None = None
    ttl: int = 3600
    problem: str | None = None
    read_in: str = ""

    def action(self, servers: Sequence[str]) -> str | None:
        """CREATE, UPSERT, or None when the parent already delegates to ``servers``."""
        if self.current is None:
            return "CREATE"
        if not servers:
            return "UPSERT"
        if self.current.value_set != frozenset(servers) or self.current.ttl != self.ttl:
            return "UPSERT"
        return None

    def data(self, servers: Sequence[str]) -> dict[str, Any]:
        return {
            "zone": self.zone,
            "parameter": self.parameter,
            "parent": self.parent.name if self.parent else None,
            "parent_zone_id": self.parent.zone_id if self.parent else None,
            "account_id": self.account_id,
            "parameter_account_id": self.read_in or self.account_id,
            "action": (self.action(servers) or "none").lower() if not self.problem else None,
            "problem": self.problem,
        }


@dataclass(frozen=True)
class Publication:
    """One parameter to write: ``value`` None while the zone does not exist yet."""

    zone: str
    account_id: str
    region: str
    name: str
    value: str | None
    current: str | None

    @property
    def changes(self) -> bool:
        return self.value is None or self.value != self.current

    def data(self) -> dict[str, Any]:
        return {"zone": self.zone, "account_id": self.account_id, "region": self.region,
                "parameter": self.name, "action": "write" if self.changes else "none",
                "value": json.loads(self.value) if self.value else "(known after apply)"}


@dataclass(frozen=True)
class SsmPlan:
    links: tuple[ParentLink, ...] = ()
    publications: tuple[Publication, ...] = ()
    servers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(link.problem for link in self.links if link.problem)

    @property
    def has_changes(self) -> bool:
        return any(p.changes for p in self.publications) or any(
            link.action(self.servers.get(link.zone, ())) for link in self.links
            if not link.problem)


@dataclass
class SsmResult:
    delegated: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)


class SsmHandoff:
    def __init__(self, fleet: Fleet, tree: DesiredTree, settings: SsmDefaults, *,
                 sync_timeout: float = 300.0, location: HandoffLocation | None = None,
                 access: AccessDefaults | None = None) -> None:
        self.fleet = fleet
        self.tree = tree
        self.settings = settings
        self.sync_timeout = sync_timeout
        self.location = location or HandoffLocation()
        self.access = access or AccessDefaults()
        self._handles: dict[tuple[str, str | None, str | None], SsmAccount] = {}

    def _ssm(self, account_id: str, region: str | None,
             role_arn: str | None = None) -> SsmAccount:
        key = (account_id, region, role_arn)
        if key not in self._handles:
            self._handles[key] = ssm_account(self.fleet, account_id, region, role_arn)
        return self._handles[key]

    def _role_hint(self, account_id: str) -> str:
        """The role zonecut would assume in an account the config does not declare yet."""
        name = self.access.role_name.replace("{account_id}", account_id).replace(
            "{account}", "KEY")
        return role_arn_for(self.access.partition, account_id, name) + (
            " (KEY: the key you give the account)" if "{account}" in self.access.role_name
            else "")

    # -- reading parents ----------------------------------------------------------------
    def read_parents(self) -> dict[str, ParentLink]:
        links: dict[str, ParentLink] = {}
        for zone in self.tree.zones:
            if zone.ssm_parent is not None:
                links[zone.name] = self._link(zone)
        return links

    def _link(self, zone: DesiredZone) -> ParentLink:
        """Read the parent's document where the parameter is, then check it against the
        zone it names in the account it names; a problem (one line) instead of a guess."""
        ref = zone.ssm_parent
        assert ref is not None
        where = f"parameter {ref.parameter} in account {ref.account_key} ({ref.account_id})"

        def failed(problem: str, parent: ZoneDocument | None = None,
                   account_id: str = ref.account_id) -> ParentLink:
            return ParentLink(zone.name, account_id, ref.parameter, parent, ttl=zone.ns_ttl,
                              problem=problem, read_in=ref.account_id)

        text = self._ssm(ref.account_id, ref.region, ref.role_arn).get(ref.parameter)
        if text is None:
            return failed(f"{zone.name}: {where} does not exist; the parent's zonecut "
                          "publishes it with defaults.ssm.publish")
        try:
            parent = ZoneDocument.from_json(text, where)
        except HandoffError as exc:
            return failed(f"{zone.name}: {exc}; nothing was changed")
        problem = below_problem(parent, where, zone.name)
        if problem is not None:
            return failed(problem, parent)
        declared = {account_id: access.key for account_id, access in
                    self.fleet.accesses.items()}
        found = parent_account_of(parent, where, zone.name, declared=declared,
                                  expected=ref.parent_account_id,
                                  role_hint=self._role_hint(parent.account_id))
        if found.problem is not None:
            return failed(found.problem, parent)
        r53 = self.fleet.route53(found.account_id)
        try:
            hosted: HostedZone | None = r53.get_zone(parent.zone_id)
        except AwsError as exc:
            if exc.code not in ("NoSuchHostedZone", "InvalidInput"):
                raise
            hosted = None
        problem = check_against_zone(parent, where, zone.name, hosted,
                                     f"{found.key} ({found.account_id})")
        if problem is not None:
            return failed(problem, parent, found.account_id)
        current = next((rr for rr in r53.rrsets_at(parent.zone_id, zone.name)
                        if rr.type == "NS"), None)
        return ParentLink(zone.name, found.account_id, ref.parameter, parent, current,
                          ttl=zone.ns_ttl, read_in=ref.account_id)

    # -- plan ---------------------------------------------------------------------------
    def plan(self, live: Mapping[str, HostedZone]) -> SsmPlan:
        links = self.read_parents()
        servers = {name: zone.name_servers for name, zone in live.items()}
        publications: list[Publication] = []
        if self.settings.publish:
            for zone in self.tree.zones:
                account_id = self._publisher(zone, links)
                region = handoff_region(self.settings.region,
                                        self.fleet.access(account_id).partition)
                name = parameter_name(self.settings.prefix, zone.name)
                document = self.document(zone, live, links)
                current = self._ssm(account_id, self.settings.region).get(name)
                publications.append(Publication(
                    zone.name, account_id, region, name,
                    document.to_json() if document else None, current))
        return SsmPlan(tuple(links.values()), tuple(publications), servers)

    def _publisher(self, zone: DesiredZone, links: Mapping[str, ParentLink]) -> str:
        """The account that holds ``zone``'s parameter (defaults.ssm.publish_in)."""
        link = links.get(zone.name)
        read = link.account_id if link is not None and link.problem is None else None
        return self.location.account_for(self.tree, zone, read)

    def document(self, zone: DesiredZone, live: Mapping[str, HostedZone],
                 links: Mapping[str, ParentLink]) -> ZoneDocument | None:
        hosted = live.get(zone.name)
        if hosted is None:
            return None
        parent_name = parent_id = parent_account = None
        if zone.parent is not None:
            parent = self.tree.get(zone.parent)
            parent_zone = live.get(zone.parent)
            parent_name = zone.parent
            parent_id = parent_zone.zone_id if parent_zone else None
            parent_account = parent.account_id if parent else None
        elif zone.name in links and links[zone.name].parent is not None:
            doc = links[zone.name].parent
            assert doc is not None
            parent_name, parent_id, parent_account = doc.name, doc.zone_id, doc.account_id
        return ZoneDocument(zone.name, hosted.zone_id, zone.account_id,
                            tuple(sorted(hosted.name_servers)), parent_name, parent_id,
                            parent_account)

    # -- apply --------------------------------------------------------------------------
    def delegate(self, plan: SsmPlan, live: Mapping[str, HostedZone],
                 result: SsmResult) -> None:
        """Write each SSM-parented zone's NS rrset into its parent (after the zone exists)."""
        if plan.problems:
            raise HandoffError("the SSM handoff cannot be applied:\n  - "
                               + "\n  - ".join(plan.problems))
        for link in plan.links:
            hosted = live.get(link.zone)
            if hosted is None or not hosted.name_servers or link.parent is None:
                raise HandoffError(f"{link.zone}: no delegation set known for the zone; "
                                   "nothing was written into its parent")
            servers = tuple(sorted(hosted.name_servers))
            action = link.action(servers)
            if action is None:
                continue
            r53 = self.fleet.route53(link.account_id)
            change = RecordChange(action, RRSet(link.zone, "NS", link.ttl, servers))
            change_id = r53.change_rrsets(link.parent.zone_id, link.parent.name, [change],
                                          f"zonecut: delegate {link.zone} (parent from SSM)")
            r53.wait_insync([change_id], timeout=self.sync_timeout,
                            what=f"delegating {link.zone} in {link.parent.name}")
            result.delegated.append(link.zone)

    def publish(self, live: Mapping[str, HostedZone], result: SsmResult) -> None:
        """Write every zone's parameter that differs from what is published."""
        if not self.settings.publish:
            return
        links = {link.zone: link for link in self.read_parents().values()}
        for zone in self.tree.zones:
            document = self.document(zone, live, links)
            if document is None:
                continue
            account_id = self._publisher(zone, links)
            ssm = self._ssm(account_id, self.settings.region)
            name = parameter_name(self.settings.prefix, zone.name)
            value = document.to_json()
            if ssm.get(name) == value:
                continue
            ssm.put(name, value, f"zonecut: hosted zone {zone.name} (account "
                    f"{zone.account_id}); read by zonecut's parent_from_ssm")
            result.published.append(name)

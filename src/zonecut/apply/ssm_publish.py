"""The SSM Parameter Store handoff between a parent's and a child's zonecut.

Publish: with ``defaults.ssm.publish``, apply writes one String parameter per declared
zone, ``PREFIX/ZONE`` (``/zonecut/zones/dev.example.com``), in the account of the zone's
parent (a root zone: its own account), holding JSON: the zone's id, name, name servers
and owning account, and its parent's name, zone id and account. Written only when it
differs.

Read: a zone with ``parent_from_ssm`` has no parent in its own file. zonecut reads the
parent's parameter in the named account (through ``role_arn`` when given, a read-only
role), checks it describes a zone above this one in that very account, and writes the
NS delegation into that zone, as it would for a declared parent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from zonecut.aws.fleet import Fleet
from zonecut.aws.route53 import RecordChange
from zonecut.aws.ssm import SsmAccount, handoff_region, ssm_account
from zonecut.config.handoff import SsmDefaults
from zonecut.config.tree import DesiredTree, DesiredZone
from zonecut.errors import ZonecutError
from zonecut.names import is_below, normalize
from zonecut.plan.changes import Plan
from zonecut.state import HostedZone, RRSet

FORMAT = "zonecut.zone/1"


class HandoffError(ZonecutError):
    """A parameter that cannot be used as a zone's parent description."""


@dataclass(frozen=True)
class ZoneDocument:
    """What a zone's parameter says."""

    name: str
    zone_id: str
    account_id: str
    name_servers: tuple[str, ...]
    parent: str | None = None
    parent_zone_id: str | None = None
    parent_account_id: str | None = None

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT,
            "name": self.name,
            "zone_id": self.zone_id,
            "account_id": self.account_id,
            "name_servers": list(self.name_servers),
            "parent": self.parent,
            "parent_zone_id": self.parent_zone_id,
            "parent_account_id": self.parent_account_id,
        }, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str, where: str) -> ZoneDocument:
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError(f"not a {FORMAT} document")
            return cls(
                name=normalize(str(data["name"])),
                zone_id=str(data["zone_id"]).removeprefix("/hostedzone/"),
                account_id=str(data["account_id"]),
                name_servers=tuple(normalize(str(s)) for s in data.get("name_servers", [])),
                parent=data.get("parent"),
                parent_zone_id=data.get("parent_zone_id"),
                parent_account_id=data.get("parent_account_id"),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise HandoffError(f"{where}: not a zonecut zone description: {exc}") from None


def parameter_name(prefix: str, zone: str) -> str:
    return f"{prefix}/{zone}"


def live_zones(plan: Plan, created: Mapping[str, HostedZone] | None = None
               ) -> dict[str, HostedZone]:
    """Each declared zone that exists, with its delegation set (plan + zones apply made)."""
    found = {z.name: HostedZone(z.zone_id, z.name, z.account_id, z.name_servers)
             for z in plan.zones if z.zone_id}
    found.update(created or {})
    return found


@dataclass(frozen=True)
class ParentLink:
    """A zone whose parent was read from SSM, and its NS rrset there now."""

    zone: str
    account_id: str
    parameter: str
    parent: ZoneDocument | None
    current: RRSet | None = None
    ttl: int = 3600
    problem: str | None = None

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
                 sync_timeout: float = 300.0) -> None:
        self.fleet = fleet
        self.tree = tree
        self.settings = settings
        self.sync_timeout = sync_timeout
        self._handles: dict[tuple[str, str | None, str | None], SsmAccount] = {}

    def _ssm(self, account_id: str, region: str | None,
             role_arn: str | None = None) -> SsmAccount:
        key = (account_id, region, role_arn)
        if key not in self._handles:
            self._handles[key] = ssm_account(self.fleet, account_id, region, role_arn)
        return self._handles[key]

    # -- reading parents ----------------------------------------------------------------
    def read_parents(self) -> dict[str, ParentLink]:
        links: dict[str, ParentLink] = {}
        for zone in self.tree.zones:
            if zone.ssm_parent is not None:
                links[zone.name] = self._link(zone)
        return links

    def _link(self, zone: DesiredZone) -> ParentLink:
        ref = zone.ssm_parent
        assert ref is not None
        where = f"parameter {ref.parameter} in account {ref.account_key} ({ref.account_id})"
        text = self._ssm(ref.account_id, ref.region, ref.role_arn).get(ref.parameter)
        if text is None:
            return ParentLink(zone.name, ref.account_id, ref.parameter, None, ttl=zone.ns_ttl,
                              problem=f"{zone.name}: {where} does not exist; the parent's "
                              "zonecut publishes it with defaults.ssm.publish")
        try:
            parent = ZoneDocument.from_json(text, where)
        except HandoffError as exc:
            return ParentLink(zone.name, ref.account_id, ref.parameter, None, ttl=zone.ns_ttl,
                              problem=f"{zone.name}: {exc}")
        problem = None
        if not is_below(zone.name, parent.name):
            problem = (f"{zone.name}: {where} describes {parent.name}, which is not above "
                       f"{zone.name} (zones nest on label boundaries)")
        elif parent.account_id != ref.account_id:
            problem = (f"{zone.name}: {where} says {parent.name} is in account "
                       f"{parent.account_id}, not {ref.account_id}; name the account that "
                       "holds the parent zone")
        current = None
        if problem is None:
            rrsets = self.fleet.route53(ref.account_id).list_rrsets(parent.zone_id)
            current = next((rr for rr in rrsets if rr.name == zone.name and rr.type == "NS"),
                           None)
        return ParentLink(zone.name, ref.account_id, ref.parameter, parent, current,
                          ttl=zone.ns_ttl, problem=problem)

    # -- plan ---------------------------------------------------------------------------
    def plan(self, live: Mapping[str, HostedZone]) -> SsmPlan:
        links = self.read_parents()
        servers = {name: zone.name_servers for name, zone in live.items()}
        publications: list[Publication] = []
        if self.settings.publish:
            for zone in self.tree.zones:
                account_id = self._publisher(zone)
                region = handoff_region(self.settings.region,
                                        self.fleet.access(account_id).partition)
                name = parameter_name(self.settings.prefix, zone.name)
                document = self.document(zone, live, links)
                current = self._ssm(account_id, self.settings.region).get(name)
                publications.append(Publication(
                    zone.name, account_id, region, name,
                    document.to_json() if document else None, current))
        return SsmPlan(tuple(links.values()), tuple(publications), servers)

    def _publisher(self, zone: DesiredZone) -> str:
        if zone.ssm_parent is not None:
            return zone.ssm_parent.account_id
        parent = self.tree.get(zone.parent) if zone.parent else None
        return parent.account_id if parent is not None else zone.account_id

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
            account_id = self._publisher(zone)
            ssm = self._ssm(account_id, self.settings.region)
            name = parameter_name(self.settings.prefix, zone.name)
            value = document.to_json()
            if ssm.get(name) == value:
                continue
            ssm.put(name, value, f"zonecut: hosted zone {zone.name} (account "
                    f"{zone.account_id}); read by zonecut's parent_from_ssm")
            result.published.append(name)

"""An organisation made through moto Organizations on the sandbox (test helper).

``World`` creates the organisation (management account 123456789012, moto's
default), member accounts with ``create_account`` (moto generates their ids), and
hosted zones and NS rrsets with boto3 in those accounts, reached by AssumeRole of the
audit role. ``build_scenario`` makes the tree every audit scenario test uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox_fixtures import base_session, session_for
from zonecut.audit import Scan
from zonecut.runtime import Target
from zonecut.sandbox import Sandbox

ROLE = "ZonecutAudit"
MANAGEMENT = "123456789012"


@dataclass(frozen=True)
class Made:
    """A hosted zone created in the sandbox."""

    name: str
    account_id: str
    zone_id: str
    servers: tuple[str, ...]


class World:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.org = base_session(sandbox).client("organizations")
        self.org.create_organization(FeatureSet="ALL")
        self.ids: dict[str, str] = {}
        self._clients: dict[str, Any] = {}

    def account(self, name: str) -> str:
        """Create a member account called ``name``; its (generated) id."""
        made = self.org.create_account(AccountName=name,
                                       Email=f"{name.replace(' ', '-').lower()}@example.org")
        account_id = str(made["CreateAccountStatus"]["AccountId"])
        self.ids[name] = account_id
        return account_id

    def route53(self, account_id: str) -> Any:
        if account_id not in self._clients:
            self._clients[account_id] = session_for(self.sandbox, account_id,
                                                    ROLE).client("route53")
        return self._clients[account_id]

    def zone(self, account: str, name: str, reference: str = "1") -> Made:
        """Create public zone ``name`` in account ``account`` (a name or an id)."""
        account_id = self.ids.get(account, account)
        made = self.route53(account_id).create_hosted_zone(
            Name=name, CallerReference=f"{name}-{reference}")
        servers = tuple(sorted(s.rstrip(".").lower()
                               for s in made["DelegationSet"]["NameServers"]))
        return Made(name, account_id, made["HostedZone"]["Id"].split("/")[-1], servers)

    def ns(self, parent: Made, child: str, servers: tuple[str, ...] | list[str],
           ttl: int = 3600, action: str = "CREATE") -> None:
        self.route53(parent.account_id).change_resource_record_sets(
            HostedZoneId=parent.zone_id,
            ChangeBatch={"Changes": [{"Action": action, "ResourceRecordSet": {
                "Name": child, "Type": "NS", "TTL": ttl,
                "ResourceRecords": [{"Value": s + "."} for s in servers]}}]})

    def delegate(self, parent: Made, child: Made, ttl: int = 3600) -> None:
        self.ns(parent, child.name, child.servers, ttl)

    def delete(self, zone: Made) -> None:
        self.route53(zone.account_id).delete_hosted_zone(Id=zone.zone_id)

    def scan(self, rate_limit: float = 1000.0) -> Scan:
        return Scan(Target(endpoint_url=self.sandbox.endpoint_url, sandbox=True),
                    rate_limit=rate_limit)


@dataclass(frozen=True)
class Scenario:
    world: World
    zones: dict[str, Made]

    def id_of(self, key: str) -> str:
        return self.zones[key].zone_id

    def account_of(self, key: str) -> str:
        return self.zones[key].account_id


def build_healthy(world: World) -> dict[str, Made]:
    """example.com (Network Hub) -> dev.example.com (Dev Team), prod.example.com (Prod)
    -> api.prod.example.com (Prod): a healthy tree across 3 accounts."""
    network, dev, prod = (world.account("Network Hub"), world.account("Dev Team"),
                          world.account("Prod"))
    zones = {
        "apex": world.zone(network, "example.com"),
        "dev": world.zone(dev, "dev.example.com"),
        "prod": world.zone(prod, "prod.example.com"),
        "api": world.zone(prod, "api.prod.example.com"),
    }
    world.delegate(zones["apex"], zones["dev"])
    world.delegate(zones["apex"], zones["prod"], ttl=900)
    world.delegate(zones["prod"], zones["api"])
    return zones


def build_scenario(world: World) -> Scenario:
    """The healthy tree plus one of each problem:

    - old.example.com: delegated from example.com, then deleted (dangling);
    - shop.example.com: delegated with one server too many (partial);
    - lost.dev.example.com: exists in Dev Team, delegated by nobody (orphan);
    - mail.example.com: in Network Hub and in Prod; example.com delegates Prod's
      (duplicate);
    - team.dev.example.com: delegated by dev.example.com and by example.com too
      (skipped level).
    """
    zones = build_healthy(world)
    network, dev, prod = (world.ids["Network Hub"], world.ids["Dev Team"], world.ids["Prod"])
    apex = zones["apex"]
    zones["old"] = world.zone(dev, "old.example.com")
    world.delegate(apex, zones["old"])
    world.delete(zones["old"])

    zones["shop"] = world.zone(prod, "shop.example.com")
    extra = zones["dev"].servers[0]
    world.ns(apex, "shop.example.com", (*zones["shop"].servers, extra))

    zones["lost"] = world.zone(dev, "lost.dev.example.com")

    zones["mail-network"] = world.zone(network, "mail.example.com")
    zones["mail-prod"] = world.zone(prod, "mail.example.com")
    world.delegate(apex, zones["mail-prod"])

    zones["team"] = world.zone(prod, "team.dev.example.com")
    world.delegate(zones["dev"], zones["team"])
    world.delegate(apex, zones["team"])
    return Scenario(world, zones)

"""The example.com tree made with boto3 in several sandbox accounts (test helper).

example.com (registered, 111111111111) -> dev.example.com (222222222222) ->
team-a.dev.example.com (333333333333); more zones can be declared.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox_targets import build_targets, port_map

from sandbox_fixtures import session_for
from zonecut.sandbox import Sandbox
from zonecut.verify.checks import check
from zonecut.verify.findings import Finding
from zonecut.verify.observations import Observations
from zonecut.verify.probe import probe_sync
from zonecut.verify.targets import DelegationTarget, VerifyPolicy

APEX, DEV, TEAM = "example.com", "dev.example.com", "team-a.dev.example.com"
ACCOUNTS = {APEX: "111111111111", DEV: "222222222222", TEAM: "333333333333"}


class Org:
    """The accounts' Route 53 clients and the zones made in them."""

    def __init__(self, sandbox: Sandbox, accounts: Mapping[str, str] = ACCOUNTS) -> None:
        self.sandbox = sandbox
        self.accounts = dict(accounts)
        self.clients = {account: session_for(sandbox, account).client("route53")
                        for account in sorted(set(self.accounts.values()))}
        self.ids: dict[str, str] = {}
        self.servers: dict[str, list[str]] = {}

    def client(self, zone: str) -> Any:
        return self.clients[self.accounts[zone]]

    def create(self, zone: str, reference: str = "1") -> list[str]:
        made = self.client(zone).create_hosted_zone(Name=zone,
                                                    CallerReference=f"{zone}-{reference}")
        self.ids[zone] = made["HostedZone"]["Id"]
        self.servers[zone] = [s.rstrip(".").lower()
                              for s in made["DelegationSet"]["NameServers"]]
        return self.servers[zone]

    def change(self, zone: str, action: str, name: str, rtype: str, ttl: int,
               values: list[str]) -> None:
        self.client(zone).change_resource_record_sets(
            HostedZoneId=self.ids[zone],
            ChangeBatch={"Changes": [{"Action": action, "ResourceRecordSet": {
                "Name": name, "Type": rtype, "TTL": ttl,
                "ResourceRecords": [{"Value": v} for v in values]}}]})

    def delegate(self, parent: str, child: str, servers: list[str] | None = None,
                 action: str = "CREATE") -> None:
        values = [s + "." for s in (servers or self.servers[child])]
        self.change(parent, action, child, "NS", 3600, values)

    def add_www(self, zone: str) -> None:
        self.change(zone, "CREATE", f"www.{zone}", "A", 60, ["192.0.2.10"])

    def delete(self, zone: str) -> None:
        self.change(zone, "DELETE", f"www.{zone}", "A", 60, ["192.0.2.10"])
        self.client(zone).delete_hosted_zone(Id=self.ids[zone])

    def healthy(self, *, delegate_team: bool = True) -> None:
        self.sandbox.register(APEX, self.create(APEX))
        self.create(DEV)
        self.delegate(APEX, DEV)
        self.create(TEAM)
        if delegate_team:
            self.delegate(DEV, TEAM)
        self.add_www(TEAM)

    def targets(self) -> list[DelegationTarget]:
        return build_targets(self.clients, list(self.accounts.items()))

    def verify(self, policy: VerifyPolicy) -> tuple[Observations, list[Finding]]:
        info = self.sandbox.info
        targets = self.targets()
        observations = probe_sync(targets, info.root_hints, policy=policy,
                                  port_map=port_map(info.servers))
        return observations, check(targets, observations, policy)

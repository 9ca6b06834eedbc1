"""Verify against the sandbox: zones made with boto3 in three accounts, DNS on loopback.

Each scenario asserts exactly its findings. The tree: example.com (registered, account
111111111111) -> dev.example.com (222222222222) -> team-a.dev.example.com (333333333333).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sandbox_targets import build_targets, port_map

from sandbox_fixtures import session_for
from zonecut.sandbox import Sandbox
from zonecut.verify.checks import check
from zonecut.verify.findings import Finding
from zonecut.verify.observations import Observations
from zonecut.verify.probe import probe_sync
from zonecut.verify.targets import VerifyPolicy

pytestmark = pytest.mark.sandbox

APEX, DEV, TEAM = "example.com", "dev.example.com", "team-a.dev.example.com"
ACCOUNTS = {APEX: "111111111111", DEV: "222222222222", TEAM: "333333333333"}
TREE = list(ACCOUNTS.items())
POLICY = VerifyPolicy(timeout=0.3, retries=1)


class Org:
    """The three accounts' Route 53 clients and the zones made in them."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.clients = {account: session_for(sandbox, account).client("route53")
                        for account in ACCOUNTS.values()}
        self.ids: dict[str, str] = {}
        self.servers: dict[str, list[str]] = {}

    def client(self, zone: str) -> Any:
        return self.clients[ACCOUNTS[zone]]

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
        self.change(TEAM, "CREATE", f"www.{TEAM}", "A", 60, ["192.0.2.10"])

    def verify(self) -> tuple[Observations, list[Finding]]:
        info = self.sandbox.info
        targets = build_targets(self.clients, TREE)
        observations = probe_sync(targets, info.root_hints, policy=POLICY,
                                  port_map=port_map(info.servers))
        return observations, check(targets, observations, POLICY)


@pytest.fixture
def org(fresh_sandbox: Sandbox) -> Org:
    return Org(fresh_sandbox)


def brief(findings: list[Finding]) -> list[tuple[str, str, str | None]]:
    return [(f.code, f.zone, f.server) for f in findings]


def _not_delegated(org: Org) -> list[tuple[str, str, str | None]]:
    org.healthy(delegate_team=False)
    return [("NOT_DELEGATED", TEAM, None)]


def _deleted(org: Org) -> list[tuple[str, str, str | None]]:
    org.healthy()
    org.delete(TEAM)
    return [("DANGLING_DELEGATION", TEAM, None)]


def _recreated(org: Org) -> list[tuple[str, str, str | None]]:
    org.healthy()
    old = org.servers[TEAM]
    org.delete(TEAM)
    new = org.create(TEAM, reference="2")
    assert set(old) != set(new)  # a recreated zone gets a new delegation set
    stale = sorted(set(old) - set(new))
    if len(stale) == len(old):  # no server in common: nothing serves what the parent lists
        return [("DANGLING_DELEGATION", TEAM, None)]
    # Some servers in common: the others are stray (partial dangling).
    return [("EXTRA_NS_IN_PARENT", TEAM, stale[0] if len(stale) == 1 else None)]


def _extra(org: Org) -> list[tuple[str, str, str | None]]:
    org.healthy()
    used = {s for servers in org.servers.values() for s in servers}
    stray = next(name for name in sorted(org.sandbox.info.servers)
                 if name.startswith("ns-") and name not in used)
    org.delegate(DEV, TEAM, [*org.servers[TEAM], stray], action="UPSERT")
    return [("EXTRA_NS_IN_PARENT", TEAM, stray)]


def _behaviour(behaviour: str, code: str) -> Callable[[Org], list[tuple[str, str, str | None]]]:
    def scenario(org: Org) -> list[tuple[str, str, str | None]]:
        org.healthy()
        server = sorted(org.servers[TEAM])[0]
        org.sandbox.set_behaviour(server, behaviour)  # type: ignore[arg-type]
        return [(code, TEAM, server)]
    return scenario


SCENARIOS: dict[str, Callable[[Org], list[tuple[str, str, str | None]]]] = {
    "healthy tree": lambda org: (org.healthy(), [])[1],
    "child not delegated": _not_delegated,
    "child deleted, parent NS remains": _deleted,
    "child recreated with new servers": _recreated,
    "parent NS with one extra server": _extra,
    "a child server stops answering": _behaviour("silent", "SERVER_UNREACHABLE"),
    "a child server answers without AA": _behaviour("no-aa", "LAME_SERVER"),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_sandbox_scenario(org: Org, name: str, tmp_path: Path) -> None:
    expected = SCENARIOS[name](org)
    observations, findings = org.verify()
    assert brief(findings) == expected
    # Record and replay: the saved file gives the same findings without the network.
    saved = tmp_path / "observations.json"
    saved.write_text(observations.to_json(), encoding="utf-8")
    replayed = Observations.from_json(saved.read_text(encoding="utf-8"))
    assert check(list(replayed.targets), replayed, POLICY) == findings


def test_healthy_tree_query_budget(org: Org) -> None:
    org.healthy()
    observations, findings = org.verify()
    assert findings == []
    # 3 zones x 4 servers x (SOA + NS), parents' NS questions, walks and look-ups.
    assert observations.stats.queries == observations.stats.attempts
    assert observations.stats.queries < 100

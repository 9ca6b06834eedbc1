"""verify tells the truth: the wrong answers of issue 11, each on the sandbox through
zonecut's own path (config -> Runtime -> Route 53 API -> probe -> check), each with its
exact finding set.

The tree is core_support's five zones: example.com (registered) -> dev, prod, api;
dev -> team-a, each in its own account.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "core"))

from core_support import ACCOUNTS, FIVE_ZONES, config, runtime

from sandbox_fixtures import session_for
from zonecut.names import normalize
from zonecut.runtime import Runtime
from zonecut.sandbox import Sandbox
from zonecut.verify.checks import check
from zonecut.verify.findings import Finding, Severity
from zonecut.verify.probe import probe_sync
from zonecut.verify.report import exit_code, summary
from zonecut.verify.targets import VerifyPolicy

pytestmark = pytest.mark.sandbox

APEX, DEV, TEAM = "example.com", "dev.example.com", "team-a.dev.example.com"
PROD, API = "prod.example.com", "api.example.com"
POLICY = VerifyPolicy(timeout=0.3, retries=1)
Brief = list[tuple[str, str, str | None]]


class Tree:
    """The five zones applied by zonecut, and boto3 clients to break them with."""

    def __init__(self, sandbox: Sandbox, text: str = FIVE_ZONES) -> None:
        self.sandbox = sandbox
        self.rt = runtime(sandbox, config(text))
        self.rt.apply(self.rt.plan())
        roots = self.rt.root_name_servers()
        sandbox.register(APEX, list(roots[APEX]))
        self.clients = {key: session_for(sandbox, account).client("route53")
                        for key, account in ACCOUNTS.items()}

    def zone(self, key: str, name: str) -> dict[str, Any]:
        listed = self.clients[key].list_hosted_zones_by_name(DNSName=name)["HostedZones"]
        return next(z for z in listed if normalize(z["Name"]) == name)

    def servers(self, key: str, zone_id: str) -> list[str]:
        got = self.clients[key].get_hosted_zone(Id=zone_id)
        return sorted(normalize(s) for s in got["DelegationSet"]["NameServers"])

    def change(self, key: str, zone: str, action: str, name: str, rtype: str,
               values: list[str], ttl: int = 3600) -> None:
        self.clients[key].change_resource_record_sets(
            HostedZoneId=self.zone(key, zone)["Id"],
            ChangeBatch={"Changes": [{"Action": action, "ResourceRecordSet": {
                "Name": name, "Type": rtype, "TTL": ttl,
                "ResourceRecords": [{"Value": v} for v in values]}}]})

    def attacker_zone(self, name: str) -> list[str]:
        """Someone else's hosted zone of ``name`` (in the api account: another owner)."""
        made = self.clients["api"].create_hosted_zone(Name=name, CallerReference="evil")
        return sorted(normalize(s) for s in made["DelegationSet"]["NameServers"])

    def unused_server(self) -> str:
        used: set[str] = set()
        for key, client in self.clients.items():
            for z in client.list_hosted_zones()["HostedZones"]:
                used.update(self.servers(key, z["Id"]))
        return next(n for n in sorted(self.sandbox.info.servers)
                    if n.startswith("ns-") and n not in used)

    def verify(self, rt: Runtime | None = None) -> list[Finding]:
        info = self.sandbox.info
        targets = (rt or self.rt).verify_targets()
        observations = probe_sync(targets, info.root_hints, policy=POLICY,
                                  port_map={s.address: s.port for s in info.servers.values()})
        self.last_targets = targets
        return check(targets, observations, POLICY)


def brief(findings: list[Finding]) -> Brief:
    return [(f.code, f.zone, f.server) for f in findings]


@pytest.fixture
def tree(fresh_sandbox: Sandbox) -> Tree:
    return Tree(fresh_sandbox)


def test_healthy_tree_has_no_finding(tree: Tree) -> None:
    findings = tree.verify()
    assert findings == []
    assert summary(findings, tree.last_targets).text == "5 zone(s) verified: no finding"


def test_destroyed_zones_are_missing_not_ok(tree: Tree) -> None:
    """Wrong answer 1: 4 of 5 declared zones destroyed gave 'ok' and exit 0."""
    rt = runtime(tree.sandbox, purpose="destroy")
    plan = rt.plan_destroy([DEV, PROD, API])
    rt.teardown().run(plan.deletions)
    findings = tree.verify()
    assert brief(findings) == [("ZONE_MISSING", API, None), ("ZONE_MISSING", DEV, None),
                               ("ZONE_MISSING", TEAM, None), ("ZONE_MISSING", PROD, None)]
    assert exit_code(findings) == 1
    verdict = summary(findings, tree.last_targets)
    assert verdict.zones_verified == 1
    assert verdict.text.startswith("1 of 5 zone(s) verified")


def test_duplicate_zone_is_not_dangling(tree: Tree) -> None:
    """Wrong answer 2: a second copy of dev.example.com, the parent delegating to it;
    team-a's delegation sits in the old copy, which nobody delegates to."""
    old = tree.zone("dev", DEV)["Id"].split("/")[-1]
    made = tree.clients["dev"].create_hosted_zone(Name=DEV, CallerReference="copy-2")
    new = made["HostedZone"]["Id"].split("/")[-1]
    new_servers = tree.servers("dev", new)
    tree.change("network", APEX, "UPSERT", DEV, "NS", [s + "." for s in new_servers])
    findings = tree.verify()
    assert brief(findings) == [("DUPLICATE_ZONE", DEV, None), ("NOT_DELEGATED", TEAM, None)]
    dup, team = findings
    assert dup.severity is Severity.ERROR
    assert dict(dup.details)["live_copy"] == new
    assert old in team.message and "DUPLICATE_ZONE" in team.message
    assert "delete" not in dup.message


def test_tree_shows_a_duplicated_zone_and_fails(tree: Tree, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Wrong answer 2, `zonecut tree`: it left dev and team-a out and exited 0."""
    from typer.testing import CliRunner

    from zonecut.cli.main import app

    tree.clients["dev"].create_hosted_zone(Name=DEV, CallerReference="copy-2")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    path = tmp_path / "zonecut.yaml"
    path.write_text(FIVE_ZONES)
    result = CliRunner().invoke(app, ["tree", "-c", str(path), "--endpoint-url",
                                      tree.sandbox.endpoint_url])
    assert result.exit_code == 1, result.output
    assert DEV in result.stdout and TEAM in result.stdout
    assert "2 public hosted zones" in result.stdout
    assert "error: dev.example.com: account 222222222222" in result.output


def test_failing_servers_are_not_dangling(tree: Tree) -> None:
    """Wrong answer 3: the parent lists exactly the live set, every server SERVFAILs."""
    team_servers = tree.servers("team-a", tree.zone("team-a", TEAM)["Id"])
    others = {s for key, name in (("network", APEX), ("dev", DEV), ("prod", PROD),
                                  ("api", API))
              for s in tree.servers(key, tree.zone(key, name)["Id"])}
    assert not set(team_servers) & others  # only team-a's servers fail
    for server in team_servers:
        tree.sandbox.set_behaviour(server, "servfail")
    try:
        findings = tree.verify()
    finally:
        for server in team_servers:
            tree.sandbox.set_behaviour(server, "normal")
    assert brief(findings) == [("SERVERS_FAILING", TEAM, None)]
    assert findings[0].severity is Severity.ERROR
    assert exit_code(findings) == 1


def test_stray_server_refusing(tree: Tree) -> None:
    """Wrong answer 6, first state: the stray server refuses the zone."""
    stray = tree.unused_server()
    servers = tree.servers("team-a", tree.zone("team-a", TEAM)["Id"])
    tree.change("dev", DEV, "UPSERT", TEAM, "NS", [s + "." for s in [*servers, stray]])
    findings = tree.verify()
    assert brief(findings) == [("EXTRA_NS_IN_PARENT", TEAM, stray)]
    assert "takeover" not in findings[0].message


def test_stray_server_answering_for_someone_else_is_a_takeover(tree: Tree) -> None:
    """Wrong answer 6, second state: someone else's zone of that name is on it."""
    evil = tree.attacker_zone(TEAM)
    servers = tree.servers("team-a", tree.zone("team-a", TEAM)["Id"])
    stray = next(s for s in evil if s not in servers)
    tree.change("dev", DEV, "UPSERT", TEAM, "NS", [s + "." for s in [*servers, stray]])
    findings = tree.verify()
    assert brief(findings) == [("TAKEOVER_IN_PROGRESS", TEAM, stray)]
    assert findings[0].severity is Severity.CRITICAL
    assert "takeover in progress" in findings[0].message


def test_apex_ns_stray_server_is_critical(tree: Tree) -> None:
    """Wrong answer 4: the apex NS names a server that does not serve the zone."""
    stray = tree.unused_server()
    servers = tree.servers("team-a", tree.zone("team-a", TEAM)["Id"])
    tree.change("team-a", TEAM, "UPSERT", TEAM, "NS", [s + "." for s in [*servers, stray]],
                ttl=172800)
    findings = tree.verify()
    assert brief(findings) == [("EXTRA_NS_IN_APEX", TEAM, stray)]
    assert findings[0].severity is Severity.CRITICAL


def test_apex_ns_server_answering_for_someone_else(tree: Tree) -> None:
    evil = tree.attacker_zone(TEAM)
    servers = tree.servers("team-a", tree.zone("team-a", TEAM)["Id"])
    stray = next(s for s in evil if s not in servers)
    tree.change("team-a", TEAM, "UPSERT", TEAM, "NS", [s + "." for s in [*servers, stray]],
                ttl=172800)
    findings = tree.verify()
    assert brief(findings) == [("TAKEOVER_IN_PROGRESS", TEAM, stray)]


def test_cname_where_the_delegation_should_be(tree: Tree) -> None:
    """Wrong answer 5: one cause, one finding, true details."""
    servers = tree.servers("team-a", tree.zone("team-a", TEAM)["Id"])
    tree.change("dev", DEV, "DELETE", TEAM, "NS", [s + "." for s in servers])
    tree.change("dev", DEV, "CREATE", TEAM, "CNAME", ["elsewhere.example.net."], ttl=300)
    findings = tree.verify()
    assert brief(findings) == [("CNAME_AT_DELEGATION", TEAM, None)]
    details = dict(findings[0].details)
    assert details["cname"] == "elsewhere.example.net"
    assert "CNAME elsewhere.example.net" in details.get("parent_answers", "")


def test_a_ds_at_the_cut_belongs_to_the_delegation(tree: Tree) -> None:
    """A DS next to the NS is the delegation's (RFC 4035 section 5), not occluded data;
    any other record at or below the cut still is."""
    tree.change("dev", DEV, "CREATE", TEAM, "DS", ["12345 13 2 " + "AB" * 32], ttl=300)
    assert tree.verify() == []
    tree.change("dev", DEV, "CREATE", "x." + TEAM, "DS", ["12345 13 2 " + "AB" * 32],
                ttl=300)
    assert brief(tree.verify()) == [("OCCLUDED_RECORDS", TEAM, None)]

"""The audit against the sandbox: an organisation made with moto Organizations, zones
made with boto3 in its generated accounts, read back by AssumeRole over HTTP.

Each test asserts exactly its findings.
"""

from __future__ import annotations

import pytest
from audit_world import MANAGEMENT, ROLE, World, build_healthy, build_scenario

from sandbox_fixtures import session_for
from zonecut.audit import (
    AuditFinding,
    DnsVerdict,
    Inventory,
    analyse,
    audit_accesses,
    build_tree,
    dns_checks,
    dns_targets,
)
from zonecut.sandbox import Sandbox
from zonecut.verify.probe import probe_sync
from zonecut.verify.targets import VerifyPolicy

pytestmark = pytest.mark.sandbox

Brief = tuple[str, str, str | None, str | None]


@pytest.fixture
def world(fresh_sandbox: Sandbox) -> World:
    return World(fresh_sandbox)


def read_org(world: World) -> Inventory:
    scan = world.scan()
    accounts = scan.organization_accounts()
    return scan.read(accounts, audit_accesses(accounts, role_name=ROLE))


def brief(findings: list[AuditFinding]) -> list[Brief]:
    return [(f.code, f.zone, f.account_id, f.zone_id) for f in findings]


def test_healthy_tree_across_three_accounts_gives_only_its_root(world: World) -> None:
    zones = build_healthy(world)
    inventory = read_org(world)

    assert [a.key for a in inventory.accounts] == ["master", "network-hub", "dev-team", "prod"]
    assert inventory.accounts[0].account_id == MANAGEMENT
    assert not inventory.failures
    assert sorted(z.name for z in inventory.zones) == [
        "api.prod.example.com", "dev.example.com", "example.com", "prod.example.com"]
    apex = zones["apex"]
    assert brief(analyse(inventory)) == [
        ("AUDIT_ROOT_ZONE", "example.com", apex.account_id, apex.zone_id)]
    tree = build_tree(inventory)
    assert {(d.parent.name, d.child, d.state.value) for d in tree.delegations} == {
        ("example.com", "dev.example.com", "ok"),
        ("example.com", "prod.example.com", "ok"),
        ("prod.example.com", "api.prod.example.com", "ok"),
    }


def test_every_problem_is_found_exactly_once(world: World) -> None:
    scenario = build_scenario(world)
    inventory = read_org(world)
    findings = analyse(inventory)
    apex = (scenario.account_of("apex"), scenario.id_of("apex"))
    assert brief(findings) == [
        ("AUDIT_ROOT_ZONE", "example.com", *apex),
        ("AUDIT_ORPHAN_ZONE", "lost.dev.example.com", scenario.account_of("lost"),
         scenario.id_of("lost")),
        ("AUDIT_SKIPPED_LEVEL", "team.dev.example.com", *apex),
        ("AUDIT_DUPLICATE_ZONE", "mail.example.com", None, None),
        ("AUDIT_DANGLING_DELEGATION", "old.example.com", *apex),
        ("AUDIT_PARTIAL_DELEGATION", "shop.example.com", *apex),
    ]
    by_code = {f.code: f for f in findings}
    duplicate = dict(by_code["AUDIT_DUPLICATE_ZONE"].details)
    assert set(duplicate["zone_ids"].split(", ")) == {scenario.id_of("mail-network"),
                                                      scenario.id_of("mail-prod")}
    assert set(duplicate["accounts"].split(", ")) == {scenario.account_of("mail-network"),
                                                      scenario.account_of("mail-prod")}
    assert duplicate["delegated"] == scenario.id_of("mail-prod")
    extra = scenario.zones["dev"].servers[0]
    partial = dict(by_code["AUDIT_PARTIAL_DELEGATION"].details)
    assert partial["extra_servers"] == extra
    assert partial["missing_servers"] == ""
    assert extra in by_code["AUDIT_PARTIAL_DELEGATION"].message
    assert "dev.example.com delegates it too" in by_code["AUDIT_SKIPPED_LEVEL"].message
    assert [f.severity.value for f in findings] == [
        "info", "warning", "warning", "error", "critical", "critical"]
    # Read again: the same inventory, byte for byte, and the same findings.
    again = read_org(world)
    assert again.to_json() == inventory.to_json()
    assert analyse(again) == findings
    assert scenario.id_of("old") not in {z.zone_id for z in inventory.zones}


def test_dns_confirms_a_dangling_delegation_and_spots_one_served_elsewhere(
        world: World) -> None:
    scenario = build_scenario(world)
    sandbox = world.sandbox
    apex = scenario.zones["apex"]
    sandbox.register("example.com", apex.servers)
    # ext.example.com lives in an account outside the organisation.
    outsider = session_for(sandbox, "999999999999", ROLE).client("route53")
    made = outsider.create_hosted_zone(Name="ext.example.com", CallerReference="ext")
    servers = tuple(s.rstrip(".") for s in made["DelegationSet"]["NameServers"])
    world.ns(apex, "ext.example.com", servers)

    inventory = read_org(world)
    tree = build_tree(inventory)
    targets = dns_targets(tree)
    assert [t.child for t in targets] == ["ext.example.com", "old.example.com"]
    info = sandbox.info
    observations = probe_sync(targets, info.root_hints,
                              policy=VerifyPolicy(timeout=0.5, retries=1),
                              port_map={s.address: s.port for s in info.servers.values()})
    checks = dns_checks(tree, targets, observations)
    verdicts = {child: check.verdict for (_, child), check in checks.items()}
    assert verdicts == {"ext.example.com": DnsVerdict.SERVED,
                        "old.example.com": DnsVerdict.NOT_SERVED}

    without_dns = {(f.code, f.zone) for f in analyse(inventory, None, tree)}
    assert ("AUDIT_DANGLING_DELEGATION", "ext.example.com") in without_dns
    findings = analyse(inventory, checks, tree)
    brought = [(f.code, f.zone) for f in findings if f.zone.endswith(("ext.example.com",
                                                                      "old.example.com"))]
    assert brought == [("AUDIT_EXTERNAL_DELEGATION", "ext.example.com"),
                       ("AUDIT_DANGLING_DELEGATION", "old.example.com")]
    dangling = next(f for f in findings if f.code == "AUDIT_DANGLING_DELEGATION")
    assert "confirmed over DNS" in dangling.message


def test_only_active_accounts_are_read_and_a_refused_one_is_reported(
        world: World) -> None:
    build_healthy(world)
    closed = world.account("Closed")
    world.org.close_account(AccountId=closed)
    scan = world.scan()
    accounts = scan.organization_accounts()
    assert closed not in {a.account_id for a in accounts}

    # An explicit account list works the same way; a role in another account than
    # asked is refused (before any call: its ARN names the account) and reported, not
    # fatal.
    accesses = audit_accesses(accounts, role_name=ROLE)
    prod = world.ids["Prod"]
    wrong = accesses[prod]
    accesses[prod] = type(wrong)(key=wrong.key, account_id=prod,
                                 role_arn=f"arn:aws:iam::{MANAGEMENT}:role/{ROLE}")
    inventory = scan.read(accounts, accesses)
    assert [f.account_id for f in inventory.failures] == [prod]
    findings = analyse(inventory)
    unreadable = [f for f in findings if f.code == "AUDIT_ACCOUNT_UNREADABLE"]
    assert len(unreadable) == 1 and prod in unreadable[0].message
    assert f"role arn:aws:iam::{MANAGEMENT}:role/{ROLE} is in account {MANAGEMENT}" in (
        unreadable[0].message)

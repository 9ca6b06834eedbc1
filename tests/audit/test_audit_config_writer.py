"""The written config: it loads, declares the tree found, and plans as no change for
the zones it adopted (against the sandbox)."""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_data import A, B, C, inventory, servers, zone
from audit_world import ROLE, World, build_healthy, build_scenario

from zonecut.audit import Inventory, audit_accesses, build_tree, write_config
from zonecut.config.document import Config
from zonecut.config.loader import load_config, load_config_text
from zonecut.plan.changes import NsAction, ZoneAction
from zonecut.plan.ownership import MANAGED_TAG
from zonecut.runtime import Runtime, Target
from zonecut.sandbox import Sandbox
from zonecut.state import HostedZone


def written(inv: Inventory) -> str:
    return write_config(inv, build_tree(inv))


def fast(cfg: Config) -> Config:
    """The config as written, but planned without waiting for the 5/s rate limit."""
    return cfg.model_copy(update={"defaults": cfg.defaults.model_copy(
        update={"rate_limit": 1000.0})})


def test_written_config_declares_roots_pins_duplicates_and_keeps_ttls() -> None:
    apex = zone("example.com", A, "ZAPEX", delegations={
        "dev.example.com": servers("ZDEV2"), "prod.example.com": servers("ZPROD")},
        ttls={"prod.example.com": 900})
    inv = inventory(apex, zone("dev.example.com", B, "ZDEV1"),
                    zone("dev.example.com", C, "ZDEV2"), zone("prod.example.com", C, "ZPROD"),
                    zone("example.net", B, "ZNET"))
    text = written(inv)
    cfg = load_config_text(text, "written.yaml")
    assert cfg.defaults.ns_ttl == 3600
    assert [(a, acc.id) for a, acc in cfg.accounts.items()] == [
        ("network", A), ("dev", B), ("prod", C)]
    declared = {z.name: z for z in cfg.zones}
    assert list(declared) == ["example.com", "dev.example.com", "prod.example.com",
                              "example.net"]
    assert declared["example.com"].root and declared["example.net"].root
    assert not declared["dev.example.com"].root
    # the copy the parent delegates to is the one adopted, pinned
    assert declared["dev.example.com"].zone_id == "ZDEV2"
    assert declared["dev.example.com"].account == "prod"
    assert declared["prod.example.com"].zone_id is None
    assert declared["prod.example.com"].ns_ttl == 900
    assert declared["dev.example.com"].ns_ttl is None
    assert text == written(inv), "the text is deterministic"


def test_odd_ttls_widen_the_policy_and_odd_names_are_left_out() -> None:
    apex = zone("example.com", A, "ZAPEX", delegations={
        "dev.example.com": servers("ZDEV"), "a.example.com": servers("ZA")},
        ttls={"dev.example.com": 60, "a.example.com": 60})
    odd = zone("b+c.example.com", B, "ZODD")
    text = written(inventory(apex, zone("dev.example.com", B, "ZDEV"),
                             zone("a.example.com", B, "ZA"), odd))
    cfg = load_config_text(text, "written.yaml")
    assert cfg.defaults.ns_ttl == 60
    assert (cfg.defaults.ns_ttl_policy.min, cfg.defaults.ns_ttl_policy.max) == (60, 172800)
    assert "b+c.example.com" not in {z.name for z in cfg.zones}
    assert "# left out (not a valid zone name for zonecut): b+c.example.com" in text


def test_quoting_keeps_every_value_a_string() -> None:
    record = zone("123.example.com", A, "ZNUM")
    inv = Inventory(accounts=inventory().accounts, zones=(
        zone("example.com", A, "ZAPEX", delegations={"123.example.com": servers("ZNUM")}),
        type(record)(HostedZone(zone_id="ZNUM", name="123.example.com", account_id=A,
                                name_servers=tuple(sorted(servers("ZNUM"))),
                                comment='say "yes": true'), record.ns_rrsets)))
    cfg = load_config_text(written(inv), "written.yaml")
    assert [z.comment for z in cfg.zones] == [None, 'say "yes": true']


@pytest.mark.sandbox
def test_round_trip_healthy_org_plans_only_the_managed_tag(fresh_sandbox: Sandbox,
                                                tmp_path: Path) -> None:
    world = World(fresh_sandbox)
    zones = build_healthy(world)
    scan = world.scan()
    accounts = scan.organization_accounts()
    inv = scan.read(accounts, audit_accesses(accounts, role_name=ROLE))
    path = tmp_path / "zonecut.yaml"
    path.write_text(write_config(inv, build_tree(inv)))

    cfg = load_config(path)
    assert "master" not in cfg.accounts, "accounts without zones are left out"
    runtime = Runtime(fast(cfg), Target(endpoint_url=fresh_sandbox.endpoint_url, sandbox=True))
    plan = runtime.plan()
    assert not plan.problems
    assert {z.name: (z.action, z.zone_id) for z in plan.zones} == {
        made.name: (ZoneAction.ADOPT, made.zone_id) for made in zones.values()}
    # the one change: each adopted zone is tagged zonecut:managed (issue 10: prune then
    # knows it is zonecut's once the file drops it); nothing else
    assert not plan.ns_changes and not plan.apex_repairs and not plan.deletions
    assert {z.name: z.tag_changes for z in plan.zones} == {
        made.name: ((MANAGED_TAG[0], MANAGED_TAG[1], None),) for made in zones.values()}
    assert all(z.comment_change is None for z in plan.zones)
    runtime.apply(plan)
    assert not runtime.plan().has_changes


@pytest.mark.sandbox
def test_round_trip_broken_org_adopts_every_zone_and_plans_only_the_repairs(
        fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    world = World(fresh_sandbox)
    scenario = build_scenario(world)
    scan = world.scan()
    accounts = scan.organization_accounts()
    inv = scan.read(accounts, audit_accesses(accounts, role_name=ROLE))
    path = tmp_path / "zonecut.yaml"
    path.write_text(write_config(inv, build_tree(inv)))

    runtime = Runtime(fast(load_config(path)), Target(endpoint_url=fresh_sandbox.endpoint_url,
                                                      sandbox=True))
    plan = runtime.plan()
    assert not plan.problems
    assert all(z.action is ZoneAction.ADOPT for z in plan.zones)
    adopted = {z.name: z.zone_id for z in plan.zones}
    assert adopted["mail.example.com"] == scenario.id_of("mail-prod")
    # Only the broken delegations change: the partial one is repaired, the orphan is
    # delegated; the dangling and the grandparent records are left alone (unmanaged).
    assert {(c.child, c.action) for c in plan.ns_changes} == {
        ("shop.example.com", NsAction.UPDATE), ("lost.dev.example.com", NsAction.CREATE)}
    assert {u.child for u in plan.unmanaged} == {"old.example.com", "team.dev.example.com"}
    assert not plan.apex_repairs


def test_written_config_keeps_access_settings_and_tags_of_the_audited_config() -> None:
    """Issue 11 item 11: --write-config dropped defaults.access and tags, so the file
    would assume the wrong role against real AWS."""
    from audit_data import healthy

    base = load_config_text(f"""
version: 1
defaults:
  access: {{role_name: "deploy/Zonecut-{{account}}", external_id: "ext-123",
           session_name: audit, partition: aws-us-gov, region: us-gov-west-1}}
accounts:
  network: {{id: "{A}", role_name: NetworkAdmin}}
  dev: {{id: "{B}", profile: dev-sso, assume_role: false}}
  prod: {{id: "{C}"}}
zones:
  - {{name: example.com, account: network, root: true, tags: {{team: net, cost: "42"}}}}
  - {{name: dev.example.com, account: dev}}
  - {{name: team.dev.example.com, account: prod, tags: {{owner: team-a}}}}
""", "base.yaml")
    inv = inventory(*healthy())
    written = load_config_text(write_config(inv, build_tree(inv), base=base), "w.yaml")
    assert written.defaults.access == base.defaults.access
    by_id = {a.id: a for a in written.accounts.values()}
    assert by_id[A].role_name == "NetworkAdmin"
    assert by_id[B].profile == "dev-sso" and by_id[B].assume_role is False
    tags = {z.name: dict(z.tags) for z in written.zones}
    assert tags["example.com"] == {"team": "net", "cost": "42"}
    assert tags["team.dev.example.com"] == {"owner": "team-a"}
    assert tags["dev.example.com"] == {}


def test_written_config_records_the_partition() -> None:
    from audit_data import healthy

    inv = inventory(*healthy())
    text = write_config(inv, build_tree(inv), partition="aws-cn")
    assert load_config_text(text, "w.yaml").defaults.access.partition == "aws-cn"
    plain = write_config(inv, build_tree(inv), partition="aws")
    assert "access:" not in plain


def test_audit_accesses_use_the_partition() -> None:
    from zonecut.audit.inventory import AuditAccount

    accesses = audit_accesses([AuditAccount(A, "network")], role_name="ZonecutAudit",
                              partition="aws-cn")
    assert accesses[A].role_arn == f"arn:aws-cn:iam::{A}:role/ZonecutAudit"
    assert accesses[A].partition == "aws-cn"

"""Zone moves (issue 13, item 6): a declared zone whose account changes is planned as a
move (the old zone, how many records it holds, the new zone, the parent's NS values
replaced) and its old zone is deleted only with --prune and --allow-delete, after the
parent points at the new zone; a zone zonecut did not create is never deleted. Through
the real app, against the sandbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cli_support import clean_env, invoke
from sandbox_fixtures import session_for
from zonecut.names import normalize
from zonecut.sandbox import Sandbox

pytestmark = pytest.mark.sandbox

NETWORK, DEV, PLATFORM = "111111111111", "222222222222", "333333333333"
BEFORE = """\
version: 1
defaults: {rate_limit: 100, access: {role_name: ZonecutDelegation}}
accounts:
  network: {id: "111111111111"}
  dev: {id: "222222222222"}
  platform: {id: "333333333333"}
zones:
  - {name: example.com, account: network, root: true}
  - {name: dev.example.com, account: dev}
"""
AFTER = BEFORE.replace("{name: dev.example.com, account: dev}",
                       "{name: dev.example.com, account: platform}")
DEV_ZONE = "dev.example.com"


class World:
    def __init__(self, sandbox: Sandbox, tmp_path: Path) -> None:
        self.sandbox = sandbox
        self.dir = tmp_path
        self.env = clean_env(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x",
                             AWS_ENDPOINT_URL=sandbox.endpoint_url, COLUMNS="120")
        (tmp_path / "zonecut.yaml").write_text(BEFORE)

    def zonecut(self, *args: str) -> Any:
        return invoke(*args, cwd=self.dir, env=self.env)

    def json(self, *args: str) -> dict[str, Any]:
        ran = self.zonecut(*args, "-o", "json")
        assert ran.returncode == 0, ran.stderr + ran.stdout
        return dict(json.loads(ran.stdout))

    def r53(self, account: str) -> Any:
        return session_for(self.sandbox, account).client("route53")

    def zones(self, account: str, name: str) -> list[str]:
        listed = self.r53(account).list_hosted_zones()["HostedZones"]
        return [z["Id"].split("/")[-1] for z in listed if normalize(z["Name"]) == name]

    def servers(self, account: str, zone_id: str) -> list[str]:
        got = self.r53(account).get_hosted_zone(Id=zone_id)["DelegationSet"]["NameServers"]
        return sorted(normalize(s) for s in got)

    def parent_ns(self) -> list[str]:
        (apex,) = self.zones(NETWORK, "example.com")
        for rr in self.r53(NETWORK).list_resource_record_sets(HostedZoneId=apex)[
                "ResourceRecordSets"]:
            if rr["Type"] == "NS" and normalize(rr["Name"]) == DEV_ZONE:
                return sorted(normalize(r["Value"]) for r in rr["ResourceRecords"])
        return []

    def add_records(self, account: str, zone_id: str) -> None:
        self.r53(account).change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={
            "Changes": [{"Action": "CREATE", "ResourceRecordSet": {
                "Name": f"{label}.{DEV_ZONE}", "Type": "A", "TTL": 300,
                "ResourceRecords": [{"Value": "192.0.2.10"}]}} for label in ("www", "api")]})

    def moved(self) -> tuple[str, list[str]]:
        """Apply the old tree, give the old zone two records, declare the move."""
        assert self.zonecut("apply", "--yes").returncode == 0
        (old,) = self.zones(DEV, DEV_ZONE)
        self.add_records(DEV, old)
        (self.dir / "zonecut.yaml").write_text(AFTER)
        return old, self.servers(DEV, old)


@pytest.fixture
def world(fresh_sandbox: Sandbox, tmp_path: Path) -> World:
    return World(fresh_sandbox, tmp_path)


def test_plan_shows_a_move_and_apply_without_prune_keeps_the_old_zone(world: World) -> None:
    old, old_servers = world.moved()
    data = world.json("plan")
    assert data["summary"]["zones_moved"] == 1 and data["deletions"] == []
    (move,) = data["moves"]
    assert move == {
        "name": DEV_ZONE, "parent": "example.com",
        "old_zone": {"account_id": DEV, "zone_id": old, "records": 2,
                     "created_by_zonecut": True},
        "new_zone": {"account_id": PLATFORM, "account": "platform", "zone_id": None},
        "replaced_ns": old_servers, "new_ns": "(known after apply)"}
    table = world.zonecut("plan")
    assert table.returncode == 0, table.stderr
    text = " ".join(table.stdout.split())
    assert (f"~ {DEV_ZONE} moves from account {DEV} (dev) to account {PLATFORM} "
            "(platform)") in text
    assert f"old zone {old} (account {DEV} (dev)): 2 record set(s) besides its SOA and NS" in text
    assert "new zone: created by this apply" in text
    for server in old_servers:
        assert f"- {server}" in text
    assert "`--prune` (with --allow-delete to apply) deletes it" in text
    assert "1 zone(s) moving to another account" in text

    applied = world.zonecut("apply", "--yes")
    assert applied.returncode == 0, applied.stderr + applied.stdout
    (new,) = world.zones(PLATFORM, DEV_ZONE)
    assert world.parent_ns() == world.servers(PLATFORM, new)
    assert world.zones(DEV, DEV_ZONE) == [old]  # left behind without --prune

    # Later, --prune offers the old zone: nothing delegates to it any more.
    pruning = world.json("plan", "--prune")
    (move,) = pruning["moves"]
    assert move["old_zone"]["zone_id"] == old and move["replaced_ns"] == []
    assert move["new_zone"]["zone_id"] == new
    (deletion,) = pruning["deletions"]
    assert deletion == {"name": DEV_ZONE, "account_id": DEV, "zone_id": old,
                        "parent": "example.com", "parent_account_id": None,
                        "parent_ns": None, "records_to_delete": 2, "reason": "move",
                        "stale_delegations": []}
    refused = world.zonecut("apply", "--prune", "--yes")
    assert refused.returncode == 1 and "--allow-delete" in refused.stderr
    assert world.zones(DEV, DEV_ZONE) == [old]
    done = world.zonecut("apply", "--prune", "--allow-delete", "--yes")
    assert done.returncode == 0, done.stderr + done.stdout
    assert "0 delegation(s) removed, 1 zone(s) deleted" in done.stdout
    assert world.zones(DEV, DEV_ZONE) == []
    assert world.parent_ns() == world.servers(PLATFORM, new)
    after = world.json("plan", "--prune")
    assert after["has_changes"] is False and after["moves"] == []


def test_move_and_prune_in_one_apply_points_the_parent_first(world: World) -> None:
    old, old_servers = world.moved()
    data = world.json("plan", "--prune")
    (move,) = data["moves"]
    assert move["replaced_ns"] == old_servers
    assert [(d["zone_id"], d["reason"], d["parent_ns"]) for d in data["deletions"]] == [
        (old, "move", None)]
    done = world.zonecut("apply", "--prune", "--allow-delete", "--yes")
    assert done.returncode == 0, done.stderr + done.stdout
    (new,) = world.zones(PLATFORM, DEV_ZONE)
    assert world.parent_ns() == world.servers(PLATFORM, new)
    assert world.zones(DEV, DEV_ZONE) == []
    assert "1 zone(s) created" in done.stdout and "1 zone(s) deleted" in done.stdout


def test_an_old_copy_zonecut_did_not_create_is_shown_never_deleted(world: World) -> None:
    assert world.zonecut("apply", "--yes").returncode == 0
    # Replace the dev zone by one another tool made (no zonecut mark), delegated by hand.
    (made_by_zonecut,) = world.zones(DEV, DEV_ZONE)
    client = world.r53(DEV)
    other = client.create_hosted_zone(Name=DEV_ZONE, CallerReference="another-tool")
    other_id = other["HostedZone"]["Id"].split("/")[-1]
    other_servers = world.servers(DEV, other_id)
    client.delete_hosted_zone(Id=made_by_zonecut)
    (apex,) = world.zones(NETWORK, "example.com")
    world.r53(NETWORK).change_resource_record_sets(HostedZoneId=apex, ChangeBatch={
        "Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
            "Name": DEV_ZONE, "Type": "NS", "TTL": 3600,
            "ResourceRecords": [{"Value": s} for s in other_servers]}}]})
    (world.dir / "zonecut.yaml").write_text(AFTER)
    data = world.json("plan", "--prune")
    (move,) = data["moves"]
    assert move["old_zone"] == {"account_id": DEV, "zone_id": other_id, "records": 0,
                                "created_by_zonecut": False}
    assert data["deletions"] == []
    text = " ".join(world.zonecut("plan", "--prune").stdout.split())
    assert "the old zone was not created by zonecut: it is left alone" in text
    assert world.zonecut("apply", "--prune", "--allow-delete", "--yes").returncode == 0
    assert world.zones(DEV, DEV_ZONE) == [other_id]

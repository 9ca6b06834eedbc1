"""`zonecut apply --prune` of a signed zone the config dropped, through the installed
CLI on a background sandbox: the plan puts the DS removal, the wait and the unsigning
before the zone's deletion; after apply the zone, its DS and its keys are gone, the
zones kept still validate from the sandbox root's trust anchor, and a zone made by
another tool is untouched."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_support import zonecut
from sandbox_fixtures import session_for
from zonecut.sandbox.control import SandboxClient
from zonecut.sandbox.process import down, status

SIGNED = """\
version: 1
defaults: {rate_limit: 50, dnssec: true, access: {role_name: ZonecutDelegation}}
accounts:
  network: {id: "111111111111"}
  dev: {id: "222222222222"}
  prod: {id: "333333333333"}
zones:
  - {name: example.org, account: network, root: true}
  - {name: dev.example.org, account: dev}
  - {name: prod.example.org, account: prod}
"""
PRUNED = SIGNED.replace("  - {name: dev.example.org, account: dev}\n", "")
NETWORK, DEV = "111111111111", "222222222222"


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "zonecut.yaml").write_text(SIGNED)
    yield tmp_path
    down(tmp_path / ".zonecut")


def _records(client: SandboxClient, account: str, zone: str) -> list[tuple[str, str]]:
    r53 = session_for(client, account).client("route53")
    zone_id = next(z["Id"] for z in r53.list_hosted_zones()["HostedZones"]
                   if z["Name"] == zone + ".")
    return sorted((r["Name"], r["Type"]) for r in r53.list_resource_record_sets(
        HostedZoneId=zone_id)["ResourceRecordSets"])


def _verify_dnssec(workdir: Path) -> tuple[int, list[tuple[str, str]]]:
    run = zonecut("verify", "--sandbox", "--dnssec", "-o", "json", cwd=workdir)
    assert run.returncode in (0, 3), run.stdout + run.stderr
    return run.returncode, sorted((f["zone"], f["code"])
                                  for f in json.loads(run.stdout)["findings"])


def test_apply_prune_unsigns_a_dropped_signed_zone_before_deleting_it(workdir: Path) -> None:
    assert zonecut("sandbox", "up", cwd=workdir).returncode == 0
    applied = zonecut("apply", "--sandbox", "--yes", cwd=workdir)
    assert applied.returncode == 0, applied.stderr + applied.stdout
    assert _verify_dnssec(workdir) == (0, [])
    info = status(workdir / ".zonecut")
    assert info is not None
    client = SandboxClient(info)
    # another tool's zone in the dev account: prune must leave it alone
    dev = session_for(client, DEV).client("route53")
    dev.create_hosted_zone(Name="legacy.example.org", CallerReference="terraform-1")
    assert ("dev.example.org.", "DS") in _records(client, NETWORK, "example.org")

    (workdir / "zonecut.yaml").write_text(PRUNED)
    planned = zonecut("plan", "--sandbox", "--prune", "-o", "json", cwd=workdir)
    assert planned.returncode in (0, 2), planned.stderr
    plan = json.loads(planned.stdout)
    steps = plan["dnssec"]["steps"]
    assert steps[0] == ("remove DS of dev.example.org from example.org (dev.example.org "
                        "is deleted)"), steps
    assert [d["name"] for d in plan["deletions"]] == ["dev.example.org"]

    pruned = zonecut("apply", "--sandbox", "--prune", "--allow-delete", "--yes", cwd=workdir)
    assert pruned.returncode == 0, pruned.stderr + pruned.stdout
    names = sorted(z["Name"] for z in dev.list_hosted_zones()["HostedZones"])
    assert names == ["legacy.example.org."]
    assert [r for r in _records(client, NETWORK, "example.org")
            if r[0] == "dev.example.org."] == []
    assert _verify_dnssec(workdir) == (0, [])  # example.org and prod still validate
    again = zonecut("plan", "--sandbox", "--prune", "-o", "json", cwd=workdir)
    assert json.loads(again.stdout)["deletions"] == [], again.stdout

"""`zonecut audit` end to end in-process: typer's runner, the sandbox over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from audit_world import World, build_healthy, build_scenario
from typer.testing import CliRunner

from zonecut.cli.main import app
from zonecut.config.loader import load_config
from zonecut.sandbox import Sandbox

pytestmark = pytest.mark.sandbox
runner = CliRunner()
FAST = ["--rate-limit", "1000"]


@pytest.fixture
def world(fresh_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", fresh_sandbox.endpoint_url)
    return World(fresh_sandbox)


def test_org_audit_json_exit_code_save_and_replay(world: World, tmp_path: Path) -> None:
    build_scenario(world)
    saved = tmp_path / "inventory.json"
    result = runner.invoke(app, ["audit", "-o", "json", "--save", str(saved), *FAST])
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    assert [f["code"] for f in data["findings"]] == [
        "AUDIT_ROOT_ZONE", "AUDIT_ORPHAN_ZONE", "AUDIT_SKIPPED_LEVEL", "AUDIT_DUPLICATE_ZONE",
        "AUDIT_DANGLING_DELEGATION", "AUDIT_PARTIAL_DELEGATION"]
    assert data["summary"]["accounts"] == 4 and data["summary"]["exit_code"] == 3

    replayed = runner.invoke(app, ["audit", "-o", "json", "--replay", str(saved)])
    assert replayed.exit_code == 3
    assert json.loads(replayed.stdout) == data

    sarif = runner.invoke(app, ["audit", "-o", "sarif", "--replay", str(saved)])
    assert sarif.exit_code == 3
    results = json.loads(sarif.stdout)["runs"][0]["results"]
    # Info-level findings (AUDIT_ROOT_ZONE) are left out of SARIF unless --sarif-info.
    assert [r["ruleId"] for r in results] == [f["code"] for f in data["findings"]
                                              if f["severity"] != "info"]
    with_info = runner.invoke(app, ["audit", "-o", "sarif", "--sarif-info", "--replay",
                                    str(saved)])
    assert [r["ruleId"] for r in json.loads(with_info.stdout)["runs"][0]["results"]] == [
        f["code"] for f in data["findings"]]


def test_healthy_table_write_config_then_audit_its_accounts(world: World,
                                                            tmp_path: Path) -> None:
    build_healthy(world)
    written = tmp_path / "zonecut.yaml"
    result = runner.invoke(app, ["audit", "--write-config", str(written), *FAST])
    assert result.exit_code == 0, result.output
    assert "4 of 4 account(s) read, 4 public zone(s): no problem found" in result.stdout
    assert "AUDIT_ROOT_ZONE" in result.stdout
    cfg = load_config(written)
    assert sorted(cfg.accounts) == ["dev-team", "network-hub", "prod"]

    again = runner.invoke(app, ["audit", "-c", str(written), "-o", "json", *FAST])
    assert again.exit_code == 0, again.output
    data = json.loads(again.stdout)
    assert [a["key"] for a in data["accounts"]] == ["network-hub", "dev-team", "prod"]
    assert data["summary"]["zones"] == 4

    # the written config adopts every zone: its only change is the zonecut:managed tag
    # (so that prune knows them later, issue 10), and after apply there is none
    plan = runner.invoke(app, ["plan", "-c", str(written), "--exit-code"])
    assert plan.exit_code == 2, plan.output
    assert "4 zone(s) to retag or recomment" in plan.output
    assert "create" not in plan.output.lower() and "delete" not in plan.output.lower()
    applied = runner.invoke(app, ["apply", "-c", str(written), "--yes"])
    assert applied.exit_code == 0, applied.output
    plan = runner.invoke(app, ["plan", "-c", str(written), "--exit-code"])
    assert plan.exit_code == 0, plan.output


def test_explicit_accounts_and_account_file(world: World, tmp_path: Path) -> None:
    zones = build_healthy(world)
    network, dev = zones["apex"].account_id, zones["dev"].account_id
    result = runner.invoke(app, ["audit", "--accounts", f"net={network}", "-o", "json", *FAST])
    data = json.loads(result.stdout)
    assert [a["key"] for a in data["accounts"]] == ["net"]
    assert [z["zone"] for z in data["zones"]] == ["example.com"]
    # example.com delegates dev and prod, which no audited account holds; other accounts
    # were not audited, so they are unverified, not dangling (issue 11; was: critical).
    assert result.exit_code == 0, result.output
    assert sorted((f["code"], f["zone"]) for f in data["findings"]
                  if f["severity"] != "info") == [
        ("AUDIT_UNVERIFIED_DELEGATION", "dev.example.com"),
        ("AUDIT_UNVERIFIED_DELEGATION", "prod.example.com")]

    listed = tmp_path / "accounts.txt"
    listed.write_text(f"# two accounts\nnetwork={network}\n{dev}\n")
    result = runner.invoke(app, ["audit", "--accounts-file", str(listed), "-o", "json",
                                 *FAST])
    data = json.loads(result.stdout)
    assert [a["key"] for a in data["accounts"]] == ["network", f"account-{dev}"]
    unverified = [f["zone"] for f in data["findings"]
                  if f["code"] == "AUDIT_UNVERIFIED_DELEGATION"]
    assert unverified == ["prod.example.com"]
    assert not [f for f in data["findings"] if f["code"] == "AUDIT_DANGLING_DELEGATION"]


def test_user_errors_are_one_message(world: World, tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", "--accounts", "12345"])
    assert result.exit_code == 1
    assert "'12345' is not a 12-digit account id" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["audit", "--accounts", "111111111111", "-c", "x.yaml"])
    assert result.exit_code == 1 and "give one of them" in result.output
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    result = runner.invoke(app, ["audit", "--replay", str(bad)])
    assert result.exit_code == 1 and "not a zonecut audit inventory" in result.output


def test_list_codes() -> None:
    result = runner.invoke(app, ["audit", "--list-codes"])
    assert result.exit_code == 0
    assert "Audit finding codes" in result.stdout and "AUDIT_ROOT_ZONE" in result.stdout


def test_dns_option_confirms_the_dangling_delegation(world: World, tmp_path: Path) -> None:
    sandbox = world.sandbox
    if any(s.port != 53 for s in sandbox.info.servers.values()):
        pytest.skip("the sandbox DNS is not on port 53 (not root): --root-hints cannot "
                    "reach it; the API test covers --dns")
    scenario = build_scenario(world)
    sandbox.register("example.com", scenario.zones["apex"].servers)
    hints = tmp_path / "root.hints"
    sandbox.write_root_hints(hints)
    result = runner.invoke(app, ["audit", "--dns", "--root-hints", str(hints), "--timeout",
                                 "0.5", "-o", "json", *FAST])
    assert result.exit_code == 3, result.output
    dangling = [f for f in json.loads(result.stdout)["findings"]
                if f["code"] == "AUDIT_DANGLING_DELEGATION"]
    assert len(dangling) == 1
    assert "confirmed over DNS" in dangling[0]["message"]


def test_no_account_found_gives_a_hint(fresh_sandbox: Sandbox,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 11: an audit that finds no account (no organisation here) says how to name
    them, in one line."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", fresh_sandbox.endpoint_url)
    result = runner.invoke(app, ["audit", *FAST])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "no ACTIVE account" in result.output
    assert "--accounts id,name=id" in result.output and "-c zonecut.yaml" in result.output


def test_dns_probes_the_servers_a_stray_apex_ns_names(world: World, tmp_path: Path) -> None:
    """Issue 11: the apex NS check was API-only. With --dns, the servers an apex NS set
    names outside every delegation set are probed as verify probes them: one that
    refuses the zone is confirmed (verify's EXTRA_NS_IN_APEX), one that answers with
    authority for someone else's copy (here: a copy in an account left out of the audit)
    is a takeover in progress (verify's TAKEOVER_IN_PROGRESS)."""
    sandbox = world.sandbox
    if any(s.port != 53 for s in sandbox.info.servers.values()):
        pytest.skip("the sandbox DNS is not on port 53 (not root): --root-hints cannot "
                    "reach it")
    zones = build_healthy(world)
    sandbox.register("example.com", zones["apex"].servers)
    other = world.zone(world.account("Elsewhere"), "dev.example.com", reference="other")
    used = {s for z in (*zones.values(), other) for s in z.servers}
    refusing = next(n for n in sorted(sandbox.info.servers)
                    if n.startswith("ns-") and n not in used)
    answering = other.servers[0]
    dev = zones["dev"]
    world.ns(dev, "dev.example.com", [*dev.servers, refusing, answering], ttl=172800,
             action="UPSERT")
    hints = tmp_path / "root.hints"
    sandbox.write_root_hints(hints)
    base = ["audit", "-o", "json", "--exclude", other.account_id, *FAST]

    api_only = runner.invoke(app, base)
    (stray,) = [f for f in json.loads(api_only.stdout)["findings"]
                if f["code"] == "AUDIT_APEX_NS_STRAY"]
    assert "over DNS" not in stray["message"] and "takeover" not in stray["message"]

    result = runner.invoke(app, [*base, "--dns", "--root-hints", str(hints),
                                 "--timeout", "0.5"])
    assert result.exit_code == 3, result.output
    found = json.loads(result.stdout)["findings"]
    (stray,) = [f for f in found if f["code"] == "AUDIT_APEX_NS_STRAY"]
    assert stray["zone"] == "dev.example.com" and stray["severity"] == "critical"
    assert f"takeover in progress: {answering} answer(s) with authority" in stray["message"]
    assert f"confirmed over DNS: {refusing} (lame) do(es) not serve it" in stray["message"]
    details = dict(stray["details"])
    assert details["takeover"] == answering
    assert f"{refusing}: lame" in details["dns"] and f"{answering}: serving" in details["dns"]

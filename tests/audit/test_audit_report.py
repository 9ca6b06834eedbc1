"""The audit's outside forms: JSON, SARIF 2.1.0, tables, exit code, inventory JSON."""

from __future__ import annotations

import json

import pytest
from audit_data import A, B, healthy, inventory, servers, zone

from zonecut.audit import (
    AUDIT_CATALOGUE,
    Inventory,
    InventoryFormatError,
    analyse,
    build_tree,
    exit_code,
    to_json,
    to_sarif,
)
from zonecut.audit.report import catalogue_table, findings_table, verdict, zones_table
from zonecut.verify.findings import CATALOGUE


def broken() -> Inventory:
    apex = zone("example.com", A, "ZAPEX", delegations={
        "dev.example.com": servers("ZDEV"), "gone.example.com": servers("G")})
    return inventory(apex, *healthy()[1:], zone("lost.dev.example.com", B, "ZLOST"))


def test_json_shape() -> None:
    inv = broken()
    tree = build_tree(inv)
    findings = analyse(inv, None, tree)
    data = json.loads(json.dumps(to_json(inv, tree, findings)))
    assert data["format"] == "zonecut.audit.report" and data["version"] == 1
    assert data["summary"] == {
        "accounts": 3, "accounts_unreadable": 0, "zones": 4, "private_zones_skipped": 0,
        "delegations": 3,
        "counts": {"critical": 1, "error": 0, "warning": 1, "info": 1},
        "total": 3, "exit_code": 1,
    }
    assert [a["key"] for a in data["accounts"]] == ["network", "dev", "prod"]
    assert [z["zone"] for z in data["zones"]] == [
        "example.com", "dev.example.com", "lost.dev.example.com", "team.dev.example.com"]
    dev = data["zones"][1]
    assert dev["account"] == "dev" and dev["enclosing_zone"] == "example.com"
    assert dev["delegated_by"] == [{"zone": "example.com", "zone_id": "ZAPEX",
                                    "account_id": A, "state": "ok",
                                    "skipped_level": False}]
    assert data["zones"][2]["status"] == "warning"
    assert {d["zone"]: d["state"] for d in data["delegations"]} == {
        "dev.example.com": "ok", "gone.example.com": "dangling",
        "team.dev.example.com": "ok"}
    first = data["findings"][0]
    assert set(first) == {"code", "severity", "message", "zone", "account_id", "zone_id",
                          "reference", "details"}
    assert [f["code"] for f in data["findings"]] == [
        "AUDIT_ROOT_ZONE", "AUDIT_ORPHAN_ZONE", "AUDIT_DANGLING_DELEGATION"]


def test_sarif_shape() -> None:
    findings = analyse(broken())
    log = json.loads(json.dumps(to_sarif(findings, include_info=True)))
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in AUDIT_CATALOGUE]
    assert all(r["helpUri"].startswith("https://") for r in rules)
    results = run["results"]
    assert [r["ruleId"] for r in results] == [f.code for f in findings]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    dangling = results[2]
    assert dangling["level"] == "error"
    assert dangling["locations"][0]["logicalLocations"] == [
        {"name": "gone.example.com", "fullyQualifiedName": "gone.example.com",
         "kind": "resource"},
        {"name": A, "fullyQualifiedName": f"aws:account/{A}", "kind": "namespace"},
    ]
    assert dangling["partialFingerprints"] == {
        "zonecutAudit/v1": f"AUDIT_DANGLING_DELEGATION:gone.example.com:{A}:ZAPEX"}
    assert {r["level"] for r in results} == {"note", "warning", "error"}


def test_catalogue_codes_are_unique_and_apart_from_verify() -> None:
    audit_codes = [r.code for r in AUDIT_CATALOGUE]
    assert len(set(audit_codes)) == len(audit_codes)
    assert all(code.startswith("AUDIT_") for code in audit_codes)
    assert not set(audit_codes) & {r.code for r in CATALOGUE}
    assert len(catalogue_table().rows) == len(AUDIT_CATALOGUE)


def test_tables_verdict_and_exit_code() -> None:
    inv = broken()
    tree = build_tree(inv)
    findings = analyse(inv, None, tree)
    assert exit_code(findings) == 1
    assert exit_code(analyse(inventory(*healthy()))) == 0
    rows = zones_table(inv, tree, findings).rows
    assert rows[0] == ("example.com", "network", "ZAPEX", "(registrar)", "info")
    assert rows[2] == ("lost.dev.example.com", "dev", "ZLOST", "-", "warning")
    assert [r[1] for r in findings_table(findings).rows] == [f.code for f in findings]
    assert findings_table(findings).rows[0][3] == A
    assert findings_table(findings, inv).rows[0][3] == "network"
    assert verdict(inv, findings) == ("3 of 3 account(s) read, 4 public zone(s): "
                                      "1 critical, 1 warning")


def test_inventory_json_round_trip_and_refusals() -> None:
    inv = broken()
    again = Inventory.from_json(inv.to_json())
    assert again == inv
    assert analyse(again) == analyse(inv)
    with pytest.raises(InventoryFormatError, match="format"):
        Inventory.from_json('{"format": "other"}')
    with pytest.raises(InventoryFormatError, match="version"):
        Inventory.from_json('{"format": "zonecut.audit.inventory", "version": 9}')
    with pytest.raises(InventoryFormatError, match="not JSON"):
        Inventory.from_json("{")

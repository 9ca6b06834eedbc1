"""Reports: JSON, SARIF 2.1.0, exit code, summary, tables; root hints parsing."""

from __future__ import annotations

import json

import pytest
from verify_world import World

from zonecut.verify import ROOT_SERVERS, RootHintsError, parse_root_hints
from zonecut.verify.checks import check
from zonecut.verify.findings import CATALOGUE, Finding, Severity, finding
from zonecut.verify.observations import Observations, ObservationsFormatError
from zonecut.verify.report import (
    catalogue_table,
    exit_code,
    findings_table,
    summary,
    to_json,
    to_sarif,
    zones_table,
)
from zonecut.verify.targets import VerifyPolicy

TEAM = "team-a.dev.example.com"


def sample() -> tuple[World, list[Finding]]:
    world = World.healthy()
    world.update(TEAM, child_record_count=9500)
    world.child_says(TEAM, "ns-3.awsdns-03.com", aa=False)
    findings = check(world.target_list(), world.observations(), VerifyPolicy())
    return world, findings


def test_exit_code_fails_only_on_error_or_critical() -> None:
    warning = finding("RECORD_LIMIT_NEAR", "a.example.com", "near")
    info = finding("NS_TTL_POLICY", "a.example.com", "ttl")
    assert exit_code([]) == 0
    assert exit_code([warning, info]) == 0
    assert exit_code([warning, finding("LAME_SERVER", "a.example.com", "lame")]) == 1
    assert exit_code([finding("DANGLING_DELEGATION", "a.example.com", "gone")]) == 1


def test_summary_counts_and_text() -> None:
    world, findings = sample()
    result = summary(findings, world.target_list())
    assert result.zones == 3
    assert result.zones_with_findings == 1
    assert result.count(Severity.ERROR) == 1
    assert result.count(Severity.WARNING) == 1
    assert result.exit_code == 1
    assert result.text == "3 zone(s) verified: 1 error, 1 warning in 1 zone(s)"
    assert summary([], world.target_list()).text == "3 zone(s) verified: no finding"


def test_json_report_lists_every_zone_with_status() -> None:
    world, findings = sample()
    report = to_json(findings, world.target_list())
    json.dumps(report)  # serialisable as is
    assert [z["zone"] for z in report["zones"]] == ["example.com", "dev.example.com", TEAM]
    assert [z["status"] for z in report["zones"]] == ["ok", "ok", "error"]
    assert report["zones"][2]["findings"] == ["LAME_SERVER", "RECORD_LIMIT_NEAR"]
    assert report["summary"]["exit_code"] == 1
    first = report["findings"][0]
    assert first["code"] == "LAME_SERVER" and first["server"] == "ns-3.awsdns-03.com"
    assert "DELEGATION04" in first["reference"]


def test_sarif_has_the_catalogue_and_located_results() -> None:
    _, findings = sample()
    findings.append(finding("NS_TTL_POLICY", "example.com", "ttl"))
    log = to_sarif(findings, include_info=True)  # info-level results only when asked
    json.dumps(log)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in CATALOGUE]
    assert all(r["helpUri"].startswith("https://") and r["shortDescription"]["text"]
               for r in rules)
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels == {"LAME_SERVER": "error", "RECORD_LIMIT_NEAR": "warning",
                      "NS_TTL_POLICY": "note"}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        assert location["logicalLocations"][0]["fullyQualifiedName"] in (TEAM, "example.com")
    critical = to_sarif([finding("DANGLING_DELEGATION", TEAM, "gone")])
    assert critical["runs"][0]["results"][0]["level"] == "error"


def test_tables_are_rows_of_strings() -> None:
    world, findings = sample()
    table = findings_table(findings)
    assert table.headers == ("severity", "code", "zone", "server", "message")
    assert all(isinstance(cell, str) for row in table.rows for cell in row)
    zones = zones_table(findings, world.target_list())
    assert zones.rows[0] == ("example.com", "", "ok", "")
    assert zones.rows[2][:3] == (TEAM, "dev.example.com", "error")
    assert len(catalogue_table().rows) == len(CATALOGUE)


def test_observations_reject_other_formats() -> None:
    with pytest.raises(ObservationsFormatError):
        Observations.from_json("[]")
    with pytest.raises(ObservationsFormatError):
        Observations.from_json('{"format": "zonecut.verify.observations", "version": 99}')
    with pytest.raises(ObservationsFormatError):
        Observations.from_json("not json")


def test_root_hints_parse_named_root_format() -> None:
    text = """
; This file holds the information on root name servers
.                        3600000      NS    A.ROOT-SERVERS.NET.
A.ROOT-SERVERS.NET.      3600000      A     198.41.0.4
A.ROOT-SERVERS.NET.      3600000      AAAA  2001:503:ba3e::2:30
;
.                        3600000      NS    B.ROOT-SERVERS.NET.
B.ROOT-SERVERS.NET.      3600000 IN   A     170.247.170.2
"""
    roots = parse_root_hints(text, port=5353)
    assert [(r.name, r.address, r.port) for r in roots] == [
        ("a.root-servers.net", "198.41.0.4", 5353),
        ("b.root-servers.net", "170.247.170.2", 5353),
    ]
    with pytest.raises(RootHintsError):
        parse_root_hints("; nothing\n")
    assert len(ROOT_SERVERS) == 13
    assert len({r.address for r in ROOT_SERVERS}) == 13

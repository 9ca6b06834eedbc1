"""`zonecut demo` signs the example tree and says the chain of trust is secure only when
a validating resolver with the sandbox root's trust anchor would agree: the demo run end
to end, and its chain check against a sandbox whose chain is broken on purpose."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox_fixtures import session_for
from zonecut.cli.demo import signed_by_default
from zonecut.cli.demo_dnssec import ChainReport, chain_of_trust, signed_zones
from zonecut.config.loader import load_config_text
from zonecut.runtime import Runtime, Target
from zonecut.sandbox import Sandbox
from zonecut.sandbox.zone_data import all_zones
from zonecut.verify import ServerAddress

pytestmark = pytest.mark.sandbox

SECURE = "DNSSEC: chain of trust is secure from the sandbox root to every signed zone (5 zones)"
CONFIG = """
version: 1
defaults: {rate_limit: 200, access: {role_name: ZonecutDelegation}}
accounts:
  network: {id: "111111111111"}
  dev: {id: "222222222222"}
  prod: {id: "333333333333"}
  team-a: {id: "444444444444"}
  api: {id: "555555555555"}
zones:
  - {name: example.com, account: network, root: true}
  - {name: dev.example.com, account: dev}
  - {name: prod.example.com, account: prod}
  - {name: team-a.dev.example.com, account: team-a}
  - {name: api.example.com, account: api}
"""


def test_make_demo_signs_the_example_tree_and_says_the_chain_is_secure(
        tmp_path: Path) -> None:
    # its own process: the demo starts a sandbox, and moto allows one per process
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run([sys.executable, "-m", "zonecut.cli", "demo", "-c", "org.yaml",
                             "--out-dir", str(tmp_path / "out")], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert SECURE in result.stdout.splitlines()
    assert "signing every zone of org.yaml" in result.stderr
    assert "5 zone(s) signed, 4 DS record(s) written" in result.stdout


def test_a_config_that_sets_dnssec_is_used_as_it_is() -> None:
    plain = load_config_text(CONFIG, "t.yaml")
    assert signed_by_default(plain).defaults.dnssec is True
    mixed = load_config_text(CONFIG.replace("account: api}", "account: api, dnssec: false}"),
                             "t.yaml")
    assert signed_by_default(mixed) is mixed


def _world(sandbox: Sandbox) -> tuple[Runtime, list[str]]:
    cfg = signed_by_default(load_config_text(CONFIG, "t.yaml"))
    rt = Runtime(cfg, Target(endpoint_url=sandbox.endpoint_url, sandbox=True), purpose="demo")
    rt.apply(rt.plan())
    ns = rt.root_name_servers()
    sandbox.register("example.com", ns["example.com"], rt.root_ds()["example.com"])
    return rt, signed_zones(rt.tree)


def _chain(sandbox: Sandbox, zones: list[str]) -> ChainReport:
    roots = [ServerAddress(h.name, h.address, h.port) for h in sandbox.info.root_hints]
    return chain_of_trust(zones, roots, sandbox.info.trust_anchor, timeout=1.0)


def _ds_change(sandbox: Sandbox, child: str, action: str, values: list[str]) -> None:
    parent = next(z for z in all_zones() if z.name == "example.com")
    r53 = session_for(sandbox, "111111111111").client("route53")
    r53.change_resource_record_sets(HostedZoneId=parent.zone_id, ChangeBatch={"Changes": [{
        "Action": action, "ResourceRecordSet": {
            "Name": child, "Type": "DS", "TTL": 3600,
            "ResourceRecords": [{"Value": v} for v in values]}}]})


def _ds_of(child: str) -> list[str]:
    parent = next(z for z in all_zones() if z.name == "example.com")
    return [v for r in parent.records if r.type == "DS" and r.name == child for v in r.values]


def test_the_demo_does_not_claim_a_broken_chain_is_secure(fresh_sandbox: Sandbox) -> None:
    _, zones = _world(fresh_sandbox)
    assert _chain(fresh_sandbox, zones).lines() == [SECURE]  # the check passes first

    # dev's DS no longer matches its key: dev and the zone below it break, nothing else
    good = _ds_of("dev.example.com")
    wrong = [v[:-1] + ("0" if v[-1] != "0" else "1") for v in good]
    _ds_change(fresh_sandbox, "dev.example.com", "UPSERT", wrong)
    report = _chain(fresh_sandbox, zones)
    assert not report.secure
    text = "\n".join(report.lines())
    assert "is secure" not in text and "NOT secure for 2 of 5" in text
    why = dict(report.broken)
    assert set(why) == {"dev.example.com", "team-a.dev.example.com"}
    assert why["dev.example.com"].startswith("its own link: DNSSEC_DS_NO_MATCHING_DNSKEY")
    assert why["team-a.dev.example.com"].startswith(
        "the link of dev.example.com above it: DNSSEC_DS_NO_MATCHING_DNSKEY")

    # prod's DS removed: prod is an island, and the report says so
    _ds_change(fresh_sandbox, "dev.example.com", "UPSERT", good)
    _ds_change(fresh_sandbox, "prod.example.com", "DELETE", _ds_of("prod.example.com"))
    report = _chain(fresh_sandbox, zones)
    assert dict(report.broken) == {"prod.example.com": (
        "its own link: example.com has no DS for prod.example.com (unsigned, or an island "
        "of trust)")}

    # the registrar drops the root's DS: every zone breaks, at example.com's link
    fresh_sandbox.register("example.com", _world_ns(fresh_sandbox))
    report = _chain(fresh_sandbox, zones)
    assert [z for z, _ in report.broken] == zones
    assert all("com has no DS for example.com" in why for _, why in report.broken)


def _world_ns(sandbox: Sandbox) -> list[str]:
    zone = next(z for z in all_zones() if z.name == "example.com")
    return [v.rstrip(".") for r in zone.records if r.type == "NS" and r.name == "example.com"
            for v in r.values]

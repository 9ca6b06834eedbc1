"""Helpers for the core tests: configs as text, a runtime on the sandbox."""

from __future__ import annotations

from zonecut.config.document import Config
from zonecut.config.loader import load_config_text
from zonecut.runtime import Runtime, Target
from zonecut.sandbox import Sandbox

ACCOUNTS = {
    "network": "111111111111",
    "dev": "222222222222",
    "prod": "333333333333",
    "team-a": "444444444444",
    "api": "555555555555",
}

FIVE_ZONES = """
version: 1
defaults:
  ns_ttl: 3600
  rate_limit: 200
  access: {role_name: ZonecutDelegation}
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


def config(text: str = FIVE_ZONES) -> Config:
    return load_config_text(text, "test.yaml")


def runtime(sandbox: Sandbox, cfg: Config | None = None, purpose: str = "apply") -> Runtime:
    return Runtime(cfg or config(), Target(endpoint_url=sandbox.endpoint_url, sandbox=True),
                   purpose=purpose)


def add_www_to_team_a(sandbox: Sandbox) -> None:
    """A record in the deepest zone, which a teardown has to delete before the zone."""
    from sandbox_fixtures import session_for

    r53 = session_for(sandbox, ACCOUNTS["team-a"]).client("route53")
    zone_id = next(z["Id"] for z in r53.list_hosted_zones()["HostedZones"]
                   if z["Name"] == "team-a.dev.example.com.")
    r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": "www.team-a.dev.example.com.", "Type": "A", "TTL": 60,
            "ResourceRecords": [{"Value": "192.0.2.10"}]}}]})

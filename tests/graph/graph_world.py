"""The example organisation (examples/org.yaml) applied in the sandbox, then drawn.

``build`` applies the config with zonecut, registers the root like a registrar, and
``draw`` reads Route 53, proves the delegations over DNS on loopback and returns the
graph, exactly as ``zonecut graph`` does. ``World`` breaks things with boto3 in the
owning accounts, as the verify tests do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox_fixtures import session_for
from zonecut.cli.graph_cmd import live_graph
from zonecut.config.document import Config
from zonecut.config.loader import load_config
from zonecut.graph import Graph
from zonecut.names import normalize
from zonecut.runtime import Runtime, Target
from zonecut.sandbox import Sandbox
from zonecut.verify import ServerAddress, VerifyPolicy

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "org.yaml"
POLICY = VerifyPolicy(timeout=0.3, retries=1)
APEX, DEV, TEAM, PROD, API = ("example.com", "dev.example.com", "team-a.dev.example.com",
                              "prod.example.com", "api.example.com")


class World:
    def __init__(self, sandbox: Sandbox, config: Path = EXAMPLE) -> None:
        self.sandbox = sandbox
        self.cfg: Config = load_config(config)
        self.account_of = {z.name: self.cfg.account(z.account).id  # type: ignore[union-attr]
                           for z in self.cfg.zones}

    def runtime(self) -> Runtime:
        return Runtime(self.cfg, Target(endpoint_url=self.sandbox.endpoint_url, sandbox=True),
                       purpose="test")

    def build(self) -> None:
        runtime = self.runtime()
        result = runtime.executor().apply(runtime.plan())
        assert result.created
        for name, servers in runtime.root_name_servers().items():
            self.sandbox.register(name, servers)

    def draw(self) -> Graph:
        info = self.sandbox.info
        roots = [ServerAddress(h.name, h.address, h.port) for h in info.root_hints]
        port_map = {s.address: s.port for s in info.servers.values()}
        return live_graph(self.cfg, self.runtime(), roots, port_map, POLICY)

    # -- breaking things, as each account would by hand ---------------------------------
    def client(self, zone: str) -> Any:
        return session_for(self.sandbox, self.account_of[zone]).client("route53")

    def zone_id(self, zone: str) -> str:
        listed = self.client(zone).list_hosted_zones_by_name(DNSName=zone)["HostedZones"]
        found = next(z["Id"] for z in listed if normalize(z["Name"]) == zone)
        return str(found).rsplit("/", 1)[-1]

    def servers(self, zone: str) -> list[str]:
        got = self.client(zone).get_hosted_zone(Id=self.zone_id(zone))
        return sorted(normalize(s) for s in got["DelegationSet"]["NameServers"])

    def ns_in(self, parent: str, child: str) -> tuple[int, list[str]]:
        rrsets = self.client(parent).list_resource_record_sets(
            HostedZoneId=self.zone_id(parent), StartRecordName=child, StartRecordType="NS",
            MaxItems="1")["ResourceRecordSets"]
        found = rrsets[0]
        assert normalize(found["Name"]) == child and found["Type"] == "NS"
        return int(found["TTL"]), [r["Value"] for r in found["ResourceRecords"]]

    def change(self, zone: str, action: str, name: str, rtype: str, ttl: int,
               values: list[str]) -> None:
        self.client(zone).change_resource_record_sets(
            HostedZoneId=self.zone_id(zone), ChangeBatch={"Changes": [{
                "Action": action, "ResourceRecordSet": {
                    "Name": name, "Type": rtype, "TTL": ttl,
                    "ResourceRecords": [{"Value": v} for v in values]}}]})

    def undelegate(self, parent: str, child: str) -> None:
        ttl, values = self.ns_in(parent, child)
        self.change(parent, "DELETE", child, "NS", ttl, values)

    def delete_zone(self, zone: str) -> None:
        self.client(zone).delete_hosted_zone(Id=self.zone_id(zone))

    def stray_server(self) -> str:
        used = {s for zone in self.account_of for s in self.servers(zone)}
        return next(name for name in sorted(self.sandbox.info.servers)
                    if name.startswith("ns-") and name not in used)

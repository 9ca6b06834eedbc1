"""Build DelegationTargets from boto3 responses (test helper; the CLI has its own path).

``tree`` lists the declared zones and their accounts; the closest declared ancestor of
a zone is its parent. Everything else comes from Route 53 calls in those accounts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from zonecut.names import closest_ancestor, is_at_or_below, is_below, normalize
from zonecut.state import HostedZone, RRSet
from zonecut.verify.targets import DelegationTarget, ServerLike


def find_zone(client: Any, name: str) -> dict[str, Any] | None:
    """The public hosted zone called ``name`` in the client's account, if any."""
    listed = client.list_hosted_zones_by_name(DNSName=name, MaxItems="10")["HostedZones"]
    for zone in listed:
        if normalize(zone["Name"]) == name and not zone.get("Config", {}).get("PrivateZone"):
            return dict(zone)
    return None


def _rrsets(client: Any, zone_id: str) -> list[RRSet]:
    found: list[RRSet] = []
    for page in client.get_paginator("list_resource_record_sets").paginate(
            HostedZoneId=zone_id):
        for item in page["ResourceRecordSets"]:
            rtype = item["Type"]
            values = [r["Value"] for r in item.get("ResourceRecords", [])]
            if rtype in ("NS", "CNAME"):
                values = [normalize(v) for v in values]
            found.append(RRSet(normalize(item["Name"]), rtype, int(item.get("TTL", 0)),
                               tuple(sorted(values))))
    return found


def build_targets(clients: Mapping[str, Any], tree: Sequence[tuple[str, str]]
                  ) -> list[DelegationTarget]:
    """One target per declared zone, from the Route 53 API of its account."""
    names = [zone for zone, _ in tree]
    account_of = dict(tree)
    zones: dict[str, HostedZone | None] = {}
    records: dict[str, list[RRSet]] = {}
    for zone, account in tree:
        client = clients[account]
        found = find_zone(client, zone)
        if found is None:
            zones[zone] = None
            records[zone] = []
            continue
        detail = client.get_hosted_zone(Id=found["Id"])
        servers = tuple(sorted(normalize(s) for s in detail["DelegationSet"]["NameServers"]))
        zones[zone] = HostedZone(
            zone_id=found["Id"].split("/")[-1], name=zone, account_id=account,
            name_servers=servers, record_count=int(found.get("ResourceRecordSetCount", 0)))
        records[zone] = _rrsets(client, found["Id"])

    targets = []
    for zone, account in tree:
        parent = closest_ancestor(zone, names)
        own = records[zone]
        apex = next((r for r in own if r.name == zone and r.type == "NS"), None)
        parent_rr = records.get(parent, []) if parent else []
        parent_ns = next((r for r in parent_rr if r.name == zone and r.type == "NS"), None)
        occluded = tuple(r for r in parent_rr if is_at_or_below(r.name, zone)
                         and not (r.name == zone and r.type == "NS"))
        ancestors = tuple(
            (other, rr) for other in names
            if other != parent and is_below(zone, other)
            for rr in records[other] if rr.name == zone and rr.type == "NS"
        )
        found_zone = zones[zone]
        targets.append(DelegationTarget(
            child=zone, parent=parent, child_account=account,
            parent_account=account_of[parent] if parent else None,
            child_zone=found_zone, child_apex_ns=apex, parent_ns=parent_ns,
            parent_other_at_or_below_cut=occluded, ancestor_delegations=ancestors,
            child_record_count=found_zone.record_count if found_zone else 0,
        ))
    return targets


def port_map(servers: Mapping[str, ServerLike]) -> dict[str, int]:
    return {s.address: s.port for s in servers.values()}

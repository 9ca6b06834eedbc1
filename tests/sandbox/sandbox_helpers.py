"""Small helpers shared by the sandbox tests (boto3 calls and DNS packets, no mocks)."""

from __future__ import annotations

from typing import Any

import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype

from sandbox_fixtures import session_for
from zonecut.sandbox import SandboxControl, SandboxInfo

PARENT, CHILD_A, CHILD_B = "111111111111", "222222222222", "333333333333"


def route53(sandbox: SandboxControl, account_id: str) -> Any:
    return session_for(sandbox, account_id).client("route53")


def create_zone(client: Any, name: str, reference: str | None = None) -> tuple[str, list[str]]:
    """Create a public zone; return (zone id, delegation set name servers)."""
    made = client.create_hosted_zone(Name=name, CallerReference=reference or f"ref-{name}")
    return made["HostedZone"]["Id"], list(made["DelegationSet"]["NameServers"])


def change(client: Any, zone_id: str, *changes: tuple[str, str, str, int, list[str]]) -> Any:
    """Apply (action, name, type, ttl, values) changes as one batch."""
    return client.change_resource_record_sets(
        HostedZoneId=zone_id,
        ChangeBatch={
            "Changes": [
                {
                    "Action": action,
                    "ResourceRecordSet": {
                        "Name": name,
                        "Type": rtype,
                        "TTL": ttl,
                        "ResourceRecords": [{"Value": v} for v in values],
                    },
                }
                for action, name, rtype, ttl, values in changes
            ]
        },
    )


def rrsets(client: Any, zone_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    found = client.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    return {(r["Name"], r["Type"]): r for r in found}


def query(
    info: SandboxInfo, server: str, name: str, rtype: str = "A", *, timeout: float = 2.0
) -> dns.message.Message:
    """One RD=0 query over UDP (falling back to TCP on TC) to sandbox server ``server``."""
    address = info.server(server)
    message = dns.message.make_query(name, rtype, flags=0)
    response, _ = dns.query.udp_with_fallback(
        message, address.address, port=address.port, timeout=timeout
    )
    return response


def walk(info: SandboxInfo, name: str, rtype: str = "A", *, max_steps: int = 10) -> list[Any]:
    """Iterate from the root like a resolver (RD=0); return the (server, response) trail.

    Follows referrals, resolving name-server addresses from glue or, without glue,
    by walking for the server's A record (the sandbox map is not consulted).
    """
    trail: list[Any] = []
    root = info.root_hints[0]
    addresses = [(root.name, root.address, root.port)]
    qname = dns.name.from_text(name)
    for _ in range(max_steps):
        server, address, port = addresses[0]
        message = dns.message.make_query(qname, rtype, flags=0)
        response, _ = dns.query.udp_with_fallback(message, address, port=port, timeout=2)
        trail.append((server, response))
        if response.rcode() != dns.rcode.NOERROR or response.answer:
            return trail
        if response.flags & dns.flags.AA:
            return trail  # NODATA
        referral = [r for r in response.authority if r.rdtype == dns.rdatatype.NS]
        if not referral:
            return trail
        glue = {
            r.name.to_text(omit_final_dot=True): r[0].address
            for r in response.additional
            if r.rdtype == dns.rdatatype.A
        }
        addresses = []
        for ns in sorted(rd.target.to_text(omit_final_dot=True) for rd in referral[0]):
            if ns in glue:
                addresses.append((ns, glue[ns], root.port))
            else:
                found = walk(info, ns, "A", max_steps=max_steps)[-1][1]
                for rrset in found.answer:
                    if rrset.rdtype == dns.rdatatype.A:
                        addresses.append((ns, rrset[0].address, root.port))
        if not addresses:
            return trail
    return trail

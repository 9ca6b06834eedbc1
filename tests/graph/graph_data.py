"""Hand-made verify targets and findings for the pure graph tests (no AWS, no DNS)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from zonecut.graph import Graph, from_verify
from zonecut.state import HostedZone, RRSet
from zonecut.verify.findings import Finding, finding
from zonecut.verify.targets import DelegationTarget


def servers(tag: str) -> tuple[str, ...]:
    return tuple(sorted(f"ns-{tag}-{i}.awsdns-0{i}.{tld}"
                        for i, tld in enumerate(("com", "net", "org", "co.uk"))))


def target(name: str, parent: str | None, account: str, *, exists: bool = True,
           listed: Sequence[str] | None = None, delegated: bool = True) -> DelegationTarget:
    own = servers(name.split(".")[0] + str(len(name)))
    digest = hashlib.sha256(name.encode()).hexdigest()[:12].upper()
    zone = HostedZone(zone_id=f"Z{digest}", name=name,
                      account_id=account, name_servers=own) if exists else None
    parent_ns = None
    if parent is not None and delegated:
        parent_ns = RRSet(name, "NS", 3600, tuple(sorted(listed if listed is not None
                                                         else own)))
    return DelegationTarget(child=name, parent=parent, child_account=account,
                            parent_account=None, child_zone=zone, child_apex_ns=None,
                            parent_ns=parent_ns)


def tree(n: int, fanout: int = 10) -> list[DelegationTarget]:
    """``n`` zones under example.com: ``fanout`` per parent, breadth first, an account
    per parent."""
    found = [target("example.com", None, "111111111111")]
    index = 0
    while len(found) < n:
        parent = found[index // fanout]
        name = f"z{len(found)}.{parent.child}"
        found.append(target(name, parent.child, f"{200000000000 + index // fanout:012d}"))
        index += 1
    return found


def broken(targets: list[DelegationTarget], every: int) -> tuple[
        list[DelegationTarget], list[Finding]]:
    """Every ``every``-th zone loses its hosted zone (a dangling delegation)."""
    out: list[DelegationTarget] = []
    findings: list[Finding] = []
    for i, item in enumerate(targets):
        if i and i % every == 0 and item.parent_ns is not None:
            out.append(DelegationTarget(
                child=item.child, parent=item.parent, child_account=item.child_account,
                parent_account=None, child_zone=None, child_apex_ns=None,
                parent_ns=item.parent_ns))
            findings.append(finding("DANGLING_DELEGATION", item.child, "the zone is gone"))
        else:
            out.append(item)
    return out, findings


def big_graph(n: int, every: int = 97) -> Graph:
    targets, findings = broken(tree(n), every)
    return from_verify(targets, findings, title=f"{n} zones")

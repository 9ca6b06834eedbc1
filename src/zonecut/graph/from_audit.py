"""The tree that really exists as a :class:`Graph`: an audit's inventory, tree, findings.

One node per hosted zone (duplicates are separate nodes), one edge per NS rrset below
an apex. A delegation to no zone is drawn to a "no zone" node (or to an "external"
node apart when DNS showed someone else serves it); a partial one gets a second,
takeover-risk edge to "no zone". Zones nobody delegates but that lie below another
zone (orphans) are drawn apart. Colours come from the findings' severities only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from zonecut.graph.model import (
    Account,
    Edge,
    EdgeKind,
    Graph,
    GraphFinding,
    Group,
    Node,
    NodeKind,
    Status,
    codes_worst_first,
    node_sort_key,
    worst,
)

if TYPE_CHECKING:  # the audit package reads AWS: not imported to draw a picture
    from zonecut.audit.findings import AuditFinding
    from zonecut.audit.inventory import Inventory
    from zonecut.audit.tree import OrgTree

EXTERNAL_CODE = "AUDIT_EXTERNAL_DELEGATION"
PARTIAL = "partial"  # zonecut.audit.tree.DelegationState.PARTIAL


def _finding(item: AuditFinding) -> GraphFinding:
    return GraphFinding(code=item.code, severity=item.severity.value, zone=item.zone,
                        message=item.message, account_id=item.account_id,
                        zone_id=item.zone_id, fix=item.fix,
                        reference=item.reference)


def from_audit(inventory: Inventory, tree: OrgTree, findings: Sequence[AuditFinding], *,
               title: str = "") -> Graph:
    """The graph of what ``inventory`` holds, judged by ``findings``."""
    listed = sorted((_finding(f) for f in findings),
                    key=lambda f: (-f.status.rank, f.zone, f.code, f.zone_id or ""))
    of_zone: dict[str, list[GraphFinding]] = {}
    of_delegation: dict[tuple[str, str], list[GraphFinding]] = {}
    for item in listed:
        of_zone.setdefault(item.zone, []).append(item)
        if item.zone_id:
            of_delegation.setdefault((item.zone_id, item.zone), []).append(item)
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    for zone in tree.zones:
        record = zone.record
        into = [d for d in zone.delegated_by if d.parent.name == zone.enclosing] or list(
            zone.delegated_by)
        parent = f"zone:{into[0].parent.zone_id}" if into else None
        group = Group.ORPHAN if parent is None and not zone.root else Group.TREE
        mine = of_zone.get(record.name, [])
        nodes[f"zone:{record.zone_id}"] = Node(
            id=f"zone:{record.zone_id}", name=record.name, kind=NodeKind.ZONE,
            status=worst(f.status for f in mine), group=group,
            account_id=record.account_id, zone_id=record.zone_id,
            servers=tuple(sorted(record.delegation_set)), parent=parent,
            findings=codes_worst_first(mine))
    for delegation in tree.delegations:
        source = f"zone:{delegation.parent.zone_id}"
        about = of_delegation.get((delegation.parent.zone_id, delegation.child), [])
        status = worst(f.status for f in about)
        codes = codes_worst_first(about)
        values = tuple(sorted(delegation.ns.values))
        if delegation.target is None:
            external = any(f.code == EXTERNAL_CODE for f in about)
            node_id = (f"external:{delegation.child}" if external
                       else f"missing:{delegation.child}")
            nodes.setdefault(node_id, Node(
                id=node_id, name=delegation.child,
                kind=NodeKind.EXTERNAL if external else NodeKind.MISSING,
                status=status if external else worst([status, Status.ERROR]),
                group=Group.UNMANAGED if external else Group.TREE,
                parent=source, servers=values, findings=codes))
            edges.append(Edge(source=source, target=node_id, name=delegation.child,
                              kind=EdgeKind.DELEGATION if external else EdgeKind.DANGLING,
                              status=status if external else worst([status, Status.ERROR]),
                              servers=values, findings=codes))
            continue
        target = f"zone:{delegation.target.zone_id}"
        edges.append(Edge(source=source, target=target, name=delegation.child,
                          kind=EdgeKind.DELEGATION, status=status, servers=values,
                          findings=codes))
        if delegation.state.value == PARTIAL:
            node_id = f"missing:{delegation.child}"
            nodes.setdefault(node_id, Node(
                id=node_id, name=delegation.child, kind=NodeKind.MISSING,
                status=worst([status, Status.ERROR]), parent=source, findings=codes))
            edges.append(Edge(source=source, target=node_id, name=delegation.child,
                              kind=EdgeKind.TAKEOVER, status=worst([status, Status.ERROR]),
                              servers=delegation.extra, findings=codes))
    accounts = tuple(Account(id=a.account_id, key=a.key) for a in inventory.accounts)
    return Graph(title=title or "Delegations found in the organisation", source="audit",
                 accounts=accounts, nodes=tuple(sorted(nodes.values(), key=node_sort_key)),
                 edges=tuple(edges), findings=tuple(listed))

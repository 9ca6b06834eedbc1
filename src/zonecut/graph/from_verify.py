"""The declared tree as a :class:`Graph`: verify's targets and findings (pure).

One node per declared zone (its zone id and Route 53 servers), one edge per declared
delegation. What the parent's NS rrset really lists decides the edge: the zone's own
servers (a delegation), none of them (dangling: drawn to a "no zone" node), some plus
strays (a delegation and a takeover-risk edge to "no zone"), or no rrset at all
(undelegated). Colours come from the findings' severities only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

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
from zonecut.plan.changes import Unmanaged
from zonecut.verify.findings import Finding
from zonecut.verify.targets import DelegationTarget

# Findings about the zone's own servers or contents, not about the parent's NS rrset:
# they colour the zone, not the edge. Any other code (a new one too) colours both.
ZONE_ONLY_CODES = frozenset({
    "LAME_SERVER", "SERVER_UNREACHABLE", "SERVER_SLOW", "SOA_SERIAL_INCONSISTENT",
    "NS_INCONSISTENT_ACROSS_SERVERS", "APEX_NS_EDITED", "RECORD_LIMIT_NEAR",
})


def zone_id(name: str) -> str:
    return f"zone:{name}"


def missing_id(name: str) -> str:
    return f"missing:{name}"


def graph_finding(item: Finding, target: DelegationTarget | None) -> GraphFinding:
    zone = target.child_zone if target is not None else None
    return GraphFinding(
        code=item.code, severity=item.severity.value, zone=item.zone, message=item.message,
        account_id=target.child_account if target is not None else None,
        zone_id=zone.zone_id if zone is not None else None, server=item.server,
        fix=item.fix, reference=item.reference)


def _edge_status(findings: Sequence[GraphFinding]) -> Status:
    return worst(f.status for f in findings if f.code not in ZONE_ONLY_CODES)


def from_verify(targets: Sequence[DelegationTarget], findings: Iterable[Finding], *,
                account_keys: Mapping[str, str] | None = None,
                unmanaged: Iterable[Unmanaged] = (), plan: Sequence[str] = (),
                title: str = "") -> Graph:
    """The graph of the declared delegations ``targets`` judged by ``findings``."""
    by_child = {t.child: t for t in targets}
    listed = [graph_finding(f, by_child.get(f.zone)) for f in findings]
    listed.sort(key=lambda f: (-f.status.rank, f.zone, f.code, f.server or ""))
    of_zone: dict[str, list[GraphFinding]] = {}
    for item in listed:
        of_zone.setdefault(item.zone, []).append(item)
    # the node that stands for each declared name: the zone, or "no zone" when it is gone
    standing = {t.child: zone_id(t.child) if t.child_zone else missing_id(t.child)
                for t in targets}
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    for target in targets:
        mine = of_zone.get(target.child, [])
        status = worst(f.status for f in mine)
        codes = codes_worst_first(mine)
        parent_node = standing.get(target.parent) if target.parent else None
        delegation_set = target.delegation_set
        if target.child_zone is not None:
            nodes[zone_id(target.child)] = Node(
                id=zone_id(target.child), name=target.child, kind=NodeKind.ZONE,
                status=status, account_id=target.child_account,
                zone_id=target.child_zone.zone_id, servers=tuple(sorted(delegation_set)),
                parent=parent_node, findings=codes)
        else:
            nodes[missing_id(target.child)] = Node(
                id=missing_id(target.child), name=target.child, kind=NodeKind.MISSING,
                status=worst([status, Status.ERROR]) if target.parent_ns else status,
                account_id=target.child_account, parent=parent_node, findings=codes)
        if parent_node is None:
            continue
        edge_status = _edge_status(mine)
        edge_codes = tuple(c for c in codes if c not in ZONE_ONLY_CODES)
        listed_ns = target.parent_ns.value_set if target.parent_ns else frozenset()
        here = standing[target.child]

        def edge(kind: EdgeKind, to: str, servers: Iterable[str], state: Status = edge_status,
                 child: str = target.child, source: str = parent_node,
                 codes: tuple[str, ...] = edge_codes) -> None:
            edges.append(Edge(source=source, target=to, name=child, kind=kind, status=state,
                              servers=tuple(sorted(servers)), findings=codes))

        if not listed_ns:
            edge(EdgeKind.UNDELEGATED, here, ())
        elif target.child_zone is None:
            edge(EdgeKind.DANGLING, here, listed_ns, worst([edge_status, Status.ERROR]))
        elif not listed_ns & delegation_set:
            _missing_beside(nodes, target.child, parent_node, edge_status, edge_codes)
            edge(EdgeKind.DANGLING, missing_id(target.child), listed_ns,
                 worst([edge_status, Status.ERROR]))
            edge(EdgeKind.UNDELEGATED, here, ())
        else:
            edge(EdgeKind.DELEGATION, here, listed_ns)
            stray = listed_ns - delegation_set
            if stray:
                _missing_beside(nodes, target.child, parent_node, edge_status, edge_codes)
                edge(EdgeKind.TAKEOVER, missing_id(target.child), stray,
                     worst([edge_status, Status.ERROR]))
    for loose in unmanaged:
        source = standing.get(loose.parent)
        node_id = f"unmanaged:{loose.child}"
        nodes.setdefault(node_id, Node(
            id=node_id, name=loose.child, kind=NodeKind.UNMANAGED, status=Status.OK,
            group=Group.UNMANAGED, account_id=loose.parent_account_id, parent=source,
            servers=tuple(sorted(loose.values))))
        if source is not None:
            edges.append(Edge(source=source, target=node_id, name=loose.child,
                              kind=EdgeKind.DELEGATION, status=Status.OK,
                              servers=tuple(sorted(loose.values))))
    accounts = _accounts(targets, nodes.values(), account_keys or {})
    return Graph(title=title or "Declared delegations", source="verify", accounts=accounts,
                 nodes=tuple(sorted(nodes.values(), key=node_sort_key)),
                 edges=tuple(edges), findings=tuple(listed), plan=tuple(plan))


def _missing_beside(nodes: dict[str, Node], name: str, parent: str, status: Status,
                    codes: tuple[str, ...]) -> None:
    """The "no zone" a stray part of the parent's NS rrset points at."""
    nodes[missing_id(name)] = Node(id=missing_id(name), name=name, kind=NodeKind.MISSING,
                                   status=worst([status, Status.ERROR]), parent=parent,
                                   findings=codes)


def _accounts(targets: Sequence[DelegationTarget], nodes: Iterable[Node],
              keys: Mapping[str, str]) -> tuple[Account, ...]:
    seen: dict[str, None] = {}
    for target in targets:
        seen[target.child_account] = None
    for node in nodes:
        if node.account_id:
            seen[node.account_id] = None
    return tuple(Account(id=a, key=keys.get(a, a)) for a in seen)

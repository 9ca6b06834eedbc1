"""The delegation tree as data: accounts, zones, delegations, and the health of each.

Pure values. :mod:`zonecut.graph.from_verify` and :mod:`zonecut.graph.from_audit`
build a :class:`Graph`; the renderers (SVG, DOT, Mermaid, JSON, HTML) only read one.

Status is derived from finding severities alone (the worst one wins, ``info`` counts
as ``ok``), so a finding code added later colours the picture with no change here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from zonecut.findings import Severity, zone_order

GRAPH_FORMAT = "zonecut.graph"
GRAPH_VERSION = 1


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for ok, 3 for critical."""
        return list(Status).index(self)

    @classmethod
    def of(cls, severity: Severity | str) -> Status:
        """The status a finding of ``severity`` gives (``info`` is ``ok``)."""
        value = severity.value if isinstance(severity, Severity) else str(severity)
        return cls(value) if value in cls._value2member_map_ else cls.OK


def worst(statuses: Iterable[Status]) -> Status:
    return max(statuses, key=lambda s: s.rank, default=Status.OK)


class NodeKind(StrEnum):
    ZONE = "zone"  # a hosted zone that exists
    MISSING = "missing"  # "no zone": what a dangling or takeover-risk delegation points at
    EXTERNAL = "external"  # a delegation to a name no audited account holds, served elsewhere
    UNMANAGED = "unmanaged"  # a delegation the config does not declare


class Group(StrEnum):
    TREE = "tree"  # reached from a root by delegations
    UNMANAGED = "unmanaged"  # delegations outside the config (drawn apart)
    ORPHAN = "orphan"  # zones nobody delegates (drawn apart)


class EdgeKind(StrEnum):
    DELEGATION = "delegation"  # the parent's NS rrset points at the zone
    DANGLING = "dangling"  # the NS rrset points at no zone (or at servers of none)
    TAKEOVER = "takeover"  # part of the NS rrset lists servers outside the zone's set
    UNDELEGATED = "undelegated"  # the zone's parent holds no NS rrset for it


@dataclass(frozen=True)
class GraphFinding:
    """A verify or audit finding, in the one shape the graph and the report need."""

    code: str
    severity: str
    zone: str
    message: str
    account_id: str | None = None
    zone_id: str | None = None
    server: str | None = None
    fix: str = ""
    reference: str = ""

    @property
    def status(self) -> Status:
        return Status.of(self.severity)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "zone": self.zone,
                "message": self.message, "account_id": self.account_id,
                "zone_id": self.zone_id, "server": self.server, "fix": self.fix,
                "reference": self.reference}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GraphFinding:
        return cls(code=str(data["code"]), severity=str(data["severity"]),
                   zone=str(data["zone"]), message=str(data["message"]),
                   account_id=data.get("account_id"), zone_id=data.get("zone_id"),
                   server=data.get("server"), fix=str(data.get("fix", "")),
                   reference=str(data.get("reference", "")))


@dataclass(frozen=True)
class Account:
    id: str
    key: str

    @property
    def label(self) -> str:
        return self.key if self.key == self.id else f"{self.key} ({self.id})"


@dataclass(frozen=True)
class Node:
    """One box: a zone (or the marked "no zone" a delegation points at)."""

    id: str
    name: str
    kind: NodeKind
    status: Status
    group: Group = Group.TREE
    account_id: str | None = None
    zone_id: str | None = None
    servers: tuple[str, ...] = ()
    parent: str | None = None  # the node id this one hangs below in the tree layout
    findings: tuple[str, ...] = ()  # finding codes, worst first

    @property
    def detail(self) -> str:
        """One line under the name: zone id and servers (or what the box means)."""
        if self.kind is NodeKind.MISSING:
            return "no zone: nothing serves this delegation"
        if self.kind is NodeKind.EXTERNAL:
            return "served outside the audited accounts"
        if self.kind is NodeKind.UNMANAGED:
            return "delegation not declared in the config"
        return " ".join(part for part in (self.zone_id or "", ", ".join(self.servers)) if part)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind.value,
                "status": self.status.value, "group": self.group.value,
                "account_id": self.account_id, "zone_id": self.zone_id,
                "servers": list(self.servers), "parent": self.parent,
                "findings": list(self.findings)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Node:
        return cls(id=str(data["id"]), name=str(data["name"]), kind=NodeKind(data["kind"]),
                   status=Status(data["status"]), group=Group(data.get("group", "tree")),
                   account_id=data.get("account_id"), zone_id=data.get("zone_id"),
                   servers=tuple(str(s) for s in data.get("servers", [])),
                   parent=data.get("parent"),
                   findings=tuple(str(c) for c in data.get("findings", [])))


@dataclass(frozen=True)
class Edge:
    """One delegation: the NS rrset in ``source`` for ``name``, drawn to ``target``."""

    source: str
    target: str
    name: str
    kind: EdgeKind
    status: Status
    servers: tuple[str, ...] = ()  # the NS values in the parent (stray ones for TAKEOVER)
    findings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "name": self.name,
                "kind": self.kind.value, "status": self.status.value,
                "servers": list(self.servers), "findings": list(self.findings)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Edge:
        return cls(source=str(data["source"]), target=str(data["target"]),
                   name=str(data["name"]), kind=EdgeKind(data["kind"]),
                   status=Status(data["status"]),
                   servers=tuple(str(s) for s in data.get("servers", [])),
                   findings=tuple(str(c) for c in data.get("findings", [])))


@dataclass(frozen=True)
class Graph:
    """Everything one picture shows. ``source`` is ``verify`` or ``audit``."""

    title: str
    source: str
    accounts: tuple[Account, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    findings: tuple[GraphFinding, ...] = ()
    plan: tuple[str, ...] = ()  # pending changes, one line each (empty: none)
    notes: tuple[str, ...] = field(default=())

    @cached_property
    def by_id(self) -> dict[str, Node]:
        return {node.id: node for node in self.nodes}

    @cached_property
    def at_risk(self) -> frozenset[str]:
        """Ids of the nodes a dangling or takeover-risk edge points at."""
        return frozenset(e.target for e in self.edges
                         if e.kind in (EdgeKind.DANGLING, EdgeKind.TAKEOVER))

    def node(self, node_id: str) -> Node:
        return self.by_id[node_id]

    @cached_property
    def account_keys(self) -> dict[str, str]:
        return {a.id: a.key for a in self.accounts}

    def account_label(self, account_id: str | None) -> str:
        if account_id is None:
            return ""
        return self.account_keys.get(account_id, account_id)

    @property
    def zones(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if n.kind is NodeKind.ZONE)

    @property
    def status(self) -> Status:
        return worst([n.status for n in self.nodes] + [e.status for e in self.edges])

    def counts(self) -> dict[str, int]:
        found = {s.value: 0 for s in Status}
        for node in self.nodes:
            found[node.status.value] += 1
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": GRAPH_FORMAT,
            "version": GRAPH_VERSION,
            "title": self.title,
            "source": self.source,
            "status": self.status.value,
            "accounts": [{"id": a.id, "key": a.key} for a in self.accounts],
            "nodes": [n.to_dict() for n in self.nodes],
            "edges": [e.to_dict() for e in self.edges],
            "findings": [f.to_dict() for f in self.findings],
            "plan": list(self.plan),
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Graph:
        if data.get("format") != GRAPH_FORMAT or data.get("version") != GRAPH_VERSION:
            raise ValueError(f"not a {GRAPH_FORMAT} version {GRAPH_VERSION} document")
        return cls(
            title=str(data["title"]), source=str(data["source"]),
            accounts=tuple(Account(str(a["id"]), str(a["key"])) for a in data["accounts"]),
            nodes=tuple(Node.from_dict(n) for n in data["nodes"]),
            edges=tuple(Edge.from_dict(e) for e in data["edges"]),
            findings=tuple(GraphFinding.from_dict(f) for f in data.get("findings", [])),
            plan=tuple(str(p) for p in data.get("plan", [])),
            notes=tuple(str(n) for n in data.get("notes", [])),
        )


def node_sort_key(node: Node) -> tuple[int, tuple[str, ...], str, str]:
    groups = list(Group)
    return (groups.index(node.group), zone_order(node.name), node.kind.value, node.id)


def codes_worst_first(findings: Iterable[GraphFinding]) -> tuple[str, ...]:
    ordered = sorted(findings, key=lambda f: (-f.status.rank, f.code))
    return tuple(dict.fromkeys(f.code for f in ordered))

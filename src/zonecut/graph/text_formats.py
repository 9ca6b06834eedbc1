"""The graph as text people paste into docs: Graphviz DOT and Mermaid (GitHub renders it).

Both keep every node and edge (no folding: a diagram tool lays them out), accounts as
clusters / subgraphs, colours by status. Names are quoted or turned into safe ids.
"""

from __future__ import annotations

import json
import re

from zonecut.graph.model import EdgeKind, Graph, Group, Node, NodeKind, Status
from zonecut.graph.svg import FILL, STROKE

DOT_STYLE = {EdgeKind.DELEGATION: "solid", EdgeKind.DANGLING: "dashed",
             EdgeKind.TAKEOVER: "dashed", EdgeKind.UNDELEGATED: "dotted"}


def _dot(text: str) -> str:
    """A DOT double-quoted string (backslashes, quotes and newlines escaped)."""
    return json.dumps(text, ensure_ascii=False)


def _label(node: Node) -> str:
    if node.kind is NodeKind.ZONE:
        return f"{node.name}\n{node.zone_id or ''}\n{len(node.servers)} servers"
    if node.kind is NodeKind.MISSING:
        return f"{node.name}\nNO ZONE (takeover risk)"
    return f"{node.name}\n{node.kind.value}"


def _groups(graph: Graph) -> dict[str, list[Node]]:
    """Nodes by cluster: an account id, or "" for the nodes of no account."""
    found: dict[str, list[Node]] = {}
    for node in graph.nodes:
        key = node.account_id if node.kind is NodeKind.ZONE and node.account_id else ""
        if node.group is not Group.TREE:
            key = f"apart:{node.group.value}"
        found.setdefault(key, []).append(node)
    return found


def to_dot(graph: Graph) -> str:
    lines = ["digraph zonecut {", f"  label={_dot(graph.title)};", "  labelloc=t;",
             "  rankdir=TB;", '  node [shape=box, style="rounded,filled", fontname="Helvetica"];']
    for index, (key, nodes) in enumerate(_groups(graph).items()):
        indent = "    " if key else "  "
        if key:
            title = (f"apart from the tree: {key.split(':', 1)[1]}" if key.startswith("apart:")
                     else f"account {graph.account_label(key)} ({key})")
            lines += [f"  subgraph cluster_{index} {{", f"    label={_dot(title)};"]
        for node in nodes:
            style = '"rounded,filled,dashed"' if node.kind is not NodeKind.ZONE else \
                '"rounded,filled"'
            lines.append(f"{indent}{_dot(node.id)} [label={_dot(_label(node))}, "
                         f'style={style}, fillcolor="{FILL[node.status]}", '
                         f'color="{STROKE[node.status]}", '
                         f"tooltip={_dot(', '.join(node.servers) or node.detail)}];")
        if key:
            lines.append("  }")
    for edge in graph.edges:
        lines.append(f"  {_dot(edge.source)} -> {_dot(edge.target)} "
                     f'[color="{STROKE[edge.status]}", style={DOT_STYLE[edge.kind]}, '
                     f"tooltip={_dot(edge.kind.value + ' ' + edge.status.value)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_id(node_id: str, ids: dict[str, str]) -> str:
    if node_id not in ids:
        ids[node_id] = "n" + str(len(ids)) + "_" + re.sub(r"[^A-Za-z0-9]", "_", node_id)[:40]
    return ids[node_id]


def _mermaid_text(text: str) -> str:
    """Mermaid label text: quotes and markup characters as entity codes."""
    out = []
    for char in text:
        out.append(f"#{ord(char)};" if char in '"<>#&;`[]{}()|' else char)
    return "".join(out)


def to_mermaid(graph: Graph) -> str:
    ids: dict[str, str] = {}
    lines = ["flowchart TD"]
    for status in Status:
        lines.append(f"  classDef {status.value} fill:{FILL[status]},stroke:{STROKE[status]},"
                     "stroke-width:2px,color:#212121")
    lines.append("  classDef nozone stroke-dasharray:5 4")
    for index, (key, nodes) in enumerate(_groups(graph).items()):
        indent = "    " if key else "  "
        if key:
            title = (f"apart from the tree: {key.split(':', 1)[1]}" if key.startswith("apart:")
                     else f"account {graph.account_label(key)} {key}")
            lines.append(f'  subgraph g{index}["{_mermaid_text(title)}"]')
        for node in nodes:
            label = "<br/>".join(_mermaid_text(part) for part in _label(node).split("\n"))
            lines.append(f'{indent}{_mermaid_id(node.id, ids)}["{label}"]')
        if key:
            lines.append("  end")
    link_styles: list[str] = []
    for index, edge in enumerate(graph.edges):
        arrow = "-->" if edge.kind is EdgeKind.DELEGATION else "-.->"
        text = "" if edge.kind is EdgeKind.DELEGATION else f"|{edge.kind.value}|"
        lines.append(f"  {_mermaid_id(edge.source, ids)} {arrow}{text} "
                     f"{_mermaid_id(edge.target, ids)}")
        link_styles.append(f"  linkStyle {index} stroke:{STROKE[edge.status]},stroke-width:2px")
    for node in graph.nodes:
        classes = node.status.value + (",nozone" if node.kind is not NodeKind.ZONE else "")
        lines.append(f"  class {_mermaid_id(node.id, ids)} {classes}")
    lines += link_styles
    return "\n".join(lines) + "\n"


def to_json_text(graph: Graph) -> str:
    return json.dumps(graph.to_dict(), indent=1, sort_keys=False) + "\n"

"""Pictures of the delegation tree and its health.

verify targets + findings (:func:`from_verify`) or an audit inventory + tree + findings
(:func:`from_audit`) -> :class:`Graph` (pure data) -> :func:`layout` (a tidy tree) ->
SVG, PNG, DOT, Mermaid, JSON (:func:`render`) and the HTML report (:func:`render_html`).
"""

from __future__ import annotations

from enum import StrEnum

from zonecut.graph.from_audit import from_audit
from zonecut.graph.from_verify import from_verify
from zonecut.graph.html import render_html
from zonecut.graph.layout import Layout, layout
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
)
from zonecut.graph.plan_lines import plan_lines
from zonecut.graph.png import PngUnavailable, svg_to_png
from zonecut.graph.svg import render_svg
from zonecut.graph.text_formats import to_dot, to_json_text, to_mermaid


class GraphFormat(StrEnum):
    svg = "svg"
    png = "png"
    dot = "dot"
    mermaid = "mermaid"
    json = "json"


def render(graph: Graph, fmt: GraphFormat) -> str | bytes:
    """The graph in ``fmt``: text, or PNG bytes."""
    if fmt is GraphFormat.png:
        return svg_to_png(render_svg(graph))
    if fmt is GraphFormat.dot:
        return to_dot(graph)
    if fmt is GraphFormat.mermaid:
        return to_mermaid(graph)
    if fmt is GraphFormat.json:
        return to_json_text(graph)
    return render_svg(graph)


__all__ = [
    "Account",
    "Edge",
    "EdgeKind",
    "Graph",
    "GraphFinding",
    "GraphFormat",
    "Group",
    "Layout",
    "Node",
    "NodeKind",
    "PngUnavailable",
    "Status",
    "from_audit",
    "from_verify",
    "layout",
    "plan_lines",
    "render",
    "render_html",
    "render_svg",
    "svg_to_png",
    "to_dot",
    "to_json_text",
    "to_mermaid",
]

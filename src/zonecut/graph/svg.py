"""The picture as SVG, drawn by zonecut itself (no graphviz): a string, nothing written.

Boxes are coloured by status, framed per account (siblings in one account share a
frame), and carry a ``<title>`` (hover text) with the account, zone id, servers and
finding codes. Every piece of user text is XML-escaped.
"""

from __future__ import annotations

import re
from html import escape
from itertools import groupby

from zonecut.graph.layout import BOX_H, BOX_W, MARGIN, V_GAP, Box, Layout, layout
from zonecut.graph.model import Edge, EdgeKind, Graph, Group, Node, NodeKind, Status

STROKE = {Status.OK: "#2e7d32", Status.WARNING: "#b88600", Status.ERROR: "#d84315",
          Status.CRITICAL: "#b71c1c"}
FILL = {Status.OK: "#e8f5e9", Status.WARNING: "#fff8e1", Status.ERROR: "#fbe9e7",
        Status.CRITICAL: "#ffebee"}
ACCOUNT_COLOURS = ("#1565c0", "#6a1b9a", "#00838f", "#ef6c00", "#4e342e", "#283593",
                   "#ad1457", "#558b2f", "#37474f", "#00695c")
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
NAME_CHARS = 30
LEGEND_W = 760.0
LABEL_CHARS = 21  # an account label stays left of the arrow into the box's middle
DETAIL_CHARS = 40


NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: str) -> str:
    """``text`` escaped for XML; characters XML 1.0 cannot hold become U+FFFD."""
    return escape(NOT_XML.sub("\ufffd", text), quote=True)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def account_colour(graph: Graph, account_id: str | None) -> str:
    ids = [a.id for a in graph.accounts]
    if account_id is None or account_id not in ids:
        return "#9e9e9e"
    return ACCOUNT_COLOURS[ids.index(account_id) % len(ACCOUNT_COLOURS)]


def hover(graph: Graph, node: Node) -> str:
    lines = [node.name, f"status: {node.status.value}"]
    if node.account_id:
        lines.append(f"account: {graph.account_label(node.account_id)} ({node.account_id})")
    if node.zone_id:
        lines.append(f"zone id: {node.zone_id}")
    if node.servers:
        lines.append("servers: " + ", ".join(node.servers))
    if node.kind is not NodeKind.ZONE:
        lines.append(node.detail)
    if node.group is not Group.TREE and node.parent in graph.by_id:
        lines.append(f"delegated by {graph.node(node.parent).name}")
    if node.findings:
        lines.append("findings: " + ", ".join(node.findings))
    return "\n".join(lines)


def _node(graph: Graph, box: Box, node: Node) -> str:
    status = node.status
    dashed = ' stroke-dasharray="6 4"' if node.kind is not NodeKind.ZONE else ""
    name = node.name if node.kind is NodeKind.ZONE else f"{node.name}"
    detail = node.zone_id or ""
    if node.kind is NodeKind.ZONE:
        detail = f"{node.zone_id or ''} · {len(node.servers)} servers"
        if node.findings:
            detail = ", ".join(node.findings)
    elif node.kind is NodeKind.MISSING:
        detail = ("NO ZONE (takeover risk)" if node.id in graph.at_risk
                  else "NO ZONE (not created yet)")
    else:
        detail = node.kind.value
    x, y = _num(box.x), _num(box.y)
    return (
        f'<g class="node status-{status.value} kind-{node.kind.value}" '
        f'data-zone="{_x(node.name)}" data-status="{status.value}">'
        f"<title>{_x(hover(graph, node))}</title>"
        f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" '
        f'fill="{FILL[status]}" stroke="{STROKE[status]}" stroke-width="2"{dashed}/>'
        f'<rect x="{x}" y="{y}" width="6" height="{BOX_H}" rx="2" '
        f'fill="{account_colour(graph, node.account_id)}"/>'
        f'<text x="{_num(box.x + 14)}" y="{_num(box.y + 21)}" font-size="13" '
        f'font-weight="bold" fill="#212121">{_x(_clip(name, NAME_CHARS))}</text>'
        f'<text x="{_num(box.x + 14)}" y="{_num(box.y + 39)}" font-size="10.5" '
        f'fill="#424242">{_x(_clip(detail, DETAIL_CHARS))}</text></g>'
    )


def _fold(box: Box) -> str:
    fold = box.fold
    assert fold is not None
    status = fold.status
    text = f"+{fold.count} zone{'s' if fold.count != 1 else ''} ({status.value})"
    sample = ", ".join(fold.sample) + (", …" if fold.count > len(fold.sample) else "")
    return (
        f'<g class="fold status-{status.value}" data-count="{fold.count}">'
        f"<title>{_x(f'{fold.count} zone(s) folded: {sample}')}</title>"
        f'<rect x="{_num(box.x)}" y="{_num(box.y)}" width="{BOX_W}" height="{BOX_H}" '
        f'rx="6" fill="#fafafa" stroke="{STROKE[status]}" stroke-dasharray="2 3"/>'
        f'<text x="{_num(box.x + 14)}" y="{_num(box.y + 30)}" font-size="13" '
        f'fill="#424242">{_x(text)}</text></g>'
    )


EDGE_STYLE = {EdgeKind.DELEGATION: "", EdgeKind.DANGLING: ' stroke-dasharray="7 4"',
              EdgeKind.TAKEOVER: ' stroke-dasharray="7 4"',
              EdgeKind.UNDELEGATED: ' stroke-dasharray="2 4"'}


def _path(source: Box, target: Box) -> str:
    if target.stacked:
        spine = target.x - 10
        bus = source.bottom + V_GAP / 2
        mid = target.y + BOX_H / 2
        return (f"M{_num(source.cx)},{_num(source.bottom)} V{_num(bus)} H{_num(spine)} "
                f"V{_num(mid)} H{_num(target.x)}")
    bus = source.bottom + V_GAP / 2
    return (f"M{_num(source.cx)},{_num(source.bottom)} V{_num(bus)} H{_num(target.cx)} "
            f"V{_num(target.y)}")


def _edge(edge: Edge, source: Box, target: Box) -> str:
    colour = "#9e9e9e" if edge.kind is EdgeKind.UNDELEGATED else STROKE[edge.status]
    width = 2.5 if edge.status is not Status.OK else 1.5
    label = f"{edge.kind.value}: {edge.name} ({edge.status.value})"
    if edge.servers:
        label += " NS " + ", ".join(edge.servers)
    return (f'<path class="edge kind-{edge.kind.value} status-{edge.status.value}" '
            f'd="{_path(source, target)}" fill="none" stroke="{colour}" '
            f'stroke-width="{width}"{EDGE_STYLE[edge.kind]} marker-end="url(#arrow)">'
            f"<title>{_x(label)}</title></path>")


def _frames(graph: Graph, placed: Layout) -> list[str]:
    """One frame per run of sibling zones in the same account."""
    frames: list[str] = []
    tree_boxes = [b for b in placed.boxes if b.node is not None and b.node.group is Group.TREE]

    def row(box: Box) -> tuple[str, bool, float]:
        parent = box.node.parent if box.node is not None else None
        return (parent or "", box.stacked, 0.0 if box.stacked else box.y)

    rows = sorted(tree_boxes, key=lambda b: (row(b), b.x, b.y))
    for _, run in groupby(rows, key=row):
        items = list(run)
        for account, group in groupby(items, key=lambda b: _frame_account(graph, b)):
            boxes = list(group)
            if not account:
                continue
            left = min(b.x for b in boxes) - 6
            top = min(b.y for b in boxes) - 18
            right = max(b.x for b in boxes) + BOX_W + 6
            bottom = max(b.bottom for b in boxes) + 6
            colour = account_colour(graph, account)
            frames.append(
                f'<g class="account" data-account="{_x(account)}">'
                f'<rect x="{_num(left)}" y="{_num(top)}" width="{_num(right - left)}" '
                f'height="{_num(bottom - top)}" rx="8" fill="{colour}" fill-opacity="0.05" '
                f'stroke="{colour}" stroke-opacity="0.5"/>'
                f'<text x="{_num(left + 6)}" y="{_num(top + 12)}" font-size="9.5" '
                f'fill="{colour}">{_x(_clip(_account_text(graph, account), LABEL_CHARS))}</text>'
                '</g>')
    return frames


def _frame_account(graph: Graph, box: Box) -> str:
    node = box.node
    if node is None:
        return ""
    if node.account_id:
        return node.account_id
    return ""  # a "no zone" belongs to no account


def _account_text(graph: Graph, account_id: str) -> str:
    key = graph.account_label(account_id)
    return key if key == account_id else f"{key} {account_id}"


def _legend(graph: Graph) -> str:
    counts = graph.counts()
    parts = [f'<text x="{MARGIN}" y="22" font-size="16" font-weight="bold" fill="#212121">'
             f"{_x(graph.title)}</text>"]
    x = MARGIN
    for status in Status:
        parts.append(f'<rect x="{x}" y="32" width="12" height="12" rx="2" '
                     f'fill="{FILL[status]}" stroke="{STROKE[status]}" stroke-width="2"/>'
                     f'<text x="{x + 16}" y="42" font-size="11" fill="#424242">'
                     f"{status.value} {counts[status.value]}</text>")
        x += 110
    for y, text in ((62, "Boxes are zones (hover for zone id and servers), framed and "
                         "striped by account."),
                    (78, "Arrows are delegations; dashed: dangling or takeover risk (to a "
                         "NO ZONE box); dotted: not delegated.")):
        parts.append(f'<text x="{MARGIN}" y="{y}" font-size="11" fill="#616161">{text}</text>')
    return "".join(parts)


def render_svg(graph: Graph, placed: Layout | None = None) -> str:
    """The whole picture as one SVG document."""
    placed = placed or layout(graph)
    width = max(placed.width, LEGEND_W)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(width)}" '
        f'height="{_num(placed.height)}" viewBox="0 0 {_num(width)} {_num(placed.height)}" '
        f'font-family="{FONT}" class="zonecut-graph" data-status="{graph.status.value}">',
        f"<title>{_x(graph.title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" '
        'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" '
        'fill="#616161"/></marker></defs>',
        f'<rect width="{_num(width)}" height="{_num(placed.height)}" fill="#ffffff"/>',
        _legend(graph),
    ]
    out.extend(_frames(graph, placed))
    boxes = placed.by_id
    for edge in graph.edges:
        source, target = boxes.get(edge.source), boxes.get(edge.target)
        if source is None or target is None:
            continue
        if target.node is not None and target.node.group is not Group.TREE:
            continue  # zones apart from the tree say where they hang in their hover text
        out.append(_edge(edge, source, target))
    for box in placed.boxes:
        if box.fold is not None:
            parent = boxes.get(box.fold.parent)
            if parent is not None:
                out.append(f'<path class="edge fold" d="{_path(parent, box)}" fill="none" '
                           'stroke="#bdbdbd" stroke-width="1.5"/>')
            out.append(_fold(box))
    if placed.apart_y is not None:
        out.append(f'<text x="{MARGIN}" y="{_num(placed.apart_y + 14)}" font-size="13" '
                   'font-weight="bold" fill="#424242">Apart from the tree: unmanaged '
                   "delegations and orphan zones</text>")
    for box in placed.boxes:
        if box.node is not None:
            out.append(_node(graph, box, box.node))
    out.append("</svg>")
    return "\n".join(out) + "\n"

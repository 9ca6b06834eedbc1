"""The graph's pure parts: status from severity, layout at scale, every format, escaping."""

from __future__ import annotations

import json
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

from graph_data import big_graph, broken, target, tree
from hypothesis import given, settings
from hypothesis import strategies as st

from zonecut.graph import (
    EdgeKind,
    Graph,
    GraphFormat,
    NodeKind,
    Status,
    from_verify,
    layout,
    render,
    render_html,
    render_svg,
    svg_to_png,
    to_dot,
    to_mermaid,
)
from zonecut.graph.layout import BOX_H, BOX_W
from zonecut.graph.svg import NOT_XML
from zonecut.verify.findings import RULES, Finding, Severity, finding

DOCS = Path(__file__).resolve().parents[2] / "docs"
SVG = "{http://www.w3.org/2000/svg}"


def test_a_code_nobody_knows_yet_colours_by_its_severity() -> None:
    targets = tree(3)
    new = Finding(code="TAKEOVER_IN_PROGRESS", severity=Severity.CRITICAL, message="x",
                  zone=targets[1].child)
    info = Finding(code="SOMETHING_NEW", severity=Severity.INFO, message="y",
                   zone=targets[2].child)
    graph = from_verify(targets, [new, info])
    assert graph.node(f"zone:{targets[1].child}").status is Status.CRITICAL
    edge = next(e for e in graph.edges if e.name == targets[1].child)
    assert edge.status is Status.CRITICAL  # unknown codes colour the delegation too
    assert graph.node(f"zone:{targets[2].child}").status is Status.OK  # info is ok
    assert info.fix == "See docs/findings.md#something_new."  # no entry: the docs


def test_no_two_boxes_overlap_and_children_sit_below_parents() -> None:
    graph = big_graph(300, every=13)
    placed = layout(graph)
    boxes = placed.boxes
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = (a.x + BOX_W <= b.x or b.x + BOX_W <= a.x or a.y + BOX_H <= b.y
                     or b.y + BOX_H <= a.y)
            assert apart, (a.id, b.id)
    for box in boxes:
        parent = box.node.parent if box.node else box.fold.parent if box.fold else None
        if parent in placed.by_id:
            assert placed.by_id[parent].y < box.y


def test_a_thousand_zones_fold_but_every_finding_stays_visible() -> None:
    graph = big_graph(1000, every=97)
    placed = layout(graph)
    assert len(placed.boxes) <= 240 and placed.width < 12000
    shown = {b.node.id for b in placed.boxes if b.node}
    sick = {n.id for n in graph.nodes if n.status is not Status.OK}
    assert sick and sick <= shown
    for node_id in sick:  # and the path from the root to it
        parent = graph.node(node_id).parent
        while parent is not None:
            assert parent in shown
            parent = graph.node(parent).parent
    folded = sum(b.fold.count for b in placed.boxes if b.fold)
    assert folded == placed.hidden == len(graph.nodes) - len(shown)


def test_a_wide_picture_is_scaled_to_at_most_6000_pixels() -> None:
    graph = big_graph(200, every=3)  # many sick zones: nothing may fold, very wide
    svg = render_svg(graph)
    width = float(re.search(r'width="([0-9.]+)"', svg).group(1))  # type: ignore[union-attr]
    assert width > 6000
    png = svg_to_png(svg)
    columns, rows = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert columns == 6000 and rows < 6000


def test_every_format_names_every_zone() -> None:
    targets, findings = broken(tree(25, fanout=4), every=6)
    graph = from_verify(targets, findings)
    svg = render(graph, GraphFormat.svg)
    assert isinstance(svg, str)
    root = ET.fromstring(svg)
    names = {g.get("data-zone") for g in root.iter(f"{SVG}g") if g.get("data-zone")}
    assert names == {t.child for t in targets}
    dot, mermaid = to_dot(graph), to_mermaid(graph)
    for node in graph.nodes:
        assert json.dumps(node.id) in dot and node.name in mermaid
    assert dot.count(" -> ") == len(graph.edges)
    assert mermaid.count("-->") + mermaid.count("-.->") == len(graph.edges)
    data = render(graph, GraphFormat.json)
    assert isinstance(data, str) and Graph.from_dict(json.loads(data)) == graph
    png = render(graph, GraphFormat.png)
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG")
    dangling = [e for e in graph.edges if e.kind is EdgeKind.DANGLING]
    assert dangling and all(graph.node(e.target).kind is NodeKind.MISSING for e in dangling)


def test_the_report_lists_each_finding_with_its_fix_and_the_plan() -> None:
    targets = [target("example.com", None, "1"),
               target("dev.example.com", "example.com", "2", delegated=False)]
    graph = from_verify(targets, [finding("NOT_DELEGATED", "dev.example.com", "no NS")],
                        plan=("+ write NS dev.example.com in zone example.com",))
    html = render_html(graph)
    assert RULES["NOT_DELEGATED"].fix.replace("`", "") in html.replace("`", "").replace(
        "&#x27;", "'")
    assert "+ write NS dev.example.com in zone example.com" in html
    assert 'data-severity="error"' in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert "Not known" in render_html(graph, plan_known=False)


hostile = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                  min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(key=hostile, message=hostile, title=hostile)
def test_user_text_is_text_in_every_format(key: str, message: str, title: str) -> None:
    targets = tree(4)
    graph = from_verify(targets, [finding("NOT_DELEGATED", targets[1].child, message)],
                        account_keys={t.child_account: key for t in targets}, title=title)
    svg = render(graph, GraphFormat.svg)
    assert isinstance(svg, str)
    root = ET.fromstring(svg)  # well-formed whatever the text
    assert root.find(f"{SVG}title") is not None
    shown = NOT_XML.sub("\ufffd", title).replace("\r\n", "\n").replace("\r", "\n")
    assert root.find(f"{SVG}title").text == shown  # type: ignore[union-attr]
    html = render_html(graph)
    body = html.split("<script>")[0]
    for raw in ("<" + c for c in ("script", "img", "svg onload")):
        if raw in key + message + title:
            assert raw not in body.replace("<svg xmlns", "")
    dot = to_dot(graph)
    assert f"label={json.dumps(title, ensure_ascii=False)};" in dot  # one quoted string
    mermaid = to_mermaid(graph)
    for line in mermaid.splitlines():
        if '["' in line:
            label = line.split('["', 1)[1].rsplit('"]', 1)[0]
            assert '"' not in label and "<" not in label.replace("<br/>", "")


def test_a_zone_not_created_yet_is_no_zone_without_a_takeover_risk() -> None:
    targets = [target("example.com", None, "1"),
               target("dev.example.com", "example.com", "2", exists=False, delegated=False),
               target("gone.example.com", "example.com", "3", exists=False)]
    graph = from_verify(targets, [])
    kinds = {e.target: e.kind for e in graph.edges}
    assert kinds == {"missing:dev.example.com": EdgeKind.UNDELEGATED,
                     "missing:gone.example.com": EdgeKind.DANGLING}
    assert graph.at_risk == {"missing:gone.example.com"}
    assert graph.node("missing:gone.example.com").status is Status.ERROR  # at least
    svg = render_svg(graph)
    assert svg.count("NO ZONE (not created yet)") == 1
    assert svg.count("NO ZONE (takeover risk)") == 1

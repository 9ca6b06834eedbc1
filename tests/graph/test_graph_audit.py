"""The tree an audit finds, as graph data: hand-made inventories, then the CLI's --graph."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "audit"))
from audit_data import A, B, C, healthy, inventory, servers, zone

from zonecut.audit import analyse, build_tree
from zonecut.audit.inventory import Inventory
from zonecut.cli.main import app
from zonecut.graph import EdgeKind, Graph, Group, NodeKind, Status, from_audit

runner = CliRunner()


def drawn(inv: Inventory) -> Graph:
    tree = build_tree(inv)
    return from_audit(inv, tree, analyse(inv, None, tree))


def edges(graph: Graph) -> dict[tuple[str, str, EdgeKind], Status]:
    return {(graph.node(e.source).name, e.target, e.kind): e.status for e in graph.edges}


def test_the_healthy_tree() -> None:
    graph = drawn(inventory(*healthy()))
    assert {(n.name, n.zone_id, n.account_id) for n in graph.nodes} == {
        ("example.com", "ZAPEX", A), ("dev.example.com", "ZDEV", B),
        ("team.dev.example.com", "ZTEAM", C)}
    assert all(n.status is Status.OK and n.group is Group.TREE for n in graph.nodes)
    assert all(len(n.servers) == 4 for n in graph.nodes)
    assert edges(graph) == {
        ("example.com", "zone:ZDEV", EdgeKind.DELEGATION): Status.OK,
        ("dev.example.com", "zone:ZTEAM", EdgeKind.DELEGATION): Status.OK}
    assert [f.code for f in graph.findings] == ["AUDIT_ROOT_ZONE"]  # info: still ok
    assert {a.key for a in graph.accounts} == {"network", "dev", "prod"}


def test_dangling_partial_orphan_and_duplicate() -> None:
    zones = [
        zone("example.com", A, "ZAPEX", delegations={
            "dev.example.com": (*servers("ZDEV"), "ns-stray.example.net"),
            "gone.example.com": servers("ZGONE")}),
        zone("dev.example.com", B, "ZDEV"),
        zone("team.dev.example.com", C, "ZTEAM"),  # nobody delegates it
        zone("dev.example.com", C, "ZDEV2"),  # a second zone of that name
    ]
    graph = drawn(inventory(*zones))
    found = edges(graph)
    assert found[("example.com", "missing:gone.example.com", EdgeKind.DANGLING)] \
        is Status.CRITICAL
    assert graph.node("missing:gone.example.com").kind is NodeKind.MISSING
    assert found[("example.com", "zone:ZDEV", EdgeKind.DELEGATION)] is Status.CRITICAL
    takeover = next(e for e in graph.edges if e.kind is EdgeKind.TAKEOVER)
    assert takeover.target == "missing:dev.example.com"
    assert takeover.servers == ("ns-stray.example.net",)
    orphan = graph.node("zone:ZTEAM")
    assert orphan.group is Group.ORPHAN and orphan.status is Status.WARNING
    assert "AUDIT_ORPHAN_ZONE" in orphan.findings
    copy = graph.node("zone:ZDEV2")
    assert "AUDIT_DUPLICATE_ZONE" in copy.findings and copy.status is Status.CRITICAL
    assert all(f.fix for f in graph.findings)


@pytest.mark.parametrize("suffix", [".svg", ".png", ".dot", ".mmd", ".json", ".html"])
def test_audit_graph_writes_the_format_of_the_suffix(tmp_path: Path, suffix: str) -> None:
    saved = tmp_path / "inventory.json"
    saved.write_text(inventory(*healthy()).to_json())
    out = tmp_path / f"tree{suffix}"
    result = runner.invoke(app, ["audit", "--replay", str(saved), "--graph", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if suffix == ".png":
        assert data.startswith(b"\x89PNG")
        return
    text = data.decode()
    for name in ("example.com", "dev.example.com", "team.dev.example.com"):
        assert name in text
    if suffix == ".json":
        assert Graph.from_dict(json.loads(text)).source == "audit"


def test_audit_graph_with_an_unknown_suffix_is_one_error(tmp_path: Path) -> None:
    saved = tmp_path / "inventory.json"
    saved.write_text(inventory(*healthy()).to_json())
    result = runner.invoke(app, ["audit", "--replay", str(saved), "--graph",
                                 str(tmp_path / "tree.gif")])
    assert result.exit_code == 1
    assert "tree.gif" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "tree.gif").exists()


def test_audit_graph_keeps_the_audit_exit_code(tmp_path: Path) -> None:
    saved = tmp_path / "inventory.json"
    saved.write_text(inventory(zone("example.com", A, "ZAPEX", delegations={
        "gone.example.com": servers("ZGONE")})).to_json())
    out = tmp_path / "tree.json"
    result = runner.invoke(app, ["audit", "--replay", str(saved), "--graph", str(out)])
    assert result.exit_code == 3  # findings (the exit-code table), drawn and reported
    drawn_back = Graph.from_dict(json.loads(out.read_text()))
    assert drawn_back.node("missing:gone.example.com").status is Status.CRITICAL

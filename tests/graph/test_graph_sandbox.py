"""The graph as data for the example organisation in the sandbox, healthy and broken.

Each scenario breaks one thing the way an account would by hand (boto3 in that
account), then checks every declared zone, every edge and the status of each.
"""

from __future__ import annotations

import pytest
from graph_world import APEX, API, DEV, PROD, TEAM, World

from zonecut.graph import EdgeKind, Graph, Group, NodeKind, Status
from zonecut.sandbox import Sandbox

pytestmark = pytest.mark.sandbox

DECLARED = {APEX: None, DEV: APEX, TEAM: DEV, PROD: APEX, API: APEX}


@pytest.fixture
def world(fresh_sandbox: Sandbox) -> World:
    built = World(fresh_sandbox)
    built.build()
    return built


def edges_by(graph: Graph) -> dict[tuple[str, str, EdgeKind], Status]:
    return {(graph.node(e.source).name, e.target, e.kind): e.status for e in graph.edges}


def test_the_healthy_example_tree(world: World) -> None:
    graph = world.draw()
    zones = {n.name: n for n in graph.zones}
    assert set(zones) == set(DECLARED)
    assert len(graph.nodes) == len(DECLARED)  # no "no zone", nothing apart
    for name, node in zones.items():
        assert node.status is Status.OK, (name, node.findings)
        assert node.zone_id == world.zone_id(name)
        assert list(node.servers) == world.servers(name) and len(node.servers) == 4
        assert node.account_id == world.account_of[name]
        parent = DECLARED[name]
        assert node.parent == (f"zone:{parent}" if parent else None)
        assert node.group is Group.TREE
    assert edges_by(graph) == {(parent, f"zone:{child}", EdgeKind.DELEGATION): Status.OK
                               for child, parent in DECLARED.items() if parent}
    for edge in graph.edges:
        assert list(edge.servers) == world.servers(edge.name)
    assert {a.id: a.key for a in graph.accounts} == {
        "111111111111": "network", "222222222222": "dev", "333333333333": "prod",
        "444444444444": "team-a", "555555555555": "api"}
    # Info findings (SERVER_SLOW: a server answered only on a retry) depend on the
    # machine's load with the short test timeout; they leave every status ok.
    assert [f for f in graph.findings if f.severity != "info"] == [] and graph.plan == ()
    assert graph.status is Status.OK
    assert Graph.from_dict(graph.to_dict()) == graph


def test_a_missing_delegation_is_an_undelegated_edge_and_a_pending_change(
        world: World) -> None:
    world.undelegate(DEV, TEAM)
    graph = world.draw()
    edges = edges_by(graph)
    assert edges[(DEV, f"zone:{TEAM}", EdgeKind.UNDELEGATED)] is Status.ERROR
    assert graph.node(f"zone:{TEAM}").status is Status.ERROR
    assert "NOT_DELEGATED" in graph.node(f"zone:{TEAM}").findings
    assert [n.name for n in graph.nodes if n.status is not Status.OK] == [TEAM]
    assert any(f"NS {TEAM} in zone {DEV}" in line for line in graph.plan), graph.plan


def test_a_deleted_zone_leaves_a_dangling_edge_to_no_zone(world: World) -> None:
    world.delete_zone(TEAM)
    graph = world.draw()
    assert TEAM not in {n.name for n in graph.zones}
    missing = graph.node(f"missing:{TEAM}")
    assert missing.kind is NodeKind.MISSING and missing.status is Status.CRITICAL
    assert missing.parent == f"zone:{DEV}"
    assert edges_by(graph)[(DEV, f"missing:{TEAM}", EdgeKind.DANGLING)] is Status.CRITICAL
    assert "DANGLING_DELEGATION" in missing.findings
    assert graph.status is Status.CRITICAL


def test_a_stray_server_in_the_parent_is_a_takeover_edge(world: World) -> None:
    stray = world.stray_server()
    ttl, values = world.ns_in(DEV, TEAM)
    world.change(DEV, "UPSERT", TEAM, "NS", ttl, [*values, stray + "."])
    graph = world.draw()
    edges = {(e.target, e.kind): e for e in graph.edges if e.name == TEAM}
    assert edges[(f"zone:{TEAM}", EdgeKind.DELEGATION)].status is Status.CRITICAL
    takeover = edges[(f"missing:{TEAM}", EdgeKind.TAKEOVER)]
    assert takeover.status is Status.CRITICAL and takeover.servers == (stray,)
    assert graph.node(f"missing:{TEAM}").kind is NodeKind.MISSING
    assert graph.node(f"zone:{TEAM}").status is Status.CRITICAL


def test_a_lame_server_colours_the_zone_not_the_delegation(world: World) -> None:
    server = world.servers(PROD)[0]
    world.sandbox.set_behaviour(server, "refused")
    try:
        graph = world.draw()
    finally:
        world.sandbox.set_behaviour(server, "normal")
    prod = graph.node(f"zone:{PROD}")
    assert prod.status is Status.ERROR and "LAME_SERVER" in prod.findings
    assert edges_by(graph)[(APEX, f"zone:{PROD}", EdgeKind.DELEGATION)] is Status.OK
    assert [f.server for f in graph.findings if f.code == "LAME_SERVER"] == [server]


def test_an_edited_apex_is_a_warning(world: World) -> None:
    _, values = world.ns_in(API, API)
    world.change(API, "UPSERT", API, "NS", 172800, values[:3])
    graph = world.draw()
    api = graph.node(f"zone:{API}")
    assert api.status is Status.WARNING and "APEX_NS_EDITED" in api.findings
    assert {n.name for n in graph.nodes if n.status is not Status.OK} == {API}


def test_an_unmanaged_delegation_is_drawn_apart(world: World) -> None:
    world.change(APEX, "CREATE", "legacy.example.com", "NS", 3600,
                 ["ns1.elsewhere.example.net."])
    graph = world.draw()
    loose = graph.node("unmanaged:legacy.example.com")
    assert loose.kind is NodeKind.UNMANAGED and loose.group is Group.UNMANAGED
    assert loose.servers == ("ns1.elsewhere.example.net",)
    assert edges_by(graph)[(APEX, "unmanaged:legacy.example.com", EdgeKind.DELEGATION)] \
        is Status.OK
    assert {n.name for n in graph.zones} == set(DECLARED)

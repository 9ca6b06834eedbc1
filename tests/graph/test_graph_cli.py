"""`zonecut graph` and `zonecut report` from saved observations (offline) and their
user errors: one line, a non-zero exit, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from graph_world import APEX, DEV, EXAMPLE, POLICY, TEAM, World
from typer.testing import CliRunner

from zonecut.cli.main import app
from zonecut.graph import Graph
from zonecut.sandbox import Sandbox
from zonecut.verify import ServerAddress, probe_sync

runner = CliRunner()


@pytest.mark.sandbox
def test_replayed_observations_draw_the_same_graph_offline(fresh_sandbox: Sandbox,
                                                          tmp_path: Path) -> None:
    world = World(fresh_sandbox)
    world.build()
    world.undelegate(DEV, TEAM)
    live = world.draw()
    info = fresh_sandbox.info
    targets = world.runtime().verify_targets()
    observations = probe_sync(
        targets, [ServerAddress(h.name, h.address, h.port) for h in info.root_hints],
        policy=POLICY, port_map={s.address: s.port for s in info.servers.values()})
    saved = tmp_path / "observations.json"
    saved.write_text(observations.to_json())
    config = tmp_path / "zonecut.yaml"
    config.write_text(EXAMPLE.read_text())

    result = runner.invoke(app, ["graph", "-c", str(config), "--replay", str(saved),
                                 "-o", "json"], env={"AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    assert result.exit_code == 0, result.output
    replayed = Graph.from_dict(json.loads(result.stdout))
    assert replayed.nodes == live.nodes and replayed.edges == live.edges
    assert replayed.accounts == live.accounts and replayed.findings == live.findings

    for fmt, marker in (("svg", "<svg"), ("dot", "digraph"), ("mermaid", "flowchart TD")):
        result = runner.invoke(app, ["graph", "-c", str(config), "--replay", str(saved),
                                     "-o", fmt])
        assert result.exit_code == 0 and marker in result.stdout, result.output
        assert APEX in result.stdout and TEAM in result.stdout
    png = tmp_path / "graph.png"
    result = runner.invoke(app, ["graph", "--replay", str(saved), "-o", "png", "-f", str(png)])
    assert result.exit_code == 0 and png.read_bytes().startswith(b"\x89PNG"), result.output

    nowhere = tmp_path / "no-such-dir" / "graph.svg"
    result = runner.invoke(app, ["graph", "--replay", str(saved), "-f", str(nowhere)])
    assert result.exit_code == 1 and "cannot write" in result.output
    assert "Traceback" not in result.output and not nowhere.parent.exists()

    html = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "-c", str(config), "--replay", str(saved),
                                 "-f", str(html)])
    assert result.exit_code == 0, result.output
    text = html.read_text()
    assert "NOT_DELEGATED" in text and "Not known" in text and str(html) in result.output


def test_user_errors(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.json"
    result = runner.invoke(app, ["graph", "--replay", str(missing)])
    assert result.exit_code == 1 and "cannot read" in result.output
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    result = runner.invoke(app, ["graph", "--replay", str(bad)])
    assert result.exit_code == 1 and "not zonecut observations" in result.output
    result = runner.invoke(app, ["graph", "--replay", str(bad), "-o", "png"])
    assert result.exit_code == 1 and "--file" in result.output
    result = runner.invoke(app, ["graph", "-c", str(tmp_path / "none.yaml")])
    assert result.exit_code == 1 and "none.yaml" in result.output
    result = runner.invoke(app, ["report", "--replay", str(bad),
                                 "-f", str(tmp_path / "r.html")])
    assert result.exit_code == 1 and not (tmp_path / "r.html").exists()
    assert "Traceback" not in result.output

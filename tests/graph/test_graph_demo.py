"""`zonecut demo` ends by writing the picture and the report and printing their paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from zonecut.cli import demo  # noqa: F401  (registers `demo`)
from zonecut.cli.app import app

pytestmark = pytest.mark.sandbox

ZONES = ("example.com", "dev.example.com", "team-a.dev.example.com", "prod.example.com",
         "api.example.com")


def test_demo_writes_the_picture_and_the_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["demo", "-c", str(tmp_path / "org.yaml"),
                                      "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("graph.svg", "graph.png", "report.html"):
        assert str(out / name) in result.output
    svg = (out / "graph.svg").read_text()
    html = (out / "report.html").read_text()
    for zone in ZONES:
        assert f'data-zone="{zone}"' in svg and zone in html
    assert 'data-status="ok"' in svg.split(">", 1)[0]  # the healthy tree is all green
    assert (out / "graph.png").read_bytes().startswith(b"\x89PNG")
    assert "None: Route 53 matches the config." in html

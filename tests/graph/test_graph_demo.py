"""`zonecut demo` ends by writing the picture and the report and printing their paths."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.sandbox

ZONES = ("example.com", "dev.example.com", "team-a.dev.example.com", "prod.example.com",
         "api.example.com")


def test_demo_writes_the_picture_and_the_report(tmp_path: Path) -> None:
    # its own process: the demo starts a sandbox, and moto allows one per process
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["COLUMNS"] = "250"  # long tmp paths printed on one line
    result = subprocess.run([sys.executable, "-m", "zonecut.cli", "demo", "-c", "org.yaml",
                             "--out-dir", str(out)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for name in ("graph.svg", "graph.png", "report.html"):
        assert str(out / name) in result.stdout
    svg = (out / "graph.svg").read_text()
    html = (out / "report.html").read_text()
    for zone in ZONES:
        assert f'data-zone="{zone}"' in svg and zone in html
    assert 'data-status="ok"' in svg.split(">", 1)[0]  # the healthy tree is all green
    assert (out / "graph.png").read_bytes().startswith(b"\x89PNG")
    assert "None: Route 53 matches the config." in html

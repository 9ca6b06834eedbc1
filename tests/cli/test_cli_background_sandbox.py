"""The sandbox as a user runs it: `sandbox up` in the background, then plan, apply, verify
and destroy against it with --sandbox, then `sandbox down`. Runs the real `zonecut`
entry point (the installed script) in subprocesses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_support import background_sandbox, sandbox_tree, zonecut
from zonecut.sandbox.process import down


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    with background_sandbox(tmp_path, sandbox_tree()) as path:
        yield path


def test_background_sandbox_round_trip(workdir: Path) -> None:
    up = zonecut("sandbox", "up", cwd=workdir)
    assert up.returncode == 0, up.stderr
    status = zonecut("sandbox", "status", cwd=workdir)
    assert status.returncode == 0 and "endpoint" in status.stdout

    plan = zonecut("plan", "--sandbox", "--exit-code", "-o", "json", cwd=workdir)
    assert plan.returncode == 2, plan.stderr
    assert json.loads(plan.stdout)["summary"]["zones_to_create"] == 3

    apply = zonecut("apply", "--sandbox", "--yes", cwd=workdir)
    assert apply.returncode == 0, apply.stderr + apply.stdout

    verify = zonecut("verify", "--sandbox", "-o", "json", cwd=workdir)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert json.loads(verify.stdout)["findings"] == []

    drawn = zonecut("graph", "--sandbox", "-o", "json", cwd=workdir)
    assert drawn.returncode == 0, drawn.stderr
    nodes = json.loads(drawn.stdout)["nodes"]
    assert sorted((n["name"], n["status"]) for n in nodes) == [
        ("dev.example.org", "ok"), ("example.org", "ok"), ("team-a.dev.example.org", "ok")]
    report = zonecut("report", "--sandbox", "-f", "report.html", cwd=workdir)
    assert report.returncode == 0, report.stderr
    assert "None: Route 53 matches the config." in (workdir / "report.html").read_text()

    refused = zonecut("destroy", "dev.example.org", "--sandbox", "--yes", cwd=workdir)
    assert refused.returncode == 1 and "--allow-delete" in refused.stderr
    destroyed = zonecut("destroy", "dev.example.org", "--sandbox", "--yes", "--allow-delete",
                        cwd=workdir)
    assert destroyed.returncode == 0, destroyed.stderr
    assert "2 zone(s) deleted" in destroyed.stdout

    after = zonecut("plan", "--sandbox", "-o", "json", cwd=workdir)
    assert json.loads(after.stdout)["summary"]["zones_to_create"] == 2

    stopped = zonecut("sandbox", "down", cwd=workdir)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert zonecut("sandbox", "status", cwd=workdir).returncode == 1


def test_sandbox_up_realistic_starts_with_every_part(workdir: Path) -> None:
    """`sandbox up --realistic` (and an option that changes one part): the background
    sandbox reports Route 53's buckets, the latency and the PENDING time; `sandbox
    faults` turns parts off (the refusals on the wire: tests/faults/test_realistic_mode.py)."""
    state = workdir / ".state"
    started = zonecut("sandbox", "up", "--no-dns", "--realistic", "--pending-seconds", "4",
                      "--state-dir", str(state), cwd=workdir)
    try:
        assert started.returncode == 0, started.stderr
        shown = zonecut("sandbox", "faults", "--state-dir", str(state), cwd=workdir)
        assert shown.returncode == 0, shown.stderr
        text = " ".join(shown.stdout.split())
        assert "token buckets" in text and "CreateHostedZone 40, 2/s" in text
        assert "80 ms a request" in text and "PENDING for 4 s" in text
        changed = zonecut("sandbox", "faults", "--no-quotas", "--latency-ms", "0",
                          "--state-dir", str(state), cwd=workdir)
        assert "token buckets" not in changed.stdout and "ms a request" not in changed.stdout
    finally:
        down(state)

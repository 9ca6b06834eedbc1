"""plan and apply show and make records, certificates and SSM parameters (CLI, sandbox)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from child_support import HEADER, acm_wait
from typer.testing import CliRunner

from zonecut.cli.main import app
from zonecut.sandbox import Sandbox

runner = CliRunner()

TEXT = HEADER.replace("rate_limit: 200", "rate_limit: 200\n  ssm: {publish: true}") + """\
    records:
      - {name: www, type: A, values: [192.0.2.1]}
  - name: dev.example.com
    account: dev
    certificates:
      - {domains: [dev.example.com, "*.dev.example.com"], region: us-east-1}
"""


@pytest.fixture
def cfg(fresh_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", fresh_sandbox.endpoint_url)
    path = tmp_path / "zonecut.yaml"
    path.write_text(TEXT)
    return path


def test_plan_lists_records_certificates_parameters_then_apply_no_wait(
        cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = runner.invoke(app, ["plan", "-c", str(cfg), "--exit-code"])
    assert result.exit_code == 2, result.output
    assert "example.com (network): create www.example.com A 192.0.2.1" in result.stdout
    assert ("dev.example.com (dev): request certificate dev.example.com, *.dev.example.com "
            "in us-east-1 (DNS validation)") in result.stdout
    assert "write parameter /zonecut/zones/dev.example.com" in result.stdout

    result = runner.invoke(app, ["plan", "-c", str(cfg), "-o", "json"])
    child = json.loads(result.stdout)["child_resources"]
    assert child["summary"]["records_to_create"] == 1
    assert child["summary"]["certificates_to_request"] == 1

    with acm_wait(monkeypatch, 3600):
        result = runner.invoke(app, ["apply", "-c", str(cfg), "--yes", "--no-wait",
                                     "-o", "json"])
    assert result.exit_code == 0, result.output
    made = json.loads(result.stdout)["child_resources"]
    assert made["records_written"] == ["www.example.com A"]
    assert len(made["certificates_requested"]) == 1
    assert made["certificates_pending"] == made["certificates_requested"]
    assert len(made["validation_records_written"]) == 1
    assert made["parameters_written"] == ["/zonecut/zones/example.com",
                                          "/zonecut/zones/dev.example.com"]

    result = runner.invoke(app, ["plan", "-c", str(cfg)])
    assert ("dev.example.com (dev): certificate dev.example.com, *.dev.example.com in "
            "us-east-1: PENDING_VALIDATION, reused") in result.stdout

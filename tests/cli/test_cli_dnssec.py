"""DNSSEC on the command line: plan lists the ordered steps, apply signs and names the
registrar's DS, rotate-ksk shows its steps and refuses what it cannot do safely."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from zonecut.cli.main import app
from zonecut.sandbox import Sandbox

runner = CliRunner()

CONFIG = """\
version: 1
defaults: {rate_limit: 100, dnssec: true, access: {role_name: ZonecutDelegation}}
accounts:
  network: {id: "111111111111"}
  dev: {id: "222222222222"}
zones:
  - {name: example.com, account: network, root: true}
  - {name: dev.example.com, account: dev}
"""


@pytest.fixture
def aws_env(fresh_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", fresh_sandbox.endpoint_url)
    return fresh_sandbox.endpoint_url


def test_plan_apply_and_rotate_ksk(aws_env: str, tmp_path: Path) -> None:
    path = tmp_path / "zonecut.yaml"
    path.write_text(CONFIG)
    cfg = str(path)
    result = runner.invoke(app, ["plan", "-c", cfg])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "DNSSEC, in this order:" in text
    assert text.index("sign dev.example.com") < text.index("create DS of dev.example.com")
    assert "2 zone(s) to sign" in text

    result = runner.invoke(app, ["apply", "-c", cfg, "--yes"])
    assert result.exit_code == 0, result.output
    assert "example.com is signing: give its registrar the DS " in " ".join(
        result.stdout.split())
    assert "2 zone(s) signed, 1 DS record(s) written" in result.stdout

    result = runner.invoke(app, ["rotate-ksk", "dev.example.com", "-c", cfg])
    assert result.exit_code == 1, result.output  # no terminal, no --yes: nothing changed
    assert "1. create KSK zonecut_2" in result.stdout
    assert "needs confirmation" in result.output

    result = runner.invoke(app, ["rotate-ksk", "example.com", "-c", cfg, "--yes"])
    assert result.exit_code == 1
    assert "registrar" in result.output and "Traceback" not in result.output

    result = runner.invoke(app, ["rotate-ksk", "nope.example.com", "-c", cfg, "--yes"])
    assert result.exit_code == 1
    assert "not declared in the config" in result.output

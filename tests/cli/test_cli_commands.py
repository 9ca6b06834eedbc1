"""The command line, end to end in-process: typer's runner, the sandbox over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zonecut.cli.main import app
from zonecut.sandbox import Sandbox

runner = CliRunner()

CONFIG = """\
version: 1
defaults: {rate_limit: 100, access: {role_name: ZonecutDelegation}}
accounts:
  network: {id: "111111111111"}
  dev: {id: "222222222222"}
  team: {id: "444444444444"}
zones:
  - {name: example.com, account: network, root: true}
  - {name: dev.example.com, account: dev}
  - {name: team-a.dev.example.com, account: team}
"""


@pytest.fixture
def aws_env(fresh_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", fresh_sandbox.endpoint_url)
    return fresh_sandbox.endpoint_url


def write(tmp_path: Path, text: str = CONFIG) -> Path:
    path = tmp_path / "zonecut.yaml"
    path.write_text(text)
    return path


def test_plan_exit_code_json_then_apply_then_empty_plan(aws_env: str, tmp_path: Path) -> None:
    cfg = str(write(tmp_path))
    result = runner.invoke(app, ["plan", "-c", cfg, "--output", "json", "--exit-code"])
    assert result.exit_code == 2, result.output
    data = json.loads(result.stdout)
    assert data["summary"]["zones_to_create"] == 3
    assert data["summary"]["ns_to_create"] == 2

    result = runner.invoke(app, ["apply", "-c", cfg, "--yes"])
    assert result.exit_code == 0, result.output
    assert "3 zone(s) created" in result.stdout

    result = runner.invoke(app, ["plan", "-c", cfg, "--exit-code"])
    assert result.exit_code == 0, result.output
    assert "No changes" in result.stdout


def test_apply_without_yes_and_without_a_terminal_changes_nothing(
        aws_env: str, tmp_path: Path, fresh_sandbox: Sandbox) -> None:
    cfg = str(write(tmp_path))
    result = runner.invoke(app, ["apply", "-c", cfg])
    assert result.exit_code == 1
    assert "--yes" in result.output
    assert not any(op == "CreateHostedZone" for (_, op) in fresh_sandbox.calls())


def test_config_error_names_file_and_line_without_traceback(tmp_path: Path) -> None:
    cfg = write(tmp_path, CONFIG.replace("dev.example.com, account: dev",
                                         "dev..example.com, account: dev"))
    result = runner.invoke(app, ["plan", "-c", str(cfg)])
    assert result.exit_code == 1
    assert f"{cfg}:9: zones[1].name" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_missing_config_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "-c", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "nope.yaml" in result.output


def test_schema_is_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert "zones" in schema["properties"]


def test_wrong_account_is_refused_with_the_account_named(aws_env: str, tmp_path: Path) -> None:
    cfg = write(tmp_path, CONFIG.replace('network: {id: "111111111111"}',
                                         'network: {id: "111111111111", assume_role: false}'))
    result = runner.invoke(app, ["plan", "-c", str(cfg)])
    assert result.exit_code == 1
    assert "111111111111" in result.output and "Nothing was changed" in result.output

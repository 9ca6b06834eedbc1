"""Flags a platform engineer trusts: values checked, clean help, the same names everywhere,
tables that wrap instead of cutting, `zonecut explain CODE`."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_support import SAMPLE_CONFIG, invoke
from zonecut.audit import AUDIT_CATALOGUE
from zonecut.cli.main import app
from zonecut.verify.findings import CATALOGUE


@pytest.mark.parametrize(("args", "flag"), [
    (["verify", "--timeout", "0"], "--timeout"), (["verify", "--timeout", "-1"], "--timeout"),
    (["verify", "--retries", "-1"], "--retries"),
    (["verify", "--concurrency", "0"], "--concurrency"),
    (["audit", "--timeout", "0"], "--timeout"), (["audit", "--rate-limit", "0"], "--rate-limit"),
    (["audit", "--max-parallel", "0"], "--max-parallel"),
    (["audit", "--retries", "-2"], "--retries"),
    (["verify", "--max-ns", "0"], "--max-ns"), (["verify", "--max-glueless", "-1"],
                                                "--max-glueless"),
    (["audit", "--max-ns", "0"], "--max-ns"), (["audit", "--max-glueless", "0"],
                                               "--max-glueless"),
])
def test_bad_flag_values_are_usage_errors(args: list[str], flag: str, tmp_path: Path) -> None:
    result = invoke(*args, cwd=tmp_path)
    assert result.returncode == 64, result.stderr
    assert f"Invalid value for '{flag}'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["verify", "audit"])
def test_the_probe_caps_are_in_help(command: str, tmp_path: Path) -> None:
    text = " ".join(invoke(command, "--help", cwd=tmp_path, env=None).stdout.split())
    assert "--max-ns" in text and "NS names followed per referral" in text
    assert "--max-glueless" in text and "Servers without glue looked up per referral" in text


def all_commands() -> list[list[str]]:
    import typer.main

    found: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        found.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    invoke("--help", cwd=Path("."))  # registers every sub-command module
    walk(typer.main.get_command(app), [])
    return found


def test_help_has_clean_metavars_everywhere(tmp_path: Path) -> None:
    commands = all_commands()
    assert ["explain"] in commands and ["sandbox", "faults"] in commands
    for path in commands:
        result = invoke(*path, "--help", cwd=tmp_path, env=None)
        assert result.returncode == 0, (path, result.stderr)
        for bad in ("<bool>", "list[str]", "{", "[[", "]]"):
            assert bad not in result.stdout, (path, bad, result.stdout)


def test_output_is_dash_o_everywhere(tmp_path: Path) -> None:
    (tmp_path / "zonecut.yaml").write_text(SAMPLE_CONFIG.replace(
        "access: {role_name: ZonecutDelegation}",
        "access: {role_name: ZonecutDelegation, principal_arn: "
        "'arn:aws:iam::111111111111:role/zonecut-ci'}"))
    for command in ("plan", "apply", "destroy", "verify", "audit", "iam"):
        text = invoke(command, "--help", cwd=tmp_path).stdout
        assert "--output" in text and "-o" in text, command
    assert "--format" not in invoke("iam", "--help", cwd=tmp_path).stdout
    new = invoke("iam", "-o", "cloudformation", cwd=tmp_path)
    old = invoke("iam", "--format", "cloudformation", cwd=tmp_path)
    assert new.returncode == old.returncode == 0, new.stderr + old.stderr
    assert new.stdout == old.stdout and "AWSTemplateFormatVersion" in new.stdout
    assert "--format is deprecated; use --output" in old.stderr


@pytest.mark.parametrize("command", ["verify", "audit"])
def test_tables_keep_every_code_whole_at_80_columns(command: str, tmp_path: Path) -> None:
    result = invoke(command, "--list-codes", cwd=tmp_path,
                    env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    codes = [r.code for r in (CATALOGUE if command == "verify" else AUDIT_CATALOGUE)]
    for code in codes:
        assert f" {code} " in result.stdout, code


def test_explain_a_code(tmp_path: Path) -> None:
    result = invoke("explain", "dangling_delegation", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("DANGLING_DELEGATION  critical")
    assert "takeover" in result.stdout
    assert invoke("explain", "AUDIT_ORPHAN_ZONE", cwd=tmp_path).returncode == 0
    wrong = invoke("explain", "DANGLING", cwd=tmp_path)
    assert wrong.returncode == 64 and "did you mean" in wrong.stderr

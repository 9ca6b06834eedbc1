"""Running the real `zonecut` command line in tests: the installed script in a subprocess,
or the same app in-process with typer's runner (cheaper on a busy machine)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from zonecut.cli.main import app

ZONECUT = str(Path(sys.executable).parent / "zonecut")
README = Path(__file__).resolve().parents[1] / "README.md"

SAMPLE_CONFIG = """\
version: 1
defaults: {rate_limit: 100, access: {role_name: ZonecutDelegation}}
accounts:
  network: {id: "111111111111"}
  dev: {id: "222222222222", profile: dev-admin, assume_role: false}
zones:
  - {name: example.com, account: network, root: true}
  - {name: dev.example.com, account: dev}
"""


def clean_env(**extra: str) -> dict[str, str]:
    """No AWS settings from the machine running the tests; no instance metadata lookups."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ZONECUT_"))}
    env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               AWS_EC2_METADATA_DISABLED="true", COLUMNS="100")
    env.update(extra)
    return env


def zonecut(*args: str, cwd: Path, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ZONECUT, *args], cwd=cwd, env=env or clean_env(),
                          capture_output=True, text=True, timeout=120, check=False)


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


runner = CliRunner()


def invoke(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Ran:
    """The real app in-process (typer's runner): the same group, boundary and commands as
    the `zonecut` script, without a Python start-up per case on a busy machine."""
    saved = os.environ.copy()
    here = os.getcwd()
    os.environ.clear()
    os.environ.update(env or clean_env())
    os.chdir(cwd)
    try:
        result = runner.invoke(app, list(args))
    finally:
        os.chdir(here)
        os.environ.clear()
        os.environ.update(saved)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception))
    return Ran(result.exit_code, result.stdout, result.stderr)


def one_error_line(result: subprocess.CompletedProcess[str] | Ran) -> str:
    """The run's error message; fails on a traceback or a message over several lines."""
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]

"""Running the real `zonecut` command line in tests: the installed script in a subprocess
(also on a pseudo-terminal), or the same app in-process with typer's runner (cheaper on a
busy machine); and a background sandbox (`sandbox up`) in a working directory."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from zonecut.cli.main import app
from zonecut.sandbox.process import down

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

TREE_ACCOUNTS = (("network", "111111111111"), ("dev", "222222222222"),
                 ("team", "444444444444"))
TREE_ZONES = ("{name: example.org, account: network, root: true}",
              "{name: dev.example.org, account: dev}",
              "{name: team-a.dev.example.org, account: team}")


def sandbox_tree(levels: int = 3) -> str:
    """example.org, dev.example.org, team-a.dev.example.org (the first ``levels``), each in
    an account of its own: the config of the background-sandbox tests."""
    accounts = "".join(f'  {key}: {{id: "{number}"}}\n' for key, number in
                       TREE_ACCOUNTS[:levels])
    zones = "".join(f"  - {zone}\n" for zone in TREE_ZONES[:levels])
    return ("version: 1\ndefaults: {rate_limit: 50, access: {role_name: ZonecutDelegation}}\n"
            f"accounts:\n{accounts}zones:\n{zones}")


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


def on_a_terminal(*args: str, cwd: Path) -> tuple[int, str]:
    """`zonecut ARGS` with stdin, stdout and stderr on a pseudo-terminal: (exit, screen)."""
    main, side = pty.openpty()
    process = subprocess.Popen([ZONECUT, *args], cwd=cwd, stdin=side, stdout=side,
                               stderr=side, env=clean_env(TERM="xterm", COLUMNS="120"))
    os.close(side)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


@contextmanager
def background_sandbox(path: Path, config: str, *, up: bool = False, apply: bool = False
                       ) -> Iterator[Path]:
    """``path`` with ``config`` as its zonecut.yaml; with ``up`` a background sandbox
    started there (`sandbox up`), with ``apply`` the config applied to it (in-process).
    The sandbox is stopped afterwards whoever started it (the test may run `sandbox up`
    itself)."""
    (path / "zonecut.yaml").write_text(config)
    try:
        if up or apply:
            started = zonecut("sandbox", "up", cwd=path)
            assert started.returncode == 0, started.stderr
        if apply:
            applied = invoke("apply", "--sandbox", "--yes", cwd=path)
            assert applied.returncode == 0, applied.stderr + applied.stdout
        yield path
    finally:
        down(path / ".zonecut")

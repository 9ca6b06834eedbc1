"""Summaries that are true, progress in words, hints that work when pasted, and the
foreground sandbox found by --sandbox: through the real app, against the sandbox."""

from __future__ import annotations

import re
import shlex
import signal
import subprocess
import time
from pathlib import Path

import pytest

from cli_support import ZONECUT, clean_env, invoke
from zonecut.cli.render import EVENT_WORDS
from zonecut.sandbox import Sandbox

CONFIG = """\
version: 1
defaults: {rate_limit: 100, access: {role_name: ZonecutDelegation}}
accounts:
  network: {id: "111111111111"}
  dev: {id: "222222222222"}
zones:
  - {name: example.com, account: network, root: true}
  - {name: dev.example.com, account: dev}
"""


@pytest.fixture
def env(fresh_sandbox: Sandbox, tmp_path: Path) -> dict[str, str]:
    (tmp_path / "zonecut.yaml").write_text(CONFIG)
    return clean_env(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x",
                     AWS_ENDPOINT_URL=fresh_sandbox.endpoint_url, COLUMNS="80")


def seconds_in(text: str, verb: str) -> float:
    found = re.search(rf"{verb} in ([0-9.]+) s: ", text)
    assert found, text
    return float(found.group(1))


def test_destroy_says_what_it_removed_and_the_wall_time(
        env: dict[str, str], tmp_path: Path, fresh_sandbox: Sandbox) -> None:
    assert invoke("apply", "--yes", cwd=tmp_path, env=env).returncode == 0
    fresh_sandbox.set_faults(pending_seconds=1.5)  # the NS delete syncs after 1.5 s
    try:
        timed_destroy(env, tmp_path)
    finally:
        fresh_sandbox.set_faults(pending_seconds=0.0)


def timed_destroy(env: dict[str, str], tmp_path: Path) -> None:
    refused = invoke("destroy", "dev.example.com", "--allow-delete", cwd=tmp_path, env=env)
    assert refused.returncode == 1
    assert "destroy needs confirmation" in refused.stderr and "apply needs" not in refused.stderr
    started = time.monotonic()
    result = invoke("destroy", "dev.example.com", "--allow-delete", "--yes", cwd=tmp_path,
                    env=env)
    wall = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip().splitlines()[-1]  # one line, even at 80 columns
    assert line.startswith("Destroyed in ")
    assert "1 delegation(s) removed, 1 zone(s) deleted" in line
    assert "zone(s) created" not in line and "batch" not in line
    # the whole run's wall time, the wait for INSYNC included (was the executor's: 0.0 s)
    assert 1.4 <= seconds_in(line, "Destroyed") <= wall + 0.05


def test_apply_reports_its_wall_time(env: dict[str, str], tmp_path: Path) -> None:
    started = time.monotonic()
    result = invoke("apply", "--yes", cwd=tmp_path, env=env)
    wall = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip().splitlines()[-1]
    assert "2 zone(s) created; 1 NS record(s) written in 1 batch(es)" in line
    assert 0 <= seconds_in(line, "Applied") <= wall + 0.05


def test_a_plan_without_changes_is_one_line_per_account(env: dict[str, str],
                                                        tmp_path: Path) -> None:
    assert invoke("apply", "--yes", cwd=tmp_path, env=env).returncode == 0
    result = invoke("plan", "--exit-code", cwd=tmp_path, env=env)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "account 111111111111 (network): no changes (1 zone(s) as declared)",
        "account 222222222222 (dev): no changes (1 zone(s) as declared)",
        "No changes. Route 53 matches the config."]
    verbose = invoke("plan", "-v", cwd=tmp_path, env=env)
    assert "= example.com exists (" in verbose.stdout and "adopted" not in verbose.stdout


def test_plan_save_hint_is_a_command_that_works(env: dict[str, str], tmp_path: Path) -> None:
    result = invoke("plan", "--save", "reviewed plan.json", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    hint = result.stderr.split("apply exactly it with: ", 1)[1].strip()
    assert hint == "zonecut apply --plan 'reviewed plan.json' -c zonecut.yaml"
    again = invoke(*shlex.split(hint)[1:], cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr
    assert "Applied in" in again.stdout


def test_every_progress_event_has_words() -> None:
    src = Path(__file__).resolve().parents[2] / "src" / "zonecut" / "apply"
    kinds = {kind for path in src.glob("*.py")
             for kind in re.findall(r'ApplyEvent\(\s*"([a-z-]+)"', path.read_text())}
    assert "certificate-waiting" in kinds and "zone-insync" in kinds
    assert kinds <= set(EVENT_WORDS), kinds - set(EVENT_WORDS)
    assert EVENT_WORDS["certificate-waiting"].startswith("waiting for ACM to validate")


def test_sandbox_run_is_found_by_dash_dash_sandbox(tmp_path: Path) -> None:
    (tmp_path / "zonecut.yaml").write_text(CONFIG)
    state = tmp_path / "state"
    run = subprocess.Popen([ZONECUT, "sandbox", "run", "--state-dir", str(state)],
                           cwd=tmp_path, env=clean_env(), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (state / "sandbox.json").exists():
            assert run.poll() is None, run.communicate()[0]
            assert time.monotonic() < deadline
            time.sleep(0.2)
        plan = subprocess.run([ZONECUT, "plan", "--sandbox", "--state-dir", str(state),
                               "--exit-code"], cwd=tmp_path, env=clean_env(),
                              capture_output=True, text=True, timeout=120, check=False)
        assert plan.returncode == 2, plan.stderr
        assert "+ create hosted zone dev.example.com" in plan.stdout
    finally:
        run.send_signal(signal.SIGTERM)
        output = run.communicate(timeout=30)[0]
    assert "Use it with: zonecut plan --sandbox --state-dir" in output
    assert not (state / "sandbox.json").exists()  # removed when it stops


def test_destroy_children_of_a_root(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "zonecut.yaml").write_text(
        CONFIG + "  - {name: prod.example.com, account: dev}\n"
        "  - {name: team.dev.example.com, account: dev}\n")
    assert invoke("apply", "--yes", cwd=tmp_path, env=env).returncode == 0
    refused = invoke("destroy", "example.com", "--allow-delete", "--yes", cwd=tmp_path,
                     env=env)
    assert refused.returncode == 1
    assert "example.com: a root zone is never deleted" in refused.stderr
    assert "Teardown" not in refused.stdout  # refused before a plan is shown
    hint = " ".join(refused.stderr.split()).split("below it: ", 1)[1]
    assert hint == "zonecut destroy --children-of example.com -c zonecut.yaml --allow-delete"
    result = invoke(*shlex.split(hint)[1:], "--yes", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "3 delegation(s) removed, 3 zone(s) deleted" in result.stdout
    after = invoke("plan", "-o", "json", cwd=tmp_path, env=env)
    assert '"zones_to_create": 3' in after.stdout  # the root stays, its children are gone
    assert invoke("destroy", cwd=tmp_path, env=env).returncode == 64
    both = invoke("destroy", "dev.example.com", "--children-of", "example.com", cwd=tmp_path,
                  env=env)
    assert both.returncode == 64

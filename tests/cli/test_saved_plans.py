"""Saved plans (issue 10, item 6): the checksum covers the whole file, a saved plan deletes
only what `plan --prune --save` showed, and deleting always needs --allow-delete and a
confirmation, saved plan or not. The command line in-process, the sandbox over HTTP."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from zonecut.cli.main import app
from zonecut.config.loader import load_config
from zonecut.plan.saved import SavedPlan
from zonecut.runtime import Runtime, Target
from zonecut.sandbox import Sandbox
from zonecut.sandbox.zone_data import all_zones

runner = CliRunner()

FULL = """\
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
SMALLER = FULL.replace("  - {name: team-a.dev.example.com, account: team}\n", "")
WRITES = ("CreateHostedZone", "DeleteHostedZone", "ChangeResourceRecordSets",
          "ChangeTagsForResource")


@pytest.fixture
def aws_env(fresh_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", fresh_sandbox.endpoint_url)
    return fresh_sandbox


def zone_names() -> list[str]:
    return sorted(z.name for z in all_zones())


def writes(sandbox: Sandbox) -> int:
    return sum(n for (_, op), n in sandbox.calls().items() if op in WRITES)


def build(tmp_path: Path) -> Path:
    cfg = tmp_path / "zonecut.yaml"
    cfg.write_text(FULL)
    result = runner.invoke(app, ["apply", "-c", str(cfg), "--yes"])
    assert result.exit_code == 0, result.output
    return cfg


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def runtime_for(cfg: Path, sandbox: Sandbox) -> Runtime:
    return Runtime(load_config(cfg), Target(endpoint_url=sandbox.endpoint_url))


def test_a_forged_destroy_plan_is_refused(aws_env: Sandbox, tmp_path: Path) -> None:
    """The issue's reproduction: destroy targets added, the checksum made anew (with
    zonecut's own code), applied with --allow-delete: it used to delete and exit 0."""
    cfg = build(tmp_path)
    destroy = runtime_for(cfg, aws_env).plan_destroy(["dev.example.com"])
    assert destroy.deletions
    forged = tmp_path / "forged.json"
    forged.write_text(SavedPlan(mode="destroy", prune=False, zones=("dev.example.com",),
                                config_sha256=digest(cfg), plan=destroy.data()).to_json())
    aws_env.reset_calls()
    result = runner.invoke(app, ["apply", "-c", str(cfg), "--plan", str(forged),
                                 "--allow-delete"])
    assert result.exit_code == 1, result.output
    assert str(forged) in result.stderr and "Traceback" not in result.output
    assert writes(aws_env) == 0
    assert "dev.example.com" in zone_names()


def test_a_saved_plan_that_deletes_still_needs_allow_delete_and_a_confirmation(
        aws_env: Sandbox, tmp_path: Path) -> None:
    cfg = build(tmp_path)
    cfg.write_text(SMALLER)
    saved = tmp_path / "plan.json"
    made = runner.invoke(app, ["plan", "-c", str(cfg), "--prune", "--save", str(saved)])
    assert made.exit_code == 0, made.output
    assert "team-a.dev.example.com" in made.stdout  # the deletion was shown
    aws_env.reset_calls()
    refused = runner.invoke(app, ["apply", "-c", str(cfg), "--plan", str(saved)])
    assert refused.exit_code == 1 and "--allow-delete" in refused.stderr
    # --allow-delete is not a confirmation: without --yes it must be typed (no terminal)
    unconfirmed = runner.invoke(app, ["apply", "-c", str(cfg), "--plan", str(saved),
                                      "--allow-delete"])
    assert unconfirmed.exit_code == 1, unconfirmed.output
    assert "confirmation" in unconfirmed.stderr
    assert writes(aws_env) == 0
    assert "team-a.dev.example.com" in zone_names()
    done = runner.invoke(app, ["apply", "-c", str(cfg), "--plan", str(saved),
                               "--allow-delete", "--yes"])
    assert done.exit_code == 0, done.output
    assert "team-a.dev.example.com" not in zone_names()


def test_a_saved_plan_that_deletes_asks_for_the_names_in_a_terminal(
        aws_env: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = build(tmp_path)
    cfg.write_text(SMALLER)
    saved = tmp_path / "plan.json"
    assert runner.invoke(app, ["plan", "-c", str(cfg), "--prune", "--save",
                               str(saved)]).exit_code == 0
    # the runner's stdin stands for a terminal (typer's test wrapper, not zonecut's code)
    monkeypatch.setattr(typer.testing._NamedTextIOWrapper, "isatty", lambda self: True)
    wrong = runner.invoke(app, ["apply", "-c", str(cfg), "--plan", str(saved),
                                "--allow-delete"], input="dev.example.com\n")
    assert wrong.exit_code == 1 and "did not match" in wrong.stderr, wrong.output
    assert "team-a.dev.example.com" in zone_names()
    right = runner.invoke(app, ["apply", "-c", str(cfg), "--plan", str(saved),
                                "--allow-delete"], input="team-a.dev.example.com\n")
    assert right.exit_code == 0, right.output
    assert "team-a.dev.example.com" not in zone_names()


def test_a_plan_saved_without_prune_cannot_carry_deletions(
        aws_env: Sandbox, tmp_path: Path) -> None:
    cfg = build(tmp_path)
    cfg.write_text(SMALLER)
    pruned = runtime_for(cfg, aws_env).plan_with_prune()
    assert pruned.deletions
    forged = tmp_path / "forged.json"
    forged.write_text(SavedPlan(mode="apply", prune=False, zones=(),
                                config_sha256=digest(cfg), plan=pruned.data()).to_json())
    result = runner.invoke(app, ["apply", "-c", str(cfg), "--plan", str(forged),
                                 "--allow-delete", "--yes"])
    assert result.exit_code == 1
    assert "not made with --prune" in result.stderr
    assert "team-a.dev.example.com" in zone_names()


def test_a_saved_plan_without_deletions_applies_without_a_second_yes(
        aws_env: Sandbox, tmp_path: Path) -> None:
    cfg = tmp_path / "zonecut.yaml"
    cfg.write_text(FULL)
    saved = tmp_path / "plan.json"
    assert runner.invoke(app, ["plan", "-c", str(cfg), "--save", str(saved)]).exit_code == 0
    result = runner.invoke(app, ["apply", "-c", str(cfg), "--plan", str(saved)])
    assert result.exit_code == 0, result.output
    assert zone_names() == ["dev.example.com", "example.com", "team-a.dev.example.com"]


# -- tampering with any field --------------------------------------------------------------

def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document: keys of objects, indexes of arrays."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def tamper(document: dict[str, Any], path: tuple[Any, ...], how: str, new: Any
           ) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    holder: Any = changed
    for step in path[:-1]:
        holder = holder[step]
    last = path[-1]
    if how == "delete":
        del holder[last]
    elif how == "add" and isinstance(holder, dict):
        holder[f"{last}_extra"] = new
    elif how == "add" and isinstance(holder, list):
        holder.insert(last, new)
    else:
        holder[last] = new
    return changed


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10, 10**6), st.text(max_size=20),
              st.sampled_from(["dev.example.com", "apply", "destroy", "prune", "delete"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6)


@pytest.fixture(scope="module")
def saved_world(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory
                ) -> tuple[Sandbox, Path, dict[str, Any]]:
    """A built tree and a saved plan with a deletion in it (plan --prune --save)."""
    sandbox.reset()
    tmp = tmp_path_factory.mktemp("saved")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_ENDPOINT_URL", sandbox.endpoint_url)
        cfg = build(tmp)
        cfg.write_text(SMALLER)
        saved = tmp / "plan.json"
        assert runner.invoke(app, ["plan", "-c", str(cfg), "--prune", "--save",
                                   str(saved)]).exit_code == 0
    document = json.loads(saved.read_text())
    assert document["plan"]["deletions"]
    return sandbox, cfg, document


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), how=st.sampled_from(["replace", "delete", "add"]), new=json_values)
def test_tampering_with_any_field_is_refused_and_changes_nothing(
        saved_world: tuple[Sandbox, Path, dict[str, Any]], tmp_path_factory:
        pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, data: st.DataObject,
        how: str, new: Any) -> None:
    sandbox, cfg, document = saved_world
    path = data.draw(st.sampled_from(paths(document)))
    changed = tamper(document, path, how, new)
    if changed == document:
        return  # replaced with the same value: not a change
    target = tmp_path_factory.mktemp("tampered") / "plan.json"
    target.write_text(json.dumps(changed, indent=2))
    before = (zone_names(), writes(sandbox))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL", sandbox.endpoint_url)
    result = runner.invoke(app, ["apply", "-c", str(cfg), "--plan", str(target),
                                 "--allow-delete", "--yes"])
    assert result.exit_code == 1, (path, how, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {target}: ") and "Traceback" not in result.output
    assert (zone_names(), writes(sandbox)) == before

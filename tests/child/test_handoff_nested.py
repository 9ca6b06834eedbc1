"""The SSM handoff three levels deep across four accounts, through the real CLI.

example.com (network) -> dev.example.com (dev) -> app.dev.example.com (team A) and
api.dev.example.com (team B). The central config publishes into one registry account
(network), then into each zone's own account; team A reads its parent's document in the
registry, team B in the parent zone's own account. Both write their NS record into
dev.example.com, in the dev account the document names. A document that names an
undeclared account, a zone that does not exist, another zone, or other servers is one
clear problem, and nothing is written anywhere.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from child_support import DEV, NETWORK, rrsets
from handoff_support import CENTRAL, PARAM, TEAM_A, TEAM_A_CONFIG, TEAM_B, TEAM_B_CONFIG

from cli_support import Ran, clean_env, invoke
from sandbox_fixtures import session_for
from zonecut.apply.handoff_read import ZoneDocument
from zonecut.names import normalize
from zonecut.sandbox import Sandbox

WRITES = ("CreateHostedZone", "ChangeResourceRecordSets", "ChangeTagsForResource",
          "DeleteHostedZone", "UpdateHostedZoneComment")


@pytest.fixture
def env(fresh_sandbox: Sandbox) -> dict[str, str]:
    return clean_env(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                     AWS_ENDPOINT_URL=fresh_sandbox.endpoint_url)


def run(tmp_path: Path, env: dict[str, str], text: str, *args: str) -> Ran:
    path = tmp_path / "zonecut.yaml"
    path.write_text(text)
    return invoke(*args, "-c", str(path), cwd=tmp_path, env=env)


def ssm(sandbox: Sandbox, account: str) -> Any:
    return session_for(sandbox, account).client("ssm", region_name="us-east-1")


def parameters(sandbox: Sandbox, account: str) -> dict[str, str]:
    found = ssm(sandbox, account).get_parameters_by_path(Path="/zonecut", Recursive=True)
    return {p["Name"]: p["Value"] for p in found["Parameters"]}


def document(sandbox: Sandbox, account: str, name: str) -> ZoneDocument:
    return ZoneDocument.from_json(parameters(sandbox, account)[name], name)


def ns_in(sandbox: Sandbox, account: str, zone: str, name: str) -> list[str]:
    client = session_for(sandbox, account).client("route53")
    return sorted(normalize(v["Value"]) for r in rrsets(client, zone)
                  if r["Type"] == "NS" and normalize(r["Name"]) == name
                  for v in r["ResourceRecords"])


def verify(sandbox: Sandbox, tmp_path: Path, env: dict[str, str], text: str) -> Ran:
    hints = tmp_path / "root.hints"
    sandbox.write_root_hints(hints)
    return run(tmp_path, env, text, "verify", "--root-hints", str(hints), "--timeout", "1")


def build_central(sandbox: Sandbox, tmp_path: Path, env: dict[str, str]) -> None:
    applied = run(tmp_path, env, CENTRAL, "apply", "--yes")
    assert applied.returncode == 0, applied.stderr
    sandbox.register("example.com", document(sandbox, NETWORK,
                                             "/zonecut/zones/example.com").name_servers)


def written(sandbox: Sandbox) -> dict[tuple[str, str], int]:
    return {key: n for key, n in sandbox.calls().items() if key[1] in WRITES}


def test_three_levels_four_accounts_registry_and_zone_account(
        fresh_sandbox: Sandbox, tmp_path: Path, env: dict[str, str]) -> None:
    if fresh_sandbox.info.root_hints[0].port != 53:
        pytest.skip("verify --root-hints needs the sandbox's DNS on port 53 (run as root)")
    build_central(fresh_sandbox, tmp_path, env)
    # the registry holds every parameter of the central config; dev holds none
    assert sorted(parameters(fresh_sandbox, NETWORK)) == [
        "/zonecut/zones/dev.example.com", "/zonecut/zones/example.com"]
    assert parameters(fresh_sandbox, DEV) == {}
    dev = document(fresh_sandbox, NETWORK, PARAM)
    assert (dev.account_id, dev.parent, dev.parent_account_id) == (DEV, "example.com", NETWORK)

    # team A reads in the registry (through the read-only role), writes in dev
    planned = run(tmp_path, env, TEAM_A_CONFIG, "plan")
    assert planned.returncode == 0, planned.stderr
    assert (f"app.dev.example.com: create NS in dev.example.com (account {DEV}; parent read "
            f"from {PARAM} in account {NETWORK})") in planned.stdout
    applied = run(tmp_path, env, TEAM_A_CONFIG, "apply", "--yes", "-o", "json")
    assert applied.returncode == 0, applied.stderr
    made = json.loads(applied.stdout)
    assert made["child_resources"]["delegated_from_ssm"] == ["app.dev.example.com"]
    app = document(fresh_sandbox, NETWORK, "/zonecut/zones/app.dev.example.com")
    assert (app.account_id, app.parent, app.parent_zone_id, app.parent_account_id) == (
        TEAM_A, "dev.example.com", dev.zone_id, DEV)
    assert ns_in(fresh_sandbox, DEV, "dev.example.com", "app.dev.example.com") == sorted(
        app.name_servers)

    # the central config now publishes in each zone's own account
    moved = CENTRAL.replace("ssm: {publish: true, account: network}",
                            "ssm: {publish: true, publish_in: zone}")
    applied = run(tmp_path, env, moved, "apply", "--yes")
    assert applied.returncode == 0, applied.stderr
    assert sorted(parameters(fresh_sandbox, DEV)) == [PARAM]
    assert document(fresh_sandbox, DEV, PARAM) == dev

    # team B reads in the parent zone's own account; publishes in its parent's (dev)
    applied = run(tmp_path, env, TEAM_B_CONFIG, "apply", "--yes", "-o", "json")
    assert applied.returncode == 0, applied.stderr
    api = document(fresh_sandbox, DEV, "/zonecut/zones/api.dev.example.com")
    assert (api.account_id, api.parent_account_id) == (TEAM_B, DEV)
    assert ns_in(fresh_sandbox, DEV, "dev.example.com", "api.dev.example.com") == sorted(
        api.name_servers)

    # nothing more to do anywhere; every tree verifies from the DNS root
    for text in (moved, TEAM_A_CONFIG, TEAM_B_CONFIG):
        again = run(tmp_path, env, text, "plan", "--exit-code")
        assert again.returncode == 0, again.stdout + again.stderr
    for text in (moved, TEAM_A_CONFIG, TEAM_B_CONFIG):
        checked = verify(fresh_sandbox, tmp_path, env, text)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def refused(sandbox: Sandbox, tmp_path: Path, env: dict[str, str], text: str) -> str:
    """apply --yes: exit 1, one problem line, no traceback, no Route 53 or SSM write."""
    before = {a: parameters(sandbox, a) for a in (NETWORK, DEV, TEAM_A)}
    sandbox.reset_calls()
    result = run(tmp_path, env, text, "apply", "--yes")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    problems = [line for line in result.stderr.splitlines() if line.startswith("problem:")]
    assert len(problems) == 1, result.stderr
    assert written(sandbox) == {}
    assert {a: parameters(sandbox, a) for a in before} == before
    return problems[0].removeprefix("problem: ")


def tamper(sandbox: Sandbox, **changes: Any) -> None:
    value = json.loads(parameters(sandbox, NETWORK)[PARAM])
    value.update(changes)
    ssm(sandbox, NETWORK).put_parameter(Name=PARAM, Value=json.dumps(value), Type="String",
                                        Overwrite=True)


def test_a_document_that_does_not_hold_is_one_problem_and_nothing_is_written(
        fresh_sandbox: Sandbox, tmp_path: Path, env: dict[str, str]) -> None:
    build_central(fresh_sandbox, tmp_path, env)
    where = f"{{}}: parameter {PARAM} in account network ({NETWORK})"
    lead = where.format("app.dev.example.com")

    # the document names an account this config does not declare
    undeclared = TEAM_A_CONFIG.replace(f'  dev: {{id: "{DEV}"}}\n', "").replace(
        "      parent_account: dev\n", "")
    assert refused(fresh_sandbox, tmp_path, env, undeclared) == (
        f"{lead} says dev.example.com is in account {DEV}, which the config does not "
        f"declare; declare it under `accounts` (zonecut writes the NS record there through "
        f"arn:aws:iam::{DEV}:role/ZonecutDelegation); nothing was changed")

    # parent_account says another account than the document
    elsewhere = TEAM_A_CONFIG.replace("parent_account: dev", "parent_account: network")
    assert refused(fresh_sandbox, tmp_path, env, elsewhere) == (
        f"{lead} says dev.example.com is in account {DEV}, but "
        f"parent_from_ssm.parent_account is network ({NETWORK}); nothing was changed")

    real = document(fresh_sandbox, NETWORK, PARAM)
    apex = document(fresh_sandbox, NETWORK, "/zonecut/zones/example.com")
    # a zone id that does not exist in the account named
    tamper(fresh_sandbox, zone_id="Z0NOSUCHZONE42")
    assert refused(fresh_sandbox, tmp_path, env, TEAM_A_CONFIG) == (
        f"{lead} names zone Z0NOSUCHZONE42 in account dev ({DEV}), which does not exist "
        "there; nothing was changed")
    # another zone's id (example.com's, in network) claimed to be in dev: not there
    tamper(fresh_sandbox, zone_id=apex.zone_id)
    assert refused(fresh_sandbox, tmp_path, env, TEAM_A_CONFIG) == (
        f"{lead} names zone {apex.zone_id} in account dev ({DEV}), which does not exist "
        "there; nothing was changed")
    # the right zone, with servers that are not its own
    tamper(fresh_sandbox, zone_id=real.zone_id, name_servers=list(apex.name_servers))
    assert refused(fresh_sandbox, tmp_path, env, TEAM_A_CONFIG) == (
        f"{lead} names zone {real.zone_id} in account dev ({DEV}), whose name servers are "
        f"{', '.join(sorted(real.name_servers))}, not {', '.join(sorted(apex.name_servers))}"
        " as the parameter says; nothing was changed")
    # not a document at all
    ssm(fresh_sandbox, NETWORK).put_parameter(Name=PARAM, Value="[" * 3000, Type="String",
                                              Overwrite=True)
    assert refused(fresh_sandbox, tmp_path, env, TEAM_A_CONFIG) == (
        f"{lead}: not a zonecut zone description: the JSON is nested too deeply; nothing "
        "was changed")


def test_a_zone_with_another_name_under_the_id_is_refused(
        fresh_sandbox: Sandbox, tmp_path: Path, env: dict[str, str]) -> None:
    build_central(fresh_sandbox, tmp_path, env)
    # a zone in dev under the document's id, but of another name
    other = session_for(fresh_sandbox, DEV).client("route53").create_hosted_zone(
        Name="other.example.com", CallerReference="other")["HostedZone"]
    tamper(fresh_sandbox, zone_id=other["Id"].rsplit("/", 1)[-1])
    lead = f"app.dev.example.com: parameter {PARAM} in account network ({NETWORK})"
    assert refused(fresh_sandbox, tmp_path, env, TEAM_A_CONFIG) == (
        f"{lead} names zone {other['Id'].rsplit('/', 1)[-1]} in account dev ({DEV}), which "
        "is other.example.com, not dev.example.com; nothing was changed")

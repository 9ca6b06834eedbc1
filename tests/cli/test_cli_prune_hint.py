"""`plan --prune` and `apply --prune` on a delegation whose zone no declared account
holds (issue 13, item 5): the hint is a command that works when pasted (it was
"check it with zonecut verify", which refuses undeclared zones). Through the real app,
against the sandbox."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from cli_support import clean_env, invoke
from sandbox_fixtures import session_for
from zonecut.sandbox import Sandbox

pytestmark = pytest.mark.sandbox

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


def pasted(stderr: str) -> list[str]:
    """The command the hint gives, as a shell would split it (without `zonecut`)."""
    line = " ".join(stderr.split())
    assert "hint: old.example.com: delegated to a zone no declared account holds" in line
    command = line.split(" with: ", 1)[1].split(" (or,", 1)[0]
    words = shlex.split(command)
    assert words[0] == "zonecut"
    return words[1:]


def test_the_prune_hint_for_an_unknown_zone_works_when_pasted(
        fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    (tmp_path / "my config.yaml").write_text(CONFIG)
    env = clean_env(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x", COLUMNS="100")
    target = ["-c", "my config.yaml", "--endpoint-url", fresh_sandbox.endpoint_url]
    assert invoke("apply", "--yes", *target, cwd=tmp_path, env=env).returncode == 0
    client = session_for(fresh_sandbox, "111111111111").client("route53")
    apex = next(z["Id"] for z in client.list_hosted_zones()["HostedZones"]
                if z["Name"] == "example.com.")
    servers = sorted(n for n in fresh_sandbox.info.servers if n.startswith("ns-"))[:2]
    client.change_resource_record_sets(HostedZoneId=apex, ChangeBatch={"Changes": [{
        "Action": "CREATE", "ResourceRecordSet": {
            "Name": "old.example.com", "Type": "NS", "TTL": 300,
            "ResourceRecords": [{"Value": s} for s in servers]}}]})

    for command in (["plan", "--prune"], ["apply", "--prune", "--yes"]):
        ran = invoke(*command, *target, cwd=tmp_path, env=env)
        assert ran.returncode == 0, ran.stderr
        assert "zonecut verify" not in ran.stdout + ran.stderr
        words = pasted(ran.stderr)
        assert words == ["audit", "-c", "my config.yaml", "--endpoint-url",
                         fresh_sandbox.endpoint_url]
        audit = invoke(*words, cwd=tmp_path, env=env)
        assert audit.returncode == 0, audit.stderr  # a warning: exit 0
        text = " ".join(audit.stdout.split())
        assert "AUDIT_UNVERIFIED_DELEGATION" in text and "old.example.com" in text
    # JSON output stays machine-only: no hint on stderr.
    quiet = invoke("plan", "--prune", "-o", "json", *target, cwd=tmp_path, env=env)
    assert quiet.returncode == 0 and "hint:" not in quiet.stderr

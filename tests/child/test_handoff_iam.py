"""`zonecut iam` for the nested SSM handoff: the read-only role where the parameters are
(scoped to the prefix), the NS write in the parent zone's account for exactly the
consumer's names, the publish grant where publish_in puts the parameters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from child_support import DEV, NETWORK, config
from handoff_support import CENTRAL, TEAM_A_CONFIG, TEAM_B_CONFIG
from test_child_iam import TAG_ZONES, allows, lint, statements
from typer.testing import CliRunner

from zonecut.cli import iam_cmd  # noqa: F401  (registers the command)
from zonecut.cli.main import app
from zonecut.iam import account_permissions

runner = CliRunner()


def permissions(text: str) -> dict[str, Any]:
    return {p.key: p for p in account_permissions(config(text))}


def sids(role: Any) -> set[str]:
    return set(statements(role.policy))


def test_team_a_reads_in_the_registry_and_writes_in_the_parents_account() -> None:
    found = permissions(TEAM_A_CONFIG)
    main, reader = found["network"].roles
    assert reader.name == "ZonecutReadZones" and reader.purpose == "read-parent"
    assert reader.policy["Statement"] == [{
        "Sid": "ReadParentParameter", "Effect": "Allow", "Action": "ssm:GetParameter",
        "Resource": f"arn:aws:ssm:us-east-1:{NETWORK}:parameter/zonecut/zones/*"}]
    # the registry: team A publishes its zone there; no Route 53 at all
    assert sids(main) == {"PublishZones"}
    assert statements(main.policy)["PublishZones"]["Resource"] == (
        f"arn:aws:ssm:us-east-1:{NETWORK}:parameter/zonecut/zones/*")
    dev = found["dev"].roles[0]
    assert {"ReadParentZone", "DelegateFromSsm"} <= sids(dev)
    assert "PublishZones" not in sids(dev) and "ReadParentParameter" not in sids(dev)
    for action in ("CREATE", "UPSERT"):
        assert allows(dev.policy, "app.dev.example.com", "NS", action)
    assert not allows(dev.policy, "api.dev.example.com", "NS", "CREATE")
    assert not allows(dev.policy, "app.dev.example.com", "NS", "DELETE")
    assert not allows(dev.policy, "app.dev.example.com", "A", "CREATE")
    assert not allows(found["network"].roles[0].policy, "app.dev.example.com", "NS", "CREATE")
    assert "PublishZones" not in sids(found["team-a"].roles[0])
    # parent_account is set: no note asks for it
    assert not any("parent_account" in n for p in found.values() for n in p.notes)


def test_team_b_reads_and_writes_in_the_parents_account() -> None:
    found = permissions(TEAM_B_CONFIG)
    (dev,) = found["dev"].roles  # no role_arn: the account's own role reads
    granted = statements(dev.policy)
    assert granted["ReadParentParameter"]["Resource"] == (
        f"arn:aws:ssm:us-east-1:{DEV}:parameter/zonecut/zones/dev.example.com")
    assert granted["PublishZones"]["Resource"] == (
        f"arn:aws:ssm:us-east-1:{DEV}:parameter/zonecut/zones/*")
    assert allows(dev.policy, "api.dev.example.com", "NS", "UPSERT")
    assert not allows(dev.policy, "app.dev.example.com", "NS", "UPSERT")
    (note,) = [n for n in found["dev"].notes if "parent_account" in n]
    assert note.startswith("api.dev.example.com: the NS write into its parent is granted here")


def test_the_central_config_publishes_where_publish_in_says() -> None:
    registry = permissions(CENTRAL)
    assert "PublishZones" in sids(registry["network"].roles[0])
    assert "PublishZones" not in sids(registry["dev"].roles[0])
    by_zone = permissions(CENTRAL.replace("ssm: {publish: true, account: network}",
                                          "ssm: {publish: true, publish_in: zone}"))
    assert statements(by_zone["dev"].roles[0].policy)["PublishZones"]["Resource"] == (
        f"arn:aws:ssm:us-east-1:{DEV}:parameter/zonecut/zones/*")
    by_parent = permissions(CENTRAL.replace("ssm: {publish: true, account: network}",
                                            "ssm: {publish: true}"))
    assert "PublishZones" not in sids(by_parent["dev"].roles[0])  # dev.example.com: network's


def test_cli_and_parliament(tmp_path: Path) -> None:
    path = tmp_path / "zonecut.yaml"
    path.write_text(TEAM_A_CONFIG)
    result = runner.invoke(app, ["iam", "-c", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [r["purpose"] for r in data["network"]["roles"]] == ["delegation", "read-parent"]
    for text in (CENTRAL, TEAM_A_CONFIG, TEAM_B_CONFIG):
        for account in permissions(text).values():
            for role in account.roles:
                known = [TAG_ZONES] if "TagZones" in sids(role) else []  # see test_child_iam
                assert lint(role.policy) == known, role.name

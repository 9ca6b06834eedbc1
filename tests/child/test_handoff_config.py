"""The config of the nested SSM handoff: where parameters are published, and the accounts
parent_from_ssm and defaults.ssm name, each error with its file and line."""

from __future__ import annotations

import pytest
from child_support import HEADER, config, problems

from zonecut.config import build_tree, json_schema
from zonecut.config.handoff_location import HandoffLocation

SSM = "rate_limit: 200\n  ssm: {publish: true, %s}"
DEV_ZONE = "  - {name: dev.example.com, account: dev}\n"


def with_ssm(settings: str, zones: str = DEV_ZONE) -> str:
    return HEADER.replace("rate_limit: 200", SSM % settings) + zones


@pytest.mark.parametrize(("settings", "zone", "account"), [
    ("prefix: /zonecut/zones", "dev.example.com", "111111111111"),     # parent (default)
    ("publish_in: parent", "dev.example.com", "111111111111"),
    ("publish_in: zone", "dev.example.com", "222222222222"),
    ("publish_in: zone", "example.com", "111111111111"),
    ("account: team", "dev.example.com", "444444444444"),              # account alone
    ("publish_in: account, account: '444444444444'", "example.com", "444444444444"),
])
def test_where_each_parameter_is_published(settings: str, zone: str, account: str) -> None:
    cfg = config(with_ssm(settings))
    tree = build_tree(cfg)
    found = tree.get(zone)
    assert found is not None
    assert HandoffLocation.of(cfg).account_for(tree, found) == account


def test_an_ssm_parented_zone_publishes_in_the_parent_zones_account() -> None:
    cfg = config(with_ssm("prefix: /zonecut/zones", """\
  - name: app.dev.example.org
    account: team
    parent_from_ssm: {account: network, parameter: /zonecut/zones/dev.example.org,
                      parent_account: dev}
"""))
    tree = build_tree(cfg)
    zone = tree.get("app.dev.example.org")
    assert zone is not None and zone.ssm_parent is not None
    assert (zone.ssm_parent.account_id, zone.ssm_parent.parent_account_id) == (
        "111111111111", "222222222222")
    location = HandoffLocation.of(cfg)
    assert location.account_for(tree, zone) == "222222222222"          # parent_account
    assert location.account_for(tree, zone, "333333333333") == "333333333333"  # as read


def test_unknown_accounts_and_a_location_without_its_account() -> None:
    found = problems(with_ssm("account: registry", """\
  - name: app.dev.example.org
    account: team
    parent_from_ssm: {account: network, parameter: /zonecut/zones/dev.example.org,
                      parent_account: nobody}
"""))
    assert [str(p) for p in found] == [
        "child.yaml:4: defaults.ssm.account: unknown account 'registry': the registry account "
        "is declared under `accounts` (declared: network, dev, prod, team)",
        "child.yaml:18: zones[1].parent_from_ssm.parent_account: unknown account 'nobody': "
        "the parent zone's account is declared under `accounts`, with the access zonecut "
        "writes the NS record with (declared: network, dev, prod, team)",
    ]
    (missing,) = problems(with_ssm("publish_in: account"))
    assert (missing.line, missing.path) == (4, "defaults.ssm")
    assert "publish_in: account needs `account`" in missing.message
    (both,) = problems(with_ssm("publish_in: zone, account: team"))
    assert "`account` is the registry account of publish_in: account, but publish_in is " \
           "zone; remove one of them" in both.message
    (bad,) = problems(with_ssm("publish_in: registry"))
    assert bad.path == "defaults.ssm.publish_in"


def test_the_schema_describes_the_new_keys() -> None:
    defs = json_schema()["$defs"]
    assert {"publish_in", "account"} <= set(defs["SsmDefaults"]["properties"])
    assert "parent_account" in defs["ParentFromSsm"]["properties"]

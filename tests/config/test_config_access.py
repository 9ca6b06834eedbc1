"""Each account's access resolved from the config (zonecut.config.access)."""

from __future__ import annotations

from dataclasses import fields

from zonecut.aws.access import AccountAccess
from zonecut.config import load_config_text
from zonecut.config.access import ResolvedAccess, resolved_accesses

TEXT = """\
version: 1
defaults:
  access:
    role_name: "teams/zc-{account}"
    external_id: outer
    source_identity: zonecut-ci
    region: cn-north-1
    partition: aws-cn
    session_name: pipeline
accounts:
  network: {id: "111111111111", external_id: inner, region: cn-northwest-1}
  dev: {id: "222222222222", role_arn: "arn:aws-cn:iam::222222222222:role/path/Other"}
  local: {id: "333333333333", assume_role: false, profile: local}
  own: {id: "444444444444", role_name: "/Own-{account_id}/", source_identity: own-id}
zones:
  - {name: example.com, account: network, root: true}
"""


def test_every_account_is_resolved_with_its_overrides_and_the_defaults() -> None:
    found = resolved_accesses(load_config_text(TEXT))
    common = {"partition": "aws-cn", "session_name": "pipeline"}
    assert found == {
        "111111111111": ResolvedAccess(
            key="network", account_id="111111111111", profile=None,
            role_arn="arn:aws-cn:iam::111111111111:role/teams/zc-network",
            external_id="inner", source_identity="zonecut-ci", region="cn-northwest-1",
            **common),
        "222222222222": ResolvedAccess(
            key="dev", account_id="222222222222", profile=None,
            role_arn="arn:aws-cn:iam::222222222222:role/path/Other",
            external_id="outer", source_identity="zonecut-ci", region="cn-north-1",
            **common),
        "333333333333": ResolvedAccess(
            key="local", account_id="333333333333", profile="local", role_arn=None,
            external_id="outer", source_identity="zonecut-ci", region="cn-north-1",
            **common),
        "444444444444": ResolvedAccess(
            key="own", account_id="444444444444", profile=None,
            role_arn="arn:aws-cn:iam::444444444444:role/Own-444444444444",
            external_id="outer", source_identity="own-id", region="cn-north-1",
            **common),
    }


def test_the_defaults_alone_name_the_standard_role_in_aws() -> None:
    text = """\
version: 1
accounts:
  network: {id: "012345678901"}
zones:
  - {name: example.com, account: network, root: true}
"""
    assert resolved_accesses(load_config_text(text)) == {"012345678901": ResolvedAccess(
        key="network", account_id="012345678901", profile=None,
        role_arn="arn:aws:iam::012345678901:role/ZonecutDelegation", external_id=None,
        source_identity=None, region=None, partition="aws", session_name="zonecut")}


def test_resolved_access_carries_every_field_the_aws_sessions_take() -> None:
    # the wiring (zonecut.runtime) builds AccountAccess from ResolvedAccess field by field
    assert [f.name for f in fields(ResolvedAccess)] == [f.name for f in fields(AccountAccess)]

"""`zonecut iam`: Route 53 Domains only in the accounts of root zones, the writes only with
`registrar: route53`, always in us-east-1 (the service has no resource types: `*`)."""

from __future__ import annotations

from typing import Any

from zonecut.config import load_config_text
from zonecut.config.tree import build_tree
from zonecut.iam import account_permissions
from zonecut.iam.registrar import READ_ACTIONS, WRITE_ACTIONS

TEXT = """
version: 1
defaults:
  access: {principal_arn: "arn:aws:iam::111111111111:role/zonecut-ci"}
accounts:
  network: {id: "111111111111"}
  dev: {id: "222222222222"}
zones:
  - {name: example.com, account: network, root: true%s}
  - {name: dev.example.com, account: dev}
"""


def statements(registrar: str) -> dict[str, list[dict[str, Any]]]:
    cfg = load_config_text(TEXT % registrar, "zonecut.yaml")
    found: dict[str, list[dict[str, Any]]] = {}
    for perms in account_permissions(cfg, build_tree(cfg)):
        found[perms.key] = [s for p in perms.roles[0].parts for s in p.document["Statement"]]
    return found


def domains_actions(found: list[dict[str, Any]]) -> set[str]:
    return {a for s in found for a in ([s["Action"]] if isinstance(s["Action"], str)
                                       else s["Action"]) if a.startswith("route53domains:")}


def test_read_only_for_a_root_without_registrar() -> None:
    found = statements("")
    assert domains_actions(found["network"]) == set(READ_ACTIONS)
    assert domains_actions(found["dev"]) == set()


def test_the_writes_only_with_registrar_route53_and_only_in_us_east_1() -> None:
    found = statements(", registrar: route53")
    assert domains_actions(found["network"]) == set(READ_ACTIONS) | set(WRITE_ACTIONS)
    assert domains_actions(found["dev"]) == set()
    for s in found["network"]:
        if domains_actions([s]):
            assert s["Resource"] in ("*", ["*"])
            assert s["Condition"] == {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}

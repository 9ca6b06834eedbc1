"""Policies fit IAM's limit for their kind: a role's inline policies 10,240 characters,
a managed policy 6,144, a trust policy 2,048 (white space not counted); oversized ones
are split into managed policies that fit, and what cannot fit is said."""

from __future__ import annotations

import json
from typing import Any

import cfnlint.api
import parliament
from iam_cases import PRINCIPAL
from iam_evaluator import batch_request, decide, statements_of

from zonecut.apply.packing import ns_batches
from zonecut.aws.route53 import RecordChange
from zonecut.config import build_tree, load_config_text
from zonecut.iam import account_permissions, template
from zonecut.iam.documents import size
from zonecut.iam.sizes import (
    INLINE_POLICY_LIMIT,
    MANAGED_POLICIES_PER_ROLE,
    MANAGED_POLICY_LIMIT,
    TRUST_POLICY_LIMIT,
)
from zonecut.names import iam_normalized
from zonecut.state import RRSet


def tree_text(children: int, *, assume_role: bool = True, records: int = 0,
              principals: int = 1) -> str:
    accounts = "".join(f'  a{i}: {{id: "{100000000000 + i}"}}\n' for i in range(30))
    zones = "".join(f"  - {{name: child-{i:04d}.example.com, account: a{i % 30}}}\n"
                    for i in range(children))
    lines = "".join(f"      - {{name: host-{i:04d}, type: A, values: [192.0.2.1]}}\n"
                    for i in range(records))
    listed = ", ".join(f'"arn:aws:iam::999999999999:role/zonecut-ci-{i:02d}"'
                       for i in range(principals)) if principals > 1 else f'"{PRINCIPAL}"'
    return f"""\
version: 1
defaults:
  access: {{role_name: ZonecutDelegation, principal_arn: [{listed}]}}
accounts:
  network: {{id: "111111111111"{"" if assume_role else ", assume_role: false"}}}
{accounts}zones:
  - name: example.com
    account: network
    root: true
{"    records:" + chr(10) + lines if records else ""}{zones}"""


def network(text: str) -> Any:
    cfg = load_config_text(text, "big.yaml")
    return account_permissions(cfg, build_tree(cfg), only="network")[0]


def whitespace_free(doc: dict[str, Any]) -> int:
    """IAM's count: the JSON text without the white space between tokens."""
    pretty = json.dumps(doc, indent=4)
    return len(json.dumps(json.loads(pretty), separators=(",", ":")))


def lint(doc: dict[str, Any]) -> list[str]:
    """parliament's findings, but its known false positive for tagging zones: its
    definition of route53:ChangeTagsForResource wants a healthcheck ARN (the service
    authorization reference lists hostedzone too; see test_iam_lint.TAG_ZONES)."""
    return [f.issue for f in parliament.analyze_policy_string(json.dumps(doc)).findings
            if not (f.issue == "RESOURCE_MISMATCH" and all(
                d.get("action") == "route53:ChangeTagsForResource" for d in f.detail))]


def test_300_children_with_a_role_fit_one_inline_policy() -> None:
    perms = network(tree_text(300))
    role = perms.roles[0]
    assert [p.managed for p in role.parts] == [False]
    assert whitespace_free(role.parts[0].document) == size(role.parts[0].document)
    assert MANAGED_POLICY_LIMIT < size(role.parts[0].document) <= INLINE_POLICY_LIMIT
    assert perms.notes == ()
    body = template(perms)
    assert [str(m) for m in cfnlint.api.lint(json.dumps(body), regions=["us-east-1"])] == []


def test_300_children_without_a_role_are_split_into_managed_policies_that_fit() -> None:
    perms = network(tree_text(300, assume_role=False))
    role = perms.roles[0]
    assert len(role.parts) >= 2 and all(p.managed for p in role.parts)
    for part in role.parts:
        assert size(part.document) <= MANAGED_POLICY_LIMIT, part.name
        assert lint(part.document) == [], part.name
    assert size(role.policy) > MANAGED_POLICY_LIMIT  # it had to be split
    assert any("split by record names" in n for n in perms.notes)
    # together the parts allow exactly what the whole policy allows, change by change
    whole = role.policy["Statement"]
    parts = statements_of(p.document for p in role.parts)
    names = [f"child-{i:04d}.example.com" for i in range(0, 310, 7)] + [
        "example.com", "www.child-0001.example.com", "badexample.com"]
    zone = "arn:aws:route53:::hostedzone/ZANY"
    for name in names:
        for rtype in ("NS", "A", "DS"):
            for action in ("CREATE", "UPSERT", "DELETE"):
                change = batch_request(zone, [(action, rtype, iam_normalized(name))])
                assert decide(parts, change) == decide(whole, change), (name, rtype, action)
    assert decide(parts, batch_request(zone, [("CREATE", "NS", "child-0001.example.com")]))
    body = template(perms)
    assert [str(m) for m in cfnlint.api.lint(json.dumps(body), regions=["us-east-1"])] == []
    assert {r["Type"] for r in body["Resources"].values()} == {"AWS::IAM::ManagedPolicy"}


def test_a_role_over_the_inline_limit_gets_managed_policies_attached() -> None:
    perms = network(tree_text(300, records=200))
    role = perms.roles[0]
    assert size(role.policy) > INLINE_POLICY_LIMIT
    assert len(role.parts) >= 3 and all(p.managed for p in role.parts)
    assert all(size(p.document) <= MANAGED_POLICY_LIMIT for p in role.parts)
    body = template(perms)
    policies = [r for r in body["Resources"].values() if r["Type"] == "AWS::IAM::ManagedPolicy"]
    assert len(policies) == len(role.parts)
    assert all(p["Properties"]["Roles"] == [{"Ref": "ZonecutDelegation"}] for p in policies)
    assert "Policies" not in body["Resources"]["ZonecutDelegation"]["Properties"]
    assert [str(m) for m in cfnlint.api.lint(json.dumps(body), regions=["us-east-1"])] == []


def test_more_than_ten_managed_policies_is_said() -> None:
    perms = network(tree_text(300, records=2600, assume_role=False))
    role = perms.roles[0]
    assert len(role.parts) > MANAGED_POLICIES_PER_ROLE
    assert any(f"IAM attaches at most {MANAGED_POLICIES_PER_ROLE}" in n for n in perms.notes)


def test_a_trust_policy_over_2048_characters_is_said() -> None:
    perms = network(tree_text(3, principals=45))
    assert size(perms.roles[0].trust_policy) > TRUST_POLICY_LIMIT
    assert any("trust policy is" in n and "2048" in n for n in perms.notes)
    assert not any("trust policy is" in n for n in network(tree_text(3)).notes)


def test_ns_batches_of_300_children_are_allowed_by_the_split_policy() -> None:
    """An `assume_role: false` account: its policy is managed (6,144 characters a part)
    and the delegation statement of 300 children is split by names; apply's NS batches
    (apply.packing.ns_batches, what the executor sends) each stay inside one part."""
    perms = network(tree_text(300, assume_role=False))
    assert any("split by record names" in n for n in perms.notes)
    statements = statements_of(p.document for p in perms.roles[0].parts)
    delegating = [s for s in statements if str(s.get("Sid", "")).startswith("Delegate")]
    assert len(delegating) > 1  # the statement was split
    children = sorted(f"child-{i:04d}.example.com" for i in range(300))
    four_servers = ("ns-1.awsdns-01.org", "ns-2.awsdns-02.net", "ns-3.awsdns-03.com",
                    "ns-4.awsdns-04.co.uk")
    for action, some in (("CREATE", children), ("UPSERT", children),
                         ("CREATE", children[::7])):  # a first apply, a change, a few
        changes = [RecordChange(action, RRSet(n, "NS", 3600, four_servers)) for n in some]
        packed = ns_batches(changes, children)
        assert sorted(c.rrset.name for b in packed for c in b) == sorted(some)
        for batch in packed:
            assert decide(statements, batch_request(
                "arn:aws:route53:::hostedzone/ZANY",
                [(action, "NS", c.rrset.name) for c in batch])), (action, len(batch))

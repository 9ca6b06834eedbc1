"""Every (action, type, name) the generated policies allow is one the config needs, and
every needed one is allowed: enumerated over the config's names and their neighbours,
evaluated with AWS's documented rules (``iam_evaluator``)."""

from __future__ import annotations

from typing import Any

import pytest
from iam_cases import ACTIONS, ALL_TYPES, CONFIGS, HEX32, load, needed, probe_names
from iam_evaluator import Request, batch_request, decide, like, statements_of

from zonecut.iam import account_permissions
from zonecut.names import iam_normalized


def resources(tree: object, account_id: str) -> list[str]:
    """The zones a change could go to: the account's zones (pinned ids or stand-ins) and
    one zone the config does not name (statements on hostedzone/* reach it)."""
    found = ["arn:aws:route53:::hostedzone/ZNOTDECLARED"]
    for zone in tree.zones:  # type: ignore[attr-defined]
        if zone.account_id == account_id:
            found.append(f"arn:aws:route53:::hostedzone/{zone.zone_id or 'Z' + zone.name}")
    return found


def distinct(statements: list[Any], where: list[str]) -> list[str]:
    """One resource per set of statements whose Resource matches it (same answers)."""
    seen: dict[tuple[bool, ...], str] = {}
    for resource in where:
        probe = Request("route53:ChangeResourceRecordSets", resource, {})
        key = tuple(decide([{**s, "Condition": {}, "Effect": "Allow"}], probe)
                    for s in statements)
        seen.setdefault(key, resource)
    return list(seen.values())


def allowed_triples(label: str, *, teardown: bool) -> dict[str, tuple[set[tuple[str, str, str]],
                                                                    set[tuple[str, str, str]]]]:
    cfg, tree = load(label)
    names = probe_names(tree)
    result = {}
    for perms in account_permissions(cfg, tree, teardown=teardown):
        main = perms.roles[0]
        statements = statements_of(p.document for p in main.parts)
        where = distinct(statements, resources(tree, perms.account_id))
        allowed: set[tuple[str, str, str]] = set()
        wanted: set[tuple[str, str, str]] = set()
        for name in names:
            for rtype in ALL_TYPES:
                for action in ACTIONS:
                    triple = (action, rtype, name)
                    change = [(action, rtype, iam_normalized(name))]
                    if any(decide(statements, batch_request(r, change)) for r in where):
                        allowed.add(triple)
                    if needed(cfg, tree, perms.key, name, rtype, action, teardown=teardown):
                        wanted.add(triple)
        result[perms.key] = (allowed, wanted)
    return result


@pytest.mark.parametrize("teardown", [False, True], ids=["apply", "teardown"])
@pytest.mark.parametrize("label", sorted(CONFIGS))
def test_each_account_allows_exactly_the_needed_triples(label: str, teardown: bool) -> None:
    for key, (allowed, wanted) in allowed_triples(label, teardown=teardown).items():
        assert sorted(allowed - wanted) == [], (label, key, "allowed but not needed")
        assert sorted(wanted - allowed) == [], (label, key, "needed but refused")
        if not teardown:
            assert not any(a == "DELETE" and t == "NS" for a, t, _ in allowed), key


def test_the_attacks_of_issue_12_are_refused() -> None:
    found = allowed_triples("rich", teardown=False)
    network, _ = found["network"]
    dev, _ = found["dev"]
    assert ("UPSERT", "A", "example.com") not in network  # apex A of the parent
    assert ("UPSERT", "TXT", "dev.example.com") not in network  # at a delegated name
    assert ("UPSERT", "MX", "dev.example.com") not in network
    assert ("CREATE", "DS", "dev.example.com") not in network  # nothing is signed
    assert ("DELETE", "NS", "dev.example.com") not in network  # teardown only
    assert ("CREATE", "AAAA", "www.example.com") in network  # declared with A and AAAA
    assert ("CREATE", "MX", "www.example.com") not in network  # MX is declared at @ only
    # www is a CNAME in dev, which is `records_managed: full`: there the A that a CNAME
    # replaces is deleted in the same batch (atomic replacement), so ReplaceRecords allows
    # any type at declared names; the role already controls www's answer (it may UPSERT
    # the CNAME), so this adds no takeover power. Undeclared names stay refused.
    assert ("CREATE", "A", "www.dev.example.com") in dev
    assert ("DELETE", "A", "api.dev.example.com") in dev  # probed: full deletes it there
    assert ("CREATE", "A", "api.dev.example.com") not in dev  # but writes nothing undeclared
    assert ("CREATE", "CNAME", "_acme-challenge.dev.example.com") not in dev
    assert ("CREATE", "CNAME", f"_acme-challenge.{HEX32[:16]}.dev.example.com") not in dev
    assert ("CREATE", "CNAME", "_dmarc.dev.example.com") not in dev
    assert ("CREATE", "CNAME", f"_{HEX32}.www.dev.example.com") not in dev
    assert ("CREATE", "CNAME", f"_{HEX32[:31]}.dev.example.com") not in dev
    assert ("CREATE", "CNAME", f"_{HEX32}.api.dev.example.com") in dev
    # full management deletes undeclared records, never the ACM validation CNAMEs
    assert ("DELETE", "A", "www.dev.example.com") in dev  # replaced by the CNAME
    assert ("DELETE", "TXT", "_dmarc.dev.example.com") in dev
    assert ("DELETE", "CNAME", f"_{HEX32}.dev.example.com") not in dev
    assert ("DELETE", "CNAME", f"_{HEX32}.api.dev.example.com") not in dev
    assert ("DELETE", "NS", "team-a.dev.example.com") not in dev
    for _, _, name in network | dev:  # label boundaries: badexample.com is not below
        assert name.endswith((".example.com", ".example.org")) or name in (
            "example.com", "example.org"), name


def test_a_batch_mixing_two_groups_is_refused_one_group_is_allowed() -> None:
    cfg, tree = load("rich")
    network = account_permissions(cfg, tree, only="network")[0].roles[0]
    statements = statements_of(p.document for p in network.parts)
    zone = "arn:aws:route53:::hostedzone/Z0123456789ABC"
    same_group = [("CREATE", "A", "www.example.com"), ("CREATE", "AAAA", "mail.example.com")]
    assert decide(statements, batch_request(zone, same_group))
    mixed = [("CREATE", "A", "www.example.com"), ("CREATE", "MX", "example.com")]
    assert not decide(statements, batch_request(zone, mixed))
    # the zone is pinned: the same change in another zone is refused
    other = "arn:aws:route53:::hostedzone/ZOTHER"
    assert not decide(statements, batch_request(other, same_group[:1]))


def test_the_evaluator_follows_the_documented_rules() -> None:
    assert like("_??.a", "_xy.a") and not like("_??.a", "_x.a") and like("*.a", "b.c.a")
    assert not like("*.example.com", "badexample.com") and like("*", "")
    allow = {"Effect": "Allow", "Action": "route53:*", "Resource": "*",
             "Condition": {"ForAllValues:StringEquals": {"k": ["a", "b"]}}}
    assert decide([allow], Request("Route53:ChangeResourceRecordSets", "x", {"k": ["a"]}))
    assert not decide([allow], Request("route53:GetChange", "x", {"k": ["a", "c"]}))
    assert decide([allow], Request("route53:GetChange", "x", {}))  # ForAllValues, no value
    anyv = {**allow, "Condition": {"ForAnyValue:StringEquals": {"k": ["a"]}}}
    assert decide([anyv], Request("route53:GetChange", "x", {"k": ["a", "c"]}))
    assert not decide([anyv], Request("route53:GetChange", "x", {}))
    notlike = {**allow, "Condition": {"ForAllValues:StringNotLike": {"k": ["a*"]}}}
    assert not decide([notlike], Request("route53:GetChange", "x", {"k": ["b", "ab"]}))
    deny = {**allow, "Effect": "Deny", "Condition": {}}
    assert not decide([allow, deny], Request("route53:GetChange", "x", {"k": ["a"]}))
    scoped = {**allow, "Resource": "arn:aws:route53:::hostedzone/Z1", "Condition": {}}
    assert not decide([scoped], Request("route53:GetChange", "arn:aws:route53:::hostedzone/z1",
                                        {}))

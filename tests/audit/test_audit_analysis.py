"""The pure analysis: inventories in, findings out (no AWS, no DNS)."""

from __future__ import annotations

import random

from audit_data import A, B, C, healthy, inventory, servers, zone
from hypothesis import given, settings
from hypothesis import strategies as st

from zonecut.audit import (
    AccountFailure,
    AuditFinding,
    DelegationState,
    DnsCheck,
    DnsVerdict,
    Inventory,
    analyse,
    build_tree,
)


def codes(findings: list[AuditFinding]) -> list[tuple[str, str]]:
    return [(f.code, f.zone) for f in findings]


def test_healthy_tree_gives_only_the_root() -> None:
    found = analyse(inventory(*healthy()))
    assert codes(found) == [("AUDIT_ROOT_ZONE", "example.com")]
    assert found[0].account_id == A and found[0].zone_id == "ZAPEX"


def test_dangling_when_no_zone_of_that_name_exists() -> None:
    apex = zone("example.com", A, "ZAPEX", delegations={"gone.example.com": servers("OLD")})
    found = analyse(inventory(apex))
    assert codes(found) == [("AUDIT_ROOT_ZONE", "example.com"),
                            ("AUDIT_DANGLING_DELEGATION", "gone.example.com")]
    assert (found[1].account_id, found[1].zone_id) == (A, "ZAPEX")
    assert "no audited account holds that zone" in found[1].message


def test_dangling_when_the_zone_was_recreated_with_other_servers() -> None:
    apex = zone("example.com", A, "ZAPEX", delegations={"dev.example.com": servers("OLD")})
    dev = zone("dev.example.com", B, "ZNEW")
    found = analyse(inventory(apex, dev))
    # One root cause: the stale record. The recreated zone is not also an orphan.
    assert codes(found) == [("AUDIT_ROOT_ZONE", "example.com"),
                            ("AUDIT_DANGLING_DELEGATION", "dev.example.com")]
    assert "ZNEW in 222222222222" in found[1].message


def test_partial_names_extra_and_missing_servers() -> None:
    own = servers("ZDEV")
    listed = (*own[:3], "ns-stray.awsdns-01.com")
    apex = zone("example.com", A, "ZAPEX", delegations={"dev.example.com": listed})
    found = analyse(inventory(apex, zone("dev.example.com", B, "ZDEV")))
    assert codes(found)[1:] == [("AUDIT_PARTIAL_DELEGATION", "dev.example.com")]
    details = dict(found[1].details)
    assert details["extra_servers"] == "ns-stray.awsdns-01.com"
    assert details["missing_servers"] == own[3]
    assert f"lacks {own[3]}" in found[1].message


def test_incomplete_when_the_parent_lists_only_some_servers() -> None:
    apex = zone("example.com", A, "ZAPEX",
                delegations={"dev.example.com": servers("ZDEV")[:2]})
    found = analyse(inventory(apex, zone("dev.example.com", B, "ZDEV")))
    assert codes(found)[1:] == [("AUDIT_INCOMPLETE_DELEGATION", "dev.example.com")]
    assert found[1].severity.value == "error"
    assert "only 2 of the 4 servers" in found[1].message


def test_orphan_below_an_enclosing_zone_but_a_second_tree_is_a_root() -> None:
    found = analyse(inventory(*healthy(), zone("lost.example.com", B, "ZLOST"),
                              zone("example.net", C, "ZNET")))
    assert codes(found) == [
        ("AUDIT_ROOT_ZONE", "example.com"),
        ("AUDIT_ORPHAN_ZONE", "lost.example.com"),
        ("AUDIT_ROOT_ZONE", "example.net"),
    ]
    assert dict(found[1].details)["enclosing_zone"] == "example.com"


def test_label_boundaries_badexample_is_not_below_example() -> None:
    found = analyse(inventory(*healthy(), zone("badexample.com", B, "ZBAD")))
    assert ("AUDIT_ROOT_ZONE", "badexample.com") in codes(found)
    assert not [c for c, _ in codes(found) if c == "AUDIT_ORPHAN_ZONE"]


def test_duplicates_in_one_account_and_across_accounts() -> None:
    apex = zone("example.com", A, "ZAPEX", delegations={"dev.example.com": servers("ZDEV2")})
    found = analyse(inventory(apex, zone("dev.example.com", B, "ZDEV1"),
                              zone("dev.example.com", B, "ZDEV2"),
                              zone("dev.example.com", C, "ZDEV3")))
    assert codes(found) == [("AUDIT_ROOT_ZONE", "example.com"),
                            ("AUDIT_DUPLICATE_ZONE", "dev.example.com")]
    details = dict(found[1].details)
    assert details["zone_ids"] == "ZDEV1, ZDEV2, ZDEV3"
    assert details["accounts"] == f"{B}, {C}"
    assert details["delegated"] == "ZDEV2"
    assert found[1].account_id is None
    tree = build_tree(inventory(apex, zone("dev.example.com", B, "ZDEV1"),
                                zone("dev.example.com", B, "ZDEV2")))
    assert tree.delegations[0].target is not None
    assert tree.delegations[0].target.zone_id == "ZDEV2"


def test_duplicate_in_one_account_names_that_account() -> None:
    found = analyse(inventory(zone("example.com", A, "Z1"), zone("example.com", A, "Z2")))
    # Within a zone, the most severe first.
    assert codes(found) == [("AUDIT_DUPLICATE_ZONE", "example.com"),
                            ("AUDIT_ROOT_ZONE", "example.com")]
    assert found[0].account_id == A
    assert "none is delegated" in found[0].message


def test_skipped_level_with_and_without_the_closest_parent_delegating() -> None:
    team = servers("ZTEAM")
    apex = zone("example.com", A, "ZAPEX",
                delegations={"dev.example.com": servers("ZDEV"), "team.dev.example.com": team})
    both = analyse(inventory(apex, *healthy()[1:]))
    assert codes(both)[1:] == [("AUDIT_SKIPPED_LEVEL", "team.dev.example.com")]
    assert "dev.example.com delegates it too" in both[1].message
    assert dict(both[1].details)["closest_enclosing_zone"] == "dev.example.com"

    dev_alone = zone("dev.example.com", B, "ZDEV")
    only_grandparent = analyse(inventory(apex, dev_alone, zone("team.dev.example.com", C,
                                                                "ZTEAM")))
    assert codes(only_grandparent)[1:] == [("AUDIT_SKIPPED_LEVEL", "team.dev.example.com")]
    assert "does not: delegate it from dev.example.com" in only_grandparent[1].message


def test_a_stale_grandparent_record_is_both_skipped_and_dangling() -> None:
    apex = zone("example.com", A, "ZAPEX",
                delegations={"dev.example.com": servers("ZDEV"),
                             "team.dev.example.com": servers("OLD")})
    found = analyse(inventory(apex, *healthy()[1:]))
    assert codes(found)[1:] == [("AUDIT_DANGLING_DELEGATION", "team.dev.example.com"),
                                ("AUDIT_SKIPPED_LEVEL", "team.dev.example.com")]


def test_dns_turns_a_served_unknown_zone_into_external_and_confirms_the_others() -> None:
    apex = zone("example.com", A, "ZAPEX", delegations={
        "ext.example.com": servers("EXT"), "gone.example.com": servers("GONE"),
        "dev.example.com": servers("OLD")})
    dev = zone("dev.example.com", B, "ZDEV")
    inv = inventory(apex, dev)
    served = DnsCheck(DnsVerdict.SERVED, serving=servers("X")[:1])
    checks = {
        ("ZAPEX", "ext.example.com"): served,
        ("ZAPEX", "gone.example.com"): DnsCheck(DnsVerdict.NOT_SERVED),
        # The name exists in the organisation: a stale record served by someone else
        # stays critical.
        ("ZAPEX", "dev.example.com"): served,
    }
    found = analyse(inv, checks)
    assert codes(found) == [
        ("AUDIT_ROOT_ZONE", "example.com"),
        ("AUDIT_DANGLING_DELEGATION", "dev.example.com"),
        ("AUDIT_EXTERNAL_DELEGATION", "ext.example.com"),
        ("AUDIT_DANGLING_DELEGATION", "gone.example.com"),
    ]
    assert "served by" in found[1].message
    assert "confirmed over DNS" in found[3].message


def test_unreadable_account_is_an_error_naming_it() -> None:
    inv = Inventory(accounts=inventory().accounts, zones=tuple(healthy()),
                    failures=(AccountFailure(C, "prod", "AccessDenied"),))
    found = analyse(inv)
    assert codes(found)[0] == ("AUDIT_ACCOUNT_UNREADABLE", "")
    assert found[0].account_id == C
    assert f"account {C} (prod) could not be read: AccessDenied" == found[0].message


def test_tree_states_and_enclosing_zones() -> None:
    tree = build_tree(inventory(*healthy()))
    assert [(z.record.name, z.enclosing) for z in tree.zones] == [
        ("example.com", None), ("dev.example.com", "example.com"),
        ("team.dev.example.com", "dev.example.com")]
    assert [d.state for d in tree.delegations] == [DelegationState.OK] * 2
    assert [len(z.delegated_by) for z in tree.zones] == [0, 1, 1]


@settings(max_examples=30, deadline=None)
@given(st.randoms(use_true_random=False))
def test_findings_do_not_depend_on_the_order_read(rng: random.Random) -> None:
    zones = [*healthy(), zone("lost.example.com", B, "ZLOST"),
             zone("example.com", C, "ZAPEX2"),
             zone("shop.example.com", C, "ZSHOP")]
    zones[0] = zone("example.com", A, "ZAPEX", delegations={
        "dev.example.com": servers("ZDEV"), "gone.example.com": servers("G"),
        "shop.example.com": (*servers("ZSHOP"), "ns-x.awsdns-9.net"),
        "team.dev.example.com": servers("ZTEAM")})
    expected = analyse(inventory(*zones))
    shuffled = list(zones)
    rng.shuffle(shuffled)
    assert analyse(inventory(*shuffled)) == expected


def test_apex_ns_naming_a_stray_server_is_critical() -> None:
    """Issue 11 item 4: audit said nothing of an edited apex NS set."""
    from dataclasses import replace

    from zonecut.state import RRSet

    apex, dev, team = healthy()
    own = tuple(sorted(dev.zone.name_servers))
    edited = RRSet("dev.example.com", "NS", 172800, tuple(sorted((*own, "ns-9.example.net"))))
    dev = replace(dev, ns_rrsets=tuple(sorted(
        (edited, *(rr for rr in dev.ns_rrsets if rr.name != "dev.example.com")))))
    found = analyse(inventory(apex, dev, team))
    assert codes(found) == [("AUDIT_ROOT_ZONE", "example.com"),
                            ("AUDIT_APEX_NS_STRAY", "dev.example.com")]
    stray = found[1]
    assert stray.severity.value == "critical"
    assert (stray.account_id, stray.zone_id) == (B, "ZDEV")
    assert dict(stray.details)["extra"] == "ns-9.example.net"


def test_partial_audit_makes_delegations_unverified_not_dangling() -> None:
    """Issue 11 item 11: auditing some accounts flagged every delegation into an
    unaudited account as critical dangling."""
    from dataclasses import replace

    from zonecut.audit import DnsCheck, DnsVerdict

    apex = zone("example.com", A, "ZAPEX", delegations={"gone.example.com": servers("OLD")})
    whole = inventory(apex)
    partial = replace(whole, whole_organisation=False)
    assert codes(analyse(whole))[1:] == [("AUDIT_DANGLING_DELEGATION", "gone.example.com")]
    found = analyse(partial)
    assert codes(found)[1:] == [("AUDIT_UNVERIFIED_DELEGATION", "gone.example.com")]
    assert found[1].severity.value == "warning"
    # An unreadable account makes the audit partial too.
    failed = replace(whole, failures=(AccountFailure(B, "dev", "AccessDenied"),))
    assert ("AUDIT_UNVERIFIED_DELEGATION", "gone.example.com") in codes(analyse(failed))
    # The DNS can still confirm it: nobody serves it -> dangling.
    key = build_tree(partial).delegations[0].key
    confirmed = analyse(partial, {key: DnsCheck(DnsVerdict.NOT_SERVED)})
    assert ("AUDIT_DANGLING_DELEGATION", "gone.example.com") in codes(confirmed)
    # Saved inventories keep the flag.
    assert not Inventory.from_json(partial.to_json()).whole_organisation

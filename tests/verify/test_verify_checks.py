"""Pure check tests: hand-built observations in, exact findings out (no packets)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from verify_world import NEW_SET, SETS, TLD_SERVERS, World

from zonecut.state import HostedZone, RRSet
from zonecut.verify.checks import check
from zonecut.verify.dnssec import CODES as DNSSEC_CODES
from zonecut.verify.findings import CATALOGUE, Finding, Severity, zone_order
from zonecut.verify.observations import HostAddresses, Observations, Outcome, Role
from zonecut.verify.registrar_rules import REGISTRAR_RULES
from zonecut.verify.targets import VerifyPolicy, ZoneLookup

TEAM = "team-a.dev.example.com"
DEV = "dev.example.com"
APEX = "example.com"
POLICY = VerifyPolicy()

Expected = list[tuple[str, str, str | None]]


def run(world: World, policy: VerifyPolicy = POLICY) -> list[Finding]:
    return check(world.target_list(), world.observations(), policy)


def brief(findings: list[Finding]) -> Expected:
    return [(f.code, f.zone, f.server) for f in findings]


S0, S1, S2, S3 = SETS[TEAM]


# ---- scenarios: one change each, and the exact findings it must give ---------------------


def not_delegated(w: World) -> None:
    w.update(TEAM, parent_ns=None)
    for server in SETS[DEV]:
        w.parent_says(TEAM, server, outcome=Outcome.NXDOMAIN, aa=True)


def child_deleted(w: World) -> None:
    w.update(TEAM, child_zone=None, child_apex_ns=None)
    for server in SETS[TEAM]:
        w.child_says(TEAM, server, Outcome.REFUSED, aa=False)


def child_recreated(w: World) -> None:
    w.update(TEAM, child_zone=HostedZone("ZNEW", TEAM, "1", NEW_SET),
             child_apex_ns=RRSet(TEAM, "NS", 172800, NEW_SET))
    for server in SETS[TEAM]:
        w.child_says(TEAM, server, Outcome.REFUSED, aa=False)
    w.serve(TEAM, NEW_SET)


def child_recreated_sharing_one(w: World) -> None:
    shared = (SETS[TEAM][0], *NEW_SET[1:])
    w.update(TEAM, child_zone=HostedZone("ZNEW", TEAM, "1", tuple(sorted(shared))),
             child_apex_ns=RRSet(TEAM, "NS", 172800, tuple(sorted(shared))))
    for server in SETS[TEAM][1:]:
        w.child_says(TEAM, server, Outcome.REFUSED, aa=False)
    w.serve(TEAM, shared)


def all_servers_refuse(w: World) -> None:
    for server in SETS[TEAM]:
        w.child_says(TEAM, server, Outcome.REFUSED, aa=False)


def extra_server(w: World) -> None:
    listed = (*SETS[TEAM], "ns-9.awsdns-09.com")
    w.update(TEAM, parent_ns=RRSet(TEAM, "NS", 3600, tuple(sorted(listed))))
    for server in SETS[DEV]:
        w.parent_says(TEAM, server, listed)
    w.child_says(TEAM, "ns-9.awsdns-09.com", Outcome.REFUSED, aa=False)


def parent_lacks_one(w: World) -> None:
    listed = SETS[TEAM][:3]
    w.update(TEAM, parent_ns=RRSet(TEAM, "NS", 3600, listed))
    for server in SETS[DEV]:
        w.parent_says(TEAM, server, listed)


def one_no_aa(w: World) -> None:
    w.child_says(TEAM, SETS[TEAM][0], aa=False)


def one_servfail(w: World) -> None:
    w.child_says(TEAM, SETS[TEAM][1], Outcome.SERVFAIL, aa=False)


def one_silent(w: World) -> None:
    w.child_says(TEAM, SETS[TEAM][2], Outcome.TIMEOUT, attempts=2)


def all_silent_leaf(w: World) -> None:
    for server in SETS[TEAM]:
        w.child_says(TEAM, server, Outcome.TIMEOUT, attempts=2)


def all_silent_middle(w: World) -> None:
    for server in SETS[DEV]:
        w.child_says(DEV, server, Outcome.TIMEOUT, attempts=2)
        w.parent_fails(TEAM, server, Outcome.TIMEOUT)


def one_slow(w: World) -> None:
    w.child_says(TEAM, SETS[TEAM][3], attempts=2)


def one_unresolvable(w: World) -> None:
    server = SETS[TEAM][0]
    address = w.address(server)
    w.hosts[server] = HostAddresses(server, (), "nxdomain for ns-1027.awsdns-03.org A",
                                    denied=True)
    for key in [k for k in w.queries if k[1] == address]:
        del w.queries[key]


def parent_one_denies(w: World) -> None:
    w.parent_says(TEAM, SETS[DEV][0], outcome=Outcome.NXDOMAIN, aa=True)


def parent_one_stale(w: World) -> None:
    w.parent_says(TEAM, SETS[DEV][1], NEW_SET)


def serial_differs(w: World) -> None:
    w.child_says(TEAM, SETS[TEAM][0], serial=2)


def ns_differs(w: World) -> None:
    w.child_says(TEAM, SETS[TEAM][0], ns=SETS[TEAM][:3])


def apex_edited(w: World) -> None:
    edited = SETS[TEAM][:3]  # a server removed: nothing stray, less redundancy
    w.update(TEAM, child_apex_ns=RRSet(TEAM, "NS", 172800, edited))
    for server in SETS[TEAM]:
        w.child_says(TEAM, server, ns=edited)


def apex_stray(w: World) -> None:
    edited = tuple(sorted((*SETS[TEAM], "ns1.example.net")))
    w.update(TEAM, child_apex_ns=RRSet(TEAM, "NS", 172800, edited))
    for server in SETS[TEAM]:
        w.child_says(TEAM, server, ns=edited)
    w.child_says(TEAM, "ns1.example.net", Outcome.REFUSED, aa=False)


def apex_hijacked(w: World) -> None:
    apex_stray(w)
    w.child_says(TEAM, "ns1.example.net", ns=NEW_SET)  # someone else's zone is there


def extra_server_hijacked(w: World) -> None:
    extra_server(w)
    w.child_says(TEAM, "ns-9.awsdns-09.com", ns=NEW_SET)


def gone_parent_server_hijacked(w: World) -> None:
    child_deleted(w)
    w.child_says(TEAM, SETS[TEAM][0], ns=NEW_SET)


def unread(w: World) -> None:
    w.update(TEAM, child_zone=None, child_apex_ns=None, lookup=ZoneLookup.UNREAD,
             lookup_error="AccessDenied: not authorized to perform route53:ListHostedZones")


def duplicated_middle(w: World) -> None:
    live = w.targets[DEV].child_zone
    assert live is not None
    other = HostedZone("ZCOPY", DEV, live.account_id, NEW_SET)
    w.update(DEV, lookup=ZoneLookup.DUPLICATE, copies=(live, other),
             lookup_error=f"{DEV}: account has 2 public hosted zones of that name")
    # team-a's delegation was written in the copy that nobody delegates to.
    w.update(TEAM, parent_ns=None, parent_lookup=ZoneLookup.DUPLICATE,
             parent_copy_ns=(("ZCOPY", RRSet(TEAM, "NS", 3600, SETS[TEAM])),))
    for server in SETS[DEV]:
        w.parent_says(TEAM, server, outcome=Outcome.NXDOMAIN, aa=True)


def link_local_glue(w: World) -> None:
    for qtype in ("SOA", "NS"):
        w.record(Role.CHILD, S0, TEAM, qtype, Outcome.NOT_QUERIED,
                 error=f"{w.address(S0)}: link-local address: not queried")


def deadline_passed(w: World) -> None:
    w.paths[TEAM] = replace(w.paths[TEAM], incomplete="not finished within the zone "
                            "deadline (1 s)")
    for server in SETS[TEAM]:  # what partial answers there were prove nothing
        w.child_says(TEAM, server, Outcome.TIMEOUT, attempts=2)


def limit_hit(w: World) -> None:
    w.paths[TEAM] = replace(w.paths[TEAM], limits=(
        "the referral for dev.example.com lists 3000 NS names; only 16 were followed",))


def cname_at_cut(w: World) -> None:
    w.update(TEAM, parent_ns=None, parent_other_at_or_below_cut=(
        RRSet(TEAM, "CNAME", 300, ("elsewhere.example.net",)),))
    for server in SETS[DEV]:
        w.record(Role.PARENT, server, TEAM, "NS", Outcome.ANSWER, aa=True,
                 answer_cname="elsewhere.example.net")


def grandparent(w: World) -> None:
    w.update(TEAM, ancestor_delegations=((APEX, RRSet(TEAM, "NS", 300, SETS[TEAM])),))


def occluded(w: World) -> None:
    w.update(TEAM, parent_other_at_or_below_cut=(
        RRSet(f"www.{TEAM}", "A", 300, ("192.0.2.1",)),))


def short_ttl(w: World) -> None:
    w.update(TEAM, parent_ns=RRSet(TEAM, "NS", 60, SETS[TEAM]))


def near_limit(w: World) -> None:
    w.update(TEAM, child_record_count=9000)


def one_lookup_fails(w: World) -> None:
    server = SETS[TEAM][1]
    address = w.address(server)
    w.hosts[server] = HostAddresses(server, (), "no server of org gave a usable answer")
    for key in [k for k in w.queries if k[1] == address]:
        del w.queries[key]


def walk_fails(w: World) -> None:
    w.path(TEAM, DEV, (), walk_error="no server of example.com gave a usable answer")


def parent_silent(w: World) -> None:
    for server in SETS[DEV]:
        w.parent_fails(TEAM, server, Outcome.TIMEOUT)


def middle_deleted(w: World) -> None:
    w.update(DEV, child_zone=None, child_apex_ns=None)
    for server in SETS[DEV]:
        w.child_says(DEV, server, Outcome.REFUSED, aa=False)
        # The walk to dev.example.com ends at its old servers, which refuse.
        w.parent_fails(TEAM, server, Outcome.REFUSED)


def root_not_registered(w: World) -> None:
    for server in TLD_SERVERS:
        w.parent_says(APEX, server, outcome=Outcome.NXDOMAIN, aa=True)
    w.path(DEV, APEX, (), walk_error="example.com is not delegated: a.gtld-servers.net "
           "answers nxdomain")
    w.path(TEAM, DEV, (), walk_error="example.com is not delegated")


def gone_and_undelegated(w: World) -> None:
    w.update(TEAM, child_zone=None, child_apex_ns=None, parent_ns=None)
    for server in SETS[DEV]:
        w.parent_says(TEAM, server, outcome=Outcome.NXDOMAIN, aa=True)
    for server in SETS[TEAM]:
        w.child_says(TEAM, server, Outcome.REFUSED, aa=False)


def gone_but_grandparent(w: World) -> None:
    gone_and_undelegated(w)
    w.update(TEAM, ancestor_delegations=((APEX, RRSet(TEAM, "NS", 300, SETS[TEAM])),))


SCENARIOS: dict[str, tuple[Callable[[World], None], Expected]] = {
    "healthy": (lambda w: None, []),
    "not delegated": (not_delegated, [("NOT_DELEGATED", TEAM, None)]),
    "child deleted": (child_deleted, [("DANGLING_DELEGATION", TEAM, None)]),
    "child recreated": (child_recreated, [("DANGLING_DELEGATION", TEAM, None)]),
    "child recreated, one server shared": (child_recreated_sharing_one,
                                           [("EXTRA_NS_IN_PARENT", TEAM, None)]),
    "every server refuses": (all_servers_refuse, [("SERVERS_FAILING", TEAM, None)]),
    "extra server answers for someone else": (
        extra_server_hijacked, [("TAKEOVER_IN_PROGRESS", TEAM, "ns-9.awsdns-09.com")]),
    "zone gone, a listed server answers for someone else": (
        gone_parent_server_hijacked, [("TAKEOVER_IN_PROGRESS", TEAM, SETS[TEAM][0])]),
    "apex NS names a stray server": (apex_stray,
                                     [("EXTRA_NS_IN_APEX", TEAM, "ns1.example.net")]),
    "apex NS server answers for someone else": (
        apex_hijacked, [("TAKEOVER_IN_PROGRESS", TEAM, "ns1.example.net")]),
    "account unread": (unread, [("ZONE_UNREAD", TEAM, None)]),
    "middle zone duplicated": (duplicated_middle, [("DUPLICATE_ZONE", DEV, None),
                                                   ("NOT_DELEGATED", TEAM, None)]),
    "a server's address is link-local": (link_local_glue,
                                         [("NS_ADDRESS_NOT_ROUTABLE", TEAM, S0)]),
    "the zone deadline passed": (deadline_passed, [("DEADLINE_EXCEEDED", TEAM, None)]),
    "a referral on the path is too large": (limit_hit, [("PROBE_LIMIT", TEAM, None)]),
    "CNAME where the delegation should be": (cname_at_cut,
                                             [("CNAME_AT_DELEGATION", TEAM, None)]),
    "extra server in parent": (extra_server,
                               [("EXTRA_NS_IN_PARENT", TEAM, "ns-9.awsdns-09.com")]),
    "parent lacks a server": (parent_lacks_one, [("NS_MISMATCH", TEAM, None)]),
    "one server without AA": (one_no_aa, [("LAME_SERVER", TEAM, S0)]),
    "one server SERVFAIL": (one_servfail, [("LAME_SERVER", TEAM, S1)]),
    "one server silent": (one_silent, [("SERVER_UNREACHABLE", TEAM, S2)]),
    "all servers silent": (all_silent_leaf, [("SERVER_UNREACHABLE", TEAM, None)]),
    "parent zone silent": (all_silent_middle, [("SERVER_UNREACHABLE", DEV, None),
                                               ("UNVERIFIED", TEAM, None)]),
    "one server slow": (one_slow, [("SERVER_SLOW", TEAM, S3)]),
    "one server name unresolvable": (one_unresolvable,
                                     [("NS_NAME_UNRESOLVABLE", TEAM, S0)]),
    "one server's address lookup fails": (one_lookup_fails,
                                          [("SERVER_UNREACHABLE", TEAM, S1)]),
    "a parent server denies": (parent_one_denies, [("PARENT_SERVERS_DISAGREE", TEAM, None)]),
    "a parent server is stale": (parent_one_stale, [("PARENT_SERVERS_DISAGREE", TEAM, None)]),
    "serials differ": (serial_differs, [("SOA_SERIAL_INCONSISTENT", TEAM, None)]),
    "NS sets differ": (ns_differs, [("NS_INCONSISTENT_ACROSS_SERVERS", TEAM, None)]),
    "apex NS edited": (apex_edited, [("APEX_NS_EDITED", TEAM, None)]),
    "grandparent delegation": (grandparent, [("GRANDPARENT_DELEGATION", TEAM, None)]),
    "occluded records": (occluded, [("OCCLUDED_RECORDS", TEAM, None)]),
    "short NS TTL": (short_ttl, [("NS_TTL_POLICY", TEAM, None)]),
    "near the record limit": (near_limit, [("RECORD_LIMIT_NEAR", TEAM, None)]),
    "walk fails": (walk_fails, [("WALK_FAILED", TEAM, None)]),
    "parent servers silent": (parent_silent, [("PARENT_UNREACHABLE", TEAM, None)]),
    "middle zone deleted": (middle_deleted, [("DANGLING_DELEGATION", DEV, None),
                                             ("UNVERIFIED", TEAM, None)]),
    "root zone not registered": (root_not_registered, [("NOT_DELEGATED", APEX, None),
                                                       ("UNVERIFIED", DEV, None),
                                                       ("UNVERIFIED", TEAM, None)]),
    "zone gone and undelegated": (gone_and_undelegated, [("ZONE_MISSING", TEAM, None)]),
    "zone gone, grandparent still delegates": (gone_but_grandparent,
                                               [("DANGLING_DELEGATION", TEAM, None)]),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_gives_exactly_its_findings(name: str) -> None:
    change, expected = SCENARIOS[name]
    world = World.healthy()
    change(world)
    assert brief(run(world)) == expected


def test_duplicate_zone_and_its_children_say_the_cause() -> None:
    world = World.healthy()
    duplicated_middle(world)
    dup, team = run(world)
    assert "2 public hosted zones" in dup.message
    assert dict(dup.details)["live_copy"] == world.targets[DEV].child_zone.zone_id  # type: ignore[union-attr]
    assert "ZCOPY" in team.message and "DUPLICATE_ZONE" in team.message
    assert dict(team.details)["cause"] == f"DUPLICATE_ZONE {DEV}"


def test_servers_failing_never_says_delete_the_ns() -> None:
    world = World.healthy()
    all_servers_refuse(world)
    (found,) = run(world)
    assert found.severity is Severity.ERROR
    assert "no live copy" not in found.message and "delete" not in found.message


def test_cname_finding_details_are_true() -> None:
    world = World.healthy()
    cname_at_cut(world)
    (found,) = run(world)
    answers = dict(found.details)["parent_answers"]
    assert answers.count("CNAME elsewhere.example.net") == len(SETS[DEV])


def test_every_catalogue_code_has_a_scenario() -> None:
    # the DNSSEC codes come from zonecut.verify.dnssec, their scenarios are in
    # tests/sandbox/test_sandbox_verify_dnssec.py
    # the registrar codes come from zonecut.verify.registrar: scenarios in
    # test_registrar_checks.py (each state) and tests/cli/test_cli_registrar.py (sandbox)
    covered = {code for _, expected in SCENARIOS.values() for code, _, _ in expected}
    registrar = {rule.code for rule in REGISTRAR_RULES}
    assert not covered & DNSSEC_CODES and not covered & registrar
    assert covered | DNSSEC_CODES | registrar == {rule.code for rule in CATALOGUE}
    states = (Path(__file__).parent / "test_registrar_checks.py").read_text(encoding="utf-8")
    assert {code for code in registrar if f'"{code}"' not in states} == set()
    sandbox = (Path(__file__).parents[1] / "sandbox" / "test_sandbox_verify_dnssec.py"
               ).read_text(encoding="utf-8")
    assert {code for code in DNSSEC_CODES if f'"{code}"' not in sandbox} == set()


def test_findings_carry_catalogue_severity_and_reference() -> None:
    world = World.healthy()
    extra_server(world)
    (found,) = run(world)
    assert found.severity is Severity.CRITICAL
    assert "DELEGATION07" in found.reference
    assert "ns-9.awsdns-09.com" in found.message
    assert dict(found.details)["extra"] == "ns-9.awsdns-09.com"


def test_all_silent_is_one_error_not_four_warnings() -> None:
    world = World.healthy()
    all_silent_leaf(world)
    (found,) = run(world)
    assert found.severity is Severity.ERROR
    one = World.healthy()
    one_silent(one)
    (single,) = run(one)
    assert single.severity is Severity.WARNING


def test_recreated_zone_message_names_the_cause() -> None:
    world = World.healthy()
    child_recreated(world)
    (found,) = run(world)
    assert "recreated" in found.message
    assert dict(found.details)["delegation_set"] == ", ".join(NEW_SET)


def test_partly_stale_parent_names_extra_and_missing_servers() -> None:
    world = World.healthy()
    child_recreated_sharing_one(world)
    (found,) = run(world)
    details = dict(found.details)
    assert details["extra"] == ", ".join(SETS[TEAM][1:])
    assert details["missing"] == ", ".join(NEW_SET[1:])
    assert "recreated" in found.message


def test_ttl_inside_policy_and_below_limit_are_quiet() -> None:
    world = World.healthy()
    world.update(TEAM, parent_ns=RRSet(TEAM, "NS", 300, SETS[TEAM]), child_record_count=8999)
    assert run(world) == []
    assert brief(run(world, VerifyPolicy(ns_ttl_min=301))) == [("NS_TTL_POLICY", TEAM, None)]


def test_order_is_deterministic() -> None:
    world = World.healthy()
    for change in (one_no_aa, serial_differs, grandparent, short_ttl, occluded):
        change(world)
    targets = world.target_list()
    observations = world.observations()
    expected = check(targets, observations, POLICY)
    rng = random.Random(7)
    for _ in range(5):
        rng.shuffle(targets)
        shuffled = Observations(
            queries=tuple(rng.sample(observations.queries, len(observations.queries))),
            hosts=observations.hosts, paths=observations.paths)
        assert check(targets, shuffled, POLICY) == expected
    zones = [f.zone for f in expected]
    assert zones == sorted(zones, key=zone_order)


def test_replayed_json_gives_the_same_findings() -> None:
    world = World.healthy()
    one_no_aa(world)
    extra = Observations.from_json(world.observations().to_json())
    assert check(world.target_list(), extra, POLICY) == run(world)


def test_findings_doc_covers_every_code() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "findings.md").read_text(encoding="utf-8")
    for rule in CATALOGUE:
        assert f"## {rule.code}" in doc, rule.code
        section = doc.split(f"## {rule.code}", 1)[1].split("\n## ", 1)[0]
        assert rule.severity.value in section.lower(), rule.code

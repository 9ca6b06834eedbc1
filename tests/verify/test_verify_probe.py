"""The probe against real packets: a small authoritative hierarchy on loopback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from dns_fixture import R53, DnsLab, running, standard_tree

from zonecut.state import HostedZone, RRSet
from zonecut.verify.checks import check
from zonecut.verify.findings import Finding
from zonecut.verify.observations import Observations, Outcome, Role
from zonecut.verify.probe import probe_sync
from zonecut.verify.roots import parse_root_hints
from zonecut.verify.targets import DelegationTarget, VerifyPolicy

TEAM = "team-a.dev.example.com"
DEV = "dev.example.com"
APEX = "example.com"
PARENTS = {APEX: None, DEV: APEX, TEAM: DEV}
FAST = VerifyPolicy(timeout=0.2, retries=1)
NEW_SET = ("ns-1028.awsdns-04.org", "ns-1540.awsdns-04.co.uk", "ns-4.awsdns-04.com",
           "ns-516.awsdns-04.net")


def api_target(child: str, servers: tuple[str, ...] | None = None, *,
               parent_ns: tuple[str, ...] | None = None, delegated: bool = True,
               exists: bool = True) -> DelegationTarget:
    """The target the caller would build from the Route 53 API for ``child``."""
    parent = PARENTS[child]
    own = tuple(sorted(servers or R53[child]))
    listed = tuple(sorted(parent_ns or R53[child]))
    return DelegationTarget(
        child=child, parent=parent, child_account="222222222222",
        parent_account="111111111111" if parent else None,
        child_zone=HostedZone("Z" + child, child, "222222222222", own) if exists else None,
        child_apex_ns=RRSet(child, "NS", 172800, own) if exists else None,
        parent_ns=RRSet(child, "NS", 3600, listed) if parent and delegated else None,
    )


def healthy_targets() -> dict[str, DelegationTarget]:
    return {child: api_target(child) for child in PARENTS}


def verify(lab: DnsLab, targets: dict[str, DelegationTarget],
           policy: VerifyPolicy = FAST) -> tuple[Observations, list[Finding]]:
    with running(lab):
        observations = probe_sync(list(targets.values()), lab.roots, policy=policy,
                                  port_map=lab.port_map)
    return observations, check(list(targets.values()), observations, policy)


def brief(findings: list[Finding]) -> list[tuple[str, str, str | None]]:
    return [(f.code, f.zone, f.server) for f in findings]


def test_healthy_tree_gives_no_finding_and_every_query_is_sent_once() -> None:
    lab = standard_tree(DnsLab())
    observations, findings = verify(lab, healthy_targets())
    assert findings == []
    assert observations.stats.queries == len(observations.queries)
    assert observations.stats.attempts == observations.stats.queries == lab.total_received()
    paths = {p.child: p for p in observations.paths}
    assert paths[APEX].parent_zone == "com"
    assert paths[TEAM].hops == (".", "com", APEX, DEV)
    assert set(paths[TEAM].parent_servers) == set(R53[DEV])
    # Glueless servers (net, org, co.uk names under a com referral) were resolved by walking.
    for servers in R53.values():
        for server in servers:
            assert observations.addresses_of(server) == (lab.servers[server].address,)
    child_side = [q for q in observations.queries if q.role is Role.CHILD]
    assert len(child_side) == 3 * 4 * 2
    assert all(q.aa and q.outcome is Outcome.ANSWER for q in child_side)


def test_queries_are_iterative_without_edns() -> None:
    lab = standard_tree(DnsLab())
    verify(lab, healthy_targets())
    flags = set().union(*(s.flags_seen for s in lab.servers.values()))
    assert flags == {(False, False)}  # (RD set, EDNS present)


def _not_delegated(lab: DnsLab, targets: dict[str, DelegationTarget]) -> None:
    lab.undelegate(DEV, TEAM)
    targets[TEAM] = api_target(TEAM, delegated=False)


def _deleted(lab: DnsLab, targets: dict[str, DelegationTarget]) -> None:
    lab.unhost(TEAM)
    targets[TEAM] = api_target(TEAM, exists=False)


def _recreated(lab: DnsLab, targets: dict[str, DelegationTarget]) -> None:
    lab.unhost(TEAM)
    lab.zone(TEAM, NEW_SET)
    targets[TEAM] = api_target(TEAM, NEW_SET, parent_ns=R53[TEAM])


def _extra(lab: DnsLab, targets: dict[str, DelegationTarget]) -> None:
    listed = (*R53[TEAM], "ns-9.awsdns-09.com")
    lab.server("ns-9.awsdns-09.com")
    lab.delegate(DEV, TEAM, listed)
    targets[TEAM] = api_target(TEAM, parent_ns=listed)


def _behaviour(name: str) -> Callable[[DnsLab, dict[str, DelegationTarget]], None]:
    def change(lab: DnsLab, targets: dict[str, DelegationTarget]) -> None:
        lab.set_behaviour("ns-3.awsdns-03.com", name)
    return change


def _parent_silent(lab: DnsLab, targets: dict[str, DelegationTarget]) -> None:
    for server in R53[DEV]:
        lab.set_behaviour(server, "silent")


def _root_silent(lab: DnsLab, targets: dict[str, DelegationTarget]) -> None:
    for server in ("a.root-servers.net", "b.root-servers.net"):
        lab.set_behaviour(server, "silent")


def _serial(lab: DnsLab, targets: dict[str, DelegationTarget]) -> None:
    lab.set_serial("ns-3.awsdns-03.com", TEAM, 2)


SCENARIOS = {
    "not delegated": (_not_delegated, [("NOT_DELEGATED", TEAM, None)]),
    "child deleted": (_deleted, [("DANGLING_DELEGATION", TEAM, None)]),
    "child recreated": (_recreated, [("DANGLING_DELEGATION", TEAM, None)]),
    "extra server": (_extra, [("EXTRA_NS_IN_PARENT", TEAM, "ns-9.awsdns-09.com")]),
    "silent server": (_behaviour("silent"), [("SERVER_UNREACHABLE", TEAM,
                                              "ns-3.awsdns-03.com")]),
    "no AA": (_behaviour("no-aa"), [("LAME_SERVER", TEAM, "ns-3.awsdns-03.com")]),
    "refused": (_behaviour("refused"), [("LAME_SERVER", TEAM, "ns-3.awsdns-03.com")]),
    "servfail": (_behaviour("servfail"), [("LAME_SERVER", TEAM, "ns-3.awsdns-03.com")]),
    "answers on retry": (_behaviour("drop-first"), [("SERVER_SLOW", TEAM,
                                                     "ns-3.awsdns-03.com")]),
    "truncated over UDP": (_behaviour("truncate"), []),
    "serial differs": (_serial, [("SOA_SERIAL_INCONSISTENT", TEAM, None)]),
    "parent silent": (_parent_silent, [("SERVER_UNREACHABLE", DEV, None),
                                       ("UNVERIFIED", TEAM, None)]),
    "root silent": (_root_silent, [("WALK_FAILED", APEX, None), ("UNVERIFIED", DEV, None),
                                   ("UNVERIFIED", TEAM, None)]),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_on_the_wire(name: str) -> None:
    change, expected = SCENARIOS[name]
    lab = standard_tree(DnsLab())
    targets = healthy_targets()
    change(lab, targets)
    observations, findings = verify(lab, targets)
    assert brief(findings) == expected
    # Record and replay: the saved observations give the same findings.
    replayed = Observations.from_json(observations.to_json())
    assert replayed.to_json() == observations.to_json()
    assert check(list(replayed.targets), replayed, FAST) == findings


def test_slow_server_is_told_apart_from_a_silent_one() -> None:
    lab = standard_tree(DnsLab())
    lab.set_behaviour("ns-3.awsdns-03.com", "drop-first")
    lab.set_behaviour("ns-515.awsdns-03.net", "silent")
    observations, findings = verify(lab, healthy_targets())
    soa = {q.server: q for q in observations.queries
           if q.role is Role.CHILD and q.qname == TEAM and q.qtype == "SOA"}
    assert soa["ns-3.awsdns-03.com"].outcome is Outcome.ANSWER
    assert soa["ns-3.awsdns-03.com"].attempts == 2
    assert soa["ns-515.awsdns-03.net"].outcome is Outcome.TIMEOUT
    assert soa["ns-515.awsdns-03.net"].attempts == 2
    assert brief(findings) == [("SERVER_UNREACHABLE", TEAM, "ns-515.awsdns-03.net"),
                               ("SERVER_SLOW", TEAM, "ns-3.awsdns-03.com")]


def test_truncated_answers_are_retried_over_tcp() -> None:
    lab = standard_tree(DnsLab())
    lab.set_behaviour("ns-3.awsdns-03.com", "truncate")
    observations, _ = verify(lab, healthy_targets())
    tcp = [q for q in observations.queries if q.server == "ns-3.awsdns-03.com"
           and q.role is Role.CHILD]
    assert tcp and all(q.tcp and q.aa for q in tcp)


def test_unreachable_address_is_not_a_hang() -> None:
    lab = standard_tree(DnsLab())
    lab.server("ns-9.awsdns-09.com").offline = True  # an A record, but no listener
    lab.delegate(DEV, TEAM, (*R53[TEAM], "ns-9.awsdns-09.com"))
    targets = healthy_targets()
    targets[TEAM] = api_target(TEAM, parent_ns=(*R53[TEAM], "ns-9.awsdns-09.com"))
    with running(lab):
        observations = probe_sync(list(targets.values()), lab.roots, policy=FAST,
                                  port_map=lab.port_map)
    findings = check(list(targets.values()), observations, FAST)
    assert brief(findings) == [("EXTRA_NS_IN_PARENT", TEAM, "ns-9.awsdns-09.com")]
    stray = [q for q in observations.queries if q.server == "ns-9.awsdns-09.com"]
    assert stray and all(not q.outcome.responded for q in stray)


def test_circular_glueless_names_end_with_an_error() -> None:
    lab = standard_tree(DnsLab())
    lab.zone("loop-a.com", ["ns.loop-b.com"])
    lab.zone("loop-b.com", ["ns.loop-a.com"])
    lab.delegate("com", "loop-a.com", ["ns.loop-b.com"])
    lab.delegate("com", "loop-b.com", ["ns.loop-a.com"])
    # Each server's A record lives in the zone the other serves: no glue anywhere.
    target = DelegationTarget(
        child="loop-a.com", parent=None, child_account="1", parent_account=None,
        child_zone=HostedZone("ZL", "loop-a.com", "1", ("ns.loop-b.com",)),
        child_apex_ns=RRSet("loop-a.com", "NS", 172800, ("ns.loop-b.com",)),
        parent_ns=None)
    with running(lab):
        observations = probe_sync([target], lab.roots, policy=FAST, port_map=lab.port_map)
    host = observations.host("ns.loop-b.com")
    assert host is not None and host.addresses == ()
    assert "circular" in host.error or "no server" in host.error
    (found,) = check([target], observations, FAST)
    assert (found.code, found.severity.value) == ("SERVER_UNREACHABLE", "error")
    assert "ns.loop-b.com" in dict(found.details)["servers"]


def test_root_hints_file_and_low_concurrency() -> None:
    lab = standard_tree(DnsLab())
    targets = healthy_targets()
    with running(lab):
        roots = parse_root_hints(lab.root_hints())
        observations = probe_sync(list(targets.values()), roots,
                                  policy=replace(FAST, concurrency=1), port_map=lab.port_map)
    assert check(list(targets.values()), observations, FAST) == []


def test_saved_json_is_stable() -> None:
    lab = standard_tree(DnsLab())
    observations, _ = verify(lab, healthy_targets())
    text = observations.to_json()
    again = Observations.from_json(text)
    assert again.to_json().replace(" ", "") == text.replace(" ", "")
    assert '"version": 1' in text

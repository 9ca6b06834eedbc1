"""verify always finishes, and never queries an address it must not (issue 11, items 7-8).

Hostile referrals on a loopback hierarchy (real packets): 3,000 glueless NS names
whose look-ups hang, 400 names whose glue drops every query; hostile glue on special
addresses. Each must end within a small deadline with a finding.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import pytest
from dns_fixture import R53, DnsLab, running, standard_tree

from zonecut.state import HostedZone, RRSet
from zonecut.verify.addresses import address_problem, scope_for
from zonecut.verify.checks import check
from zonecut.verify.findings import Finding
from zonecut.verify.observations import Observations, Outcome
from zonecut.verify.probe import probe_sync
from zonecut.verify.report import exit_code
from zonecut.verify.targets import DelegationTarget, VerifyPolicy

APEX, DEV, TEAM = "example.com", "dev.example.com", "team-a.dev.example.com"
PARENTS = {APEX: None, DEV: APEX, TEAM: DEV}
# The lab's servers share one Python thread, and a 3,000-name referral takes it a while
# to build: a timeout that tolerates a loaded machine, deadlines that are still small.
SMALL = VerifyPolicy(timeout=1.0, retries=1, deadline=10.0, zone_deadline=8.0)


def targets() -> list[DelegationTarget]:
    found = []
    for child, parent in PARENTS.items():
        own = tuple(sorted(R53[child]))
        found.append(DelegationTarget(
            child=child, parent=parent, child_account="222222222222",
            parent_account="111111111111" if parent else None,
            child_zone=HostedZone("Z" + child, child, "222222222222", own),
            child_apex_ns=RRSet(child, "NS", 172800, own),
            parent_ns=RRSet(child, "NS", 3600, own) if parent else None))
    return found


def run(lab: DnsLab, policy: VerifyPolicy = SMALL
        ) -> tuple[float, Observations, list[Finding]]:
    wanted = targets()
    with running(lab):
        started = time.monotonic()
        observations = probe_sync(wanted, lab.roots, policy=policy, port_map=lab.port_map)
        took = time.monotonic() - started
    return took, observations, check(wanted, observations, policy)


def codes(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.code, f.zone) for f in findings}


def short_names(count: int, zone: str) -> list[str]:
    """``count`` distinct one-label names below ``zone``, short enough that a referral
    naming all of them fits in one 64 KiB TCP message."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    found = []
    for i in range(count):
        label = digits[i % 36] + digits[i // 36 % 36] + (digits[i // 1296] if i >= 1296 else "")
        found.append(f"{label}.{zone}")
    return found


def silent_zone(lab: DnsLab, zone: str, tld: str) -> None:
    """``zone`` served by one server that drops every query, with glue in ``tld``."""
    server = f"ns.{zone}"
    lab.zone(zone, [server])
    lab.delegate(tld, zone, [server])
    lab.record(tld, server, "A", lab.server(server).address)
    lab.set_behaviour(server, "silent")


def test_three_thousand_glueless_names_end_in_time_with_a_finding() -> None:
    lab = standard_tree(DnsLab())
    silent_zone(lab, "h.org", "org")
    names = short_names(3000, "h.org")
    assert len(set(names)) == 3000
    lab.delegate(APEX, DEV, names, ttl=3600)
    took, observations, findings = run(lab)
    assert took < SMALL.deadline + 3
    assert exit_code(findings) == 1
    # Either the cap is reported, or (on a loaded machine: the lab's servers share one
    # Python thread) the deadline ended the zone first; never hours, never silence.
    found = codes(findings)
    assert ("PROBE_LIMIT", DEV) in found or ("DEADLINE_EXCEEDED", DEV) in found
    if ("PROBE_LIMIT", DEV) in found:
        limits = " ".join(observations.path(DEV).limits)  # type: ignore[union-attr]
        assert "lists 3000 NS names" in limits
    # The caps bound the work: nowhere near 3,000 look-ups.
    assert observations.stats.queries < 400


def test_four_hundred_names_whose_glue_drops_queries_end_in_time() -> None:
    lab = standard_tree(DnsLab())
    drops = [lab.server(f"drop{j}.example.net") for j in range(8)]
    for server in drops:
        server.behaviour = "silent"
    names = [f"ns{i}.dev.example.com" for i in range(400)]
    lab.delegate(APEX, DEV, names, ttl=3600)
    for i, name in enumerate(names):
        lab.record(APEX, name, "A", drops[i % len(drops)].address)
    took, _, findings = run(lab)
    assert took < SMALL.deadline + 3
    found = codes(findings)
    assert ("PROBE_LIMIT", DEV) in found or ("DEADLINE_EXCEEDED", DEV) in found
    # team-a's walk crosses the broken referral: not verified, whichever way it ends.
    assert found & {("UNVERIFIED", TEAM), ("DEADLINE_EXCEEDED", TEAM)}
    assert exit_code(findings) == 1


def glueless_apex(lab: DnsLab, count: int) -> None:
    """example.com served by ``count`` servers named in g.org: com's referral for it
    carries no glue for them (they sit below g.org's cut). The walk to
    team-a.dev.example.com's parent crosses that referral."""
    lab.zone("g.org", ["ns.g.org"])
    lab.delegate("org", "g.org", ["ns.g.org"])
    lab.record("org", "ns.g.org", "A", lab.server("ns.g.org").address)
    names = [f"ns{i}.g.org" for i in range(count)]
    lab.zone(APEX, names)
    lab.delegate("com", APEX, names)
    lab.delegate(APEX, DEV, R53[DEV], ttl=3600)


def test_the_glueless_cap_is_a_setting() -> None:
    lab = standard_tree(DnsLab())
    glueless_apex(lab, 5)
    _, observations, findings = run(lab, replace(SMALL, max_glueless=2))
    assert ("PROBE_LIMIT", TEAM) in codes(findings)
    limits = " ".join(observations.path(TEAM).limits)  # type: ignore[union-attr]
    assert f"the referral for {APEX} names 5 servers without glue; only 2 were looked up" \
        in limits
    lab = standard_tree(DnsLab())
    glueless_apex(lab, 5)
    _, observations, _ = run(lab)  # the default, 8, looks all 5 up
    assert not observations.path(TEAM).limits  # type: ignore[union-attr]


def test_a_deadline_ends_the_run_with_deadline_exceeded() -> None:
    lab = standard_tree(DnsLab())
    silent_zone(lab, "h.org", "org")
    lab.delegate(APEX, DEV, short_names(3000, "h.org"), ttl=3600)
    slow = VerifyPolicy(timeout=1.0, retries=2, deadline=1.5, zone_deadline=30.0)
    took, observations, findings = run(lab, slow)
    # The deadline is checked by the event loop: parsing one 3,000-name referral holds
    # it for a moment, more on a loaded machine; seconds, never the hours of issue 11.
    assert took < slow.deadline + 3
    assert ("DEADLINE_EXCEEDED", TEAM) in codes(findings)
    assert "deadline" in observations.path(TEAM).incomplete  # type: ignore[union-attr,operator]


HOSTILE = ("0.0.0.0", "255.255.255.255", "224.0.0.251", "169.254.169.254", "10.0.0.53")


def test_hostile_glue_is_never_queried_and_is_a_finding() -> None:
    lab = standard_tree(DnsLab())
    listed = [*R53[TEAM], *(f"bad{i}.dev.example.com" for i in range(len(HOSTILE)))]
    lab.delegate(DEV, TEAM, listed, ttl=3600)
    for i, address in enumerate(HOSTILE):
        lab.record(DEV, f"bad{i}.dev.example.com", "A", address)
    _, observations, findings = run(lab)
    sent = {q.address for q in observations.queries if q.outcome is not Outcome.NOT_QUERIED}
    assert not sent & set(HOSTILE)
    assert all(address.startswith("127.") for address in sent)
    not_queried = {q.address for q in observations.queries
                   if q.outcome is Outcome.NOT_QUERIED}
    assert not_queried == set(HOSTILE)
    assert {(f.code, f.server) for f in findings if f.code == "NS_ADDRESS_NOT_ROUTABLE"} == {
        ("NS_ADDRESS_NOT_ROUTABLE", f"bad{i}.dev.example.com") for i in range(len(HOSTILE))}


@pytest.mark.parametrize(("address", "scope", "problem"), [
    ("0.0.0.0", "private", "unspecified"),
    ("255.255.255.255", "private", "broadcast"),
    ("224.0.0.251", "global", "multicast"),
    ("169.254.169.254", "private", "link-local"),
    ("0.1.2.3", "private", "this network"),
    ("240.0.0.1", "private", "reserved"),
    ("::", "private", "unspecified"),
    ("ff02::fb", "private", "multicast"),
    ("fe80::1", "private", "link-local"),
    ("::ffff:169.254.169.254", "private", "link-local"),
    ("10.0.0.1", "global", "not globally routable"),
    ("192.0.2.1", "global", "not globally routable"),
    ("127.0.0.1", "global", "not globally routable"),
    ("10.0.0.1", "loopback", "not a loopback"),
    ("8.8.8.8", "loopback", "not a loopback"),
    ("100.64.0.1", "private", "special-purpose"),
    ("not-an-ip", "private", "not an IP"),
])
def test_address_problems(address: str, scope: str, problem: str) -> None:
    found = address_problem(address, scope)
    assert found is not None and problem in found


@pytest.mark.parametrize(("address", "scope"), [
    ("198.41.0.4", "global"), ("2001:503:ba3e::2:30", "global"), ("127.53.0.1", "loopback"),
    ("10.0.0.1", "private"), ("127.0.0.1", "private")])
def test_allowed_addresses(address: str, scope: str) -> None:
    assert address_problem(address, scope) is None


def test_scope_follows_the_roots() -> None:
    assert scope_for(["198.41.0.4", "199.9.14.201"]) == "global"
    assert scope_for(["127.53.0.1"]) == "loopback"
    assert scope_for(["10.0.0.1", "127.0.0.1"]) == "private"
    assert scope_for(["127.0.0.1"], "global") == "global"


def test_sandbox_info_off_loopback_is_refused(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from zonecut.cli.main import app
    from zonecut.sandbox.info import SandboxInfo, SandboxInfoRefused

    good = {"name": "a.root-servers.sandbox", "address": "127.53.0.1", "port": 53}
    bad = {"name": "ns-1.awsdns-01.com", "address": "10.0.0.53", "port": 53}
    data = {"endpoint_url": "http://127.0.0.1:1", "pid": 1, "dns": True,
            "root_hints": [good], "servers": {"a.root-servers.sandbox": good,
                                              "ns-1.awsdns-01.com": bad}}
    with pytest.raises(SandboxInfoRefused, match=r"10\.0\.0\.53.*not a loopback"):
        SandboxInfo.from_dict(data)
    state = tmp_path / "state"
    state.mkdir()
    (state / "sandbox.json").write_text(json.dumps(data))
    config = tmp_path / "zonecut.yaml"
    config.write_text("version: 1\naccounts:\n  a: {id: \"111111111111\"}\nzones:\n"
                      "  - {name: example.com, account: a, root: true}\n")
    result = CliRunner().invoke(app, ["verify", "--sandbox", "-c", str(config),
                                      "--state-dir", str(state)])
    assert result.exit_code == 1
    assert "not a loopback address" in result.output
    assert "Traceback" not in result.output

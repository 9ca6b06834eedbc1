"""Verify against the sandbox: zones made with boto3 in three accounts, DNS on loopback.

Each scenario asserts exactly its findings. The tree: example.com (registered, account
111111111111) -> dev.example.com (222222222222) -> team-a.dev.example.com (333333333333).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sandbox_org import Org

from zonecut.sandbox import Sandbox
from zonecut.verify.checks import check
from zonecut.verify.findings import Finding
from zonecut.verify.observations import Observations
from zonecut.verify.targets import VerifyPolicy

pytestmark = pytest.mark.sandbox

APEX, DEV, TEAM = "example.com", "dev.example.com", "team-a.dev.example.com"
POLICY = VerifyPolicy(timeout=0.3, retries=1)


@pytest.fixture
def org(fresh_sandbox: Sandbox) -> Org:
    return Org(fresh_sandbox)


def brief(findings: list[Finding]) -> list[tuple[str, str, str | None]]:
    return [(f.code, f.zone, f.server) for f in findings]


def _healthy(org: Org) -> list[tuple[str, str, str | None]]:
    org.healthy()
    return []


def _not_delegated(org: Org) -> list[tuple[str, str, str | None]]:
    org.healthy(delegate_team=False)
    return [("NOT_DELEGATED", TEAM, None)]


def _deleted(org: Org) -> list[tuple[str, str, str | None]]:
    org.healthy()
    org.delete(TEAM)
    return [("DANGLING_DELEGATION", TEAM, None)]


def _recreated(org: Org) -> list[tuple[str, str, str | None]]:
    org.healthy()
    old = org.servers[TEAM]
    org.delete(TEAM)
    new = org.create(TEAM, reference="2")
    assert set(old) != set(new)  # a recreated zone gets a new delegation set
    stale = sorted(set(old) - set(new))
    if len(stale) == len(old):  # no server in common: nothing serves what the parent lists
        return [("DANGLING_DELEGATION", TEAM, None)]
    # Some servers in common: the others are stray (partial dangling).
    return [("EXTRA_NS_IN_PARENT", TEAM, stale[0] if len(stale) == 1 else None)]


def _extra(org: Org) -> list[tuple[str, str, str | None]]:
    org.healthy()
    used = {s for servers in org.servers.values() for s in servers}
    stray = next(name for name in sorted(org.sandbox.info.servers)
                 if name.startswith("ns-") and name not in used)
    org.delegate(DEV, TEAM, [*org.servers[TEAM], stray], action="UPSERT")
    return [("EXTRA_NS_IN_PARENT", TEAM, stray)]


def _behaviour(behaviour: str, code: str) -> Callable[[Org], list[tuple[str, str, str | None]]]:
    def scenario(org: Org) -> list[tuple[str, str, str | None]]:
        org.healthy()
        server = sorted(org.servers[TEAM])[0]
        org.sandbox.set_behaviour(server, behaviour)  # type: ignore[arg-type]
        return [(code, TEAM, server)]
    return scenario


SCENARIOS: dict[str, Callable[[Org], list[tuple[str, str, str | None]]]] = {
    "healthy tree": _healthy,
    "child not delegated": _not_delegated,
    "child deleted, parent NS remains": _deleted,
    "child recreated with new servers": _recreated,
    "parent NS with one extra server": _extra,
    "a child server stops answering": _behaviour("silent", "SERVER_UNREACHABLE"),
    "a child server answers without AA": _behaviour("no-aa", "LAME_SERVER"),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_sandbox_scenario(org: Org, name: str, tmp_path: Path) -> None:
    expected = SCENARIOS[name](org)
    observations, findings = org.verify(POLICY)
    assert brief(findings) == expected
    # Record and replay: the saved file gives the same findings without the network.
    saved = tmp_path / "observations.json"
    saved.write_text(observations.to_json(), encoding="utf-8")
    replayed = Observations.from_json(saved.read_text(encoding="utf-8"))
    assert check(list(replayed.targets), replayed, POLICY) == findings


def test_healthy_tree_query_budget(org: Org) -> None:
    org.healthy()
    observations, findings = org.verify(POLICY)
    assert findings == []
    # 3 zones x 4 servers x (SOA + NS), parents' NS questions, walks and look-ups.
    assert observations.stats.queries == observations.stats.attempts
    assert observations.stats.queries < 100

"""The certificate pre-check without direct DNS egress: the root servers cannot be
reached, so a recursive resolver (Unbound here, standing in for the system's) is asked
whether the validation records resolve; with neither, apply only warns."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from child_support import NETWORK, acm_wait, rrsets, zone_id
from test_child_certificates import build

import unbound_support
from sandbox_fixtures import session_for
from zonecut.apply.certificates import CertificateManager, CertificatesBlocked, DnsView
from zonecut.names import normalize
from zonecut.sandbox import Sandbox
from zonecut.verify.targets import ServerAddress

# a root that never answers: nothing listens on this loopback port
UNREACHABLE = (ServerAddress("a.root-servers.net", "127.0.0.1", 9),)



@pytest.fixture
def unbound(fresh_sandbox: Sandbox, tmp_path: Path) -> Iterator[int]:
    if unbound_support.UNBOUND is None:
        pytest.skip("the unbound binary is not installed (apt-get install unbound)")
    if fresh_sandbox.info.root_hints[0].port != 53:
        pytest.skip("Unbound only queries port 53: the sandbox DNS could not bind port 53")
    hints = tmp_path / "root.hints"
    fresh_sandbox.write_root_hints(hints)
    process, port = unbound_support.start(tmp_path, hints)
    try:
        yield port
    finally:
        unbound_support.stop(process)


def offline(resolver_port: int | None) -> DnsView:
    if resolver_port is None:  # no resolver either: a port nothing listens on
        return DnsView(UNREACHABLE, {"127.0.0.1": 9}, timeout=0.5, retries=0,
                       resolvers=("127.0.0.1",), resolver_port=9)
    return DnsView(UNREACHABLE, {"127.0.0.1": 9}, timeout=1.0, retries=0,
                   resolvers=(unbound_support.ADDRESS,), resolver_port=resolver_port)


def test_the_recursive_resolver_confirms_the_validation_records(
        fresh_sandbox: Sandbox, unbound: int, monkeypatch: pytest.MonkeyPatch) -> None:
    with acm_wait(monkeypatch, 1):
        rt, ids = build(fresh_sandbox)
        manager = CertificateManager(rt.fleet, rt.tree, timeout=30)
        result = manager.apply(manager.plan(), ids, dns=offline(unbound))
    assert len(result.issued) == 2 and result.warnings == []


def test_the_recursive_resolver_reports_a_broken_delegation(
        fresh_sandbox: Sandbox, unbound: int, monkeypatch: pytest.MonkeyPatch) -> None:
    with acm_wait(monkeypatch, 3600):
        rt, ids = build(fresh_sandbox)
        network = session_for(fresh_sandbox, NETWORK).client("route53")
        (ns,) = [r for r in rrsets(network, "example.com")
                 if r["Type"] == "NS" and normalize(r["Name"]) == "dev.example.com"]
        network.change_resource_record_sets(
            HostedZoneId=zone_id(network, "example.com"),
            ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": ns}]})
        manager = CertificateManager(rt.fleet, rt.tree, timeout=3600)
        started = time.monotonic()
        with pytest.raises(CertificatesBlocked) as caught:
            manager.apply(manager.plan(), ids, dns=offline(unbound))
    assert time.monotonic() - started < 15
    first = caught.value.problems[0]
    assert first.startswith("dev.example.com: the validation record ")
    assert "does not resolve through a recursive resolver (NXDOMAIN)" in first
    assert "the root servers cannot be reached" in first


def test_with_neither_reachable_apply_warns_and_leaves_acm_to_validate(
        fresh_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    with acm_wait(monkeypatch, 1):
        rt, ids = build(fresh_sandbox)
        manager = CertificateManager(rt.fleet, rt.tree, timeout=30)
        result = manager.apply(manager.plan(), ids, dns=offline(None))
    assert len(result.issued) == 2
    (warning,) = result.warnings
    assert warning.startswith("the DNS pre-check of the certificates was skipped: the root "
                              "servers cannot be reached")

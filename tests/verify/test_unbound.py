"""End to end with an independent resolver: Unbound, from the sandbox's root hints.

Unbound resolves www.team-a.dev.example.com through every delegation (root -> com ->
example.com -> dev.example.com -> team-a.dev.example.com) and fails for a zone whose
delegation was removed; zonecut verify reports NOT_DELEGATED for exactly that zone.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import dns.exception
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest
from sandbox_org import ACCOUNTS, DEV, TEAM, Org

import unbound_support
from zonecut.sandbox import Sandbox
from zonecut.verify.targets import VerifyPolicy

pytestmark = [pytest.mark.sandbox, pytest.mark.unbound]

TEAM_B = "team-b.dev.example.com"
def _ask(address: str, port: int, name: str, *, wait: float = 10.0) -> dns.message.Message:
    """A recursive query (RD=1: the resolver's job), retried until Unbound is up."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return dns.query.udp(dns.message.make_query(name, "A"), address, port=port,
                                 timeout=3)
        except (dns.exception.Timeout, OSError):
            if time.monotonic() > deadline:
                raise


@pytest.fixture
def unbound(fresh_sandbox: Sandbox, tmp_path: Path) -> Iterator[tuple[str, int]]:
    if unbound_support.UNBOUND is None:
        pytest.skip("the unbound binary is not installed (apt-get install unbound)")
    if fresh_sandbox.info.root_hints[0].port != 53:
        pytest.skip("Unbound only queries port 53: the sandbox DNS could not bind port 53 "
                    "(run as root)")
    hints = tmp_path / "root.hints"
    fresh_sandbox.write_root_hints(hints)
    process, port = unbound_support.start(tmp_path, hints)
    try:
        yield unbound_support.ADDRESS, port
    finally:
        unbound_support.stop(process)


def test_unbound_follows_every_delegation_and_verify_agrees(
        fresh_sandbox: Sandbox, unbound: tuple[str, int]) -> None:
    org = Org(fresh_sandbox, {**ACCOUNTS, TEAM_B: "444444444444"})
    org.healthy()
    org.create(TEAM_B)
    org.delegate(DEV, TEAM_B)
    org.add_www(TEAM_B)
    # Remove team-b's delegation (the zone itself stays).
    org.change(DEV, "DELETE", TEAM_B, "NS", 3600, [s + "." for s in org.servers[TEAM_B]])

    address, port = unbound
    found = _ask(address, port, f"www.{TEAM}")
    assert found.rcode() == dns.rcode.NOERROR
    assert [rd.address for rrset in found.answer if rrset.rdtype == dns.rdatatype.A
            for rd in rrset] == ["192.0.2.10"]

    lost = _ask(address, port, f"www.{TEAM_B}")
    assert lost.rcode() in (dns.rcode.NXDOMAIN, dns.rcode.SERVFAIL)
    assert not lost.answer

    _, findings = org.verify(VerifyPolicy(timeout=0.5, retries=1))
    assert [(f.code, f.zone) for f in findings] == [("NOT_DELEGATED", TEAM_B)]

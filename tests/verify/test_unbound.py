"""End to end with an independent resolver: Unbound, from the sandbox's root hints.

Unbound resolves www.team-a.dev.example.com through every delegation (root -> com ->
example.com -> dev.example.com -> team-a.dev.example.com) and fails for a zone whose
delegation was removed; zonecut verify reports NOT_DELEGATED for exactly that zone.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
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

from zonecut.sandbox import Sandbox
from zonecut.verify.targets import VerifyPolicy

pytestmark = [pytest.mark.sandbox, pytest.mark.unbound]

TEAM_B = "team-b.dev.example.com"
UNBOUND = shutil.which("unbound") or next(
    (p for p in ("/usr/sbin/unbound", "/usr/local/sbin/unbound") if Path(p).exists()), None)


def _free_port(address: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


def _config(hints: Path, address: str, port: int) -> str:
    return f"""server:
    interface: {address}
    port: {port}
    do-daemonize: no
    username: ""
    chroot: ""
    pidfile: ""
    use-syslog: no
    logfile: ""
    verbosity: 0
    do-ip6: no
    do-not-query-localhost: no
    module-config: "iterator"
    access-control: 127.0.0.0/8 allow
    root-hints: "{hints}"
    cache-max-ttl: 5
    cache-max-negative-ttl: 1
"""


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
    if UNBOUND is None:
        pytest.skip("the unbound binary is not installed (apt-get install unbound)")
    if fresh_sandbox.info.root_hints[0].port != 53:
        pytest.skip("Unbound only queries port 53: the sandbox DNS could not bind port 53 "
                    "(run as root)")
    hints = tmp_path / "root.hints"
    fresh_sandbox.write_root_hints(hints)
    address = "127.0.0.1"
    port = _free_port(address)
    conf = tmp_path / "unbound.conf"
    conf.write_text(_config(hints, address, port), encoding="utf-8")
    checkconf = shutil.which("unbound-checkconf")
    if checkconf is not None:
        checked = subprocess.run([checkconf, str(conf)], capture_output=True, text=True,
                                 check=False)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    process = subprocess.Popen([UNBOUND, "-d", "-c", str(conf)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    try:
        yield address, port
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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

"""The loopback DNS hierarchy: real packets, RD=0, straight to the sandbox servers."""

from __future__ import annotations

from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest
from sandbox_helpers import CHILD_A, PARENT, change, create_zone, query, route53, walk

from zonecut.sandbox import Sandbox, SandboxInfo

pytestmark = pytest.mark.sandbox


def _delegated(sandbox: Sandbox) -> tuple[list[str], list[str], str, str]:
    """example.com (parent account, registered) delegating dev.example.com (child account)."""
    parent = route53(sandbox, PARENT)
    child = route53(sandbox, CHILD_A)
    parent_id, parent_ns = create_zone(parent, "example.com")
    child_id, child_ns = create_zone(child, "dev.example.com")
    sandbox.register("example.com", parent_ns)
    change(parent, parent_id, ("CREATE", "dev.example.com", "NS", 300, [s + "." for s in child_ns]))
    change(child, child_id, ("CREATE", "www.dev.example.com", "A", 60, ["192.0.2.10"]))
    return parent_ns, child_ns, parent_id, child_id


def _addresses(response: dns.message.Message) -> list[str]:
    return sorted(rd.address for rrset in response.answer if rrset.rdtype == dns.rdatatype.A
                  for rd in rrset)


def test_iterative_walk_from_the_root_reaches_the_child(fresh_sandbox: Sandbox) -> None:
    parent_ns, child_ns, _, _ = _delegated(fresh_sandbox)
    trail = walk(fresh_sandbox.info, "www.dev.example.com")
    servers = [server for server, _ in trail]
    assert servers[0] == "a.root-servers.sandbox"
    assert servers[1] == "com.tld-servers.sandbox"
    assert servers[2] in parent_ns
    assert servers[3] in child_ns
    final = trail[-1][1]
    assert final.rcode() == dns.rcode.NOERROR
    assert final.flags & dns.flags.AA
    assert _addresses(final) == ["192.0.2.10"]
    # referrals carry no AA
    assert all(not response.flags & dns.flags.AA for _, response in trail[:-1])


def test_parent_server_refers_and_unassigned_server_refuses(fresh_sandbox: Sandbox) -> None:
    parent_ns, child_ns, _, _ = _delegated(fresh_sandbox)
    info = fresh_sandbox.info
    referral = query(info, parent_ns[0], "www.dev.example.com")
    assert referral.rcode() == dns.rcode.NOERROR
    assert not referral.flags & dns.flags.AA
    assert not referral.answer
    (ns,) = referral.authority
    assert ns.rdtype == dns.rdatatype.NS
    assert sorted(rd.target.to_text(omit_final_dot=True) for rd in ns) == sorted(child_ns)
    assert query(info, child_ns[0], "www.example.com").rcode() == dns.rcode.REFUSED
    unused = next(s for s in fresh_sandbox.pool.names if s not in parent_ns + child_ns)
    assert query(info, unused, "www.dev.example.com").rcode() == dns.rcode.REFUSED


def test_negative_answers_carry_the_soa(fresh_sandbox: Sandbox) -> None:
    _, child_ns, _, _ = _delegated(fresh_sandbox)
    info = fresh_sandbox.info
    nxdomain = query(info, child_ns[1], "nope.dev.example.com")
    nodata = query(info, child_ns[1], "www.dev.example.com", "AAAA")
    for response, rcode in [(nxdomain, dns.rcode.NXDOMAIN), (nodata, dns.rcode.NOERROR)]:
        assert response.rcode() == rcode
        assert response.flags & dns.flags.AA
        assert not response.answer
        (soa,) = response.authority
        assert soa.rdtype == dns.rdatatype.SOA
        assert soa[0].mname.to_text(omit_final_dot=True) == child_ns[0]
        assert soa.ttl == 900


def test_apex_ns_and_soa_answers_agree_with_the_api(fresh_sandbox: Sandbox) -> None:
    _, child_ns, _, _ = _delegated(fresh_sandbox)
    info = fresh_sandbox.info
    ns = query(info, child_ns[2], "dev.example.com", "NS")
    assert ns.flags & dns.flags.AA
    assert sorted(rd.target.to_text(omit_final_dot=True) for rd in ns.answer[0]) == sorted(
        child_ns
    )
    assert ns.answer[0].ttl == 172800
    soa = query(info, child_ns[3], "dev.example.com", "SOA").answer[0]
    assert soa[0].to_text() == (
        f"{child_ns[0]}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"
    )


def test_api_changes_are_visible_at_once(fresh_sandbox: Sandbox) -> None:
    _, child_ns, _, child_id = _delegated(fresh_sandbox)
    child = route53(fresh_sandbox, CHILD_A)
    change(child, child_id, ("UPSERT", "www.dev.example.com", "A", 60, ["192.0.2.20"]))
    assert _addresses(query(fresh_sandbox.info, child_ns[0], "www.dev.example.com")) == [
        "192.0.2.20"
    ]
    change(child, child_id, ("DELETE", "www.dev.example.com", "A", 60, ["192.0.2.20"]))
    gone = query(fresh_sandbox.info, child_ns[0], "www.dev.example.com")
    assert gone.rcode() == dns.rcode.NXDOMAIN
    client = route53(fresh_sandbox, CHILD_A)
    client.delete_hosted_zone(Id=child_id)
    assert query(fresh_sandbox.info, child_ns[0], "dev.example.com").rcode() == dns.rcode.REFUSED


def test_cname_and_wildcard(fresh_sandbox: Sandbox) -> None:
    _, child_ns, _, child_id = _delegated(fresh_sandbox)
    child = route53(fresh_sandbox, CHILD_A)
    change(
        child, child_id,
        ("CREATE", "alias.dev.example.com", "CNAME", 60, ["www.dev.example.com"]),
        ("CREATE", "*.apps.dev.example.com", "A", 60, ["192.0.2.30"]),
    )
    response = query(fresh_sandbox.info, child_ns[0], "alias.dev.example.com")
    assert [r.rdtype for r in response.answer] == [dns.rdatatype.CNAME, dns.rdatatype.A]
    assert _addresses(response) == ["192.0.2.10"]
    wild = query(fresh_sandbox.info, child_ns[0], "x.apps.dev.example.com")
    assert wild.answer[0].name.to_text() == "x.apps.dev.example.com."
    assert _addresses(wild) == ["192.0.2.30"]


def test_large_answers_are_truncated_over_udp(fresh_sandbox: Sandbox) -> None:
    _, child_ns, _, child_id = _delegated(fresh_sandbox)
    child = route53(fresh_sandbox, CHILD_A)
    values = [f'"{i:03d}' + "x" * 200 + '"' for i in range(6)]
    change(child, child_id, ("CREATE", "big.dev.example.com", "TXT", 60, values))
    server = fresh_sandbox.info.server(child_ns[0])
    message = dns.message.make_query("big.dev.example.com", "TXT", flags=0, use_edns=False)
    udp = dns.query.udp(message, server.address, port=server.port, timeout=2)
    assert udp.flags & dns.flags.TC
    assert not udp.answer
    tcp = dns.query.tcp(message, server.address, port=server.port, timeout=2)
    assert not tcp.flags & dns.flags.TC
    assert len(tcp.answer[0]) == 6
    edns = dns.message.make_query("big.dev.example.com", "TXT", flags=0, use_edns=0, payload=4096)
    assert len(dns.query.udp(edns, server.address, port=server.port, timeout=2).answer[0]) == 6


@pytest.mark.parametrize(
    "behaviour, rcode, aa",
    [("normal", dns.rcode.NOERROR, True), ("no-aa", dns.rcode.NOERROR, False),
     ("refused", dns.rcode.REFUSED, False), ("servfail", dns.rcode.SERVFAIL, False)],
)
def test_behaviours(fresh_sandbox: Sandbox, behaviour: str, rcode: int, aa: bool) -> None:
    _, child_ns, _, _ = _delegated(fresh_sandbox)
    fresh_sandbox.set_behaviour(child_ns[0], behaviour)  # type: ignore[arg-type]
    response = query(fresh_sandbox.info, child_ns[0], "www.dev.example.com")
    assert response.rcode() == rcode
    assert bool(response.flags & dns.flags.AA) == aa
    # the other servers of the zone are unaffected
    assert query(fresh_sandbox.info, child_ns[1], "www.dev.example.com").flags & dns.flags.AA


def test_silent_server_drops_queries_until_reset(fresh_sandbox: Sandbox) -> None:
    _, child_ns, _, _ = _delegated(fresh_sandbox)
    fresh_sandbox.set_behaviour(child_ns[0], "silent")
    with pytest.raises(dns.exception.Timeout):
        query(fresh_sandbox.info, child_ns[0], "www.dev.example.com", timeout=0.3)
    fresh_sandbox.set_behaviour(child_ns[0], "normal")
    assert query(fresh_sandbox.info, child_ns[0], "www.dev.example.com").answer
    with pytest.raises(ValueError):
        fresh_sandbox.set_behaviour("ns-1.example.net", "silent")


def test_registration_under_a_new_tld(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, servers = create_zone(client, "example.io")
    change(client, zone_id, ("CREATE", "www.example.io", "A", 60, ["192.0.2.40"]))
    fresh_sandbox.register("example.io", servers)
    info = fresh_sandbox.info
    assert "io.tld-servers.sandbox" in info.servers
    assert _addresses(walk(info, "www.example.io")[-1][1]) == ["192.0.2.40"]
    fresh_sandbox.unregister("example.io")
    gone = query(info, "io.tld-servers.sandbox", "www.example.io")
    assert gone.rcode() == dns.rcode.NXDOMAIN
    with pytest.raises(ValueError):
        fresh_sandbox.register("x.sandbox", servers)


def test_server_map_and_root_hints(fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    info = fresh_sandbox.info
    assert SandboxInfo.from_json(info.to_json()) == info
    addresses = {(s.address, s.port) for s in info.servers.values()}
    assert len(addresses) == len(info.servers)  # one address per server
    assert len(info.servers) >= 1 + 4 + fresh_sandbox.pool.size  # root, 4 TLDs, the pool
    for name in fresh_sandbox.pool.names:
        # every pool server's address is published by its TLD server
        tld = "uk" if name.endswith(".co.uk") else name.rsplit(".", 1)[1]
        answer = query(info, f"{tld}.tld-servers.sandbox", name)
        assert answer.flags & dns.flags.AA
        assert _addresses(answer) == [info.servers[name].address]
    hints = tmp_path / "root.hints"
    fresh_sandbox.write_root_hints(hints)
    text = hints.read_text()
    assert "A.ROOT-SERVERS.SANDBOX." in text
    assert info.root_hints[0].address in text


def test_alias_to_a_record_set_of_the_zone(fresh_sandbox: Sandbox) -> None:
    _, child_ns, _, child_id = _delegated(fresh_sandbox)
    child = route53(fresh_sandbox, CHILD_A)
    child.change_resource_record_sets(
        HostedZoneId=child_id,
        ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": {
            "Name": "dev.example.com", "Type": "A",
            "AliasTarget": {"HostedZoneId": child_id.split("/")[-1],
                            "DNSName": "www.dev.example.com", "EvaluateTargetHealth": False},
        }}]},
    )
    response = query(fresh_sandbox.info, child_ns[0], "dev.example.com")
    assert response.flags & dns.flags.AA
    assert _addresses(response) == ["192.0.2.10"]


def test_ds_at_a_cut_is_answered_by_the_parent(fresh_sandbox: Sandbox) -> None:
    parent_ns, _, _, _ = _delegated(fresh_sandbox)
    response = query(fresh_sandbox.info, parent_ns[0], "dev.example.com", "DS")
    assert response.flags & dns.flags.AA
    assert not response.answer
    assert response.authority[0].rdtype == dns.rdatatype.SOA


def test_edns_version_above_zero_gets_badvers(fresh_sandbox: Sandbox) -> None:
    """RFC 6891 6.1.3: a server that implements EDNS version 0 answers a query of
    version 1 with BADVERS and an OPT of version 0 (as Route 53's servers do)."""
    parent_ns, _, _, _ = _delegated(fresh_sandbox)
    address = fresh_sandbox.info.server(parent_ns[0])
    for version, expected in ((1, dns.rcode.BADVERS), (0, dns.rcode.NOERROR)):
        message = dns.message.make_query("example.com", "SOA", use_edns=version, flags=0)
        response = dns.query.udp(message, address.address, port=address.port, timeout=2)
        assert response.rcode() == expected
        assert response.edns == 0
        if expected == dns.rcode.BADVERS:
            assert not response.answer


def test_axfr_is_refused_and_the_connection_closed(fresh_sandbox: Sandbox) -> None:
    """Route 53 does not support zone transfers: REFUSED, then the server closes."""
    import socket

    parent_ns, _, _, _ = _delegated(fresh_sandbox)
    address = fresh_sandbox.info.server(parent_ns[0])
    for rtype in ("AXFR", "IXFR"):
        wire = dns.message.make_query("example.com", rtype, flags=0).to_wire()
        with socket.create_connection((address.address, address.port), timeout=2) as conn:
            conn.sendall(len(wire).to_bytes(2, "big") + wire)
            size = int.from_bytes(_read(conn, 2), "big")
            response = dns.message.from_wire(_read(conn, size))
            assert response.rcode() == dns.rcode.REFUSED
            assert not response.answer
            # The server closed the stream: end of file (or a reset), never more data.
            try:
                rest = conn.recv(2)
            except ConnectionResetError:
                rest = b""
            assert rest == b""
    over_udp = query(fresh_sandbox.info, parent_ns[0], "example.com", "AXFR")
    assert over_udp.rcode() == dns.rcode.REFUSED


def _read(conn: object, size: int) -> bytes:
    import socket

    assert isinstance(conn, socket.socket)
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        assert chunk, "connection closed early"
        data += chunk
    return data

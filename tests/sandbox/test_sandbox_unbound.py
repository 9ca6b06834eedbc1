"""An independent resolver (Unbound) resolves through the sandbox hierarchy from its root."""

from __future__ import annotations

import time
from pathlib import Path

import dns.exception
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import pytest
from sandbox_helpers import CHILD_A, PARENT, change, create_zone, route53

import unbound_support
from zonecut.sandbox import Sandbox

pytestmark = [pytest.mark.sandbox, pytest.mark.unbound]

def test_unbound_resolves_a_delegated_name(fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    if unbound_support.UNBOUND is None:
        pytest.skip("unbound is not installed")
    if fresh_sandbox.info.root_hints[0].port != 53:
        pytest.skip("Unbound needs the sandbox DNS on port 53 (run as root)")
    parent, child = route53(fresh_sandbox, PARENT), route53(fresh_sandbox, CHILD_A)
    parent_id, parent_ns = create_zone(parent, "example.com")
    child_id, child_ns = create_zone(child, "dev.example.com")
    fresh_sandbox.register("example.com", parent_ns)
    change(parent, parent_id, ("CREATE", "dev.example.com", "NS", 300, [s + "." for s in child_ns]))
    change(child, child_id, ("CREATE", "www.dev.example.com", "A", 60, ["192.0.2.77"]))

    hints = tmp_path / "root.hints"
    fresh_sandbox.write_root_hints(hints)
    process, port = unbound_support.start(tmp_path, hints)
    try:
        query = dns.message.make_query("www.dev.example.com", "A")  # RD=1: a resolver's job
        response = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                response = dns.query.udp(query, "127.0.0.1", port=port, timeout=1)
                break
            except (OSError, dns.exception.Timeout):
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        if response is None:
            process.terminate()
            output = process.communicate(timeout=5)[0].decode(errors="replace")
            pytest.fail(f"unbound did not answer (exit {process.returncode}):\n{output}")
        assert response.rcode() == dns.rcode.NOERROR
        assert [rd.address for rd in response.find_rrset(
            response.answer, dns.name.from_text("www.dev.example.com"),
            dns.rdataclass.IN, dns.rdatatype.A)] == ["192.0.2.77"]
    finally:
        unbound_support.stop(process)

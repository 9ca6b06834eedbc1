"""Background mode (a real child process) and the HTTP control client."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import dns.rcode
import pytest
from sandbox_helpers import PARENT, change, create_zone, query, route53, walk

from sandbox_fixtures import session_for
from zonecut.sandbox import (
    Sandbox,
    SandboxClient,
    SandboxControl,
    SandboxControlError,
    SandboxInfo,
    SandboxProcessError,
    down,
    load_info,
    status,
    up,
)

pytestmark = pytest.mark.sandbox


def _alive(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"zonecut.sandbox" in cmdline


def _delegate_www(control: SandboxControl) -> tuple[str, list[str]]:
    """The same steps against any SandboxControl: a registered zone with one A record."""
    client = route53(control, PARENT)
    zone_id, servers = create_zone(client, "example.com")
    change(client, zone_id, ("CREATE", "www.example.com", "A", 60, ["192.0.2.50"]))
    control.register("example.com", servers)
    return zone_id, servers


def test_background_sandbox_lifecycle(tmp_path: Path) -> None:
    state = tmp_path / "state"
    try:
        info = up(state, accounts=[PARENT], timeout=30)
        assert info.pid != os.getpid() and _alive(info.pid)
        assert info.endpoint_url.startswith("http://127.")
        assert info.accounts == [PARENT]
        assert load_info(state) is not None
        assert (state / "sandbox.log").exists()
        assert up(state).pid == info.pid  # already running: the same sandbox
        running = status(state)
        assert running is not None and running.pid == info.pid

        control = SandboxClient(info)
        _, servers = _delegate_www(control)
        trail = walk(control.info, "www.example.com")
        assert [rd.address for rd in trail[-1][1].answer[0]] == ["192.0.2.50"]
        control.set_behaviour(servers[0], "refused")
        assert query(control.info, servers[0], "www.example.com").rcode() == dns.rcode.REFUSED
        assert control.calls()[(PARENT, "CreateHostedZone")] == 1
        control.reset_calls()
        assert control.calls() == {}

        iam = session_for(control, PARENT).client("iam")
        assert iam.get_role(RoleName="ZonecutDelegation")["Role"]["RoleName"] == "ZonecutDelegation"
        control.reset()
        assert route53(control, PARENT).list_hosted_zones()["HostedZones"] == []
        assert query(control.info, servers[0], "www.example.com").rcode() == dns.rcode.REFUSED
        assert session_for(control, PARENT).client("iam").get_role(RoleName="ZonecutDelegation")
    finally:
        stopped = down(state)
    assert stopped
    assert not _alive(info.pid)
    assert status(state) is None
    assert load_info(state) is None
    assert down(state) is False


def test_failed_start_reports_the_log_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(SandboxProcessError, match="pool size"):
        up(tmp_path, pool_size=6, timeout=30)
    assert load_info(tmp_path) is None


def test_stale_state_file_is_not_a_running_sandbox(tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
    stale = SandboxInfo(endpoint_url="http://127.0.0.1:9", pid=int(finished.stdout), dns=False)
    (tmp_path / "sandbox.json").write_text(stale.to_json())
    assert status(tmp_path) is None
    assert down(tmp_path) is False
    assert load_info(tmp_path) is None


def test_control_client_drives_the_in_process_sandbox(fresh_sandbox: Sandbox) -> None:
    control = SandboxClient(fresh_sandbox.info)
    _, servers = _delegate_www(control)
    assert fresh_sandbox.dns.registrations["example.com"] == tuple(servers)
    control.set_behaviour(servers[1], "servfail")
    assert query(fresh_sandbox.info, servers[1], "www.example.com").rcode() == dns.rcode.SERVFAIL
    assert control.calls() == fresh_sandbox.calls()
    with pytest.raises(SandboxControlError, match="not a sandbox DNS server"):
        control.set_behaviour("ns-1.example.net", "silent")
    with pytest.raises(SandboxControlError, match="unknown behaviour"):
        control.set_behaviour(servers[1], "sleepy")  # type: ignore[arg-type]


def test_moto_reset_through_http_is_seen_by_dns(fresh_sandbox: Sandbox) -> None:
    _, servers = _delegate_www(fresh_sandbox)
    assert query(fresh_sandbox.info, servers[0], "www.example.com").answer
    request = urllib.request.Request(fresh_sandbox.endpoint_url + "/moto-api/reset", data=b"",
                                     method="POST")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=5) as response:
        assert response.status == 200
    assert query(fresh_sandbox.info, servers[0], "www.example.com").rcode() == dns.rcode.REFUSED

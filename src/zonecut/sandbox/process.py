"""The sandbox as a background process: ``up``, ``status``, ``down``.

``up`` starts ``python -m zonecut.sandbox --state-dir DIR ...`` detached in its own
session (so its own process group), logging to ``DIR/sandbox.log``. The child writes
``DIR/sandbox.json`` (atomically) once moto and every DNS listener are bound; ``up``
then checks that the endpoint and the root DNS server answer before returning.
Control it with :class:`zonecut.sandbox.SandboxClient`. This module does not import
moto.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import dns.exception
import dns.message
import dns.query

from zonecut.sandbox.control import SandboxClient
from zonecut.sandbox.fault_settings import FaultSettings
from zonecut.sandbox.info import SandboxInfo

STATE_FILE = "sandbox.json"
LOG_FILE = "sandbox.log"
MODULE = "zonecut.sandbox"


class SandboxProcessError(RuntimeError):
    """The background sandbox did not come up (the message quotes its log)."""


def state_file(state_dir: Path) -> Path:
    return Path(state_dir) / STATE_FILE


def load_info(state_dir: Path) -> SandboxInfo | None:
    """The info the background sandbox wrote, or None when there is none (or it is unreadable)."""
    try:
        return SandboxInfo.from_json(state_file(state_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _is_sandbox_process(pid: int) -> bool:
    """True when ``pid`` is alive and runs ``-m zonecut.sandbox`` (not a reused pid)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc: trust the pid
    return MODULE.encode() in cmdline or _is_sandbox_run(cmdline)


def _is_sandbox_run(cmdline: list[bytes]) -> bool:
    """``zonecut sandbox run`` (the foreground sandbox, which writes the state file too)."""
    for index, part in enumerate(cmdline):
        if part.endswith((b"zonecut", b"zonecut.cli")):
            return cmdline[index + 1:index + 3] == [b"sandbox", b"run"]
    return False


def _dns_answers(info: SandboxInfo, timeout: float = 1.0) -> bool:
    if not info.dns or not info.root_hints:
        return True
    root = info.root_hints[0]
    query = dns.message.make_query(".", "SOA", flags=0)
    try:
        dns.query.udp(query, root.address, port=root.port, timeout=timeout)
    except (dns.exception.DNSException, OSError):
        return False
    return True


def status(state_dir: Path) -> SandboxInfo | None:
    """The running background sandbox's current info, or None when none runs here."""
    info = load_info(state_dir)
    if info is None or not _is_sandbox_process(info.pid):
        return None
    client = SandboxClient(info, timeout=3.0)
    if not client.ping():
        return None
    return client.refresh()


def up(
    state_dir: Path,
    *,
    port: int = 0,
    dns: bool = True,
    accounts: Sequence[str] = (),
    dns_port: int | None = None,
    pool_size: int = 64,
    seed: int = 0,
    faults: FaultSettings | None = None,
    timeout: float = 90.0,
    acm_wait: float | None = None,
) -> SandboxInfo:
    """Start a background sandbox (or return the one already running in ``state_dir``).

    ``faults`` are the fault injection settings it starts with (a running sandbox is
    returned as it is: change its faults with ``SandboxClient.set_faults``)."""
    state_dir = Path(state_dir)
    running = status(state_dir)
    if running is not None:
        return running
    state_dir.mkdir(parents=True, exist_ok=True)
    state_file(state_dir).unlink(missing_ok=True)
    command = [
        sys.executable, "-m", MODULE,
        "--state-dir", str(state_dir),
        "--port", str(port),
        "--pool-size", str(pool_size),
        "--seed", str(seed),
    ]
    command.append("--dns" if dns else "--no-dns")
    if dns_port is not None:
        command += ["--dns-port", str(dns_port)]
    for account in accounts:
        command += ["--account", account]
    command += fault_arguments(faults or FaultSettings())
    if acm_wait is not None:
        command += ["--acm-wait", repr(float(acm_wait))]
    log_path = state_dir / LOG_FILE
    with open(log_path, "ab") as log:
        child = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )
    try:
        return _wait_ready(state_dir, child, timeout)
    except BaseException:
        _terminate(child.pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=5)
        state_file(state_dir).unlink(missing_ok=True)
        raise


def fault_arguments(faults: FaultSettings) -> list[str]:
    """The ``python -m zonecut.sandbox`` options that start a sandbox with ``faults``."""
    arguments = [
        "--rate-limit", repr(faults.rate_limit),
        "--fault-rate", repr(faults.fault_rate),
        "--fault-kinds", ",".join(faults.fault_kinds) or "none",
        "--fault-seed", str(faults.fault_seed),
        "--pending-seconds", repr(faults.pending_seconds),
        "--quotas" if faults.quotas else "--no-quotas",
        "--latency", repr(faults.latency),
        "--latency-jitter", repr(faults.latency_jitter),
    ]
    if faults.rate_burst is not None:
        arguments += ["--rate-burst", repr(faults.rate_burst)]
    return arguments


def _wait_ready(state_dir: Path, child: subprocess.Popen[bytes], timeout: float) -> SandboxInfo:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = child.poll()
        if code is not None:
            raise SandboxProcessError(
                f"the sandbox exited with status {code}:\n{_log_tail(state_dir)}"
            )
        info = load_info(state_dir)
        if info is not None and info.pid == child.pid:
            client = SandboxClient(info, timeout=2.0)
            if client.ping() and _dns_answers(info):
                return client.refresh()
        time.sleep(0.05)
    raise SandboxProcessError(
        f"the sandbox did not answer within {timeout:.0f} s:\n{_log_tail(state_dir)}"
    )


def _log_tail(state_dir: Path, lines: int = 20) -> str:
    try:
        text = (Path(state_dir) / LOG_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _terminate(pid: int) -> None:
    """SIGTERM the sandbox's process group (its own session, so only its processes)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGTERM)


def down(state_dir: Path, *, timeout: float = 10.0) -> bool:
    """Stop the background sandbox of ``state_dir``; True when one was running."""
    info = load_info(state_dir)
    if info is None:
        return False
    stopped = False
    if _is_sandbox_process(info.pid):
        _terminate(info.pid)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _is_sandbox_process(info.pid):
            time.sleep(0.05)
        if _is_sandbox_process(info.pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(info.pid, signal.SIGKILL)
        stopped = True
    state_file(state_dir).unlink(missing_ok=True)
    return stopped

"""Unbound, the independent resolver of the end-to-end tests: started on a free loopback
port with the sandbox's root hints, stopped afterwards."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

UNBOUND = shutil.which("unbound") or next(
    (p for p in ("/usr/sbin/unbound", "/usr/local/sbin/unbound") if Path(p).exists()), None)
ADDRESS = "127.0.0.1"


def free_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1 (Unbound listens on both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((ADDRESS, 0))
            port = int(udp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind((ADDRESS, port))
                except OSError:
                    continue
                return port
    raise RuntimeError("no free port")


def config(hints: Path, port: int, trust_anchor: Path | None = None) -> str:
    """Unbound's configuration; with ``trust_anchor`` (a file of DS lines) it validates."""
    modules = "validator iterator" if trust_anchor is not None else "iterator"
    anchor = f'    trust-anchor-file: "{trust_anchor}"\n' if trust_anchor is not None else ""
    return f"""server:
    interface: {ADDRESS}
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
    module-config: "{modules}"
    access-control: 127.0.0.0/8 allow
    root-hints: "{hints}"
    cache-max-ttl: 5
    cache-max-negative-ttl: 1
{anchor}"""


def start(tmp_path: Path, hints: Path,
          trust_anchor: Path | None = None) -> tuple[subprocess.Popen[bytes], int]:
    """Start Unbound (checked with unbound-checkconf when present), retrying when another
    process took its port meanwhile. Returns the process and its port."""
    assert UNBOUND is not None
    conf = tmp_path / "unbound.conf"
    for _ in range(5):
        port = free_port()
        conf.write_text(config(hints, port, trust_anchor), encoding="utf-8")
        checkconf = shutil.which("unbound-checkconf")
        if checkconf is not None:
            checked = subprocess.run([checkconf, str(conf)], capture_output=True, text=True,
                                     check=False)
            assert checked.returncode == 0, checked.stdout + checked.stderr
        process = subprocess.Popen([UNBOUND, "-d", "-c", str(conf)], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT)
        try:
            process.wait(timeout=0.3)  # a bind failure ends it at once
        except subprocess.TimeoutExpired:
            return process, port
        process.communicate()
    raise RuntimeError("unbound did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()

"""The verify peer: `dnsviz probe` of the same zones, from the sandbox's root.

dnsviz (Debian package ``dnsviz``, GPL) is an independent DNS delegation and DNSSEC
analyser. ``dnsviz probe -A`` queries the authoritative servers itself, walking down
from the root; ``-x .:NAME=ADDRESS`` hands it the sandbox's root server in place of the
real root hints (an explicit delegation for the root), so every query it sends stays on
loopback. As root, the sandbox's servers all listen on port 53, the only port dnsviz's
walk can follow. ``-t`` is the number of processes it analyses names in (measured here:
one process beats 32 on 11 zones on this 2-core machine, the processes cost more than
they save).

The bench installs the package with ``apt-get`` when ``dnsviz`` is missing (as root, on
Debian); when it cannot, the peer is skipped and the reason is reported.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from zonecut.sandbox.info import ServerAddress

PACKAGE = "dnsviz"


def ensure_installed() -> str | None:
    """The path of ``dnsviz``, installing the Debian package if needed; None if it cannot."""
    found = shutil.which("dnsviz")
    if found or shutil.which("apt-get") is None or os.geteuid() != 0:
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "install", "-y", "-q", PACKAGE],
                    ["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", PACKAGE]):
        subprocess.run(command, env=env, capture_output=True, check=False)
        found = shutil.which("dnsviz")
        if found:
            return found
    return None


def why_missing() -> str:
    if shutil.which("apt-get") is None:
        return "dnsviz is not installed and there is no apt-get to install it"
    if os.geteuid() != 0:
        return "dnsviz is not installed and installing it needs root (apt-get install dnsviz)"
    return "dnsviz is not installed and `apt-get install -y dnsviz` did not install it"


def _version() -> str:
    done = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", PACKAGE],
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def _queries(output: dict[str, Any]) -> int:
    """Responses dnsviz recorded (one per query and server; its own count of work)."""
    count = 0
    for name, data in output.items():
        if name.startswith("_meta"):
            continue
        for query in data.get("queries", ()):
            count += sum(len(by_client) for by_client in query.get("responses", {}).values())
    return count


def probe(names: Sequence[str], roots: Sequence[ServerAddress], *,
          threads: int = 1, timeout: float = 3600.0) -> dict[str, Any]:
    """Time ``dnsviz probe -A`` of ``names`` from the sandbox's root servers.

    Returns ``{"seconds", "zones", "responses", "threads", "version"}``, or
    ``{"skipped": reason}`` when dnsviz cannot run here; when it runs past ``timeout``
    it is stopped and ``{"seconds": timeout, "timed_out": True, ...}`` says it took at
    least that long."""
    binary = ensure_installed()
    if binary is None:
        return {"skipped": why_missing()}
    if any(r.port != 53 for r in roots):
        return {"skipped": "the sandbox's DNS servers are not on port 53 (the sandbox "
                           "was not started as root); dnsviz can only follow port 53"}
    with tempfile.TemporaryDirectory(prefix="zonecut-dnsviz-") as work:
        listed = Path(work) / "names"
        listed.write_text("".join(f"{n}\n" for n in names))
        out = Path(work) / "probe.json"
        root = ",".join(f"{r.name}={r.address}" for r in roots)
        command = [binary, "probe", "-A", "-x", f".:{root}", "-t", str(threads),
                   "-f", str(listed), "-o", str(out)]
        started = time.perf_counter()
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"seconds": timeout, "timed_out": True, "names": len(names),
                    "threads": threads, "version": _version()}
        seconds = time.perf_counter() - started
        if done.returncode != 0 or not out.exists():
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return {"skipped": f"dnsviz probe failed (exit {done.returncode}): {last}"}
        output = json.loads(out.read_text())
    analysed = sum(1 for name, data in output.items()
                   if not name.startswith("_meta") and not data.get("stub"))
    return {"seconds": round(seconds, 3), "zones": analysed, "names": len(names),
            "responses": _queries(output), "threads": threads, "version": _version()}

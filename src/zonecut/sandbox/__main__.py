"""``python -m zonecut.sandbox --state-dir DIR``: run a sandbox until SIGTERM/SIGINT.

Started by :func:`zonecut.sandbox.process.up`; writes ``DIR/sandbox.json`` once
ready and removes it on the way out.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from pathlib import Path
from types import FrameType

from zonecut.sandbox.fault_settings import FAULT_KINDS, FaultSettings, parse_kinds
from zonecut.sandbox.process import load_info, state_file
from zonecut.sandbox.server import Sandbox

log = logging.getLogger("zonecut.sandbox")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m zonecut.sandbox", description=__doc__)
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--dns", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--dns-port", type=int, default=None)
    parser.add_argument("--pool-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--account", action="append", default=[])
    parser.add_argument("--rate-limit", type=float, default=0.0,
                        help="Route 53 requests per second per account (0: no limit)")
    parser.add_argument("--rate-burst", type=float, default=None,
                        help="requests an idle account may send at once (default: one "
                        "second's worth, at least 2)")
    parser.add_argument("--fault-rate", type=float, default=0.0,
                        help="share of Route 53 requests that get a fault (0 to 1)")
    parser.add_argument("--fault-kinds", default=",".join(FAULT_KINDS),
                        help="comma-separated: " + ",".join(FAULT_KINDS))
    parser.add_argument("--fault-seed", type=int, default=0)
    parser.add_argument("--pending-seconds", type=float, default=0.0,
                        help="GetChange answers PENDING this long after a change")
    parser.add_argument("--acm-wait", type=float, default=None,
                        help="seconds a new ACM certificate stays PENDING_VALIDATION "
                        "(default: $MOTO_ACM_VALIDATION_WAIT, else 2)")
    parser.add_argument("--quotas", action=argparse.BooleanOptionalAction, default=False,
                        help="Route 53's documented token buckets per account and operation")
    parser.add_argument("--latency", type=float, default=0.0,
                        help="seconds every Route 53 request takes (jittered)")
    parser.add_argument("--latency-jitter", type=float, default=0.25,
                        help="latency varies by this fraction either way (0 to 1)")
    parser.add_argument("--verbose", action="store_true", help="log every HTTP request")
    return parser.parse_args(argv)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + f".{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.WARNING)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        log.info("signal %d: stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    faults = FaultSettings(
        rate_limit=args.rate_limit, rate_burst=args.rate_burst, fault_rate=args.fault_rate,
        fault_kinds=parse_kinds("" if args.fault_kinds == "none" else args.fault_kinds),
        fault_seed=args.fault_seed, pending_seconds=args.pending_seconds, quotas=args.quotas,
        latency=args.latency, latency_jitter=args.latency_jitter)
    sandbox = Sandbox(
        host=args.host,
        port=args.port,
        dns=args.dns,
        dns_port=args.dns_port,
        pool_size=args.pool_size,
        seed=args.seed,
        accounts=args.account,
        faults=faults,
        acm_wait=args.acm_wait,
    )
    path = state_file(args.state_dir)
    try:
        info = sandbox.start()
        _write_atomically(path, info.to_json())
        log.info(
            "sandbox ready: %s, %d DNS servers, root %s",
            info.endpoint_url,
            len(info.servers),
            ", ".join(f"{r.address}:{r.port}" for r in info.root_hints) or "none",
        )
        while not stop.wait(1.0):
            pass
    finally:
        sandbox.stop()
        written = load_info(args.state_dir)
        if written is not None and written.pid == os.getpid():
            path.unlink(missing_ok=True)
        log.info("sandbox stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

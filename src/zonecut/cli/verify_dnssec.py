"""`zonecut verify --dnssec`: the DNSSEC chain of trust of every verified zone.

Thin: picks the trust anchors (a file, the running sandbox's, or the real root's), runs
the DNSSEC probe (:mod:`zonecut.verify.dnssec_probe`) and the pure checks
(:mod:`zonecut.verify.dnssec`) for the target zones.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from zonecut.verify import DelegationTarget, Finding, ServerAddress
from zonecut.verify.dnssec import check_dnssec
from zonecut.verify.dnssec_model import ROOT_TRUST_ANCHORS, parse_trust_anchors
from zonecut.verify.dnssec_probe import probe_dnssec_sync


def trust_anchors(path: Path | None, sandbox: bool, state_dir: Path) -> tuple[str, ...]:
    """The anchors for this run; ValueError (naming the file) for a bad file."""
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: cannot read it: {exc}") from exc
        try:
            return parse_trust_anchors(text)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from exc
    if sandbox:
        from zonecut.sandbox.process import status as sandbox_status

        info = sandbox_status(state_dir)
        if info is not None and info.trust_anchor:
            return tuple(info.trust_anchor)
        raise ValueError("the running sandbox publishes no trust anchor (started by an "
                         "older zonecut?); restart it or give --trust-anchor")
    return ROOT_TRUST_ANCHORS


def dnssec_findings(targets: Sequence[DelegationTarget], roots: Sequence[ServerAddress], *,
                    timeout: float, scope: str, anchors: Sequence[str]) -> list[Finding]:
    zones = [t.child for t in targets]
    observed = probe_dnssec_sync(zones, roots, timeout=timeout, scope=scope, anchors=anchors)
    return check_dnssec(zones, observed, now=time.time())

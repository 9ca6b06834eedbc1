"""`zonecut verify --dnssec`: the DNSSEC chain of trust of every verified zone.

Thin: picks the trust anchors (a file, the running sandbox's, or the real root's), runs
the DNSSEC probe (:mod:`zonecut.verify.dnssec_probe`), reads Route 53's ``GetDNSSEC``
(read-only, through :mod:`zonecut.aws.dnssec`, accounts in parallel) of every target
zone whose ``dnssec`` is set in the config (what ``zonecut iam`` grants
``route53:GetDNSSEC`` for), and runs the pure checks (:mod:`zonecut.verify.dnssec`).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path

from zonecut.apply.parallel import per_account
from zonecut.aws.dnssec import Route53Dnssec
from zonecut.aws.fleet import Fleet
from zonecut.config.tree import DesiredTree
from zonecut.verify import DelegationTarget, Finding, ServerAddress
from zonecut.verify.dnssec import check_dnssec
from zonecut.verify.dnssec_model import ROOT_TRUST_ANCHORS, KskState, parse_trust_anchors
from zonecut.verify.dnssec_probe import probe_dnssec_sync

ApiView = dict[str, tuple[str, tuple[KskState, ...]]]


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


def declared_signing(tree: DesiredTree) -> dict[str, bool]:
    """Zone -> its config's ``dnssec`` (own or from defaults), for zones where it is set."""
    return {z.name: z.dnssec.sign for z in tree.zones if z.dnssec.sign is not None}


def read_signing(targets: Sequence[DelegationTarget], declared: Mapping[str, bool],
                 fleet: Fleet, *, max_workers: int = 8) -> ApiView:
    """GetDNSSEC (ServeSignature, KSKs) of each target zone that exists and whose
    ``dnssec`` is set; one thread per account."""
    wanted: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for target in targets:
        if target.child in declared and target.child_zone is not None:
            wanted[target.child_account].append((target.child_zone.zone_id, target.child))

    def job(account_id: str, zones: Sequence[tuple[str, str]]) -> ApiView:
        api = Route53Dnssec(fleet.route53(account_id))
        found: ApiView = {}
        for zone_id, name in zones:
            signing = api.get(zone_id, name)
            found[name] = (signing.status, tuple(
                KskState(k.name, k.status, k.status_message) for k in signing.ksks))
        return found

    results = per_account({acc: partial(job, acc, zones) for acc, zones in wanted.items()},
                          max_workers)
    return {name: view for found in results.values() for name, view in found.items()}


def dnssec_findings(targets: Sequence[DelegationTarget], roots: Sequence[ServerAddress], *,
                    timeout: float, scope: str, anchors: Sequence[str],
                    api: Mapping[str, tuple[str, Sequence[KskState]]] | None = None,
                    declared: Mapping[str, bool] | None = None) -> list[Finding]:
    zones = [t.child for t in targets]
    observed = probe_dnssec_sync(zones, roots, timeout=timeout, scope=scope, anchors=anchors)
    return check_dnssec(zones, observed, now=time.time(), api=api, declared=declared)

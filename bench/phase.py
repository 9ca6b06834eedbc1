"""One phase of a benchmark run in a process of its own, as a user's CLI run would be:
`python -m bench.phase PHASE N MODE STATE_DIR OUT.json`. Its peak RSS is that phase's.

Phases: plan-empty, apply (plan + apply, the plan timed apart), plan-nochange, verify,
destroy, delegate (plan + apply when only the NS records are missing).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from bench.dns_floor import bare_seconds
from bench.measure import PARENT, Phase, cpu_seconds, peak_rss_mb
from bench.org import REALISTIC_RATE, config_text, mode_settings, zones
from zonecut.config.loader import load_config_text
from zonecut.runtime import Runtime, Target
from zonecut.sandbox.control import SandboxClient
from zonecut.sandbox.process import load_info
from zonecut.verify import ServerAddress, VerifyPolicy, check, probe_sync

UNLIMITED_CLIENT_RATE = 10000.0


def run_phase(name: str, n: int, mode: str, state_dir: Path) -> dict[str, Any]:
    rate, burst, shape = mode_settings(mode)
    if mode.startswith("realistic"):
        rate = REALISTIC_RATE
    cfg = load_config_text(config_text(n, rate_limit=rate or UNLIMITED_CLIENT_RATE,
                                       rate_burst=burst, shape=shape), "bench.yaml")
    info = load_info(state_dir)
    assert info is not None, "no sandbox running"
    control = SandboxClient(info)
    target = Target(endpoint_url=info.endpoint_url, sandbox=True)
    record = Phase(name)
    before = control.calls()
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    rt = Runtime(cfg, target, purpose=name)
    if name in ("plan-empty", "plan-nochange"):
        plan = rt.plan()
        record.extra["has_changes"] = plan.has_changes
    elif name in ("apply", "delegate"):
        plan = rt.plan()
        planned = time.perf_counter()
        record.extra["plan_seconds"] = round(planned - started, 3)
        before_apply = control.calls()
        rt.apply(plan)
        record.extra["apply_only_seconds"] = round(time.perf_counter() - planned, 3)
        record.extra["apply_only_calls"] = _diff_total(control.calls(), before_apply)
        if name == "apply":
            for zone in rt.plan().zones:
                if zone.parent is None:
                    control.register(zone.name, zone.name_servers)
    elif name == "verify":
        targets = rt.verify_targets()
        api_done = time.perf_counter()
        info = control.refresh()
        policy = VerifyPolicy(timeout=2.0, retries=1, concurrency=64)
        hints = [ServerAddress(h.name, h.address, h.port) for h in info.root_hints]
        port_map = {s.address: s.port for s in info.servers.values()}
        observations = probe_sync(targets, hints, policy=policy, port_map=port_map)
        findings = check(targets, observations, policy)
        record.dns_queries = observations.stats.queries
        record.extra["dns_seconds"] = round(time.perf_counter() - api_done, 3)
        record.extra["findings"] = len(findings)
        codes: dict[str, int] = {}
        for found in findings:  # a healthy tree: any finding here is worth a look
            codes[found.code] = codes.get(found.code, 0) + 1
        record.extra["finding_codes"] = dict(sorted(codes.items()))
        record.extra["dns_attempts"] = observations.stats.attempts  # over queries: retries
        record.extra["dns_floor_seconds"] = round(
            bare_seconds(observations.queries, concurrency=64), 3)
    elif name == "destroy":
        level1 = [z.name for z in zones(n, shape) if z.parent == "example.com"]
        doomed = rt.plan_destroy(level1)
        rt.teardown().run(doomed.deletions)
        record.extra["zones_deleted"] = sum(1 for d in doomed.deletions if d.zone_id)
    else:
        raise SystemExit(f"unknown phase {name}")
    record.seconds = time.perf_counter() - started
    if name == "verify":
        record.seconds -= record.extra["dns_floor_seconds"]  # the floor is not verify's
    after = control.calls()
    record.calls = {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}
    record.peak_rss_mb = peak_rss_mb()
    record.extra["cpu_seconds"] = round(cpu_seconds() - cpu_before, 3)
    return record.data(PARENT)


def _diff_total(after: dict[tuple[str, str], int], before: dict[tuple[str, str], int]) -> int:
    return sum(v - before.get(k, 0) for k, v in after.items())


def main() -> None:
    name, n, mode, state_dir, out = (sys.argv[1], int(sys.argv[2]), sys.argv[3],
                                     Path(sys.argv[4]), Path(sys.argv[5]))
    out.write_text(json.dumps(run_phase(name, n, mode, state_dir), sort_keys=True))


if __name__ == "__main__":
    main()

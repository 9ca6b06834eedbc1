"""One benchmark run: N delegations, one rate-limit mode, every phase, in this process.

`python -m bench.run N MODE OUT.json`; MODE is `unlimited` or a rate such as `5`.
The sandbox runs in a background process, so this process's peak RSS is zonecut's.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import baseline, bound
from bench.dns_floor import bare_seconds
from bench.measure import Phase, phase
from bench.org import PARENT_ACCOUNT, config_text, zones
from zonecut.config.loader import load_config_text
from zonecut.runtime import Runtime, Target
from zonecut.sandbox.control import SandboxClient
from zonecut.sandbox.process import down, up
from zonecut.verify import ServerAddress, VerifyPolicy, check, probe_sync

UNLIMITED_CLIENT_RATE = 10000.0


def run(n: int, mode: str) -> dict[str, Any]:
    rate = None if mode == "unlimited" else float(mode)
    client_rate = rate if rate is not None else UNLIMITED_CLIENT_RATE
    cfg = load_config_text(config_text(n, rate_limit=client_rate), "bench.yaml")
    bench_zones = zones(n)
    state_dir = Path(tempfile.mkdtemp(prefix="zonecut-bench-"))
    info = up(state_dir)
    try:
        control = SandboxClient(info)
        if rate is not None:
            control.set_faults(rate_limit=rate)
        target = Target(endpoint_url=info.endpoint_url, sandbox=True)
        phases: list[Phase] = []

        def fresh(purpose: str) -> Runtime:
            return Runtime(cfg, target, purpose=purpose)

        with phase("plan (empty)", control.calls) as p:
            rt = fresh("apply")
            plan = rt.plan()
        phases.append(p)
        with phase("apply", control.calls) as p:
            rt.apply(plan)
        phases.append(p)
        roots = fresh("read").plan()
        for zone in roots.zones:
            if zone.parent is None:
                control.register(zone.name, zone.name_servers)
        info = control.refresh()
        with phase("plan (no change)", control.calls) as p:
            again = fresh("plan").plan()
            p.extra["has_changes"] = again.has_changes
        phases.append(p)
        with phase("verify", control.calls) as p:
            vrt = fresh("verify")
            targets = vrt.verify_targets()
            api_done = time.perf_counter()
            policy = VerifyPolicy(timeout=2.0, retries=1, concurrency=64)
            hints = [ServerAddress(h.name, h.address, h.port) for h in info.root_hints]
            port_map = {s.address: s.port for s in info.servers.values()}
            observations = probe_sync(targets, hints, policy=policy, port_map=port_map)
            findings = check(targets, observations, policy)
            p.dns_queries = observations.stats.queries
            p.extra["dns_seconds"] = round(time.perf_counter() - api_done, 3)
            p.extra["findings"] = len(findings)
        phases.append(p)
        floor = bare_seconds(observations.queries, concurrency=64)
        with phase("destroy", control.calls) as p:
            drt = fresh("destroy")
            level1 = [z.name for z in bench_zones if z.parent == "example.com"]
            doomed = drt.plan_destroy(level1)
            drt.teardown().run(doomed.deletions)
            p.extra["zones_deleted"] = sum(1 for d in doomed.deletions if d.zone_id)
        phases.append(p)

        # Delegating only: child zones exist, the parents hold no NS yet.
        fresh("apply").apply(fresh("apply").plan())
        delegations = _strip_delegations(fresh("read"))
        with phase("zonecut: delegate only", control.calls) as p:
            drt = fresh("apply")
            drt.apply(drt.plan())
        phases.append(p)
        _strip_delegations(fresh("read"))
        with phase("baseline: delegate one at a time", control.calls) as p:
            baseline.run(info.endpoint_url, delegations)
        phases.append(p)
    finally:
        down(state_dir)

    effective = rate if rate is not None else None
    result = {
        "n": n,
        "mode": mode,
        "accounts": len({z.account for z in bench_zones}) + 1,
        "phases": [ph.data(PARENT_ACCOUNT) for ph in phases],
        "dns_floor_seconds": round(floor, 3),
        "bound": {
            "apply_calls_by_account_max": max(bound.apply_calls(bench_zones).values()),
            "plan_calls_by_account_max": max(bound.plan_calls(bench_zones).values()),
            "apply_seconds": (round(bound.seconds(bound.apply_calls(bench_zones), effective), 3)
                              if effective else None),
            "plan_seconds": (round(bound.seconds(bound.plan_calls(bench_zones), effective), 3)
                             if effective else None),
        },
    }
    return result


def _strip_delegations(rt: Runtime) -> list[baseline.Delegation]:
    """Delete every NS delegation from its parent (one batch per parent); return them."""
    state = rt.observe()
    plan = rt.plan(state)
    servers = {z.name: z.name_servers for z in plan.zones}
    zone_ids = {z.name: (z.zone_id, z.account_id) for z in plan.zones}
    found: list[baseline.Delegation] = []
    from zonecut.aws.route53 import RecordChange
    from zonecut.plan.batching import batches, change_cost

    for parent, (zone_id, account) in zone_ids.items():
        assert zone_id is not None
        cuts = [rr for rr in state.rrsets.get(zone_id, ())
                if rr.type == "NS" and rr.name != parent]
        if not cuts:
            continue
        r53 = rt.fleet.route53(account)
        changes = [RecordChange("DELETE", rr) for rr in cuts]
        for batch in batches(changes, [change_cost("DELETE", c.rrset.values) for c in changes]):
            r53.change_rrsets(zone_id, parent, batch, "bench: strip delegations")
        found += [baseline.Delegation(parent, account, rr.name, servers[rr.name])
                  for rr in cuts]
    return sorted(found, key=lambda d: d.child)


def main() -> None:
    n, mode, out = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    result = run(n, mode)
    out.write_text(json.dumps(result, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()

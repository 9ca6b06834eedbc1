"""One benchmark run: N delegations, one rate-limit mode, every phase.

`python -m bench.run N MODE OUT.json`; MODE is `unlimited` or a rate such as `5`.
The sandbox runs in a background process; each zonecut phase runs in a process of its
own (bench/phase.py), as a CLI run would, so its peak RSS is that phase's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import baseline, bound
from bench.measure import phase
from bench.org import PARENT_ACCOUNT, config_text, zones
from zonecut.config.loader import load_config_text
from zonecut.runtime import Runtime, Target
from zonecut.sandbox.control import SandboxClient
from zonecut.sandbox.process import down, up

UNLIMITED_CLIENT_RATE = 10000.0


PHASES = (("plan-empty", "plan (empty)"), ("apply", "apply"),
          ("plan-nochange", "plan (no change)"), ("verify", "verify"),
          ("destroy", "destroy"))


def phase_in_process(name: str, label: str, n: int, mode: str, state_dir: Path) -> dict[str, Any]:
    """One zonecut phase in a process of its own (bench/phase.py), its measures."""
    out = state_dir / f"phase-{name}.json"
    subprocess.run([sys.executable, "-m", "bench.phase", name, str(n), mode, str(state_dir),
                    str(out)], check=True)
    data: dict[str, Any] = json.loads(out.read_text())
    data["name"] = label
    return data


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
        phases = [phase_in_process(name, label, n, mode, state_dir) for name, label in PHASES]

        def fresh(purpose: str) -> Runtime:
            return Runtime(cfg, target, purpose=purpose)

        # Delegating only: child zones exist, the parents hold no NS yet.
        fresh("apply").apply(fresh("apply").plan())
        delegations = _strip_delegations(fresh("read"))
        phases.append(phase_in_process("delegate", "zonecut: delegate only", n, mode, state_dir))
        _strip_delegations(fresh("read"))
        with phase("baseline: delegate one at a time", control.calls) as p:
            baseline.run(info.endpoint_url, delegations)
        phases.append(p.data(PARENT_ACCOUNT))
    finally:
        down(state_dir)

    verify = next(p for p in phases if p["name"] == "verify")
    effective = rate if rate is not None else None
    return {
        "n": n,
        "mode": mode,
        "accounts": len({z.account for z in bench_zones}) + 1,
        "phases": phases,
        "dns_floor_seconds": verify["dns_floor_seconds"],
        "bound": {
            "apply_calls_by_account_max": max(bound.apply_calls(bench_zones).values()),
            "plan_calls_by_account_max": max(bound.plan_calls(bench_zones).values()),
            "apply_seconds": (round(bound.seconds(bound.apply_calls(bench_zones), effective), 3)
                              if effective else None),
            "plan_seconds": (round(bound.seconds(bound.plan_calls(bench_zones), effective), 3)
                             if effective else None),
        },
    }


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

"""One realistic benchmark run: `python -m bench.realistic N SHAPE OUT.json`.

The sandbox runs with Route 53's token buckets, 80 ms per request (jittered) and
changes PENDING 10 s (FaultSettings.realistic()); zonecut's client is given the
documented account bucket (10 per second, burst 50). Each phase runs in a process of
its own (bench/phase.py). The emulator's floor is measured first, on the same
sandbox, then the bound of every phase (bench/critical_path.py) comes from it.
SHAPE: ``spread`` (N/10 child accounts, as bench/run.py), ``ten-accounts`` (N zones
under example.com across 10 child accounts) or ``one-account``.
Right after verify, while the zones are up, the verify peer runs on the same zones:
``dnsviz probe`` from the sandbox's root (bench/dnsviz_peer.py).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import critical_path as cp
from bench import dnsviz_peer, emulator_floor
from bench.measure import provenance
from bench.org import zones
from bench.run import PHASES, phase_in_process
from zonecut.sandbox.control import SandboxClient
from zonecut.sandbox.fault_settings import FaultSettings
from zonecut.sandbox.process import down, up

DNSVIZ_THREADS = 4
"""dnsviz's -t: of 1, 2, 4 and 32 processes, 4 was the quickest on 11 zones here."""


def run(n: int, shape: str) -> dict[str, Any]:
    mode = "realistic" if shape == "spread" else f"realistic-{shape}"
    bench_zones = zones(n, shape)
    settings = FaultSettings.realistic()
    state_dir = Path(tempfile.mkdtemp(prefix="zonecut-bench-"))
    load = [os.getloadavg()[0]]
    info = up(state_dir, timeout=180.0)  # a loaded machine starts moto slowly
    try:
        control = SandboxClient(info)
        floor = emulator_floor.measure(control)
        control.set_faults(settings)
        phases = []
        dnsviz: dict[str, Any] = {}
        for name, label in PHASES:
            phases.append(phase_in_process(name, label, n, mode, state_dir))
            if name == "verify":
                names = ["example.com", *(z.name for z in bench_zones)]
                dnsviz = dnsviz_peer.probe(names, control.refresh().root_hints,
                                           threads=DNSVIZ_THREADS)
                print(f"bench: dnsviz probe of {len(names)} zones: "
                      f"{dnsviz.get('seconds', dnsviz.get('skipped'))}", flush=True)
        load.append(os.getloadavg()[0])
        throttled = sum(count for (_, kind), count in control.faults().items()
                        if kind in ("quota", "rate-limit"))
    finally:
        down(state_dir)
    result = {"n": n, "mode": mode, "shape": shape, "phases": phases, "floor": floor,
              "throttled": throttled, "realistic": settings.to_dict(), "dnsviz": dnsviz,
              "load_average": [round(x, 2) for x in load],
              "accounts": len({z.account for z in bench_zones}) + 1, **provenance()}
    result["bounds"] = bounds(result)
    return result


def bounds(result: dict[str, Any]) -> dict[str, dict[str, float | str | None]]:
    """Each phase's measured seconds, bound and ratio, from a run's data."""
    bench_zones = zones(result["n"], result["shape"])
    settings = FaultSettings.from_dict(result["realistic"])
    floor = result["floor"]
    phases = result["phases"]
    costs = cp.Costs(latency=settings.latency, per_call=floor["per_call_seconds"],
                     pending=settings.pending_seconds,
                     throughput=floor["requests_per_second"])
    by_name = {p["name"]: p for p in phases}
    paths = {
        "plan (empty)": cp.plan_empty_seconds(bench_zones, costs),
        "apply": cp.apply_seconds(bench_zones, costs),
        "plan (no change)": cp.plan_seconds(bench_zones, costs),
        "verify": cp.plan_seconds(bench_zones, costs),
        "destroy": cp.destroy_seconds(bench_zones, costs),
    }
    found: dict[str, dict[str, float | str | None]] = {}
    for label, path in paths.items():
        phase = by_name[label]
        calls = int(phase.get("apply_only_calls", phase["route53_calls"]))
        measured = float(phase.get("apply_only_seconds", phase["seconds"]))
        if label == "verify":  # the API part only ("seconds" is less the DNS floor)
            measured += float(phase["dns_floor_seconds"]) - float(phase["dns_seconds"])
        bound = cp.bounded(path, calls, costs)
        found[label] = {"measured_seconds": round(measured, 3),
                        "bound_seconds": round(bound, 3),
                        "path_seconds": round(path, 3),
                        "bound_by": "emulator" if bound > path else "path",
                        "ratio": round(measured / bound, 3) if bound else None}
    return found

def main() -> None:
    n, shape, out = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    out.write_text(json.dumps(run(n, shape), indent=2, sort_keys=True))


if __name__ == "__main__":
    main()

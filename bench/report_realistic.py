"""Realistic runs -> Markdown: zonecut/bound per phase, the targets met or missed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

TARGET = 1.15
"""apply, destroy and no-change plan: at most 1.15x the bound (issue 17)."""

TARGETED = ("apply", "destroy", "plan (no change)")

WHY = {
    "apply": "zonecut's calls in an account go one after another, each a round trip "
             "(latency plus the emulator's time), and apply makes about 6 calls per new "
             "zone (among them a duplicate check by name after each create) where the "
             "bound counts 3 at the bucket rate; each of the two waits also ends up to "
             "1 s after INSYNC (the poll spacing)",
    "destroy": "the destroy phase includes its own plan (it reads every zone first, as "
               "the no-change plan does), which the bound does not count; where zones "
               "hold nested delegations they are emptied and waited for before they are "
               "deleted: a second PENDING wait",
    "plan (no change)": "a run's fixed costs (sessions; AssumeRole and GetCallerIdentity "
                        "per account: the empty plan shows about 1 s of them) against a "
                        "bound of about 2 s, and an account's reads are round trips in "
                        "sequence",
    "plan (empty)": "a run's fixed costs (sessions, AssumeRole) against one call",
    "verify": "verify's API reads, as the no-change plan's",
}


def _label(r: dict[str, Any]) -> str:
    where = "one account" if r["shape"] == "one-account" else f"{r['accounts'] - 1} accounts"
    return f"N={r['n']}, {where}"


def markdown(results: Sequence[dict[str, Any]]) -> str:
    lines = ["## Realistic mode: zonecut / bound", "",
             "The sandbox as `zonecut sandbox up --realistic`: Route 53's documented token "
             "buckets (account 50, 10/s; CreateHostedZone 40, 2/s; DeleteHostedZone 40, "
             "5/s; others 50, 10/s), 80 ms a request (±25 %), changes PENDING 10 s. "
             "zonecut's client is given the documented account bucket (rate_limit 10, "
             "rate_burst 50). The bound (bench/critical_path.py) is the critical path per "
             "account of the calls a phase needs under those buckets, each call costing "
             "the latency plus the emulator's own time per request measured in the same "
             "run, and each sync wait the PENDING time; or, if larger, all the phase's "
             "calls at the emulator's measured throughput. A lower bound: "
             "ratios at or above 1 are expected. Times were taken on a 2-core machine "
             "shared with other work (README says when); the call counts do not move "
             "with its load.", "",
             "| case | emulator s/request | emulator requests/s | Throttling met | phase | "
             "zonecut s | bound s | zonecut / bound | Route 53 calls |",
             "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |"]
    for r in results:
        calls = {p["name"]: p.get("apply_only_calls", p["route53_calls"]) for p in r["phases"]}
        for label, b in r["bounds"].items():
            ratio = f"{b['ratio']:.2f}x" if b["ratio"] is not None else "n/a"
            lines.append(f"| {_label(r)} | {r['floor']['per_call_seconds']:.4f} | "
                         f"{r['floor']['requests_per_second']:.0f} | {r['throttled']} | "
                         f"{label} | {b['measured_seconds']:.2f} | {b['bound_seconds']:.2f} | "
                         f"{ratio} | {calls[label]} |")
    lines += ["", "### Targets (realistic mode)", "",
              "| target | measured | met | what bounds a miss |", "| --- | --- | --- | --- |"]
    for r in results:
        for label in TARGETED:
            b = r["bounds"][label]
            met = b["ratio"] is not None and b["ratio"] <= TARGET
            lines.append(f"| {label} <= {TARGET}x bound ({_label(r)}) | {b['ratio']:.2f}x | "
                         f"{'yes' if met else 'no'} | {'' if met else WHY[label]} |")
        lines.append(f"| no Throttling met by zonecut ({_label(r)}) | {r['throttled']} | "
                     f"{'yes' if r['throttled'] == 0 else 'no'} | |")
    return "\n".join(lines) + "\n"

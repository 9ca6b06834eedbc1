"""Realistic runs -> Markdown: zonecut/bound per phase, the targets met or missed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

TARGET = 1.15
"""apply, destroy and no-change plan: at most 1.15x the bound (issue 17)."""

TARGETED = ("apply", "destroy", "plan (no change)")

WHY = {
    "apply": "each change is confirmed by its own GetChange once the account's creates "
             "are done (the polling does not overlap them), and apply makes calls the "
             "bound does not count (a duplicate check by name after each create)",
    "destroy": "a zone that still holds records (the nested zones' NS) is emptied and "
               "its change waited for before it is deleted: a second PENDING wait the "
               "bound does not count",
    "plan (no change)": "an account's reads are sequential, each taking the latency plus "
                        "the emulator's time; the bound packs them at the bucket rate",
    "plan (empty)": "a process's fixed costs (sessions, AssumeRole) against one call",
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
             "ratios at or above 1 are expected.", "",
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

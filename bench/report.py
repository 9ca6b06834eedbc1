"""Legacy-mode results (bench/run.py) -> Markdown tables with their targets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _phase(result: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in result["phases"] if p["name"] == name)


def _ratio(a: float, b: float | None) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def targets(results: Sequence[dict[str, Any]]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for the issue's targets; None where not measured."""
    rows: list[tuple[str, str, bool | None]] = []
    for r in sorted(results, key=lambda r: (r["mode"], r["n"])):
        if r["n"] < 100:
            continue  # a fixed two calls (one batch, one wait) dominate below 100
        delegate = _phase(r, "zonecut: delegate only")
        per100 = delegate["parent_account_writes_and_waits"] * 100 / r["n"]
        rows.append((f"parent-account writes and sync waits per 100 new delegations <= 4 "
                     f"(N={r['n']}, {r['mode']})",
                     f"{per100:.1f} ({delegate['parent_account_writes_and_waits']} for "
                     f"{r['n']}; with the plan's reads: "
                     f"{delegate['parent_account_calls']})", per100 <= 4))
    for r in sorted(results, key=lambda r: (r["mode"], r["n"])):
        if r["n"] < 100:
            continue
        if r["mode"] != "unlimited":
            apply = _phase(r, "apply")["apply_only_seconds"]
            plan = _phase(r, "plan (no change)")["seconds"]
            b_apply, b_plan = r["bound"]["apply_seconds"], r["bound"]["plan_seconds"]
            rows.append((f"apply (after its plan) <= 1.25x lower bound (N={r['n']}, "
                         f"{r['mode']}/s)",
                         f"{apply:.1f} s vs {b_apply:.1f} s = {_ratio(apply, b_apply)}",
                         apply <= 1.25 * b_apply))
            rows.append((f"plan, no change <= 1.25x lower bound (N={r['n']}, {r['mode']}/s)",
                         f"{plan:.1f} s vs {b_plan:.1f} s = {_ratio(plan, b_plan)}",
                         plan <= 1.25 * b_plan))
        verify = _phase(r, "verify")
        dns = verify["dns_seconds"]
        rows.append((f"verify DNS <= 2x bare queries (N={r['n']}, {r['mode']})",
                     f"{dns:.2f} s vs {r['dns_floor_seconds']:.2f} s = "
                     f"{_ratio(dns, r['dns_floor_seconds'])} ({verify['dns_queries']} queries)",
                     dns <= 2 * r["dns_floor_seconds"]))
        rss = max(p["peak_rss_mb"] for p in r["phases"]
                  if not p["name"].startswith("baseline"))
        rows.append((f"peak RSS < 300 MB (N={r['n']}, {r['mode']})", f"{rss:.0f} MB", rss < 300))
    return rows


def markdown(results: Sequence[dict[str, Any]], *, kept: bool = False) -> str:
    when = ("kept from the last `make bench` that ran them, as measured then" if kept
            else "measured by this run")
    lines = ["## Legacy modes: rate limit off, and 5/s (bench/run.py)", "",
             f"These tables are {when}: the sandbox without latency or PENDING, its flat "
             "per-account rate limit off or at 5/s. Times in seconds; calls are Route 53 "
             "requests counted by the sandbox; the parent account holds `example.com`.", ""]
    lines += ["| N | rate limit | phase | seconds | Route 53 calls | parent-account calls "
              "| busiest child account | DNS queries | peak RSS MB |",
              "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in sorted(results, key=lambda r: (r["mode"], r["n"])):
        for p in r["phases"]:
            lines.append(f"| {r['n']} | {r['mode']} | {p['name']} | {p['seconds']:.2f} | "
                         f"{p['route53_calls']} | {p['parent_account_calls']} | "
                         f"{p['busiest_child_account_calls']} | {p['dns_queries']} | "
                         f"{p['peak_rss_mb']:.0f} |")
    lines += ["", "### zonecut vs one-at-a-time baseline vs lower bound", "",
              "| N | rate limit | zonecut delegate s | baseline s | baseline / zonecut | "
              "zonecut parent calls | baseline parent calls | apply s (after plan) | "
              "apply bound s | "
              "apply / bound |",
              "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in sorted(results, key=lambda r: (r["mode"], r["n"])):
        z = _phase(r, "zonecut: delegate only")
        b = _phase(r, "baseline: delegate one at a time")
        applied = _phase(r, "apply")
        apply_s = float(applied.get("apply_only_seconds", applied["seconds"]))
        bound = r["bound"]["apply_seconds"]
        lines.append(f"| {r['n']} | {r['mode']} | {z['seconds']:.2f} | {b['seconds']:.2f} | "
                     f"{_ratio(b['seconds'], z['seconds'])} | {z['parent_account_calls']} | "
                     f"{b['parent_account_calls']} | {apply_s:.2f} | "
                     f"{bound if bound is not None else 'n/a'} | {_ratio(apply_s, bound)} |")
    lines += ["", "### Targets (legacy modes)", "", "| target | measured | met |",
              "| --- | --- | --- |"]
    for target, measured, met in targets(results):
        lines.append(f"| {target} | {measured} | {'yes' if met else 'no'} |")
    return "\n".join(lines) + "\n"

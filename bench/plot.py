"""The README's picture (bench/results/scaling.png), log-log against N: realistic-mode
time of each phase against its bound, peak RSS of each phase against the 300 MB target,
and (when the legacy runs are there) zonecut against the one-at-a-time baseline."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

PHASES = ("apply", "plan (no change)", "verify", "destroy")


def _legacy_phase(result: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in result["phases"] if p["name"] == name)


def plot(realistic: Sequence[dict[str, Any]], legacy: Sequence[dict[str, Any]],
         path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = 3 if legacy else 2
    fig, axes = plt.subplots(1, panels, figsize=(5.2 * panels, 4.6))
    times, memory = axes[0], axes[1]
    spread = sorted((r for r in realistic if r["shape"] == "spread"), key=lambda r: r["n"])
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for colour, name in zip(colours, PHASES, strict=False):
        ns = [r["n"] for r in spread]
        times.plot(ns, [r["bounds"][name]["measured_seconds"] for r in spread], "o-",
                   color=colour, label=f"{name}")
        times.plot(ns, [r["bounds"][name]["bound_seconds"] for r in spread], "x--",
                   color=colour, label=f"{name}: bound")
        memory.plot(ns, [next(p["peak_rss_mb"] for p in r["phases"] if p["name"] == name)
                         for r in spread], "o-", color=colour, label=name)
    memory.axhline(300, color="grey", linestyle=":", label="300 MB target")
    times.set_title("Realistic mode: zonecut (solid) vs bound (dashed)")
    memory.set_title("Realistic mode: peak RSS per phase")
    axis_units = [(times, "seconds"), (memory, "MB")]
    if legacy:
        right = axes[2]
        for mode in sorted({r["mode"] for r in legacy}):
            runs = sorted((r for r in legacy if r["mode"] == mode), key=lambda r: r["n"])
            ns = [r["n"] for r in runs]
            text = "no rate limit" if mode == "unlimited" else f"{mode}/s"
            right.plot(ns, [_legacy_phase(r, "zonecut: delegate only")["seconds"]
                            for r in runs], "o-", label=f"zonecut ({text})")
            right.plot(ns, [_legacy_phase(r, "baseline: delegate one at a time")["seconds"]
                            for r in runs], "s--", label=f"one at a time ({text})")
        right.set_title("Legacy modes: delegate N zones")
        axis_units.append((right, "seconds"))
    for axis, unit in axis_units:
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("zones (N)")
        axis.set_ylabel(unit)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)

"""Drawing the benchmark organisation: `python -m bench.graph [--sizes 1000] [--out DIR]`.

Each size runs in a process of its own (so peak RSS is that run's): the graph is built
from verify targets and findings for bench/org.py's tree (one in a hundred delegations
dangling, so some zones must stay drawn), then laid out and rendered in every format
(SVG, PNG, HTML report, DOT, Mermaid, JSON). No sandbox, no DNS: this measures drawing.
The memory target is the bench's: peak RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.measure import peak_rss_mb
from bench.org import PARENT_ACCOUNT, zones

RSS_TARGET_MB = 300.0
RESULTS = Path(__file__).resolve().parent / "results"


def targets_and_findings(n: int) -> tuple[list[Any], list[Any]]:
    from zonecut.state import HostedZone, RRSet
    from zonecut.verify.findings import finding
    from zonecut.verify.targets import DelegationTarget

    def servers(i: int) -> tuple[str, ...]:
        return tuple(f"ns-{(i * 4 + k) % 2048}.awsdns-{k:02d}.{tld}"
                     for k, tld in enumerate(("com", "net", "org", "co.uk")))

    apex = HostedZone("ZAPEX", "example.com", PARENT_ACCOUNT, servers(0))
    found = [DelegationTarget("example.com", None, PARENT_ACCOUNT, None, apex, None, None)]
    findings = []
    for i, zone in enumerate(zones(n), start=1):
        own = servers(i)
        gone = i % 100 == 50
        hosted = None if gone else HostedZone(f"Z{i:012d}", zone.name, zone.account, own)
        found.append(DelegationTarget(zone.name, zone.parent, zone.account, None, hosted,
                                      None, RRSet(zone.name, "NS", 3600, tuple(sorted(own)))))
        if gone:
            findings.append(finding("DANGLING_DELEGATION", zone.name, "the zone is gone"))
    return found, findings


def run(n: int) -> dict[str, Any]:
    """Build, lay out and render ``n`` delegations; time each step."""
    started = time.perf_counter()
    from zonecut.graph import (
        from_verify,
        layout,
        render_html,
        render_svg,
        svg_to_png,
        to_dot,
        to_json_text,
        to_mermaid,
    )
    imported = time.perf_counter()
    targets, findings = targets_and_findings(n)
    steps: dict[str, float] = {}
    sizes: dict[str, int] = {}

    def step(name: str, action: Any) -> Any:
        began = time.perf_counter()
        result = action()
        steps[name] = round(time.perf_counter() - began, 3)
        if isinstance(result, str | bytes):
            sizes[name] = len(result)
        return result

    graph = step("graph", lambda: from_verify(targets, findings, title=f"{n} delegations"))
    placed = step("layout", lambda: layout(graph))
    svg = step("svg", lambda: render_svg(graph, placed))
    step("png", lambda: svg_to_png(svg))
    step("html", lambda: render_html(graph))
    step("dot", lambda: to_dot(graph))
    step("mermaid", lambda: to_mermaid(graph))
    step("json", lambda: to_json_text(graph))
    total = time.perf_counter() - imported
    rss = peak_rss_mb()
    return {
        "n": n, "nodes": len(graph.nodes), "edges": len(graph.edges),
        "boxes_drawn": len(placed.boxes), "zones_folded": placed.hidden,
        "picture_px": [round(placed.width), round(placed.height)],
        "import_seconds": round(imported - started, 3), "render_seconds": round(total, 3),
        "steps_seconds": steps, "bytes": sizes, "peak_rss_mb": round(rss, 1),
        "rss_target_mb": RSS_TARGET_MB, "rss_met": rss < RSS_TARGET_MB,
    }


def line(result: dict[str, Any]) -> str:
    met = "met " if result["rss_met"] else "MISS"
    return (f"{met}  graph of {result['n']} delegations: {result['render_seconds']:.2f} s "
            f"(all formats; import {result['import_seconds']:.2f} s), peak RSS "
            f"{result['peak_rss_mb']:.0f} MB < {RSS_TARGET_MB:.0f} MB; "
            f"{result['boxes_drawn']} boxes drawn, {result['zones_folded']} zones folded, "
            f"{result['picture_px'][0]}x{result['picture_px'][1]} px")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.graph")
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run(args.one)))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    results = []
    for n in (int(x) for x in args.sizes.split(",")):
        done = subprocess.run([sys.executable, "-m", "bench.graph", "--one", str(n)],
                              check=True, capture_output=True, text=True)
        result = json.loads(done.stdout)
        results.append(result)
        print(line(result), flush=True)
    (args.out / "graph.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"bench: wrote {args.out / 'graph.json'}")


if __name__ == "__main__":
    main()

"""`python -m bench [--realistic CASES|none] [--audit ACCOUNTS|none]
[--modes unlimited,5|none] [--sizes 10,100,1000] [--out DIR]`.

In order, every run in a process of its own (so peak RSS is that run's): the realistic
cases (bench/realistic.py, each N:SHAPE; dnsviz as verify's peer), the audit of many
accounts (bench/audit_case.py), the legacy-mode runs (bench/run.py), then the tables
(RESULTS.md), the plot (scaling.png) and the targets met or missed, then the drawing
benchmark (bench/graph.py) with the legacy runs.

A case given is measured again and its JSON replaced; the report is made from every
result file in ``--out`` (the bounds computed again by the code as it is), so
``--realistic 10:spread --audit none --modes none`` re-measures one small case and keeps
the rest. ``none`` measures nothing of that kind.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench import readme
from bench.audit_case import bound as audit_bound
from bench.plot import plot
from bench.realistic import bounds as realistic_bounds
from bench.report import markdown as legacy_markdown
from bench.report import targets as legacy_targets
from bench.report_realistic import markdown as realistic_markdown
from bench.report_realistic import targets as realistic_targets
from zonecut.sandbox.fault_settings import FaultSettings

RESULTS = Path(__file__).resolve().parent / "results"
REALISTIC = "10:spread,100:spread,1000:spread,1000:ten-accounts,500:one-account"
SHAPES = {"spread": 0, "ten-accounts": 1, "one-account": 2}


def _run(command: list[str]) -> None:
    subprocess.run([sys.executable, "-m", *command], check=True)


def realistic_results(out: Path) -> list[dict[str, Any]]:
    found = []
    for path in out.glob("realistic-*.json"):
        run = json.loads(path.read_text())
        run["bounds"] = realistic_bounds(run)  # the bound as bench/ computes it now
        found.append(run)
    return sorted(found, key=lambda r: (SHAPES.get(r["shape"], 9), r["n"]))


def audit_results(out: Path) -> list[dict[str, Any]]:
    found = []
    for path in out.glob("audit-*.json"):
        run = json.loads(path.read_text())
        run["bound"] = audit_bound(run["case"], run["floor"],
                                   FaultSettings.from_dict(run["realistic"]),
                                   run["parallel"], run["requests"])
        run["ratio"] = round(run["audit"]["seconds"] / run["bound"]["bound_seconds"], 3)
        found.append(run)
    return sorted(found, key=lambda r: int(r["case"]["accounts"]))


def header(args: argparse.Namespace) -> str:
    return "\n".join([
        "# Benchmark results", "",
        "Made by `make bench` (`python -m bench`; this file, `scaling.png` and the JSON "
        "beside them) on the sandbox: moto server in a background process, DNS on "
        "loopback, on the project's 2-core machine shared with other work. Re-measure "
        "everything with `make bench`; only the realistic cases and the audit (keeping "
        "the legacy tables) with `make bench BENCH_ARGS=\"--modes none\"`; one small case "
        "with `make bench BENCH_ARGS=\"--realistic 10:spread --audit none --modes none\"`.",
        "", f"This report: `python -m bench {' '.join(sys.argv[1:])}`, from the result "
        "files in this directory; each holds its own measurement (when, and the load "
        "average, where recorded).", ""])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--realistic", default=REALISTIC,
                        help="realistic runs N:SHAPE (spread, ten-accounts, one-account), "
                        "comma separated, or none")
    parser.add_argument("--audit", default="60,1000",
                        help="audit runs: member accounts, comma separated, or none")
    parser.add_argument("--modes", default="unlimited,5",
                        help="legacy runs: `unlimited` and/or sandbox rate limits per "
                        "account (req/s), or none (keep the last)")
    parser.add_argument("--sizes", default="10,100,1000", help="N of the legacy runs")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for case in ([] if args.realistic == "none" else args.realistic.split(",")):
        n, shape = case.split(":")
        print(f"bench: realistic N={n} {shape} ...", flush=True)
        _run(["bench.realistic", n, shape, str(args.out / f"realistic-{n}-{shape}.json")])
    for accounts in ([] if args.audit == "none" else args.audit.split(",")):
        print(f"bench: audit of {accounts} accounts ...", flush=True)
        _run(["bench.audit_case", accounts, str(args.out / f"audit-{accounts}.json")])
    legacy: list[dict[str, Any]] = []
    summary = args.out / "summary.json"
    if args.modes == "none":  # keep the last legacy runs as they were measured
        legacy = json.loads(summary.read_text()) if summary.exists() else []
    for mode in [] if args.modes == "none" else args.modes.split(","):
        for n in (int(x) for x in args.sizes.split(",")):
            out = args.out / f"run-{n}-{mode}.json"
            print(f"bench: N={n} rate limit={mode} ...", flush=True)
            _run(["bench.run", str(n), mode, str(out)])
            legacy.append(json.loads(out.read_text()))
    if args.modes != "none":
        summary.write_text(json.dumps(legacy, indent=2, sort_keys=True))
    realistic, audits = realistic_results(args.out), audit_results(args.out)
    text = header(args)
    if realistic or audits:
        text += "\n" + realistic_markdown(realistic, audits)
    if legacy:
        text += "\n" + legacy_markdown(legacy, kept=args.modes == "none")
    (args.out / "RESULTS.md").write_text(text)
    if any(r["shape"] == "spread" for r in realistic):
        plot(realistic, legacy, args.out / "scaling.png")
    rows = realistic_targets(realistic, audits)
    if args.out.resolve() == RESULTS and readme.update(RESULTS.parents[1] / "README.md", rows):
        print("bench: wrote the targets table in README.md")
    for target, measured, met, _ in rows:
        print(f"{'met ' if met else 'MISS'}  {target}: {measured}")
    for target, measured, legacy_met in legacy_targets(legacy):
        print(f"{'met ' if legacy_met else 'MISS'}  {target}: {measured}")
    print(f"bench: wrote {args.out / 'RESULTS.md'} and (with realistic spread runs) "
          f"{args.out / 'scaling.png'}")
    if args.modes == "none":
        return  # the drawing benchmark goes with the legacy runs
    # Drawing the tree (no sandbox): time and peak RSS of the picture, per size.
    _run(["bench.graph", "--sizes", args.sizes, "--out", str(args.out)])


if __name__ == "__main__":
    main()

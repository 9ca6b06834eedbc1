"""`python -m bench [--sizes 10,100,1000] [--modes unlimited,5]`: every run in its own
process (so peak RSS is that run's), then the table and the plot, then the drawing
benchmark (bench/graph.py: the picture of each size, in every format)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from bench.report import markdown, plot, targets

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--modes", default="unlimited,5",
                        help="`unlimited` and/or sandbox rate limits per account (req/s)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results = []
    for mode in args.modes.split(","):
        for n in (int(x) for x in args.sizes.split(",")):
            out = args.out / f"run-{n}-{mode}.json"
            print(f"bench: N={n} rate limit={mode} ...", flush=True)
            subprocess.run([sys.executable, "-m", "bench.run", str(n), mode, str(out)],
                           check=True)
            results.append(json.loads(out.read_text()))
    (args.out / "summary.json").write_text(json.dumps(results, indent=2, sort_keys=True))
    (args.out / "RESULTS.md").write_text(markdown(results))
    plot(results, args.out / "scaling.png")
    for target, measured, met in targets(results):
        print(f"{'met ' if met else 'MISS'}  {target}: {measured}")
    print(f"bench: wrote {args.out / 'RESULTS.md'} and {args.out / 'scaling.png'}")
    # Drawing the tree (no sandbox): time and peak RSS of the picture, per size.
    subprocess.run([sys.executable, "-m", "bench.graph", "--sizes", args.sizes,
                    "--out", str(args.out)], check=True)


if __name__ == "__main__":
    main()

"""Linear in N? A least-squares line through (log N, log y): its slope is the exponent.

y ~ c * N^k; k near 1 is linear, below 1 a fixed cost still dominates (a sync wait, a
process's start), above 1 something grows faster than the work. With fixed costs in
every phase, an exponent over only small N understates the growth at large N: the
slope between the two largest N is reported too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

LINEAR_AT_MOST = 1.15
"""The exponent (over all N, and between the two largest) a phase may reach and still
count as linear: measuring noise on a shared machine moves a slope by about 0.1."""


@dataclass(frozen=True)
class Fit:
    exponent: float
    last_exponent: float  # between the two largest N
    points: int

    @property
    def linear(self) -> bool:
        return max(self.exponent, self.last_exponent) <= LINEAR_AT_MOST


def loglog(ns: Sequence[float], ys: Sequence[float]) -> Fit | None:
    """The least-squares exponent through the points (None below two usable points)."""
    pairs = sorted((float(n), float(y)) for n, y in zip(ns, ys, strict=True) if n > 0 and y > 0)
    if len({n for n, _ in pairs}) < 2:
        return None
    xs = [math.log(n) for n, _ in pairs]
    ls = [math.log(y) for _, y in pairs]
    mx, my = sum(xs) / len(xs), sum(ls) / len(ls)
    slope = (sum((x - mx) * (y - my) for x, y in zip(xs, ls, strict=True))
             / sum((x - mx) ** 2 for x in xs))
    (n1, y1), (n2, y2) = pairs[-2], pairs[-1]
    last = math.log(y2 / y1) / math.log(n2 / n1) if n2 != n1 else slope
    return Fit(round(slope, 3), round(last, 3), len(pairs))


def phase_fits(runs: Sequence[dict[str, Any]]) -> dict[str, dict[str, Fit | None]]:
    """Per phase of a set of realistic runs (one shape, several N): the time and the peak
    RSS exponents. Time is the phase's measured seconds as the bound compares them."""
    by_n = sorted(runs, key=lambda r: r["n"])
    labels = list(by_n[0]["bounds"]) if by_n else []
    fits: dict[str, dict[str, Fit | None]] = {}
    for label in labels:
        ns = [r["n"] for r in by_n]
        seconds = [r["bounds"][label]["measured_seconds"] for r in by_n]
        rss = [next(p["peak_rss_mb"] for p in r["phases"] if p["name"] == label)
               for r in by_n]
        fits[label] = {"seconds": loglog(ns, seconds), "peak_rss_mb": loglog(ns, rss)}
    return fits

"""bench/fit.py: the exponent the bench prints is the slope of log y against log N."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.fit import LINEAR_AT_MOST, loglog, phase_fits

NS = st.lists(st.integers(min_value=1, max_value=100_000), min_size=2, max_size=6,
              unique=True)


@given(NS, st.floats(min_value=-1.0, max_value=3.0), st.floats(min_value=1e-3, max_value=1e3))
def test_a_power_law_gives_its_exponent(ns: list[int], k: float, c: float) -> None:
    fit = loglog(ns, [c * n**k for n in ns])
    assert fit is not None
    assert fit.exponent == pytest.approx(k, abs=2e-3)
    assert fit.last_exponent == pytest.approx(k, abs=2e-3)
    assert fit.points == len(ns)
    assert fit.linear is (k <= LINEAR_AT_MOST - 2e-3) or abs(k - LINEAR_AT_MOST) < 2e-3


def test_a_fixed_cost_hides_growth_only_at_small_n() -> None:
    """10 s fixed plus 0.1 s a zone: flat over small N, steep between the largest."""
    ns = [10, 100, 1000, 10_000]
    fit = loglog(ns, [10 + 0.1 * n for n in ns])
    assert fit is not None
    assert fit.exponent < 0.8
    assert fit.last_exponent == pytest.approx(math.log(1010 / 110) / math.log(10), abs=1e-3)


def test_superlinear_growth_is_not_linear() -> None:
    ns = [10, 100, 1000]
    fit = loglog(ns, [n**1.5 for n in ns])
    assert fit is not None and not fit.linear


@pytest.mark.parametrize("ns, ys", [([100], [1.0]), ([100, 100], [1.0, 2.0]),
                                    ([10, 100], [0.0, 1.0])])
def test_fewer_than_two_usable_points_give_no_fit(ns: list[int], ys: list[float]) -> None:
    assert loglog(ns, ys) is None


def test_phase_fits_read_each_phase_of_each_run() -> None:
    def run(n: int) -> dict[str, object]:
        return {"n": n,
                "bounds": {"apply": {"measured_seconds": 0.5 * n}},
                "phases": [{"name": "apply", "peak_rss_mb": 80 + n / 10}]}

    fits = phase_fits([run(1000), run(10), run(100)])
    seconds, rss = fits["apply"]["seconds"], fits["apply"]["peak_rss_mb"]
    assert seconds is not None and seconds.exponent == pytest.approx(1.0)
    assert rss is not None and 0 < rss.exponent < 0.2  # the interpreter's fixed 80 MB

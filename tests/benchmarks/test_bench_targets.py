"""The bench's verdicts: what counts as met, and the bounds it measures against."""

from __future__ import annotations

from typing import Any

import pytest

from bench.audit_case import bound as audit_bound
from bench.audit_case import members
from bench.org import zones
from bench.report_realistic import targets
from zonecut.sandbox.fault_settings import FaultSettings

FLOOR = {"per_call_seconds": 0.01, "requests_per_second": 100.0}


def _run(ratio: float, *, n: int = 1000, dns: float = 10.0, floor: float = 8.0,
         dnsviz: dict[str, Any] | None = None, rss: float = 150.0) -> dict[str, Any]:
    names = ("plan (empty)", "apply", "plan (no change)", "verify", "destroy")
    phases = [{"name": name, "route53_calls": 100, "peak_rss_mb": rss} for name in names]
    phases[3].update(dns_seconds=dns, dns_floor_seconds=floor, dns_queries=5000)
    return {"n": n, "shape": "spread", "accounts": n // 10 + 1, "throttled": 0,
            "floor": FLOOR, "phases": phases, "dnsviz": dnsviz or {"seconds": 60.0},
            "bounds": {name: {"measured_seconds": 10.0 * ratio, "bound_seconds": 10.0,
                              "ratio": ratio, "bound_by": "path"} for name in names}}


def _verdicts(rows: list[tuple[str, str, bool, str]]) -> dict[str, tuple[bool, str]]:
    return {target: (met, why) for target, _, met, why in rows}


def test_at_the_target_is_met_and_beyond_it_a_miss_says_what_bounds_it() -> None:
    met = _verdicts(targets([_run(1.15)], []))
    assert met["apply <= 1.15x bound (N=1000, 100 accounts)"] == (True, "")
    missed = _verdicts(targets([_run(1.16)], []))
    ok, why = missed["apply <= 1.15x bound (N=1000, 100 accounts)"]
    assert not ok and why


def test_verify_against_the_floor_and_dnsviz() -> None:
    rows = _verdicts(targets([_run(1.0, dns=10.0, floor=8.0, dnsviz={"seconds": 50.0})], []))
    assert rows["verify <= 1.25x the bare-query floor (N=1000, 100 accounts)"][0]
    assert rows["verify >= 5x faster than dnsviz (N=1000, 100 accounts)"][0]
    rows = _verdicts(targets([_run(1.0, dns=10.1, floor=8.0, dnsviz={"seconds": 50.0})], []))
    assert not rows["verify <= 1.25x the bare-query floor (N=1000, 100 accounts)"][0]
    assert not rows["verify >= 5x faster than dnsviz (N=1000, 100 accounts)"][0]


def test_a_skipped_peer_is_reported_as_not_met_with_its_reason() -> None:
    reason = "dnsviz is not installed and there is no apt-get to install it"
    rows = _verdicts(targets([_run(1.0, dnsviz={"skipped": reason})], []))
    assert rows["verify >= 5x faster than dnsviz (N=1000, 100 accounts)"] == (False, reason)


def test_peak_rss_target_is_every_phase_at_n_1000() -> None:
    assert not _verdicts(targets([_run(1.0, rss=300.0)], []))[
        "peak RSS < 300 MB, every phase (N=1000, 100 accounts)"][0]
    assert not any(t.startswith("peak RSS") for t, *_ in targets([_run(1.0, n=100)], []))


@pytest.mark.parametrize("accounts", [10, 100, 1000])
def test_the_audit_bound_is_accounts_times_calls_over_parallelism(accounts: int) -> None:
    settings = FaultSettings.realistic()
    one = audit_bound({"accounts": accounts}, FLOOR, settings, 1, requests=0)
    eight = audit_bound({"accounts": accounts}, FLOOR, settings, 8, requests=0)
    listed = members(accounts)
    calls = len(listed) + 1 + sum(2 * m.zones for m in listed)
    assert one["route53_calls_needed"] == calls
    assert one["call_seconds"] == pytest.approx(0.1)  # 10/s spacing beats 80 ms + 10 ms
    pages = one["list_pages"] * FLOOR["per_call_seconds"]
    assert one["path_seconds"] - pages == pytest.approx(
        8 * (eight["path_seconds"] - pages), rel=1e-3)
    flooded = audit_bound({"accounts": accounts}, FLOOR, settings, 8, requests=10**6)
    assert flooded["bound_seconds"] == flooded["throughput_seconds"] == pytest.approx(
        1e4, rel=1e-3)
    listed_slowly = audit_bound({"accounts": accounts, "list_accounts_bare_seconds": 46.0},
                                FLOOR, settings, 8, requests=0)
    assert listed_slowly["path_seconds"] == pytest.approx(
        eight["path_seconds"] - pages + 46.0, abs=1e-3)
    assert listed_slowly["reads_bound_seconds"] == pytest.approx(
        eight["path_seconds"] - pages, abs=1e-3)


def test_the_audit_organisation_has_its_strays() -> None:
    listed = members(1000)
    assert sum(m.orphan for m in listed) == 99 and sum(m.dangling for m in listed) == 20
    assert listed[0].zones == 1 and listed[25].zones == 1 and listed[10].zones == 3


def test_bench_shapes() -> None:
    ten = zones(1000, "ten-accounts")
    assert len({z.account for z in ten}) == 10 and {z.parent for z in ten} == {"example.com"}
    assert len({z.account for z in zones(1000)}) == 100
    with pytest.raises(ValueError, match="unknown bench shape"):
        zones(10, "two-accounts")


def test_a_miss_that_rounds_onto_the_target_is_shown_with_three_decimals() -> None:
    rows = {target: (measured, met) for target, measured, met, _ in targets([_run(1.153)], [])}
    measured, met = rows["apply <= 1.15x bound (N=1000, 100 accounts)"]
    assert not met and measured.endswith("= 1.153x")
    measured, met = rows["destroy <= 1.15x bound (N=1000, 100 accounts)"]
    assert (measured, met) == ("11.5 s vs 10.0 s = 1.153x", False)
    met_rows = {t: m for t, m, _, _ in targets([_run(1.12)], [])}
    assert met_rows["apply <= 1.15x bound (N=1000, 100 accounts)"].endswith("= 1.12x")

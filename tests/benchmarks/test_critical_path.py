"""The realistic bound's waves: a wave's sync wait starts only once the one emulator has
served every write the wave waits for."""

from __future__ import annotations

from bench import critical_path as cp
from bench.org import zones


def _costs(throughput: float) -> cp.Costs:
    return cp.Costs(latency=0.08, per_call=0.01, pending=10.0, throughput=throughput)


def test_a_slow_emulator_lengthens_each_wave_by_the_writes_it_serves_first() -> None:
    tree = zones(100)
    fast, slow = cp.apply_seconds(tree, _costs(1e9)), cp.apply_seconds(tree, _costs(50.0))
    # 101 creates, then 11 NS batches (one per parent zone), each at 50 a second
    assert slow >= 101 / 50 + 11 / 50 + 2 * 10.0
    assert slow > fast >= 2 * 10.0


def test_destroy_deletes_no_faster_than_the_emulator_serves_them() -> None:
    tree = zones(100)
    assert cp.destroy_seconds(tree, _costs(20.0)) >= 11 / 20 + 10.0 + 100 / 20


def test_a_fast_emulator_leaves_the_buckets_and_the_waits_as_the_bound() -> None:
    tree = zones(1000)
    bound = cp.apply_seconds(tree, _costs(1e9))
    # one account of ten zones: within every burst; two waits and a few round trips
    assert 2 * 10.0 < bound < 2 * 10.0 + 2.0

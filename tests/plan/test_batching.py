from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zonecut.plan.batching import MAX_RECORDS, MAX_VALUE_CHARS, batches, change_cost


def test_upsert_counts_twice() -> None:
    assert change_cost("CREATE", ["ns-1.awsdns-01.com."]) == (1, 19)
    assert change_cost("UPSERT", ["ns-1.awsdns-01.com."]) == (2, 38)


def test_fifty_delegations_fit_one_batch() -> None:
    values = [f"ns-{i}.awsdns-{i % 64:02d}.com." for i in range(4)]
    items = list(range(50))
    cost = [change_cost("CREATE", values) for _ in items]
    assert batches(items, cost) == [items]


def test_record_limit_splits() -> None:
    values = ["a" * 10] * 4
    items = list(range(300))  # 1,200 records
    groups = batches(items, [change_cost("CREATE", values) for _ in items])
    assert [len(g) for g in groups] == [250, 50]


def test_upsert_halves_capacity() -> None:
    values = ["a" * 10] * 4
    items = list(range(300))
    groups = batches(items, [change_cost("UPSERT", values) for _ in items])
    assert [len(g) for g in groups] == [125, 125, 50]


def test_character_limit_splits() -> None:
    values = ["x" * 250] * 4  # 1,000 characters a change
    items = list(range(40))
    groups = batches(items, [change_cost("CREATE", values) for _ in items])
    assert [len(g) for g in groups] == [32, 8]


def test_single_change_over_limit_is_refused() -> None:
    with pytest.raises(ValueError):
        batches([1], [(MAX_RECORDS + 1, 10)])


@given(st.lists(st.tuples(st.integers(1, 8), st.integers(1, 2000)), max_size=300))
def test_batches_keep_order_and_limits(costs: list[tuple[int, int]]) -> None:
    items = list(range(len(costs)))
    groups = batches(items, costs)
    assert [i for g in groups for i in g] == items
    for group in groups:
        assert sum(costs[i][0] for i in group) <= MAX_RECORDS
        assert sum(costs[i][1] for i in group) <= MAX_VALUE_CHARS
    # greedy packing: the first item of each next batch would not have fitted
    for current, following in itertools.pairwise(groups):
        records = sum(costs[i][0] for i in current) + costs[following[0]][0]
        chars = sum(costs[i][1] for i in current) + costs[following[0]][1]
        assert records > MAX_RECORDS or chars > MAX_VALUE_CHARS

"""Split record changes into ChangeResourceRecordSets batches within Route 53's limits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

MAX_RECORDS = 1000
MAX_VALUE_CHARS = 32000

T = TypeVar("T")


def change_cost(action: str, values: Sequence[str]) -> tuple[int, int]:
    """(ResourceRecord elements, value characters) one change counts; UPSERT counts twice."""
    factor = 2 if action == "UPSERT" else 1
    return factor * len(values), factor * sum(len(v) for v in values)


def batches(
    items: Sequence[T],
    cost: Sequence[tuple[int, int]],
    *,
    max_records: int = MAX_RECORDS,
    max_chars: int = MAX_VALUE_CHARS,
) -> list[list[T]]:
    """Greedy, order-keeping packing: as few batches as the limits allow for this order.

    ``cost[i]`` is ``change_cost`` of ``items[i]``. A single change over a limit is
    refused with ValueError (Route 53 would reject it whole).
    """
    if len(items) != len(cost):
        raise ValueError("items and cost differ in length")
    result: list[list[T]] = []
    current: list[T] = []
    records = chars = 0
    for item, (n, c) in zip(items, cost, strict=True):
        if n > max_records or c > max_chars:
            raise ValueError(f"one change needs {n} records / {c} characters: over the limit")
        if current and (records + n > max_records or chars + c > max_chars):
            result.append(current)
            current, records, chars = [], 0, 0
        current.append(item)
        records += n
        chars += c
    if current:
        result.append(current)
    return result

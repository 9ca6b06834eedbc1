"""Counts of AWS API calls (HTTP requests, retries included) per account and operation."""

from __future__ import annotations

import threading
from collections import Counter


class CallCounter:
    """Thread-safe counts of API calls (HTTP requests) per (account, operation)."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def add(self, account_id: str, operation: str) -> None:
        with self._lock:
            self._counts[(account_id, operation)] += 1

    def snapshot(self) -> dict[tuple[str, str], int]:
        with self._lock:
            return dict(self._counts)

    def total(self, account_id: str | None = None, operation: str | None = None) -> int:
        with self._lock:
            return sum(
                n for (acc, op), n in self._counts.items()
                if (account_id is None or acc == account_id)
                and (operation is None or op == operation)
            )

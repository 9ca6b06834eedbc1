"""Run one job per account, a bounded number at a time; first error wins."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def per_account(jobs: Mapping[str, Callable[[], T]], max_workers: int) -> dict[str, T]:
    """Run ``jobs`` (account id -> job) concurrently; return results by account.

    Every job runs to its end even when another fails, so no account is left half
    way by a sibling's error; then the first error (in account order) is raised.
    """
    if not jobs:
        return {}
    results: dict[str, T] = {}
    errors: dict[str, BaseException] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(jobs)))) as pool:
        futures = {account: pool.submit(job) for account, job in jobs.items()}
        for account, future in futures.items():
            try:
                results[account] = future.result()
            except BaseException as exc:  # re-raised below, after every job ended
                errors[account] = exc
    if errors:
        first = sorted(errors)[0]
        raise errors[first]
    return results

"""Run one job per account, a bounded number at a time; first error wins. Within an
account, independent calls (one zone's reads, one zone's creation) go through
:func:`each`, :data:`IN_ACCOUNT` at a time."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TypeVar

from zonecut.aws.limiter import IN_FLIGHT

T = TypeVar("T")
U = TypeVar("U")

IN_ACCOUNT = IN_FLIGHT
"""Calls of one account at once: as many as the account's limiter lets be in flight
(:data:`zonecut.aws.limiter.IN_FLIGHT`, 8; it holds that many tokens of each bucket in
reserve, so requests that reach Route 53 late and bunched still find their tokens).
Route 53's account bucket holds 50 and refills 10 a second: with a round trip of about
0.1 s, 8 at once reach the bucket's rate, where one at a time reach a tenth of it."""


def _run_all(jobs: Mapping[str, Callable[[], T]], workers: int) -> dict[str, T]:
    """Every job runs to its end even when another fails, so nothing is left half way
    by a sibling's error; then the first error (in key order) is raised."""
    if not jobs:
        return {}
    results: dict[str, T] = {}
    errors: dict[str, BaseException] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs)))) as pool:
        futures = {key: pool.submit(job) for key, job in jobs.items()}
        for key, future in futures.items():
            try:
                results[key] = future.result()
            except BaseException as exc:  # re-raised below, after every job ended
                errors[key] = exc
    if errors:
        first = sorted(errors)[0]
        raise errors[first]
    return results


def per_account(jobs: Mapping[str, Callable[[], T]], max_workers: int) -> dict[str, T]:
    """Run ``jobs`` (account id -> job) concurrently; return results by account.

    Every job runs to its end even when another fails, so no account is left half
    way by a sibling's error; then the first error (in account order) is raised.
    """
    return _run_all(jobs, max_workers)


def each(items: Sequence[T], job: Callable[[T], U], workers: int = IN_ACCOUNT) -> list[U]:
    """``job`` of every item, up to ``workers`` at once; results in the items' order.
    Every item runs to its end even when another fails; then the first error (in the
    items' order) is raised. One item (or ``workers`` 1) runs in the calling thread."""
    if len(items) <= 1 or workers <= 1:
        return [job(item) for item in items]
    keyed = {f"{i:09d}": partial(job, item) for i, item in enumerate(items)}
    found = _run_all(keyed, workers)
    return [found[key] for key in sorted(found)]

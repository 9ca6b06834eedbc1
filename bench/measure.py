"""Measuring one phase: wall time, API calls by operation and account, peak RSS."""

from __future__ import annotations

import resource
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PARENT = "111111111111"
STS_OPERATIONS = frozenset({"AssumeRole", "GetCallerIdentity", "GetSessionToken"})


def provenance() -> dict[str, str]:
    """When a run was measured and which commit of the project it measured (with
    ``+changes`` when the code in the work tree, ``src`` and ``bench`` but not the
    results the bench writes, differed from it), so a table mixing runs says which code
    each row shows."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "bench",
                                ":(exclude)bench/results"],
                               cwd=root, capture_output=True, text=True,
                               check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = "unknown", ""
    return {"measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": commit + ("+changes" if dirty else "")}


def cpu_seconds() -> float:
    """CPU this process has used so far (user and system): set against a phase's wall
    time, it says how much of that time the process itself was computing."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    calls: dict[tuple[str, str], int] = field(default_factory=dict)
    dns_queries: int = 0
    peak_rss_mb: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def total_calls(self, account: str | None = None, route53_only: bool = True) -> int:
        return sum(n for (acc, op), n in self.calls.items()
                   if (account is None or acc == account)
                   and (not route53_only or op not in STS_OPERATIONS))

    def data(self, parent_account: str) -> dict[str, Any]:
        by_op: dict[str, int] = {}
        by_account: dict[str, int] = {}
        for (acc, op), n in self.calls.items():
            by_op[op] = by_op.get(op, 0) + n
            if op not in STS_OPERATIONS:
                by_account[acc] = by_account.get(acc, 0) + n
        return {
            "name": self.name,
            "seconds": round(self.seconds, 3),
            "route53_calls": self.total_calls(),
            "parent_account_calls": self.total_calls(parent_account),
            "parent_account_writes_and_waits": sum(
                n for (acc, op), n in self.calls.items() if acc == parent_account
                and op in ("ChangeResourceRecordSets", "GetChange")),
            "calls_by_operation": dict(sorted(by_op.items())),
            "calls_by_account": dict(sorted(by_account.items())),
            "busiest_child_account_calls": max(
                (n for acc, n in by_account.items() if acc != parent_account), default=0),
            "dns_queries": self.dns_queries,
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            **self.extra,
        }


def diff(after: dict[tuple[str, str], int], before: dict[tuple[str, str], int]
         ) -> dict[tuple[str, str], int]:
    return {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}


@contextmanager
def phase(name: str, calls: Callable[[], dict[tuple[str, str], int]]) -> Iterator[Phase]:
    """Time a phase and take the sandbox's server-side call counts around it."""
    record = Phase(name)
    before = calls()
    started = time.perf_counter()
    yield record
    record.seconds = time.perf_counter() - started
    record.calls = diff(calls(), before)
    record.peak_rss_mb = peak_rss_mb()

"""The benchmark organisation: N delegations under example.com across N/10 accounts.

Nine in ten delegated zones sit directly under example.com; one in ten is nested one
level deeper, under the zone before it, owned by the next account (so there is a
second parent level, across accounts). Each child account owns ten zones.
"""

from __future__ import annotations

from dataclasses import dataclass

REALISTIC_RATE = 10.0
REALISTIC_BURST = 50.0
"""Route 53's documented account bucket, given to zonecut's client in realistic runs."""


def mode_settings(mode: str) -> tuple[float | None, float, str]:
    """(sandbox rate limit or None, client burst, shape) of a bench mode: ``unlimited``,
    a legacy rate such as ``5``, ``realistic`` or ``realistic-one-account``."""
    if mode.startswith("realistic"):
        return None, REALISTIC_BURST, mode.removeprefix("realistic").lstrip("-") or "spread"
    return (None if mode == "unlimited" else float(mode)), 1.0, "spread"

PARENT_ACCOUNT = "111111111111"


@dataclass(frozen=True)
class BenchZone:
    name: str
    account: str
    parent: str


def child_account(index: int) -> str:
    return f"{200000000000 + index // 10:012d}"


def zones(n: int, shape: str = "spread") -> list[BenchZone]:
    """``n`` delegated zones; the nested ones belong to the next account (cross-account).

    ``shape="one-account"``: every zone directly under example.com, all in one child
    account (many teams put every environment's zones in one account);
    ``shape="ten-accounts"``: every zone directly under example.com, across ten child
    accounts (zone i in the (i mod 10)th)."""
    if shape == "one-account":
        return [BenchZone(f"z{i}.example.com", child_account(0), "example.com")
                for i in range(n)]
    if shape == "ten-accounts":
        return [BenchZone(f"z{i}.example.com", child_account(10 * (i % 10)), "example.com")
                for i in range(n)]
    if shape != "spread":
        raise ValueError(f"unknown bench shape {shape!r}: spread, ten-accounts or one-account")
    found: list[BenchZone] = []
    groups = max(1, n // 10)
    for i in range(n):
        account = child_account(i)
        if i % 10 == 9:
            parent = found[-1].name
            nested_owner = child_account(((i // 10 + 1) % groups) * 10)
            found.append(BenchZone(f"n{i}.{parent}", nested_owner, parent))
        else:
            found.append(BenchZone(f"z{i}.example.com", account, "example.com"))
    return found


def config_text(n: int, *, rate_limit: float, parallel: int = 128,
                rate_burst: float = 1.0, shape: str = "spread") -> str:
    listed = zones(n, shape)
    accounts = sorted({z.account for z in listed})
    lines = [
        "version: 1",
        "defaults:",
        f"  rate_limit: {rate_limit}",
        f"  rate_burst: {rate_burst}",
        f"  max_parallel_accounts: {parallel}",
        "  access: {role_name: ZonecutDelegation}",
        "accounts:",
        f'  parent: {{id: "{PARENT_ACCOUNT}"}}',
    ]
    lines += [f'  a{acc}: {{id: "{acc}"}}' for acc in accounts]
    lines += ["zones:", "  - {name: example.com, account: parent, root: true}"]
    lines += [f"  - {{name: {z.name}, account: a{z.account}}}" for z in listed]
    return "\n".join(lines) + "\n"

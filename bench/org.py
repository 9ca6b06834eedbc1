"""The benchmark organisation: N delegations under example.com across N/10 accounts.

Nine in ten delegated zones sit directly under example.com; one in ten is nested one
level deeper, under the zone before it, owned by the next account (so there is a
second parent level, across accounts). Each child account owns ten zones.
"""

from __future__ import annotations

from dataclasses import dataclass

PARENT_ACCOUNT = "111111111111"


@dataclass(frozen=True)
class BenchZone:
    name: str
    account: str
    parent: str


def child_account(index: int) -> str:
    return f"{200000000000 + index // 10:012d}"


def zones(n: int) -> list[BenchZone]:
    """``n`` delegated zones; the nested ones belong to the next account (cross-account)."""
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


def config_text(n: int, *, rate_limit: float, parallel: int = 128) -> str:
    listed = zones(n)
    accounts = sorted({z.account for z in listed})
    lines = [
        "version: 1",
        "defaults:",
        f"  rate_limit: {rate_limit}",
        f"  max_parallel_accounts: {parallel}",
        "  access: {role_name: ZonecutDelegation}",
        "accounts:",
        f'  parent: {{id: "{PARENT_ACCOUNT}"}}',
    ]
    lines += [f'  a{acc}: {{id: "{acc}"}}' for acc in accounts]
    lines += ["zones:", "  - {name: example.com, account: parent, root: true}"]
    lines += [f"  - {{name: {z.name}, account: a{z.account}}}" for z in listed]
    return "\n".join(lines) + "\n"

"""Helpers for the fault tests: trees, a runtime on the sandbox, and what to check after."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "core"))

from core_support import ACCOUNTS, FIVE_ZONES, config
from crash import dangling

from zonecut.config.document import Config
from zonecut.runtime import Runtime, Target
from zonecut.sandbox import SandboxControl
from zonecut.sandbox.zone_data import all_zones

__all__ = ["ACCOUNTS", "FIVE_ZONES", "config", "dangling"]

ROOT_ACCOUNT = "100000000000"
KINDS = ("throttle", "prior", "5xx", "drop")


def five_zones(rate_limit: float = 200) -> Config:
    return config(FIVE_ZONES.replace("rate_limit: 200", f"rate_limit: {rate_limit:g}"))


def big_tree(children: int = 20, per_child: int = 9, rate_limit: float = 1000) -> Config:
    """A root, ``children`` zones below it in accounts of their own, and ``per_child``
    zones below each of those, each in another child account than its parent's:
    ``1 + children * (1 + per_child)`` zones, every delegation across accounts."""
    lines = ["version: 1",
             f"defaults: {{rate_limit: {rate_limit:g}, max_parallel_accounts: 21, "
             "access: {role_name: ZonecutDelegation}}",
             "accounts:", f'  root: {{id: "{ROOT_ACCOUNT}"}}']
    lines += [f'  c{i}: {{id: "{200000000000 + i}"}}' for i in range(children)]
    lines += ["zones:", "  - {name: example.com, account: root, root: true}"]
    for i in range(children):
        lines.append(f"  - {{name: t{i}.example.com, account: c{i}}}")
        for j in range(per_child):
            owner = (i + j + 1) % children
            lines.append(f"  - {{name: z{j}.t{i}.example.com, account: c{owner}}}")
    return config("\n".join(lines) + "\n")


def runtime(sandbox: SandboxControl, cfg: Config, purpose: str = "apply") -> Runtime:
    return Runtime(cfg, Target(endpoint_url=sandbox.endpoint_url, sandbox=True),
                   purpose=purpose)


def duplicated_zones() -> dict[str, int]:
    """Zone names that exist more than once, across every account."""
    counts = Counter(z.name for z in all_zones())
    return {name: n for name, n in counts.items() if n > 1}


def zone_names() -> list[str]:
    return sorted(z.name for z in all_zones())


def injected(sandbox: SandboxControl) -> Counter[str]:
    """Injected faults per kind, all accounts together."""
    total: Counter[str] = Counter()
    for (_, kind), n in sandbox.faults().items():
        total[kind] += n
    return total


def retried(rt: Runtime) -> Counter[str]:
    """Client-side retries per reason, all accounts of ``rt`` together."""
    total: Counter[str] = Counter()
    for account in rt.fleet.accesses:
        for (_, reason), n in rt.fleet.route53(account).retried().items():
            total[reason] += n
    return total

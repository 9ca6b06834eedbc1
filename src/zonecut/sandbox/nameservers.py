"""The sandbox's pool of Route 53 name servers and how zones get 4 of them.

Pure logic, no moto. Route 53 names its servers ``ns-N.awsdns-NN.TLD`` with N in
0..2047: the TLD is ``N // 512`` (com, net, org, co.uk) and ``NN = (N % 512) // 8``.
``ns-0``/``ns-512``/``ns-1024``/``ns-1536`` are what private zones report, so the
public pool never contains them.

A new public zone gets one server per TLD such that

- no server is shared with a live zone of the same name (any account), nor with a
  live zone above or below it on a label boundary (any account);
- the servers are the least loaded (load = number of live public zones using them);
- the set of 4 was never given to a zone of that name before (a recreated zone gets
  a new delegation set, so the parent's old NS record is lame, as in Route 53);
- ties are broken by a seeded random generator: the result is deterministic given
  the seed and the sequence of creations and deletions.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

TLDS: tuple[str, ...] = ("com", "net", "org", "co.uk")
SERVERS_PER_TLD_MAX = 511
PRIVATE_ZONE_NAME_SERVERS: tuple[str, ...] = (
    "ns-0.awsdns-00.com",
    "ns-512.awsdns-00.net",
    "ns-1024.awsdns-00.org",
    "ns-1536.awsdns-00.co.uk",
)
# How many of the best candidates per TLD are combined when the best set of 4 was
# already used for a zone of the same name.
_ALTERNATIVES_PER_TLD = 3


class PoolExhausted(Exception):
    """No set of 4 name servers satisfies the rules: the pool is too small."""


def server_name(number: int) -> str:
    """Route 53's name for server ``number`` (0..2047), without trailing dot."""
    if not 0 <= number < 4 * 512:
        raise ValueError(f"name server number {number} is outside 0..2047")
    return f"ns-{number}.awsdns-{(number % 512) // 8:02d}.{TLDS[number // 512]}"


def server_tld(name: str) -> str:
    """The TLD part (``com``, ``net``, ``org`` or ``co.uk``) of a pool server name."""
    return name.split(".", 2)[2]


def _canon(name: str) -> str:
    return name.rstrip(".").lower()


def related(a: str, b: str) -> bool:
    """True when zone names ``a`` and ``b`` are equal or one is below the other."""
    a, b = _canon(a), _canon(b)
    return a == b or a.endswith("." + b) or b.endswith("." + a)


@dataclass(frozen=True)
class NameServerPool:
    """``size`` servers, ``size // 4`` per TLD, numbered like Route 53's."""

    size: int = 64
    seed: int = 0

    def __post_init__(self) -> None:
        if self.size % 4 or not 4 <= self.size <= 4 * SERVERS_PER_TLD_MAX:
            raise ValueError(
                f"pool size must be a multiple of 4 between 4 and {4 * SERVERS_PER_TLD_MAX}, "
                f"not {self.size}"
            )

    @property
    def names(self) -> tuple[str, ...]:
        """Every server name, grouped by TLD (com first), ascending numbers."""
        rng = random.Random(f"zonecut-sandbox-pool:{self.seed}")
        per_tld = self.size // 4
        names: list[str] = []
        for index in range(len(TLDS)):
            offsets = sorted(rng.sample(range(1, 512), per_tld))
            names.extend(server_name(index * 512 + offset) for offset in offsets)
        return tuple(names)

    def by_tld(self) -> dict[str, tuple[str, ...]]:
        names = self.names
        return {tld: tuple(n for n in names if server_tld(n) == tld) for tld in TLDS}


class Assigner:
    """Chooses delegation sets. Not thread safe: callers hold a lock."""

    def __init__(self, pool: NameServerPool) -> None:
        self.pool = pool
        self._by_tld = pool.by_tld()
        self._members = frozenset(pool.names)
        self._rng = random.Random(pool.seed)
        self._history: dict[str, set[frozenset[str]]] = {}

    def reset(self) -> None:
        """Forget history and restart the tie-break sequence (as for a new sandbox)."""
        self._rng = random.Random(self.pool.seed)
        self._history.clear()

    def is_pool_server(self, name: str) -> bool:
        return _canon(name) in self._members

    def assign(self, zone_name: str, live: Iterable[tuple[str, Sequence[str]]]) -> list[str]:
        """Four servers (com, net, org, co.uk order) for a new public zone ``zone_name``.

        ``live`` holds (zone name, name servers) for every other live public zone in
        every account. Raises :class:`PoolExhausted` when the rules cannot be met.
        """
        name = _canon(zone_name)
        load: dict[str, int] = dict.fromkeys(self._members, 0)
        banned: set[str] = set()
        for other_name, servers in live:
            near = related(name, other_name)  # once a zone, not once a server
            for server in servers:
                canon = _canon(server)
                if canon in load:
                    load[canon] += 1
                    if near:
                        banned.add(canon)
        ranked: list[list[str]] = []
        for tld in TLDS:
            candidates = [s for s in self._by_tld[tld] if s not in banned]
            if not candidates:
                raise PoolExhausted(
                    f"no {tld} name server left for {name!r}: every one serves a zone of the "
                    f"same name or a parent/child zone; use a larger pool (now {self.pool.size})"
                )
            tie = {s: self._rng.random() for s in candidates}
            candidates.sort(key=lambda s: (load[s], tie[s]))
            ranked.append(candidates[:_ALTERNATIVES_PER_TLD])
        used = self._history.setdefault(name, set())
        combos = sorted(
            itertools.product(*(list(enumerate(c)) for c in ranked)),
            key=lambda combo: (sum(load[s] for _, s in combo), sum(r for r, _ in combo)),
        )
        for combo in combos:
            chosen = [s for _, s in combo]
            if frozenset(chosen) not in used:
                used.add(frozenset(chosen))
                return chosen
        raise PoolExhausted(
            f"every possible delegation set for {name!r} was already used; "
            f"use a larger pool (now {self.pool.size})"
        )

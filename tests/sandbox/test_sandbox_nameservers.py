"""The name-server pool and assignment rules (pure logic)."""

from __future__ import annotations

import re

import pytest

from zonecut.sandbox.nameservers import (
    TLDS,
    Assigner,
    NameServerPool,
    PoolExhausted,
    server_name,
    server_tld,
)

NAME_RE = re.compile(r"^ns-(\d+)\.awsdns-(\d\d)\.(com|net|org|co\.uk)$")


def test_server_names_follow_route53_numbering() -> None:
    assert server_name(509) == "ns-509.awsdns-63.com"
    assert server_name(745) == "ns-745.awsdns-29.net"
    assert server_name(1371) == "ns-1371.awsdns-43.org"
    assert server_name(1986) == "ns-1986.awsdns-56.co.uk"
    assert server_tld("ns-1986.awsdns-56.co.uk") == "co.uk"


def test_pool_has_size_names_spread_over_four_tlds() -> None:
    pool = NameServerPool(size=64, seed=0)
    names = pool.names
    assert len(names) == len(set(names)) == 64
    for name in names:
        match = NAME_RE.match(name)
        assert match is not None, name
        number = int(match.group(1))
        assert number % 512 != 0  # ns-0/512/1024/1536 are what private zones show
        assert TLDS[number // 512] == match.group(3)
    assert {tld: len(group) for tld, group in pool.by_tld().items()} == dict.fromkeys(TLDS, 16)


@pytest.mark.parametrize("size", [0, 6, 3000])
def test_pool_size_is_checked(size: int) -> None:
    with pytest.raises(ValueError):
        NameServerPool(size=size)


def _assign(assigner: Assigner, live: dict[str, list[str]], name: str) -> list[str]:
    servers = assigner.assign(name, [(n.split("#")[0], s) for n, s in live.items()])
    live[f"{name}#{len(live)}"] = servers
    return servers


def test_one_server_per_tld_and_rules_between_related_zones() -> None:
    assigner = Assigner(NameServerPool(size=64))
    live: dict[str, list[str]] = {}
    names = ["example.com", "example.com", "example.com", "dev.example.com",
             "a.dev.example.com", "other.com", "dev.example.com"]
    for name in names:
        servers = _assign(assigner, live, name)
        assert [server_tld(s) for s in servers] == list(TLDS)
    items = list(live.items())
    for i, (a, servers_a) in enumerate(items):
        for b, servers_b in items[i + 1:]:
            na, nb = a.split("#")[0], b.split("#")[0]
            related = na == nb or na.endswith("." + nb) or nb.endswith("." + na)
            if related:
                assert not set(servers_a) & set(servers_b), (a, b)


def test_label_boundary_badexample_is_not_a_child() -> None:
    # with a pool of 4 there is exactly one server per TLD: unrelated zones must share
    assigner = Assigner(NameServerPool(size=4))
    first = assigner.assign("example.com", [])
    assert assigner.assign("badexample.com", [("example.com", first)]) == first
    with pytest.raises(PoolExhausted):
        assigner.assign("dev.example.com", [("example.com", first)])


def test_least_loaded_servers_are_preferred() -> None:
    assigner = Assigner(NameServerPool(size=8))  # two servers per TLD
    first = assigner.assign("a.com", [])
    second = assigner.assign("b.com", [("a.com", first)])
    assert not set(first) & set(second)


def test_recreated_zone_never_gets_the_same_four() -> None:
    assigner = Assigner(NameServerPool(size=64))
    seen: set[frozenset[str]] = set()
    for _ in range(20):  # create, delete (nothing live), recreate...
        servers = frozenset(assigner.assign("example.com", []))
        assert servers not in seen
        seen.add(servers)


def test_assignment_is_deterministic_for_a_seed() -> None:
    def run(seed: int) -> list[list[str]]:
        assigner = Assigner(NameServerPool(size=64, seed=seed))
        live: dict[str, list[str]] = {}
        return [_assign(assigner, live, n) for n in ["a.com", "b.com", "a.com", "x.a.com"]]

    assert run(0) == run(0)
    assert run(0) != run(1)


def test_reset_restarts_the_sequence() -> None:
    assigner = Assigner(NameServerPool(size=64))
    first = assigner.assign("example.com", [])
    assigner.reset()
    assert assigner.assign("example.com", []) == first

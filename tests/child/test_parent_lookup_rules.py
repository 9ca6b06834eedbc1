"""The parent lookup's rule, as data (hypothesis over names and an account's zones): the
public zone that is the longest proper suffix, never one of two of the same name, never
a private zone, and a refusal naming the account otherwise."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from zonecut.aws_lambda.parent_lookup import find_parent, suffixes
from zonecut.state import HostedZone

ACCOUNT = "111111111111"
labels = st.sampled_from(["a", "b", "dev", "example", "com", "xn--bcher-kva"])
names = st.lists(labels, min_size=2, max_size=5).map(".".join)


@given(child=names, zones=st.lists(st.tuples(names, st.booleans()), max_size=12))
def test_the_longest_public_suffix_is_chosen_or_refused(
        child: str, zones: list[tuple[str, bool]]) -> None:
    made = [HostedZone(f"Z{i:04d}", name, ACCOUNT, private=private)
            for i, (name, private) in enumerate(zones)]
    asked: list[str] = []

    def find(name: str) -> list[HostedZone]:
        asked.append(name)
        return [z for z in made if z.name == name]

    found = find_parent(child, ACCOUNT, find)
    above = [s for s in suffixes(child)
             if any(z.name == s and not z.private for z in made)]
    if not above:
        assert isinstance(found, str) and f"account {ACCOUNT} has no public" in found
        assert asked == suffixes(child)
        return
    closest = above[0]
    public = [z for z in made if z.name == closest and not z.private]
    assert asked == suffixes(child)[:suffixes(child).index(closest) + 1]
    if len(public) == 1:
        assert found == public[0]
    else:
        assert isinstance(found, str)
        assert all(z.zone_id in found for z in public) and ACCOUNT in found


def test_suffixes_stop_below_the_root() -> None:
    assert suffixes("team.dev.example.com") == ["dev.example.com", "example.com", "com"]
    assert suffixes("com") == []

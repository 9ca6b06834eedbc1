"""Property tests: canonical names, label-boundary parents, and fuzzing the loader."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zonecut import names
from zonecut.config import Config, ConfigError, build_tree, load_config_text
from zonecut.config.nesting import declared_parent

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "org.yaml"
FAST = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
FUZZ = settings(FAST, max_examples=60)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True)

# -- names ------------------------------------------------------------------------------

label_chars = st.sampled_from("abcXYZ019-_*é ü.\\\u3002\uff0e")
raw_labels = st.text(label_chars, min_size=0, max_size=12)
escapes = st.sampled_from(["\\052", "\\056", "\\134", "\\040", "\\101", "\\351", "\\999", "\\"])
raw_names = st.one_of(
    st.lists(st.one_of(raw_labels, escapes), max_size=6).map(".".join),
    st.lists(st.one_of(raw_labels, escapes), max_size=6).map(lambda parts: ".".join(parts) + "."),
    st.text(max_size=40),
)


@FAST
@given(raw_names)
def test_normalize_is_idempotent(raw: str) -> None:
    try:
        once = names.normalize(raw)
    except names.InvalidName:
        return
    assert names.normalize(once) == once
    assert once == once.lower() and once.isascii()


@FAST
@given(raw_names)
def test_problems_never_raise_and_valid_names_are_canonical_fixpoints(raw: str) -> None:
    if names.problems(raw):
        return
    canon = names.normalize(raw)
    assert names.problems(canon) == []
    assert names.canonical(raw) == canon


# -- label boundaries -------------------------------------------------------------------

# A tiny alphabet makes string suffixes that are not label suffixes (ba / a) common.
tiny_labels = st.sampled_from(["a", "b", "ba", "ab", "aa", "example", "xample"])
label_lists = st.lists(tiny_labels, min_size=2, max_size=5)


@FAST
@given(st.lists(label_lists, min_size=1, max_size=12))
def test_closest_ancestor_is_a_label_suffix(lists: list[list[str]]) -> None:
    declared = {".".join(labels) for labels in lists}
    for name in declared:
        parent = declared_parent(name, declared)
        above = [other for other in declared if name.endswith("." + other)]
        assert parent == names.closest_ancestor(name, declared)
        if parent is None:
            assert above == []
            continue
        assert parent in declared and name.endswith("." + parent)
        assert name.split(".")[-len(parent.split(".")):] == parent.split(".")
        assert all(len(other) <= len(parent) for other in above)


@FUZZ
@given(st.lists(label_lists, min_size=1, max_size=12, unique_by=lambda ls: ".".join(ls)))
def test_tree_parents_follow_label_boundaries(lists: list[list[str]]) -> None:
    declared = sorted({".".join(labels) for labels in lists})
    zones = []
    for name in declared:
        is_root = declared_parent(name, declared) is None
        zones.append({"name": name, "account": "k", "root": is_root})
    text = dump({"version": 1, "accounts": {"k": {"id": "111111111111"}}, "zones": zones})
    tree = build_tree(load_config_text(text))
    for zone in tree.zones:
        if zone.parent is None:
            assert zone.depth == 0 and zone.root
            continue
        parent = tree.get(zone.parent)
        assert parent is not None and names.is_below(zone.name, zone.parent)
        assert zone.depth == parent.depth + 1
        assert tree.zones.index(parent) < tree.zones.index(zone)


# -- fuzzing the loader -----------------------------------------------------------------


def loads_or_config_error(text: str) -> None:
    try:
        config = load_config_text(text, "fuzz.yaml")
    except ConfigError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.message and problem.file == "fuzz.yaml"
            assert problem.line is None or problem.line >= 1
        str(exc).encode("utf-8")
    else:
        assert isinstance(config, Config)
        build_tree(config)


@FAST
@given(st.text(max_size=200))
def test_fuzz_any_text(text: str) -> None:
    loads_or_config_error(text)


yamlish = st.text(st.sampled_from([*"abz09 :-[]{},'\"#&*!|>?\n\t.%@`~<=\\", "\u00e9"]),
                  max_size=120)


@FAST
@given(yamlish)
def test_fuzz_yaml_ish_text(text: str) -> None:
    loads_or_config_error(text)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
    st.sampled_from(["example.com", "Dev.Example.COM.", "111111111111", "network", "a..b",
                     "root", "zones", "accounts", "version", "ns_ttl", "-1", "0"]),
)
structures = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.text(max_size=8), st.sampled_from(
                                ["version", "accounts", "zones", "defaults", "name", "account",
                                 "id", "root", "access", "tags"])), inner, max_size=4)),
    max_leaves=25,
)


@FUZZ
@given(structures)
def test_fuzz_random_structures(data: Any) -> None:
    loads_or_config_error(dump(data))


@FUZZ
@given(structures)
def test_fuzz_random_structures_under_a_valid_top(data: Any) -> None:
    loads_or_config_error(dump({"version": 1, "accounts": data, "zones": data}))


EXAMPLE_DATA = yaml.safe_load(EXAMPLE.read_text())


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


EXAMPLE_PATHS = _paths(EXAMPLE_DATA)[1:]


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(EXAMPLE_PATHS), structures), min_size=1, max_size=3))
def test_fuzz_mutated_example(mutations: list[tuple[tuple[Any, ...], Any]]) -> None:
    data = copy.deepcopy(EXAMPLE_DATA)
    for path, value in mutations:
        target = data
        try:
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    loads_or_config_error(dump(data))

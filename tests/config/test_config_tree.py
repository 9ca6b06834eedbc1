"""Parent resolution, depth and order of the desired tree."""

from __future__ import annotations

from pathlib import Path

from zonecut.config import DesiredTree, DesiredZone, build_tree, load_config, load_config_text

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "org.yaml"


def tree_of(zones: str) -> DesiredTree:
    text = (
        "version: 1\n"
        "accounts:\n"
        '  network: {id: "111111111111"}\n'
        '  dev: {id: "222222222222"}\n'
        "zones:\n" + zones
    )
    return build_tree(load_config_text(text))


def test_example_tree_three_levels() -> None:
    tree = build_tree(load_config(EXAMPLE))
    assert [(z.name, z.parent, z.depth) for z in tree.zones] == [
        ("example.com", None, 0),
        ("api.example.com", "example.com", 1),
        ("dev.example.com", "example.com", 1),
        ("prod.example.com", "example.com", 1),
        ("team-a.dev.example.com", "dev.example.com", 2),
    ]
    assert [z.name for z in tree.children("example.com")] == [
        "api.example.com", "dev.example.com", "prod.example.com"]
    assert [z.name for z in tree.children("dev.example.com")] == ["team-a.dev.example.com"]
    assert tree.children("team-a.dev.example.com") == ()
    assert [z.name for z in tree.roots()] == ["example.com"]


def test_example_zone_details() -> None:
    tree = build_tree(load_config(EXAMPLE))
    team = tree.get("team-a.dev.example.com")
    assert team is not None
    assert (team.account_key, team.account_id, team.ns_ttl, team.root) == (
        "team-a", "444444444444", 300, False)
    assert team.tags == (("team", "team-a"),) and team.tag_dict == {"team": "team-a"}
    api = tree.get("api.example.com")
    assert api is not None
    assert (api.account_key, api.account_id, api.ns_ttl) == ("api", "555555555555", 3600)
    assert tree.get("nope.example.com") is None
    assert len(tree) == 5 and list(tree) == list(tree.zones)


def test_badexample_is_not_a_child_of_example() -> None:
    tree = tree_of(
        "  - {name: example.com, account: network, root: true}\n"
        "  - {name: badexample.com, account: dev, root: true}\n"
        "  - {name: www.badexample.com, account: dev}\n"
    )
    assert tree.get("badexample.com") == DesiredZone(
        name="badexample.com", account_key="dev", account_id="222222222222", parent=None,
        root=True, ns_ttl=3600, comment=None, tags=(), zone_id=None, depth=0,
    )
    www = tree.get("www.badexample.com")
    assert www is not None and www.parent == "badexample.com"
    assert tree.children("example.com") == ()


def test_parent_skips_undeclared_levels() -> None:
    tree = tree_of(
        "  - {name: example.com, account: network, root: true}\n"
        "  - {name: a.b.c.example.com, account: dev}\n"
        "  - {name: c.example.com, account: dev}\n"
    )
    deep = tree.get("a.b.c.example.com")
    assert deep is not None and (deep.parent, deep.depth) == ("c.example.com", 2)


def test_order_is_parents_first_then_name() -> None:
    tree = tree_of(
        "  - {name: z.b.example.com, account: dev}\n"
        "  - {name: b.example.com, account: dev}\n"
        "  - {name: a.example.com, account: dev}\n"
        "  - {name: example.com, account: network, root: true}\n"
        "  - {name: example.org, account: network, root: true}\n"
    )
    assert [z.name for z in tree.zones] == [
        "example.com", "example.org", "a.example.com", "b.example.com", "z.b.example.com"]


def test_zone_named_by_account_id_resolves_key() -> None:
    tree = tree_of("  - {name: example.com, account: '222222222222', root: true}\n")
    zone = tree.get("example.com")
    assert zone is not None and (zone.account_key, zone.account_id) == ("dev", "222222222222")


def test_tree_sorts_zones_given_directly() -> None:
    child = DesiredZone("b.example.com", "k", "111111111111", "example.com", False, 60, None,
                        (), None, 1)
    root = DesiredZone("example.com", "k", "111111111111", None, True, 60, None, (), None, 0)
    tree = DesiredTree((child, root))
    assert tree.zones == (root, child)
    assert tree.children("example.com") == (child,)
    assert hash(root) == hash(DesiredZone(*[getattr(root, f) for f in (
        "name", "account_key", "account_id", "parent", "root", "ns_ttl", "comment", "tags",
        "zone_id", "depth")]))

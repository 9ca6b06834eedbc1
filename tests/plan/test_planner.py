"""The planner is pure: a desired tree and an observed state in, a plan out."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from zonecut.config.loader import load_config_text
from zonecut.config.tree import DesiredZone, build_tree
from zonecut.plan.changes import NsAction, ZoneAction
from zonecut.plan.observed import ObservedState
from zonecut.plan.planner import make_plan
from zonecut.state import HostedZone, RRSet

CONFIG = """
version: 1
accounts:
  net: {id: "111111111111"}
  dev: {id: "222222222222"}
  team: {id: "444444444444"}
zones:
  - {name: example.com, account: net, root: true}
  - {name: dev.example.com, account: dev}
  - {name: team-a.dev.example.com, account: team, ns_ttl: 300}
"""

NS = {
    "example.com": ("ns-1.awsdns-01.com", "ns-2.awsdns-02.net", "ns-3.awsdns-03.org",
                    "ns-4.awsdns-04.co.uk"),
    "dev.example.com": ("ns-5.awsdns-05.com", "ns-6.awsdns-06.net", "ns-7.awsdns-07.org",
                        "ns-8.awsdns-08.co.uk"),
    "team-a.dev.example.com": ("ns-9.awsdns-09.com", "ns-10.awsdns-10.net",
                               "ns-11.awsdns-11.org", "ns-12.awsdns-12.co.uk"),
}
ACCOUNT = {"example.com": "111111111111", "dev.example.com": "222222222222",
           "team-a.dev.example.com": "444444444444"}


def zones(text: str = CONFIG) -> tuple[DesiredZone, ...]:
    return build_tree(load_config_text(text)).zones


def hosted(name: str, zone_id: str | None = None) -> HostedZone:
    return HostedZone(zone_id=zone_id or f"Z{name.replace('.', '')}", name=name,
                      account_id=ACCOUNT[name], name_servers=NS[name])


def state(existing: dict[str, HostedZone], ns: dict[str, list[RRSet]] | None = None
          ) -> ObservedState:
    observed = ObservedState()
    for name in ACCOUNT:
        zone = existing.get(name)
        observed.candidates[name] = (zone,) if zone else ()
        if zone:
            observed.details[zone.zone_id] = zone
            observed.apex_ns[zone.zone_id] = RRSet(name, "NS", 172800, tuple(sorted(NS[name])))
            observed.rrsets[zone.zone_id] = tuple((ns or {}).get(name, []))
    return observed


def delegation(child: str, values: tuple[str, ...] | None = None, ttl: int = 3600) -> RRSet:
    return RRSet(child, "NS", ttl, tuple(sorted(values or NS[child])))


def test_from_empty_everything_is_created_with_values_known_after_apply() -> None:
    plan = make_plan(zones(), state({}))
    assert [(z.name, z.action) for z in plan.zones] == [
        ("example.com", ZoneAction.CREATE), ("dev.example.com", ZoneAction.CREATE),
        ("team-a.dev.example.com", ZoneAction.CREATE)]
    assert [(c.parent, c.child, c.action, c.ttl, c.values_known) for c in plan.ns_changes] == [
        ("example.com", "dev.example.com", NsAction.CREATE, 3600, False),
        ("dev.example.com", "team-a.dev.example.com", NsAction.CREATE, 300, False)]


def test_in_sync_tree_is_an_empty_plan() -> None:
    existing = {n: hosted(n) for n in ACCOUNT}
    ns = {"example.com": [delegation("dev.example.com")],
          "dev.example.com": [delegation("team-a.dev.example.com", ttl=300)]}
    plan = make_plan(zones(), state(existing, ns))
    assert not plan.has_changes
    assert all(z.action is ZoneAction.ADOPT for z in plan.zones)


def test_stale_values_and_ttl_are_an_update_with_reasons() -> None:
    existing = {n: hosted(n) for n in ACCOUNT}
    stale = ("ns-5.awsdns-05.com", "ns-6.awsdns-06.net", "ns-7.awsdns-07.org",
             "ns-99.awsdns-99.co.uk")
    ns = {"example.com": [delegation("dev.example.com", stale, ttl=60)],
          "dev.example.com": [delegation("team-a.dev.example.com", ttl=300)]}
    plan = make_plan(zones(), state(existing, ns))
    (change,) = plan.ns_changes
    assert change.action is NsAction.UPDATE and change.child == "dev.example.com"
    assert set(change.new_values) == set(NS["dev.example.com"])
    assert any("ns-99.awsdns-99.co.uk" in r for r in change.reasons)
    assert any("TTL 60 -> 3600" in r for r in change.reasons)


def test_two_public_zones_of_one_name_block_the_plan_and_list_both_ids() -> None:
    observed = state({n: hosted(n) for n in ACCOUNT})
    observed.candidates["dev.example.com"] = (hosted("dev.example.com", "ZA"),
                                              hosted("dev.example.com", "ZB"))
    plan = make_plan(zones(), observed)
    assert len(plan.problems) == 1
    assert "ZA" in plan.problems[0] and "ZB" in plan.problems[0]
    assert "zone_id" in plan.problems[0]
    assert not any(c.child in ("dev.example.com", "team-a.dev.example.com")
                   for c in plan.ns_changes)


def test_pinned_zone_id_picks_one_of_two() -> None:
    text = CONFIG.replace("{name: dev.example.com, account: dev}",
                          "{name: dev.example.com, account: dev, zone_id: ZB}")
    observed = state({n: hosted(n) for n in ACCOUNT})
    observed.candidates["dev.example.com"] = (hosted("dev.example.com", "ZA"),
                                              hosted("dev.example.com", "ZB"))
    plan = make_plan(zones(text), observed)
    assert plan.problems == ()
    assert next(z for z in plan.zones if z.name == "dev.example.com").zone_id == "ZB"


def test_private_zones_are_ignored() -> None:
    observed = state({})
    private = HostedZone("ZP", "example.com", "111111111111", private=True)
    observed.candidates["example.com"] = (private,)
    plan = make_plan(zones(), observed)
    assert plan.zones[0].action is ZoneAction.CREATE


def test_unknown_delegation_in_a_managed_zone_is_reported_not_changed() -> None:
    existing = {n: hosted(n) for n in ACCOUNT}
    stray = RRSet("old.example.com", "NS", 3600, ("ns-1.other.net",))
    ns = {"example.com": [delegation("dev.example.com"), stray],
          "dev.example.com": [delegation("team-a.dev.example.com", ttl=300)]}
    plan = make_plan(zones(), state(existing, ns))
    assert not plan.has_changes
    assert [u.child for u in plan.unmanaged] == ["old.example.com"]


@given(st.permutations(["example.com", "dev.example.com", "team-a.dev.example.com"]),
       st.sets(st.sampled_from(list(ACCOUNT))))
def test_plan_does_not_depend_on_declaration_order(order: list[str], present: set[str]) -> None:
    lines = {"example.com": "  - {name: example.com, account: net, root: true}",
             "dev.example.com": "  - {name: dev.example.com, account: dev}",
             "team-a.dev.example.com":
                 "  - {name: team-a.dev.example.com, account: team, ns_ttl: 300}"}
    text = CONFIG.split("zones:")[0] + "zones:\n" + "\n".join(lines[n] for n in order) + "\n"
    observed = state({n: hosted(n) for n in present})
    assert make_plan(zones(text), observed) == make_plan(zones(), observed)

"""DNSSEC planning is pure: a desired tree, an observed state (GetDNSSEC and the parents'
DS rrsets) in, ordered steps out. The ordering invariants are attacked by executing the
planned steps on a model of Route 53, stopping after every step and planning again."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from zonecut.config.loader import load_config_text
from zonecut.config.tree import DesiredZone, build_tree
from zonecut.plan.changes import ZoneDeletion
from zonecut.plan.dnssec import (
    ds_at,
    plan_dnssec,
    plan_dnssec_teardown,
    without_removed_ds,
)
from zonecut.plan.dnssec_steps import DnssecPlan
from zonecut.plan.observed import ObservedState
from zonecut.plan.planner import make_plan
from zonecut.plan.signing import KeySigningKey, ZoneSigning
from zonecut.state import HostedZone, RRSet

NAMES = ("example.com", "dev.example.com", "team-a.dev.example.com")
ACCOUNT = {"example.com": "111111111111", "dev.example.com": "222222222222",
           "team-a.dev.example.com": "444444444444"}
PARENT = {"dev.example.com": "example.com", "team-a.dev.example.com": "dev.example.com"}


def config(signed: dict[str, bool | None], ds_ttl: int = 900) -> tuple[DesiredZone, ...]:
    lines = ["version: 1", "defaults:", f"  ds_ttl: {ds_ttl}", "accounts:",
             '  net: {id: "111111111111"}', '  dev: {id: "222222222222"}',
             '  team: {id: "444444444444"}', "zones:"]
    keys = dict(zip(NAMES, ("net", "dev", "team"), strict=True))
    for name in NAMES:
        extra = "" if signed.get(name) is None else f", dnssec: {str(signed[name]).lower()}"
        root = ", root: true" if name == "example.com" else ""
        lines.append(f"  - {{name: {name}, account: {keys[name]}{root}{extra}}}")
    return build_tree(load_config_text("\n".join(lines) + "\n")).zones


def zone_id(name: str) -> str:
    return "Z" + name.replace(".", "").replace("-", "").upper()


def ksk(name: str, n: int, status: str = "ACTIVE") -> KeySigningKey:
    return KeySigningKey(name=f"zonecut_{n}", status=status, kms_arn=f"arn:key/{n}",
                         ds_record=f"{1000 + n} 13 2 {zone_id(name)}{n:02d}AB")


def ds(child: str, n: int = 1, ttl: int = 900) -> RRSet:
    return RRSet(child, "DS", ttl, (ksk(child, n).ds_record,))


def world(signing: dict[str, ZoneSigning], ds_in: dict[str, RRSet],
          missing: frozenset[str] = frozenset()) -> ObservedState:
    observed = ObservedState()
    for name in NAMES:
        if name in missing:
            observed.candidates[name] = ()
            continue
        zone = HostedZone(zone_id(name), name, ACCOUNT[name], (f"ns.{name}",))
        observed.candidates[name] = (zone,)
        observed.details[zone.zone_id] = zone
        observed.apex_ns[zone.zone_id] = RRSet(name, "NS", 172800, (f"ns.{name}",))
        records = [RRSet(c, "NS", 3600, (f"ns.{c}",)) for c, p in PARENT.items() if p == name]
        records += [rr for c, rr in ds_in.items() if PARENT[c] == name]
        observed.rrsets[zone.zone_id] = tuple(sorted(records))
        observed.signing[zone.zone_id] = signing.get(name, ZoneSigning())
    return observed


def signed(name: str, n: int = 1) -> ZoneSigning:
    return ZoneSigning("SIGNING", (ksk(name, n),))


def plan_for(zones: tuple[DesiredZone, ...], observed: ObservedState) -> DnssecPlan:
    base = make_plan(zones, observed)
    return plan_dnssec(zones, {z.name: z.dnssec for z in zones}, base, observed)


ALL_SIGNED = {n: signed(n) for n in NAMES}
ALL_DS = {c: ds(c) for c in PARENT}


def test_from_nothing_every_zone_is_signed_then_ds_in_parents_and_the_registrar() -> None:
    zones = config(dict.fromkeys(NAMES, True))
    found = plan_for(zones, world({}, {}, missing=frozenset(NAMES)))
    assert [s.name for s in found.signs] == list(NAMES)
    assert all(s.create_ksk and s.enable and s.zone_id is None and s.ksk == "zonecut_1"
               for s in found.signs)
    assert [(c.parent, c.child, c.action, c.values) for c in found.ds_changes] == [
        ("example.com", "dev.example.com", "create", ()),
        ("dev.example.com", "team-a.dev.example.com", "create", ())]
    assert all(c.ttl == 900 for c in found.ds_changes)
    assert [(r.name, r.values) for r in found.registrar] == [("example.com", ())]
    steps = found.steps()
    assert steps.index("sign dev.example.com: create KSK zonecut_1 with zonecut's KMS key, "
                       "then enable signing, wait INSYNC") < next(
        i for i, s in enumerate(steps) if s.startswith("create DS of dev.example.com"))


def test_a_signed_tree_with_its_ds_is_an_empty_plan_but_names_the_registrar_ds() -> None:
    found = plan_for(config(dict.fromkeys(NAMES, True)), world(ALL_SIGNED, ALL_DS))
    assert not found.has_changes and not found.problems
    assert found.registrar[0].values == (ksk("example.com", 1).ds_record,)


def test_unmanaged_zones_are_left_as_they_are() -> None:
    found = plan_for(config({}), world({"dev.example.com": signed("dev.example.com")}, {}))
    assert not found.has_changes


def test_a_ds_that_matches_no_active_ksk_is_updated_and_a_ttl_change_too() -> None:
    wrong = {"dev.example.com": ds("dev.example.com", 7),
             "team-a.dev.example.com": ds("team-a.dev.example.com", ttl=60)}
    found = plan_for(config(dict.fromkeys(NAMES, True)), world(ALL_SIGNED, wrong))
    assert {(c.child, c.action, c.values, c.ttl) for c in found.ds_changes} == {
        ("dev.example.com", "update", (ksk("dev.example.com", 1).ds_record,), 900),
        ("team-a.dev.example.com", "update", (ksk("team-a.dev.example.com", 1).ds_record,),
         900)}


def test_no_ds_in_an_unsigned_parent() -> None:
    zones = config({"example.com": False, "dev.example.com": True})
    found = plan_for(zones, world({}, {}))
    assert [s.name for s in found.signs] == ["dev.example.com"]
    assert not found.ds_changes
    assert any("its parent example.com is not" in n for n in found.notes)


def test_unsigning_removes_its_own_and_its_childrens_ds_first_and_waits_the_ttl() -> None:
    zones = config({"example.com": True, "dev.example.com": False,
                    "team-a.dev.example.com": True})
    found = plan_for(zones, world(ALL_SIGNED, ALL_DS))
    assert {(c.parent, c.child, c.action) for c in found.ds_changes} == {
        ("example.com", "dev.example.com", "delete"),
        ("dev.example.com", "team-a.dev.example.com", "delete")}
    assert [(u.name, u.disable, u.deactivate, u.delete, u.wait_seconds)
            for u in found.unsigns] == [("dev.example.com", True, ("zonecut_1",),
                                         ("zonecut_1",), 900)]
    assert not found.signs
    assert any("team-a.dev.example.com: stays signed" in n for n in found.notes)
    steps = found.steps()
    assert steps[2].startswith("wait 900 s") and steps[3].startswith("unsign dev.example.com")


def test_a_signed_root_is_never_unsigned_by_zonecut() -> None:
    zones = config({"example.com": False})
    found = plan_for(zones, world(ALL_SIGNED, ALL_DS))
    assert not found.unsigns and "registrar" in found.problems[0]


def test_an_unsigned_root_with_keys_left_only_loses_the_keys() -> None:
    zones = config({"example.com": False})
    left = {"example.com": ZoneSigning("NOT_SIGNING", (ksk("example.com", 1, "INACTIVE"),))}
    found = plan_for(zones, world(left, {}))
    assert [(u.disable, u.deactivate, u.delete) for u in found.unsigns] == [
        (False, (), ("zonecut_1",))]


def test_an_inactive_ksk_is_activated_and_a_third_is_refused() -> None:
    zones = config({"dev.example.com": True})
    one = {"dev.example.com": ZoneSigning("NOT_SIGNING",
                                          (ksk("dev.example.com", 1, "INACTIVE"),))}
    found = plan_for(zones, world(one, {}))
    assert [(s.ksk, s.create_ksk, s.activate_ksk, s.enable) for s in found.signs] == [
        ("zonecut_1", False, True, True)]
    two = {"dev.example.com": ZoneSigning("NOT_SIGNING", (
        ksk("dev.example.com", 1, "ACTION_NEEDED"), ksk("dev.example.com", 2, "DELETING")))}
    found = plan_for(zones, world(two, {}))
    assert not found.signs and "Route 53 allows 2" in found.problems[0]


def test_destroy_removes_the_ds_then_unsigns_and_the_records_keep_no_removed_ds() -> None:
    observed = world(ALL_SIGNED, ALL_DS)
    deletions = tuple(
        ZoneDeletion(name=n, account_id=ACCOUNT[n], zone_id=zone_id(n), parent=PARENT[n],
                     parent_account_id=ACCOUNT[PARENT[n]], parent_zone_id=zone_id(PARENT[n]),
                     parent_ns=RRSet(n, "NS", 3600, (f"ns.{n}",)),
                     records=tuple(rr for rr in observed.rrsets[zone_id(n)]
                                   if rr.type == "DS"),
                     depth=n.count(".") - 1, reason="destroy")
        for n in ("team-a.dev.example.com", "dev.example.com"))
    found = plan_dnssec_teardown(deletions, observed)
    assert {c.child for c in found.ds_removals} == set(PARENT)
    assert {(u.name, u.wait_seconds) for u in found.unsigns} == {
        ("team-a.dev.example.com", 900), ("dev.example.com", 900)}
    assert all(not d.records for d in without_removed_ds(deletions, found))


# -- executing the steps on a model of Route 53, interrupted after every step ------------

def run_steps(found: DnssecPlan, observed: ObservedState, stop: int) -> tuple[ObservedState, int]:
    """Carry out the steps in the executor's order on ``observed`` (a model: signing
    status, KSKs, DS rrsets), at most ``stop`` calls; check the invariants after each."""
    calls = 0

    def step() -> bool:
        nonlocal calls
        check(observed)
        if calls >= stop:
            return False
        calls += 1
        return True

    def set_ds(parent_id: str, child: str, rr: RRSet | None) -> None:
        kept = tuple(r for r in observed.rrsets[parent_id]
                     if not (r.name == child and r.type == "DS"))
        observed.rrsets[parent_id] = tuple(sorted((*kept, rr) if rr else kept))

    for c in found.ds_removals:
        if not step():
            return observed, calls
        assert c.parent_zone_id is not None
        set_ds(c.parent_zone_id, c.child, None)
    for u in found.unsigns:
        now = observed.signing[u.zone_id]
        if u.disable:
            if not step():
                return observed, calls
            now = replace(now, status="NOT_SIGNING")
            observed.signing[u.zone_id] = now
        for name in u.deactivate:
            if not step():
                return observed, calls
            now = replace(now, ksks=tuple(replace(k, status="INACTIVE") if k.name == name
                                          else k for k in now.ksks))
            observed.signing[u.zone_id] = now
        for name in u.delete:
            if not step():
                return observed, calls
            now = replace(now, ksks=tuple(k for k in now.ksks if k.name != name))
            observed.signing[u.zone_id] = now
    for s in found.signs:
        zid = s.zone_id or zone_id(s.name)
        now = observed.signing[zid]
        if s.create_ksk or s.activate_ksk:
            if not step():
                return observed, calls
            n = int(s.ksk.split("_")[1])
            now = replace(now, ksks=(*[k for k in now.ksks if k.name != s.ksk],
                                     ksk(s.name, n)))
            observed.signing[zid] = now
        if s.enable:
            if not step():
                return observed, calls
            observed.signing[zid] = replace(now, status="SIGNING")
    for c in found.ds_writes:
        if not step():
            return observed, calls
        child = observed.signing[zone_id(c.child)]
        parent = observed.signing[zone_id(c.parent)]
        # the executor writes a DS only for a signing child in a signing parent
        if child.signing and parent.signing:
            set_ds(zone_id(c.parent), c.child, RRSet(c.child, "DS", c.ttl, child.ds_values()))
    check(observed)
    return observed, calls


def check(observed: ObservedState) -> None:
    for child, parent in PARENT.items():
        rr = ds_at(observed, zone_id(parent), child)
        if rr is None:
            continue
        child_state = observed.signing[zone_id(child)]
        assert child_state.signing, f"DS of {child} in {parent} without a signing child"
        assert set(rr.values) & set(child_state.ds_values()), \
            f"DS of {child} matches no active KSK"


STATES = st.sampled_from(["none", "signed", "inactive"])
WANTS = st.sampled_from([True, False, None])


@settings(max_examples=150, deadline=None)
@given(st.tuples(STATES, STATES, STATES), st.tuples(WANTS, WANTS, WANTS),
       st.tuples(st.booleans(), st.booleans()), st.integers(min_value=0, max_value=12))
def test_interrupted_after_any_step_a_new_plan_converges_safely(
        states: tuple[str, str, str], wants: tuple[bool | None, bool | None, bool | None],
        with_ds: tuple[bool, bool], stop: int) -> None:
    signing: dict[str, ZoneSigning] = {}
    for name, kind in zip(NAMES, states, strict=True):
        if kind == "signed":
            signing[name] = signed(name)
        elif kind == "inactive":
            signing[name] = ZoneSigning("NOT_SIGNING", (ksk(name, 1, "INACTIVE"),))
    # a DS only where the child signs (the start must itself be safe)
    ds_in = {c: ds(c) for c, on in zip(PARENT, with_ds, strict=True)
             if on and c in signing and signing[c].signing}
    zones = config(dict(zip(NAMES, wants, strict=True)))
    observed = world(signing, ds_in)
    check(observed)
    found = plan_for(zones, observed)
    observed, _ = run_steps(found, observed, stop)
    for _ in range(3):  # reruns converge
        found = plan_for(zones, observed)
        observed, calls = run_steps(found, observed, 1000)
        if calls == 0:
            break
    found = plan_for(zones, observed)
    assert not found.has_changes, found.steps()
    for name, want in zip(NAMES, wants, strict=True):
        if want is True and not found.problems:
            assert observed.signing[zone_id(name)].signing
        if want is False and name != "example.com":
            assert observed.signing[zone_id(name)].status == "NOT_SIGNING"
            assert not observed.signing[zone_id(name)].ksks
    for child, parent in PARENT.items():
        present = ds_at(observed, zone_id(parent), child)
        child_wants, parent_wants = wants[NAMES.index(child)], wants[NAMES.index(parent)]
        if child_wants is True and observed.signing[zone_id(parent)].signing:
            assert present is not None
            assert present.values == observed.signing[zone_id(child)].ds_values()
        if child_wants is False or (parent_wants is False
                                    and not observed.signing[zone_id(parent)].signing):
            assert present is None

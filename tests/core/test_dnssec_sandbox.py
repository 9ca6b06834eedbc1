"""DNSSEC apply, unsign and destroy on the sandbox (its Route 53 DNSSEC API and KMS),
and the same interrupted at every call: a DS is never published for a zone that is not
signing, and no zone is unsigned while its DS is published."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from core_support import ACCOUNTS, FIVE_ZONES, config, runtime
from crash import Crash, CrashAfter, dangling

from sandbox_fixtures import session_for
from zonecut.plan.changes import Plan
from zonecut.runtime import Runtime
from zonecut.sandbox import Sandbox
from zonecut.sandbox.zone_data import all_zones

SIGNED = FIVE_ZONES.replace("  ns_ttl: 3600\n", "  ns_ttl: 3600\n  dnssec: true\n")
PARENTS = {"dev.example.com": "example.com", "prod.example.com": "example.com",
           "api.example.com": "example.com", "team-a.dev.example.com": "dev.example.com"}
OWNER = {"example.com": "network", "dev.example.com": "dev", "prod.example.com": "prod",
         "team-a.dev.example.com": "team-a", "api.example.com": "api"}


def client(sandbox: Sandbox, name: str) -> Any:
    return session_for(sandbox, ACCOUNTS[OWNER[name]]).client("route53")


def live(sandbox: Sandbox) -> dict[str, tuple[str, list[str], list[str]]]:
    """zone -> (ServeSignature, DS values of its active KSKs, DS rrset values in its parent)"""
    found: dict[str, tuple[str, list[str], list[str]]] = {}
    zones = {z.name: z for z in all_zones()}
    for name in OWNER:
        if name not in zones:
            continue
        r53 = client(sandbox, name)
        zone_id = zones[name].zone_id
        got = r53.get_dnssec(HostedZoneId=zone_id)
        ds = sorted(k["DSRecord"] for k in got.get("KeySigningKeys", [])
                    if k["Status"] == "ACTIVE")
        in_parent: list[str] = []
        parent = PARENTS.get(name)
        if parent in zones:
            in_parent = sorted(v for r in zones[parent].records
                               if r.type == "DS" and r.name == name for v in r.values)
        found[name] = (got["Status"]["ServeSignature"], ds, in_parent)
    return found


def unsafe(sandbox: Sandbox) -> list[str]:
    """A DS in a parent for a zone that is not signing, or that matches none of its keys."""
    problems = []
    for name, (status, keys, in_parent) in live(sandbox).items():
        if in_parent and (status != "SIGNING" or not set(in_parent) & set(keys)):
            problems.append(f"DS of {name} in its parent: {in_parent}, zone {status} {keys}")
    return problems


def apply_all(rt: Runtime, plan: Plan) -> None:
    rt.apply(plan)
    rt.teardown().run(plan.deletions)


def test_apply_signs_every_zone_and_publishes_each_ds_in_its_parent(
        fresh_sandbox: Sandbox) -> None:
    rt = runtime(fresh_sandbox, config(SIGNED))
    plan = rt.plan()
    assert plan.dnssec is not None and len(plan.dnssec.signs) == 5
    result = rt.apply(plan)
    state = live(fresh_sandbox)
    assert all(status == "SIGNING" and keys for status, keys, _ in state.values()), state
    for child in PARENTS:
        assert state[child][2] == state[child][1], child
    assert result.dnssec is not None
    assert result.dnssec.registrar_ds["example.com"] == tuple(state["example.com"][1])
    again = runtime(fresh_sandbox, config(SIGNED)).plan()
    assert not again.has_changes, again.dnssec.steps() if again.dnssec else again
    assert again.dnssec is not None and again.dnssec.registrar[0].values


def test_unsign_a_middle_zone_removes_the_ds_below_and_above_first(
        fresh_sandbox: Sandbox) -> None:
    rt = runtime(fresh_sandbox, config(SIGNED))
    rt.apply(rt.plan())
    text = SIGNED.replace("{name: dev.example.com, account: dev}",
                          "{name: dev.example.com, account: dev, dnssec: false}")
    plan = runtime(fresh_sandbox, config(text)).plan()
    assert plan.dnssec is not None
    assert plan.dnssec.steps()[:2] == [
        "remove DS of dev.example.com from example.com (dev.example.com is unsigned)",
        "remove DS of team-a.dev.example.com from dev.example.com (dev.example.com is "
        "unsigned)"]
    runtime(fresh_sandbox, config(text)).apply(plan)
    state = live(fresh_sandbox)
    assert state["dev.example.com"] == ("NOT_SIGNING", [], [])
    assert state["team-a.dev.example.com"][0] == "SIGNING"
    assert state["team-a.dev.example.com"][2] == []
    assert not runtime(fresh_sandbox, config(text)).plan().has_changes


def test_destroy_of_signed_zones_unsigns_them_first(fresh_sandbox: Sandbox) -> None:
    rt = runtime(fresh_sandbox, config(SIGNED))
    rt.apply(rt.plan())
    plan = runtime(fresh_sandbox, config(SIGNED), purpose="destroy").plan_destroy(
        ["dev.example.com"])
    assert plan.dnssec is not None
    assert {c.child for c in plan.dnssec.ds_removals} == {"dev.example.com",
                                                          "team-a.dev.example.com"}
    apply_all(runtime(fresh_sandbox, config(SIGNED), purpose="destroy"), plan)
    assert sorted(z.name for z in all_zones()) == ["api.example.com", "example.com",
                                                   "prod.example.com"]
    assert dangling() == [] and unsafe(fresh_sandbox) == []


# -- interrupted at every call boundary -------------------------------------------------

THREE = "\n".join(line for line in FIVE_ZONES.splitlines()
                  if "prod.example.com" not in line and "api.example.com" not in line) + "\n"
THREE_SIGNED = THREE.replace("  ns_ttl: 3600\n", "  ns_ttl: 3600\n  dnssec: true\n")
DEV_UNSIGNED = THREE_SIGNED.replace("{name: dev.example.com, account: dev}",
                                    "{name: dev.example.com, account: dev, dnssec: false}")
THREE_ACCOUNTS = [ACCOUNTS[k] for k in ("network", "dev", "team-a")]


def signing_now() -> dict[str, tuple[bool, list[Any]]]:
    """zone name -> (signing, active KSKs), read straight from the emulated Route 53."""
    from moto.route53.models import route53_backends

    from zonecut.names import normalize
    from zonecut.sandbox.dnssec_state import zones_of

    found: dict[str, tuple[bool, list[Any]]] = {}
    for per_account in list(route53_backends.values()):
        for backend in list(per_account.values()):
            for zone_id, state in list(zones_of(backend).items()):
                zone = backend.zones.get(zone_id)
                if zone is not None:
                    found[normalize(zone.name)] = (state.signing, state.active())
    return found


def broken_chain() -> list[str]:
    """Every DS in a parent whose child is not signing or has no KSK the DS names."""
    from zonecut.sandbox.dnssec_state import ds_matches

    signing = signing_now()
    problems = []
    for zone in all_zones():
        for record in zone.records:
            if record.type != "DS":
                continue
            on, keys = signing.get(record.name, (False, []))
            if not on or not any(ds_matches(v, k) for v in record.values for k in keys):
                problems.append(f"{zone.name} publishes a DS for {record.name}, which is "
                                f"{'signing with other keys' if on else 'not signing'}")
    return problems


class ChainWatch(CrashAfter):
    def after_call(self, **kwargs: Any) -> None:
        super().after_call(**kwargs)
        problems = broken_chain()
        if problems:
            with self.lock:
                self.violations.extend(problems)


def prepare(sandbox: Sandbox, kind: str) -> None:
    rt = runtime(sandbox, config(THREE))
    rt.apply(rt.plan())
    if kind == "unsign":
        rt = runtime(sandbox, config(THREE_SIGNED))
        rt.apply(rt.plan())


def target(kind: str) -> str:
    return {"sign": THREE_SIGNED, "unsign": DEV_UNSIGNED}[kind]


@pytest.mark.parametrize("kind", ["sign", "unsign"])
def test_interrupted_at_every_call_the_chain_never_breaks_and_a_rerun_finishes(
        fresh_sandbox: Sandbox, kind: str) -> None:
    prepare(fresh_sandbox, kind)
    rt = runtime(fresh_sandbox, config(target(kind)))
    plan = rt.plan()
    count = ChainWatch(rt, THREE_ACCOUNTS, None)
    apply_all(rt, plan)
    assert count.violations == []
    total = count.sent
    assert total > 8
    for limit in range(total):
        fresh_sandbox.reset()
        prepare(fresh_sandbox, kind)
        rt = runtime(fresh_sandbox, config(target(kind)))
        plan = rt.plan()
        arm = ChainWatch(rt, THREE_ACCOUNTS, limit)
        with pytest.raises(Crash):
            apply_all(rt, plan)
        assert arm.violations == [], f"after {limit} calls: {arm.violations}"
        rt2 = runtime(fresh_sandbox, config(target(kind)))
        check = ChainWatch(rt2, THREE_ACCOUNTS, None)
        apply_all(rt2, rt2.plan())
        assert check.violations == [], f"resuming after {limit} calls: {check.violations}"
        assert not runtime(fresh_sandbox, config(target(kind))).plan().has_changes, limit
        signing = signing_now()
        if kind == "sign":
            assert all(signing[n][0] for n in ("example.com", "dev.example.com",
                                               "team-a.dev.example.com")), limit
        else:
            assert not signing["dev.example.com"][0] and not signing["dev.example.com"][1]
        assert broken_chain() == [] and dangling() == []


def test_the_chain_watch_sees_a_ds_for_a_zone_that_does_not_sign(fresh_sandbox: Sandbox) -> None:
    prepare(fresh_sandbox, "sign")
    assert broken_chain() == []
    zones = {z.name: z.zone_id for z in all_zones()}
    client(fresh_sandbox, "dev.example.com").change_resource_record_sets(
        HostedZoneId=zones["dev.example.com"], ChangeBatch={"Changes": [
            {"Action": "CREATE", "ResourceRecordSet": {
                "Name": "team-a.dev.example.com.", "Type": "DS", "TTL": 60,
                "ResourceRecords": [{"Value": "12345 13 2 " + "AB" * 32}]}}]})
    assert broken_chain() == ["dev.example.com publishes a DS for team-a.dev.example.com, "
                              "which is not signing"]


@pytest.mark.unbound
def test_unbound_validates_www_team_a_as_secure_after_apply(fresh_sandbox: Sandbox,
                                                            tmp_path: Path) -> None:
    import dns.exception
    import dns.flags
    import dns.message
    import dns.query
    import dns.rcode
    from core_support import add_www_to_team_a

    import unbound_support

    if unbound_support.UNBOUND is None:
        pytest.skip("unbound is not installed")
    if fresh_sandbox.info.root_hints[0].port != 53:
        pytest.skip("Unbound needs the sandbox DNS on port 53 (run as root)")
    rt = runtime(fresh_sandbox, config(SIGNED))
    rt.apply(rt.plan())
    add_www_to_team_a(fresh_sandbox)
    for name, servers in rt.root_name_servers().items():  # the registrar, as apply does
        fresh_sandbox.register(name, servers, rt.root_ds().get(name, ()))
    hints, anchor = tmp_path / "root.hints", tmp_path / "root.ds"
    fresh_sandbox.write_root_hints(hints)
    fresh_sandbox.write_trust_anchor(anchor)
    process, port = unbound_support.start(tmp_path, hints, anchor)
    try:
        query = dns.message.make_query("www.team-a.dev.example.com", "A", want_dnssec=True)
        answer = None
        deadline = time.monotonic() + 20
        while answer is None and time.monotonic() < deadline:
            try:
                answer = dns.query.udp(query, "127.0.0.1", port=port, timeout=2)
            except (OSError, dns.exception.Timeout):
                time.sleep(0.1)
        assert answer is not None, "unbound did not answer"
        assert answer.rcode() == dns.rcode.NOERROR, answer
        assert answer.flags & dns.flags.AD, answer
        assert "192.0.2.10" in answer.to_text()
    finally:
        unbound_support.stop(process)


# -- KSK rollover -------------------------------------------------------------------------

def rotate(sandbox: Sandbox, name: str, limit: int | None = None,
           retire: str | None = None) -> ChainWatch:
    """Roll ``name``'s KSK over, crashing before call ``limit + 1``; the watch is returned
    (or, on a crash, kept in ``WATCHES``) for its violations."""
    rt = runtime(sandbox, config(THREE_SIGNED), purpose="rotate-ksk")
    watch = ChainWatch(rt, THREE_ACCOUNTS, limit)
    WATCHES.append(watch)
    rotation, zone, parent = rt.rotation(name, retire)
    assert zone is not None and parent is not None, rotation.problems
    rt.rotation_runner().run(rotation, zone, parent)
    return watch


WATCHES: list[ChainWatch] = []


def test_rotate_ksk_is_a_double_ds_rollover(fresh_sandbox: Sandbox) -> None:
    prepare(fresh_sandbox, "unsign")  # the three zones, signed
    rt = runtime(fresh_sandbox, config(THREE_SIGNED), purpose="rotate-ksk")
    rotation, _, _ = rt.rotation("dev.example.com")
    assert [s.kind for s in rotation.steps] == ["create-ksk", "write-ds", "wait", "write-ds",
                                                "deactivate-ksk", "delete-ksk"]
    assert (rotation.old, rotation.new) == (("zonecut_1",), "zonecut_2")
    watch = rotate(fresh_sandbox, "dev.example.com")
    assert watch.violations == []
    on, keys = signing_now()["dev.example.com"]
    assert on and [k.name for k in keys] == ["zonecut_2"]
    assert live(fresh_sandbox)["dev.example.com"][2] == live(fresh_sandbox)[
        "dev.example.com"][1]
    again, _, _ = runtime(fresh_sandbox, config(THREE_SIGNED)).rotation("dev.example.com")
    assert [s.kind for s in again.steps] == ["create-ksk", "write-ds", "wait", "write-ds",
                                             "deactivate-ksk", "delete-ksk"]  # a new one
    assert not runtime(fresh_sandbox, config(THREE_SIGNED)).plan().has_changes
    root, _, _ = runtime(fresh_sandbox, config(THREE_SIGNED)).rotation("example.com")
    assert "registrar" in root.problems[0]


def test_rotate_ksk_interrupted_at_every_call_resumes_and_keeps_the_chain(
        fresh_sandbox: Sandbox) -> None:
    prepare(fresh_sandbox, "unsign")
    total = rotate(fresh_sandbox, "dev.example.com").sent
    assert total > 6
    for limit in range(total):
        fresh_sandbox.reset()
        prepare(fresh_sandbox, "unsign")
        with pytest.raises(Crash):
            rotate(fresh_sandbox, "dev.example.com", limit)
        assert WATCHES[-1].violations == [], f"after {limit} calls: {WATCHES[-1].violations}"
        rest = rotate(fresh_sandbox, "dev.example.com", retire="zonecut_1")  # continues
        assert rest.violations == [], f"resuming after {limit} calls: {rest.violations}"
        on, keys = signing_now()["dev.example.com"]
        assert on and [k.name for k in keys] == ["zonecut_2"], (limit, keys)
        assert broken_chain() == []

"""Prune of signed zones: a signed zone the config drops goes in the safe order -- its DS
(and its doomed children's) out of the parent, the DS TTL waited, DNSSEC disabled, the
KSKs deactivated and deleted, then the NS in the parent and the zone. Interrupted at
every call boundary and rerun: after every call no parent publishes a DS for a zone that
is not signing with a key it names; at every boundary and after the rerun every zone
still in the config validates from the sandbox root's trust anchor (dnspython's
validation of real DNS answers); nothing foreign is deleted."""

from __future__ import annotations

import time
from typing import Any

import pytest
from core_support import ACCOUNTS, FIVE_ZONES, config, runtime
from crash import Crash, dangling
from test_dnssec_sandbox import ChainWatch, broken_chain, signing_now

from sandbox_fixtures import session_for
from zonecut.plan.changes import Plan
from zonecut.runtime import Runtime
from zonecut.sandbox import Sandbox
from zonecut.sandbox.zone_data import all_zones
from zonecut.verify.dnssec import why_insecure
from zonecut.verify.dnssec_probe import probe_dnssec_sync
from zonecut.verify.targets import ServerAddress

FOUR = "\n".join(line for line in FIVE_ZONES.splitlines() if "api.example.com" not in line)
SIGNED = FOUR.replace("  ns_ttl: 3600\n", "  ns_ttl: 3600\n  dnssec: true\n") + "\n"
PRUNED = "\n".join(line for line in SIGNED.splitlines()
                   if "dev.example.com" not in line) + "\n"
KEPT = ["example.com", "prod.example.com"]
GONE = ["dev.example.com", "team-a.dev.example.com"]
FOREIGN = "legacy.example.com"
USED = [ACCOUNTS[k] for k in ("network", "dev", "prod", "team-a")]


def world(sandbox: Sandbox) -> None:
    """SIGNED built by zonecut, the root registered with its DS at the sandbox TLD; in
    the dev account legacy.example.com, made by another tool and delegated by hand."""
    rt = runtime(sandbox, config(SIGNED))
    rt.apply(rt.plan())
    for name, servers in rt.root_name_servers().items():  # the registrar, as apply does
        sandbox.register(name, servers, rt.root_ds().get(name, ()))
    dev = session_for(sandbox, ACCOUNTS["dev"]).client("route53")
    made = dev.create_hosted_zone(Name=FOREIGN, CallerReference="terraform-1")
    network = session_for(sandbox, ACCOUNTS["network"]).client("route53")
    parent = next(z.zone_id for z in all_zones() if z.name == "example.com")
    network.change_resource_record_sets(HostedZoneId=parent, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": FOREIGN, "Type": "NS", "TTL": 300,
            "ResourceRecords": [{"Value": s} for s in made["DelegationSet"]["NameServers"]]}}]})


def foreign() -> list[Any]:
    zones = all_zones()
    return sorted([(z.account_id, z.name, z.records) for z in zones if z.name == FOREIGN]
                  + [(z.name, r) for z in zones for r in z.records if r.name == FOREIGN],
                  key=repr)


def insecure(sandbox: Sandbox) -> dict[str, str]:
    """Each kept zone a validating resolver would not find secure, and why."""
    roots = [ServerAddress(h.name, h.address, h.port) for h in sandbox.info.root_hints]
    seen = probe_dnssec_sync(KEPT, roots, timeout=1.0, anchors=sandbox.info.trust_anchor)
    now = time.time()
    return {z: why for z in KEPT if (why := why_insecure(z, seen, now=now)) is not None}


def prune(rt: Runtime) -> Plan:
    plan = rt.plan_with_prune()
    assert not plan.problems, plan.problems
    return plan


def run(rt: Runtime, plan: Plan) -> None:
    """What `apply --prune` runs: the plan (DNSSEC steps first), then the deletions."""
    rt.apply(plan)
    rt.teardown().run(plan.deletions)


def test_prune_takes_a_signed_subtree_down_in_the_safe_order(fresh_sandbox: Sandbox) -> None:
    world(fresh_sandbox)
    assert insecure(fresh_sandbox) == {}
    plan = prune(runtime(fresh_sandbox, config(PRUNED)))
    assert sorted(d.name for d in plan.deletions) == GONE
    assert plan.dnssec is not None
    assert set(plan.dnssec.steps()[:2]) == {  # both DS out first (one phase)
        "remove DS of dev.example.com from example.com (dev.example.com is deleted)",
        "remove DS of team-a.dev.example.com from dev.example.com (team-a.dev.example.com "
        "is deleted)"}
    assert {u.name for u in plan.dnssec.unsigns} == set(GONE)
    assert plan.dnssec.wait_seconds() == 3600
    # no DS record of a doomed zone is left for the teardown to delete after its NS
    assert all(r.type != "DS" for d in plan.deletions for r in d.records)
    rt = runtime(fresh_sandbox, config(PRUNED))
    watch = ChainWatch(rt, USED, None)
    run(rt, plan)
    assert watch.violations == []
    assert sorted(z.name for z in all_zones()) == sorted([*KEPT, FOREIGN])
    assert insecure(fresh_sandbox) == {} and broken_chain() == [] and dangling() == []
    assert prune(runtime(fresh_sandbox, config(PRUNED))).deletions == ()


class CallLog(ChainWatch):
    """The chain watch, also noting each Route 53 operation in the order sent."""

    def __init__(self, rt: Runtime, accounts: list[str], limit: int | None) -> None:
        self.operations: list[str] = []
        super().__init__(rt, accounts, limit)

    def before_send(self, **kwargs: Any) -> None:
        super().before_send(**kwargs)
        with self.lock:
            self.operations.append(str(kwargs.get("event_name", "")).rsplit(".", 1)[-1])


@pytest.mark.parametrize("half", [0, 1])  # every other cut each: two shorter tests
def test_prune_of_signed_zones_interrupted_at_every_call_then_rerun(
        fresh_sandbox: Sandbox, half: int) -> None:
    """Cut off before each write: a cut before a read leaves the same live state as the
    cut before the write after it (reads change nothing, and a rerun plans from the live
    state), so these are every distinct state a cut can leave."""
    world(fresh_sandbox)
    rt = runtime(fresh_sandbox, config(PRUNED))
    plan = prune(rt)
    count = CallLog(rt, USED, None)
    run(rt, plan)
    assert count.violations == []
    writes = [i for i, op in enumerate(count.operations)
              if not op.startswith(("Get", "List"))]
    assert len(writes) >= 8, count.operations  # DS x2, disable x2, KSKs x4, NS, zones...
    assert {"DisableHostedZoneDNSSEC", "DeactivateKeySigningKey", "DeleteKeySigningKey",
            "DeleteHostedZone"} <= set(count.operations)
    for limit in writes[half::2]:
        fresh_sandbox.reset()
        world(fresh_sandbox)
        untouched = foreign()
        rt = runtime(fresh_sandbox, config(PRUNED))
        plan = prune(rt)
        arm = ChainWatch(rt, USED, limit)
        with pytest.raises(Crash):
            run(rt, plan)
        assert arm.violations == [], f"after {limit} calls: {arm.violations}"
        assert insecure(fresh_sandbox) == {}, limit  # the state at this call boundary
        again = runtime(fresh_sandbox, config(PRUNED))
        check = ChainWatch(again, USED, None)
        run(again, prune(again))
        assert check.violations == [], f"resuming after {limit} calls: {check.violations}"
        assert sorted(z.name for z in all_zones()) == sorted([*KEPT, FOREIGN]), limit
        assert foreign() == untouched, limit
        assert insecure(fresh_sandbox) == {}, limit
        assert broken_chain() == [] and dangling() == [], limit
        assert set(signing_now()) >= set(KEPT)
        assert prune(runtime(fresh_sandbox, config(PRUNED))).deletions == (), limit


def test_prune_unsigns_a_dropped_zone_even_when_the_config_no_longer_sets_dnssec(
        fresh_sandbox: Sandbox) -> None:
    """dnssec: true was written on the zones themselves; the file that drops dev (and
    team-a) says nothing of DNSSEC any more (example.com is left signed, as unset means).
    The DS in example.com shows dev signs: prune still unsigns before it deletes."""
    world(fresh_sandbox)
    plain = PRUNED.replace("  dnssec: true\n", "")
    assert "dnssec" not in plain
    rt = runtime(fresh_sandbox, config(plain))
    assert not rt.manages_dnssec
    plan = prune(rt)
    assert sorted(d.name for d in plan.deletions) == GONE
    assert plan.dnssec is not None and {u.name for u in plan.dnssec.unsigns} == set(GONE)
    watch = ChainWatch(rt, USED, None)
    run(rt, plan)
    assert watch.violations == []
    assert sorted(z.name for z in all_zones()) == sorted([*KEPT, FOREIGN])
    assert insecure(fresh_sandbox) == {} and broken_chain() == [] and dangling() == []

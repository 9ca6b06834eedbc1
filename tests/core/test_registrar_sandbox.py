"""`registrar: route53` on the sandbox: apply sets the root's name servers and DS at Route
53 Domains (in the root's account) in the safe order, unsigning takes the DS out first,
and interrupted at every call (Route 53 and Route 53 Domains) no DS is ever at the
registrar for a root that is not signing with the key it names."""

from __future__ import annotations

from typing import Any

import pytest
from core_support import ACCOUNTS, FIVE_ZONES, config, runtime
from crash import Crash, CrashAfter

from sandbox_fixtures import session_for
from zonecut.runtime import Runtime
from zonecut.sandbox import Sandbox

NETWORK = ACCOUNTS["network"]
THREE = "\n".join(line for line in FIVE_ZONES.splitlines()
                  if "prod.example.com" not in line and "api.example.com" not in line) + "\n"
REGISTRAR = THREE.replace("{name: example.com, account: network, root: true}",
                          "{name: example.com, account: network, root: true, "
                          "registrar: route53}")
SIGNED = REGISTRAR.replace("  ns_ttl: 3600\n", "  ns_ttl: 3600\n  dnssec: true\n")
ROOT_UNSIGNED = SIGNED.replace("registrar: route53}", "registrar: route53, dnssec: false}")
THREE_ACCOUNTS = [ACCOUNTS[k] for k in ("network", "dev", "team-a")]
ROOT_ONLY = "\n".join(line for line in REGISTRAR.splitlines() if "dev.example.com" not in line)
ROOT_SIGNED = ROOT_ONLY.replace("  ns_ttl: 3600\n", "  ns_ttl: 3600\n  dnssec: true\n")
CONTACT = {"FirstName": "Ada", "LastName": "Lovelace", "ContactType": "PERSON",
           "AddressLine1": "1 Main St", "City": "Seattle", "CountryCode": "US",
           "ZipCode": "98101", "PhoneNumber": "+1.2065550100", "Email": "ada@example.org"}


def domains(sandbox: Sandbox) -> Any:
    return session_for(sandbox, NETWORK).client("route53domains", region_name="us-east-1")


def register(sandbox: Sandbox) -> None:
    domains(sandbox).register_domain(DomainName="example.com", DurationInYears=2,
                                     AdminContact=CONTACT, RegistrantContact=CONTACT,
                                     TechContact=CONTACT)


def root_state(sandbox: Sandbox) -> tuple[bool, set[str], list[str], set[str]]:
    """(signing, DS of its active KSKs, registrar name servers, registrar DS)."""
    r53 = session_for(sandbox, NETWORK).client("route53")
    zone = r53.list_hosted_zones_by_name(DNSName="example.com")["HostedZones"][0]
    got = r53.get_dnssec(HostedZoneId=zone["Id"])
    ds = {k["DSRecord"] for k in got.get("KeySigningKeys", []) if k["Status"] == "ACTIVE"}
    detail = domains(sandbox).get_domain_detail(DomainName="example.com")
    held = {f"{k['KeyTag']} {k['Algorithm']} {k['DigestType']} {k['Digest']}"
            for k in detail["DnssecKeys"]}
    servers = sorted(ns["Name"] for ns in detail["Nameservers"])
    return got["Status"]["ServeSignature"] == "SIGNING", ds, servers, held


def zone_servers(sandbox: Sandbox) -> list[str]:
    r53 = session_for(sandbox, NETWORK).client("route53")
    zone = r53.list_hosted_zones_by_name(DNSName="example.com")["HostedZones"][0]
    return sorted(r53.get_hosted_zone(Id=zone["Id"])["DelegationSet"]["NameServers"])


def registrar_unsafe() -> list[str]:
    """A DS at the registrar for a root that is not signing with a key it names."""
    from moto.route53.models import route53_backends

    from zonecut.names import normalize
    from zonecut.sandbox.dnssec_state import zones_of
    from zonecut.sandbox.domains_state import registered_domains

    keys: dict[str, set[str]] = {}
    for per_account in list(route53_backends.values()):
        for backend in list(per_account.values()):
            for zone_id, state in list(zones_of(backend).items()):
                zone = backend.zones.get(zone_id)
                if zone is not None and state.signing:
                    keys[normalize(zone.name)] = {k.material.ds_record.upper()
                                                  for k in state.active()}
    problems = []
    for name, (_, ds) in registered_domains().items():
        if ds and not {d.upper() for d in ds} & keys.get(name, set()):
            problems.append(f"the registrar publishes DS {list(ds)} for {name}, which is "
                            f"{'signing with other keys' if name in keys else 'not signing'}")
    return problems


class RegistrarWatch(CrashAfter):
    """Crashes before call ``limit + 1`` of Route 53 or Route 53 Domains; checks the
    registrar after every call."""

    def __init__(self, rt: Runtime, limit: int | None) -> None:
        super().__init__(rt, THREE_ACCOUNTS, limit)
        session = rt.fleet.factory.session(rt.fleet.access(NETWORK))
        session.events.register_first("before-send.route53domains", self.before_send)
        session.events.register("after-call.route53domains", self.after_call)

    def after_call(self, **kwargs: Any) -> None:
        super().after_call(**kwargs)
        problems = registrar_unsafe()
        if problems:
            with self.lock:
                self.violations.extend(problems)


def test_apply_sets_the_name_servers_and_the_ds_at_the_registrar(fresh_sandbox: Sandbox
                                                                  ) -> None:
    register(fresh_sandbox)
    domains(fresh_sandbox).update_domain_nameservers(DomainName="example.com", Nameservers=[
        {"Name": "ns1.elsewhere.net"}, {"Name": "ns2.elsewhere.net"}])
    rt = runtime(fresh_sandbox, config(SIGNED))
    plan = rt.plan()
    assert plan.dnssec is not None
    steps = plan.dnssec.steps()
    assert steps[0].startswith("set the name servers of example.com at the registrar")
    assert steps[-1].startswith("give the registrar (Route 53 Domains) of example.com")
    assert not any(s.startswith("give the registrar of example.com its DS") for s in steps)
    watch = RegistrarWatch(rt, None)
    rt.apply(plan)
    assert watch.violations == []
    signing, ds, servers, held = root_state(fresh_sandbox)
    assert signing and ds and held == {d.upper() for d in ds}
    assert servers == zone_servers(fresh_sandbox)
    assert not runtime(fresh_sandbox, config(SIGNED)).plan().has_changes


def test_without_the_domain_in_route53_domains_the_plan_says_so(fresh_sandbox: Sandbox
                                                                ) -> None:
    plan = runtime(fresh_sandbox, config(SIGNED)).plan()
    assert any("not registered with Route 53 Domains in account 111111111111" in p
               for p in plan.problems)


def test_unsigning_a_root_takes_its_ds_out_at_the_registrar_first(fresh_sandbox: Sandbox
                                                                  ) -> None:
    register(fresh_sandbox)
    rt = runtime(fresh_sandbox, config(SIGNED))
    rt.apply(rt.plan())
    rt = runtime(fresh_sandbox, config(ROOT_UNSIGNED))
    plan = rt.plan()
    assert plan.problems == ()
    assert plan.dnssec is not None
    steps = plan.dnssec.steps()
    assert steps[0].startswith("remove the DS") and "at the registrar" in steps[0]
    assert any(s.startswith("wait 86400 s") for s in steps)
    watch = RegistrarWatch(rt, None)
    rt.apply(plan)
    assert watch.violations == []
    signing, _, _, held = root_state(fresh_sandbox)
    assert not signing and held == set()


@pytest.mark.timeout(600)
def test_interrupted_at_every_call_no_ds_at_the_registrar_without_a_signing_root(
        fresh_sandbox: Sandbox) -> None:
    """The root alone (the children's DS are test_dnssec_sandbox's): its name servers at
    the registrar elsewhere, signed and its DS given by one apply, stopped before each
    Route 53 and Route 53 Domains call, then rerun."""
    def prepare() -> None:
        register(fresh_sandbox)
        domains(fresh_sandbox).update_domain_nameservers(DomainName="example.com", Nameservers=[
            {"Name": "ns1.elsewhere.net"}, {"Name": "ns2.elsewhere.net"}])

    prepare()
    rt = runtime(fresh_sandbox, config(ROOT_SIGNED))
    plan = rt.plan()
    count = RegistrarWatch(rt, None)
    rt.apply(plan)
    assert count.violations == []
    total = count.sent
    assert total >= 8
    for limit in range(total):
        fresh_sandbox.reset()
        prepare()
        rt = runtime(fresh_sandbox, config(ROOT_SIGNED))
        plan = rt.plan()
        arm = RegistrarWatch(rt, limit)
        with pytest.raises(Crash):
            rt.apply(plan)
        assert arm.violations == [], f"after {limit} calls: {arm.violations}"
        rt2 = runtime(fresh_sandbox, config(ROOT_SIGNED))
        check = RegistrarWatch(rt2, None)
        rt2.apply(rt2.plan())
        assert check.violations == [], f"resuming after {limit} calls: {check.violations}"
        assert not runtime(fresh_sandbox, config(ROOT_SIGNED)).plan().has_changes, limit
        signing, ds, _, held = root_state(fresh_sandbox)
        assert signing and held == {d.upper() for d in ds}, limit


def test_an_operation_in_progress_is_waited_out_not_an_error(fresh_sandbox: Sandbox) -> None:
    """Route 53 Domains operations take time: with the sandbox's pending_seconds each stays
    IN_PROGRESS; apply waits for its own (GetOperationDetail) and waits out another one
    in progress for the domain (DuplicateRequest) instead of failing."""
    register(fresh_sandbox)
    fresh_sandbox.set_faults(pending_seconds=6.0)
    try:
        domains(fresh_sandbox).update_domain_nameservers(DomainName="example.com", Nameservers=[
            {"Name": "ns1.elsewhere.net"}, {"Name": "ns2.elsewhere.net"}])
        rt = runtime(fresh_sandbox, config(ROOT_ONLY))
        rt.apply(rt.plan())
    finally:
        fresh_sandbox.set_faults(pending_seconds=0)
    calls = fresh_sandbox.calls()
    assert calls.get((NETWORK, "UpdateDomainNameservers"), 0) >= 3  # ours refused, then ours
    assert calls.get((NETWORK, "GetOperationDetail"), 0) >= 1
    assert root_state(fresh_sandbox)[2] == zone_servers(fresh_sandbox)

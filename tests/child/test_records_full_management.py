"""Issue 10, item 7: `records_managed: full` never deletes the glue a kept delegation
needs, nor ACM validation records, and replaces a record in one atomic batch, so the
name is never missing between two calls. The sandbox over HTTP."""

from __future__ import annotations

from typing import Any

from child_support import DEV, HEADER, config, runtime, zone_id
from test_child_records import apply_all, record_plan

from sandbox_fixtures import session_for
from zonecut.apply.records import RecordWriter, known_zone_ids
from zonecut.sandbox import Sandbox
from zonecut.sandbox.zone_data import all_zones

ZONES = HEADER + """\
  - name: dev.example.com
    account: dev
    records_managed: full
    records:
      - {name: www, type: CNAME, values: [web.example.org]}
      - {name: "@", type: TXT, values: ["owned by dev"]}
"""


def add(client: Any, name: str, rtype: str, values: list[str]) -> None:
    client.change_resource_record_sets(
        HostedZoneId=zone_id(client, "dev.example.com"), ChangeBatch={"Changes": [{
            "Action": "CREATE", "ResourceRecordSet": {
                "Name": name, "Type": rtype, "TTL": 300,
                "ResourceRecords": [{"Value": v} for v in values]}}]})


def types_at(name: str) -> set[str]:
    zone = next(z for z in all_zones() if z.name == "dev.example.com")
    return {r.type for r in zone.records if r.name == name}


def test_glue_and_validation_records_are_kept_and_a_replacement_is_atomic(
        fresh_sandbox: Sandbox) -> None:
    cfg = config(ZONES.replace("type: CNAME, values: [web.example.org]",
                               "type: A, values: [192.0.2.5]"))
    apply_all(runtime(fresh_sandbox, cfg))  # www is an A record first
    dev = session_for(fresh_sandbox, DEV).client("route53")
    # a kept delegation with in-zone glue and glue below its cut
    add(dev, "sub.dev.example.com", "NS", ["ns1.dev.example.com", "ns.sub.dev.example.com"])
    add(dev, "ns1.dev.example.com", "A", ["192.0.2.53"])
    add(dev, "ns1.dev.example.com", "AAAA", ["2001:db8::53"])
    add(dev, "ns.sub.dev.example.com", "A", ["192.0.2.54"])
    add(dev, "_abc.dev.example.com", "CNAME", ["_def.xyz.acm-validations.aws."])
    add(dev, "old.dev.example.com", "A", ["192.0.2.99"])
    add(dev, "www.dev.example.com", "TXT", ['"was here"'])

    rt = runtime(fresh_sandbox, config(ZONES))  # www becomes a CNAME
    plan = record_plan(rt)
    assert sorted((c.action, c.name, c.type) for c in plan.changes) == [
        ("CREATE", "www.dev.example.com", "CNAME"),
        ("DELETE", "old.dev.example.com", "A"),
        ("DELETE", "www.dev.example.com", "A"),
        ("DELETE", "www.dev.example.com", "TXT"),
    ]
    batches = [[(c.action, c.type) for c in b if c.name == "www.dev.example.com"]
               for b in next(z for z in plan.zones if z.zone == "dev.example.com").batches()]
    assert [b for b in batches if b] == [[("DELETE", "A"), ("DELETE", "TXT"),
                                          ("CREATE", "CNAME")]]
    # after every call the writer makes, www.dev.example.com holds a record
    seen: list[set[str]] = []
    events = rt.fleet.route53(DEV).client.meta.events
    events.register("after-call.route53.ChangeResourceRecordSets",
                    lambda **_: seen.append(types_at("www.dev.example.com")))
    fresh_sandbox.reset_calls()
    RecordWriter(rt.fleet).apply(plan, known_zone_ids(rt.plan()))
    assert seen and all(seen), seen
    assert fresh_sandbox.calls()[(DEV, "ChangeResourceRecordSets")] == 2  # undeclared; www
    zone = next(z for z in all_zones() if z.name == "dev.example.com")
    live = {(r.name, r.type) for r in zone.records}
    assert {("sub.dev.example.com", "NS"), ("ns1.dev.example.com", "A"),
            ("ns1.dev.example.com", "AAAA"), ("ns.sub.dev.example.com", "A"),
            ("_abc.dev.example.com", "CNAME"), ("www.dev.example.com", "CNAME")} <= live
    assert ("old.dev.example.com", "A") not in live
    assert ("www.dev.example.com", "A") not in live
    assert record_plan(runtime(fresh_sandbox, config(ZONES))).changes == ()


def test_glue_goes_once_its_delegation_does(fresh_sandbox: Sandbox) -> None:
    """Glue is kept for the delegations there are, not forever."""
    apply_all(runtime(fresh_sandbox, config(ZONES)))
    dev = session_for(fresh_sandbox, DEV).client("route53")
    add(dev, "ns1.dev.example.com", "A", ["192.0.2.53"])
    plan = record_plan(runtime(fresh_sandbox, config(ZONES)))
    assert [(c.action, c.name) for c in plan.changes] == [("DELETE", "ns1.dev.example.com")]

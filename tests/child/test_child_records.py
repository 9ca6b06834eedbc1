"""Records a child owns: planned per zone, written batched after the zone exists, idempotent."""

from __future__ import annotations

from child_support import DEV, HEADER, NETWORK, config, rrsets, runtime, zone_id

from sandbox_fixtures import session_for
from zonecut.apply.records import (
    RecordWriter,
    known_zone_ids,
    managed_zones,
    plan_records,
    read_records,
)
from zonecut.config import build_tree
from zonecut.names import normalize
from zonecut.plan.records import RecordsPlan
from zonecut.runtime import Runtime
from zonecut.sandbox import Sandbox

ZONES = HEADER + """\
    records:
      - {name: www, type: A, values: [192.0.2.10, 192.0.2.11]}
      - {name: "@", type: MX, values: ["10 mail.example.org"]}
  - name: dev.example.com
    account: dev
    records_managed: full
    records:
      - {name: "@", type: TXT, values: ["owned by dev"]}
      - {name: "*.api", type: A, ttl: 60, values: [192.0.2.20]}
      - {name: web, type: CNAME, values: [web.example.org]}
      - {name: cdn, type: A, alias: {type: cloudfront, target: d111111abcdef8.cloudfront.net}}
      - {name: v6, type: AAAA, alias: {type: apigateway,
                                       target: d-abc123.execute-api.eu-west-1.amazonaws.com}}
  - {name: team-a.dev.example.com, account: team}
"""


def apply_all(rt: Runtime) -> RecordsPlan:
    """zones and delegations first (the core), then the records; returns the record plan."""
    plan = rt.plan()
    result = rt.apply(plan)
    ids = known_zone_ids(plan, result.created)
    zones = managed_zones(rt.tree.zones)
    records = plan_records(zones, ids, read_records(zones, ids, rt.fleet))
    RecordWriter(rt.fleet).apply(records, ids)
    return records


def record_plan(rt: Runtime) -> RecordsPlan:
    plan = rt.plan()
    ids = known_zone_ids(plan)
    zones = managed_zones(rt.tree.zones)
    return plan_records(zones, ids, read_records(zones, ids, rt.fleet))


def test_plan_apply_records_then_reapply_is_a_noop(fresh_sandbox: Sandbox) -> None:
    cfg = config(ZONES)
    before = record_plan(runtime(fresh_sandbox, cfg))
    assert sorted((c.action, c.name, c.type) for c in before.changes) == [
        ("CREATE", "*.api.dev.example.com", "A"),
        ("CREATE", "cdn.dev.example.com", "A"),
        ("CREATE", "dev.example.com", "TXT"),
        ("CREATE", "example.com", "MX"),
        ("CREATE", "v6.dev.example.com", "AAAA"),
        ("CREATE", "web.dev.example.com", "CNAME"),
        ("CREATE", "www.example.com", "A"),
    ]
    fresh_sandbox.reset_calls()
    apply_all(runtime(fresh_sandbox, cfg))
    writes = {a: n for (a, op), n in fresh_sandbox.calls().items()
              if op == "ChangeResourceRecordSets"}
    # one NS batch per parent, then one record batch per IAM statement group (types
    # declared at the same names): network A {www}, MX {@}; dev TXT {@}, A {*.api, cdn},
    # CNAME {web}, AAAA {v6}. IAM allows a batch only when one statement allows all of it.
    assert writes == {NETWORK: 3, DEV: 5}

    dev = session_for(fresh_sandbox, DEV).client("route53")
    live = {(normalize(r["Name"]), r["Type"]): r for r in rrsets(dev, "dev.example.com")}
    assert live[("cdn.dev.example.com", "A")]["AliasTarget"]["HostedZoneId"] == "Z2FDTNDATAQYW2"
    assert live[("v6.dev.example.com", "AAAA")]["AliasTarget"]["HostedZoneId"] == (
        "ZLY8HYME6SFDD")
    assert live[("dev.example.com", "TXT")]["ResourceRecords"] == [{"Value": '"owned by dev"'}]
    assert live[("*.api.dev.example.com", "A")]["TTL"] == 60
    assert ("team-a.dev.example.com", "NS") in live

    again = record_plan(runtime(fresh_sandbox, cfg))
    assert again.changes == () and again.problems == ()
    fresh_sandbox.reset_calls()
    apply_all(runtime(fresh_sandbox, cfg))
    assert not [op for (_, op), n in fresh_sandbox.calls().items()
                if op in ("ChangeResourceRecordSets", "CreateHostedZone")]


def test_updates_and_full_management_keep_soa_ns_delegations_and_validation(
        fresh_sandbox: Sandbox) -> None:
    cfg = config(ZONES)
    apply_all(runtime(fresh_sandbox, cfg))
    dev = session_for(fresh_sandbox, DEV).client("route53")
    network = session_for(fresh_sandbox, NETWORK).client("route53")

    def add(client: object, zone: str, name: str, rtype: str, values: list[str]) -> None:
        client.change_resource_record_sets(  # type: ignore[attr-defined]
            HostedZoneId=zone_id(client, zone), ChangeBatch={"Changes": [{
                "Action": "CREATE", "ResourceRecordSet": {
                    "Name": name, "Type": rtype, "TTL": 300,
                    "ResourceRecords": [{"Value": v} for v in values]}}]})

    add(dev, "dev.example.com", "old.dev.example.com", "A", ["192.0.2.99"])
    add(dev, "dev.example.com", "legacy.dev.example.com", "NS", ["ns1.example.org"])
    add(dev, "dev.example.com", "_abc.dev.example.com", "CNAME",
        ["_def.xyz.acm-validations.aws."])
    add(network, "example.com", "hand.example.com", "TXT", ['"by hand"'])
    changed = config(ZONES.replace("values: [192.0.2.10, 192.0.2.11]", "values: [192.0.2.12]")
                     .replace("ttl: 60", "ttl: 120"))
    plan = record_plan(runtime(fresh_sandbox, changed))
    assert sorted((c.action, c.name, c.type, c.reason) for c in plan.changes) == [
        ("DELETE", "old.dev.example.com", "A", "not in the file (records_managed: full)"),
        ("UPSERT", "*.api.dev.example.com", "A", "TTL 60 -> 120"),
        ("UPSERT", "www.example.com", "A",
         "values 192.0.2.10, 192.0.2.11 -> 192.0.2.12"),
    ]
    by_zone = {z.zone: z for z in plan.zones}
    assert by_zone["example.com"].left_alone == 1  # hand.example.com: declared mode
    ids = known_zone_ids(runtime(fresh_sandbox, changed).plan())
    RecordWriter(runtime(fresh_sandbox, changed).fleet).apply(plan, ids)
    live = {(normalize(r["Name"]), r["Type"]) for r in rrsets(dev, "dev.example.com")}
    assert ("old.dev.example.com", "A") not in live
    assert {("dev.example.com", "SOA"), ("dev.example.com", "NS"),
            ("team-a.dev.example.com", "NS"), ("legacy.dev.example.com", "NS"),
            ("_abc.dev.example.com", "CNAME")} <= live
    assert record_plan(runtime(fresh_sandbox, changed)).changes == ()


def test_a_cname_over_an_undeclared_record_needs_full_management(
        fresh_sandbox: Sandbox) -> None:
    text = HEADER + "    records:\n      - {name: www, type: A, values: [192.0.2.1]}\n"
    apply_all(runtime(fresh_sandbox, config(text)))
    cname = HEADER + "    records:\n      - {name: www, type: CNAME, values: [x.example.org]}\n"
    plan = record_plan(runtime(fresh_sandbox, config(cname)))
    assert plan.problems == (
        "example.com: www.example.com holds A records not in the file; a CNAME cannot share "
        "its name: delete them or set records_managed: full",)
    full = cname.replace("    root: true\n", "    root: true\n    records_managed: full\n")
    plan = record_plan(runtime(fresh_sandbox, config(full)))
    # the replacement is one atomic batch (issue 10, item 7; the Records statement of a
    # full zone allows deleting at its declared names)
    assert [[(c.action, c.type) for c in batch] for batch in plan.zones[0].batches()] == [
        [("DELETE", "A"), ("CREATE", "CNAME")]]
    rt = runtime(fresh_sandbox, config(full))
    RecordWriter(rt.fleet).apply(plan, known_zone_ids(rt.plan()))
    assert record_plan(runtime(fresh_sandbox, config(full))).changes == ()


def test_many_records_are_packed_into_few_calls() -> None:
    lines = "".join(f"      - {{name: h{i}, type: A, values: [192.0.2.{i % 250 + 1}]}}\n"
                    for i in range(1500))
    tree = build_tree(config(HEADER + "    records:\n" + lines))
    plan = plan_records(tree.zones, {}, {})
    assert len(plan.changes) == 1500
    assert [len(b) for b in plan.zones[0].batches()] == [1000, 500]

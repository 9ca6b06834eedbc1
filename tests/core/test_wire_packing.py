"""Batches are packed on what is sent: names with their trailing dot, UPSERT twice, and
packed again when a refused batch is re-sent with CREATEs turned into UPSERTs.

The sandbox refuses a batch over 1,000 ResourceRecord elements (moto) or 32,000 value
characters (zonecut.sandbox.change_batch), both counting what arrives on the wire.
"""

from __future__ import annotations

import pytest
from core_support import config, runtime

from sandbox_fixtures import session_for
from zonecut.apply.packing import pack
from zonecut.aws.route53 import RecordChange
from zonecut.plan.batching import MAX_VALUE_CHARS
from zonecut.sandbox import Sandbox
from zonecut.sandbox.change_batch import value_characters
from zonecut.state import RRSet

NETWORK, DEV = "111111111111", "222222222222"


def test_trailing_dots_are_counted() -> None:
    # 4 NS values of 99 characters each without the dot: 396 a change in zonecut's form,
    # 400 as sent. 80 changes are 31,680 without the dots, 32,000 with: one batch;
    # 81 are 32,076 / 32,400: two batches, whichever way they were counted before.
    servers = tuple(f"{'n' * (95 - len(str(i)))}{i}.com" for i in range(4))
    assert all(len(s) == 99 for s in servers)
    changes = [RecordChange("CREATE", RRSet(f"c{i}.example.com", "NS", 300, servers))
               for i in range(81)]
    sent = [[c.to_api() for c in batch] for batch in pack(changes)]
    assert [len(b) for b in sent] == [80, 1]
    assert value_characters(sent[0]) == MAX_VALUE_CHARS
    # a CNAME too
    cname = RecordChange("UPSERT", RRSet("w.example.com", "CNAME", 60, ("a" * 99,)))
    assert cname.wire_values() == ["a" * 99 + "."]


@pytest.mark.sandbox
def test_a_resent_batch_whose_creates_became_upserts_is_packed_again(
        fresh_sandbox: Sandbox) -> None:
    children = 251  # 251 x 4 = 1,004 records: two CREATE batches, then UPSERTs
    lines = ["version: 1", "defaults: {rate_limit: 1000, access: {role_name: ZonecutDelegation}}",
             "accounts:", f'  network: {{id: "{NETWORK}"}}', f'  dev: {{id: "{DEV}"}}',
             "zones:", "  - {name: example.com, account: network, root: true}"]
    lines += [f"  - {{name: c{i}.example.com, account: dev}}" for i in range(children)]
    cfg = config("\n".join(lines) + "\n")
    rt = runtime(fresh_sandbox, cfg)
    rt.apply(rt.plan())
    # every delegation replaced by a stale one the next plan does not know about
    client = session_for(fresh_sandbox, NETWORK).client("route53")
    parent = rt.fleet.route53(NETWORK)
    parent_id = parent.find_zones("example.com")[0].zone_id
    live = [rr for rr in parent.list_rrsets(parent_id)
            if rr.type == "NS" and rr.name != "example.com"]
    for part in pack([RecordChange("DELETE", rr) for rr in live]):
        parent.change_rrsets(parent_id, "example.com", part, "test: remove")
    plan = runtime(fresh_sandbox, cfg).plan()  # CREATE for each of the 251
    stale = tuple(f"ns-{n}.old-provider.example" for n in range(1, 5))
    for part in pack([RecordChange("CREATE", RRSet(f"c{i}.example.com", "NS", 300, stale))
                      for i in range(children)]):
        parent.change_rrsets(parent_id, "example.com", part, "test: stale")
    fresh_sandbox.reset_calls()
    result = runtime(fresh_sandbox, cfg).apply(plan)
    # 2 refused CREATE batches (250 + 1 changes); re-sent as UPSERTs, the 250 are
    # 2,000 records: 2 calls, the last one call (one call of 2,000 would be refused)
    assert fresh_sandbox.calls()[(NETWORK, "ChangeResourceRecordSets")] == 2 + 2 + 1
    assert len(result.ns_written) == children
    assert not runtime(fresh_sandbox, cfg).plan().has_changes
    dev = runtime(fresh_sandbox, cfg).fleet.route53(DEV)
    child = dev.get_zone(dev.find_zones("c0.example.com")[0].zone_id)
    page = client.list_resource_record_sets(
        HostedZoneId=parent_id, StartRecordName="c0.example.com", StartRecordType="NS",
        MaxItems="1")
    values = {r["Value"].rstrip(".") for r in page["ResourceRecordSets"][0]["ResourceRecords"]}
    assert values == set(child.name_servers)

"""Call counts: every read is paginated, every account is read once per page, and the
per-account rate limit holds while accounts are read concurrently.

The counts are the sandbox's (server side, per account and operation) and zonecut's
own (client side); they must agree.
"""

from __future__ import annotations

import math
import time

import pytest
from audit_world import MANAGEMENT, ROLE, World

from zonecut.audit import audit_accesses
from zonecut.audit.reader import read_inventory
from zonecut.aws.organizations import COUNTER_KEY
from zonecut.sandbox import Sandbox

pytestmark = pytest.mark.sandbox

MEMBERS = 22  # + the management account: 23, two ListAccounts pages of 20
BIG_ZONES = 105  # two ListHostedZones pages of 100
BIG_RECORDS = 310  # + apex SOA and NS: two ListResourceRecordSets pages of 300


def test_reads_are_paginated_and_each_account_is_read_once_per_page(
        fresh_sandbox: Sandbox) -> None:
    world = World(fresh_sandbox)
    members = [world.account(f"Member {i:02d}") for i in range(MEMBERS)]
    big, small = members[0], members[1]
    client = world.route53(big)
    made = [world.zone(big, f"z{i:03d}.example.com") for i in range(BIG_ZONES)]
    client.change_resource_record_sets(HostedZoneId=made[0].zone_id, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": f"r{i}.z000.example.com", "Type": "A", "TTL": 60,
            "ResourceRecords": [{"Value": "192.0.2.1"}]}} for i in range(BIG_RECORDS)]})
    world.zone(small, "example.org")
    fresh_sandbox.reset_calls()

    scan = world.scan()
    accounts = scan.organization_accounts(page_size=20)
    assert len(accounts) == MEMBERS + 1
    inventory = scan.read(accounts, audit_accesses(accounts, role_name=ROLE))
    assert not inventory.failures
    assert len(inventory.zones) == BIG_ZONES + 1

    assert scan.counter.total(COUNTER_KEY, "ListAccounts") == math.ceil((MEMBERS + 1) / 20)
    server = fresh_sandbox.calls()
    for account in accounts:
        zones = BIG_ZONES if account.account_id == big else int(account.account_id == small)
        record_pages = (zones + 1) if account.account_id == big else zones
        expected = {
            "ListHostedZones": max(1, math.ceil(zones / 100)),
            "GetHostedZone": zones,
            "ListResourceRecordSets": record_pages,
        }
        got = {op: server.get((account.account_id, op), 0) for op in expected}
        assert got == expected, account
        # The AssumeRole answer names the account: no GetCallerIdentity with the role.
        assert (account.account_id, "GetCallerIdentity") not in server, account
        # zonecut's own count of Route 53 requests (STS is not counted there) agrees.
        assert scan.counter.total(account.account_id) == sum(expected.values())
    # One AssumeRole per account, all made with the base credentials.
    assert server.get((MANAGEMENT, "AssumeRole")) == MEMBERS + 1
    big_zone = next(z for z in inventory.zones if z.zone_id == made[0].zone_id)
    assert big_zone.zone.record_count == BIG_RECORDS + 2


def test_accounts_are_read_concurrently_each_within_its_rate(fresh_sandbox: Sandbox) -> None:
    world = World(fresh_sandbox)
    members = [world.account(f"Rated {i}") for i in range(3)]
    for account in members:
        for i in range(4):
            world.zone(account, f"z{i}.{account}.example.com")
    rate = 10.0
    scan = world.scan(rate_limit=rate)
    accounts = [a for a in scan.organization_accounts() if a.account_id in members]
    accesses = audit_accesses(accounts, role_name=ROLE)
    fleet = scan.fleet(accesses)
    for account in accounts:
        fleet.route53(account.account_id)  # sessions first: time only the reads
    started = time.perf_counter()
    inventory = read_inventory(accounts, fleet, max_workers=8)
    elapsed = time.perf_counter() - started
    assert len(inventory.zones) == 12
    calls = 1 + 4 + 4  # ListHostedZones, then GetHostedZone and one page of records each
    least = (calls - 1) / rate  # the bucket holds one token: the rest are spaced 1/rate
    for account in accounts:
        assert fleet.counter.total(account.account_id) == calls
    # No account goes faster than its rate; the three run at once (one after the other
    # they would need at least three times as long).
    assert least - 0.02 <= elapsed < 3 * least - 0.2


def test_each_account_is_let_go_once_it_is_read(fresh_sandbox: Sandbox) -> None:
    """An audit of a thousand accounts must not hold a thousand sessions: once read, an
    account's session and Route 53 client are released, so using it again assumes its
    role again (one more AssumeRole), where a kept session would not."""
    world = World(fresh_sandbox)
    members = [world.account(f"Released {i}") for i in range(3)]
    scan = world.scan()
    accounts = [a for a in scan.organization_accounts() if a.account_id in members]
    fleet = scan.fleet(audit_accesses(accounts, role_name=ROLE))
    fresh_sandbox.reset_calls()
    read_inventory(accounts, fleet, max_workers=2)
    assert fresh_sandbox.calls().get((MANAGEMENT, "AssumeRole")) == len(members)
    kept = fleet.route53(members[0])
    assert fleet.route53(members[0]) is kept  # held until released
    assert fresh_sandbox.calls().get((MANAGEMENT, "AssumeRole")) == len(members) + 1

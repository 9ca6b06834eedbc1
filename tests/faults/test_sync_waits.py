"""Waits end soon after the change syncs (aws/waiter.py), without spending the account's
GetChange budget: the sandbox holds changes PENDING and knows when each becomes INSYNC,
and counts the GetChange calls it answered."""

from __future__ import annotations

import math
import threading
import time

from fault_support import five_zones, runtime

from zonecut.aws.route53 import RecordChange
from zonecut.aws.waiter import FRACTION, MIN_INTERVAL
from zonecut.aws.zone_references import ZoneReferences
from zonecut.sandbox import Sandbox
from zonecut.state import RRSet

ACCOUNT = "222222222222"
PENDING = 3.0


def allowed_overshoot(wait: float) -> float:
    """The promise: at most max(10 % of the wait, 2 s) after INSYNC."""
    return max(0.1 * wait, 2.0)


def get_changes(sandbox: Sandbox, account: str) -> int:
    return sandbox.calls().get((account, "GetChange"), 0)


def test_a_wait_ends_within_the_bound_after_insync(faulty: Sandbox) -> None:
    faulty.set_faults(pending_seconds=PENDING)
    rt = runtime(faulty, five_zones(rate_limit=50))
    r53 = rt.fleet.route53(ACCOUNT)
    submitted: list[tuple[str, float]] = []
    for i in range(6):  # submitted over about a second: ages differ
        name = f"w{i}.example.com"
        _, change_id = r53.create_zone(name, ZoneReferences(ACCOUNT, name), "sync wait test")
        assert change_id is not None
        submitted.append((change_id, time.monotonic()))
        time.sleep(0.2)
    before = get_changes(faulty, ACCOUNT)
    r53.wait_insync([c for c, _ in submitted], timeout=60, what="test zones")
    ended = time.monotonic()
    ready = [faulty.injector.changes.ready_at(c) for c, _ in submitted]
    assert all(r is not None for r in ready)
    last_sync = max(r for r in ready if r is not None)
    assert ended >= last_sync  # never ends before the sandbox says INSYNC
    wait = last_sync - submitted[0][1]
    assert ended - last_sync <= allowed_overshoot(wait), (ended - last_sync, wait)
    polls = get_changes(faulty, ACCOUNT) - before
    # each change confirmed once, plus one call per round while the oldest was pending;
    # a round asks at most as many changes past a PENDING one as it confirmed
    rounds = math.ceil(PENDING / MIN_INTERVAL) + 2
    assert len(submitted) <= polls <= 2 * len(submitted) + rounds, polls


def test_waiters_of_one_account_share_the_rounds(faulty: Sandbox) -> None:
    faulty.set_faults(pending_seconds=PENDING)
    rt = runtime(faulty, five_zones(rate_limit=50))
    r53 = rt.fleet.route53(ACCOUNT)
    ids: list[str] = []
    for i in range(4):
        name = f"s{i}.example.com"
        _, change_id = r53.create_zone(name, ZoneReferences(ACCOUNT, name), "shared test")
        assert change_id is not None
        ids.append(change_id)
    before = get_changes(faulty, ACCOUNT)
    errors: list[BaseException] = []

    def wait(mine: list[str]) -> None:
        try:
            r53.wait_insync(mine, timeout=60, what="shared")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=wait, args=([c],)) for c in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    polls = get_changes(faulty, ACCOUNT) - before
    # four waiters polling on their own would make about four times the rounds
    assert len(ids) <= polls <= 2 * len(ids) + math.ceil(PENDING / MIN_INTERVAL) + 2, polls


def test_a_long_wait_is_polled_at_a_tenth_of_its_age() -> None:
    """The spacing grows with the wait (10 %), so a long wait costs few calls."""
    from zonecut.aws.waiter import PollSchedule

    schedule = PollSchedule()
    assert schedule.interval(0) == MIN_INTERVAL
    assert schedule.interval(60) == 60 * FRACTION
    # polls of a 60 s wait: fewer than one a second (the account's GetChange bucket
    # refills 10 a second), and the last gap under 10 %
    t, polls = 0.0, 0
    while t < 60:
        t += schedule.interval(t)
        polls += 1
    assert polls <= 40 and schedule.interval(60) <= allowed_overshoot(60)


def test_apply_of_five_zones_ends_close_to_its_two_sync_waits(faulty: Sandbox) -> None:
    """The five-zone example: zones, then delegations, each change PENDING 3 s. Both
    waits end within the bound after the sandbox's last INSYNC of their wave."""
    faulty.set_faults(pending_seconds=PENDING)
    rt = runtime(faulty, five_zones(rate_limit=50))
    plan = rt.plan()
    started = time.monotonic()
    rt.apply(plan)
    seconds = time.monotonic() - started
    # two waves of PENDING, each ending at most 2 s late, plus the requests themselves
    assert 2 * PENDING <= seconds <= 2 * PENDING + 2 * allowed_overshoot(PENDING) + 3.0, seconds
    assert rt.plan().has_changes is False


def test_a_record_change_wait_is_confirmed_by_its_own_getchange(faulty: Sandbox) -> None:
    faulty.set_faults(pending_seconds=1.0)
    rt = runtime(faulty, five_zones(rate_limit=50))
    r53 = rt.fleet.route53(ACCOUNT)
    zone, first = r53.create_zone("r.example.com", ZoneReferences(ACCOUNT, "r.example.com"), "x")
    assert first is not None
    r53.wait_insync([first], timeout=30, what="zone")
    change = r53.change_rrsets(zone.zone_id, zone.name, [RecordChange("CREATE", RRSet(
        name="a.r.example.com", type="TXT", ttl=60, values=('"x"',)))], "test")
    before = get_changes(faulty, ACCOUNT)
    r53.wait_insync([change], timeout=30, what="record")
    ready = faulty.injector.changes.ready_at(change)
    assert ready is not None and time.monotonic() >= ready
    assert get_changes(faulty, ACCOUNT) - before >= 1

"""verify under load: zonecut's own queueing is not blamed on a server.

A busy server (:attr:`DnsLab.answer_delay`: one thread that takes a while over each
answer, so what is sent at once queues) and a client loop held up while queries are in
flight are what a loaded CI runner does to verify. A healthy tree must still give no
finding; a server that really loses its first answers must still be SERVER_SLOW.
Not timed: the margins below are the queue the pacing allows against the timeout.
"""

from __future__ import annotations

import asyncio
import time

from dns_fixture import R53, DnsLab, running, standard_tree

from zonecut.state import HostedZone, RRSet
from zonecut.verify.checks import check
from zonecut.verify.findings import Finding
from zonecut.verify.observations import Observations
from zonecut.verify.pacing import FLOOR, START, Pacer
from zonecut.verify.probe import probe
from zonecut.verify.targets import DelegationTarget, VerifyPolicy

APEX = "example.com"
SETS = list(R53.values())
ZONES = 20
DELAY = 0.04  # the busy server's time per answer: 64 queued at once take 2.56 s
POLICY = VerifyPolicy(timeout=2.0, retries=1, concurrency=64)  # the CLI's


def target(child: str, parent: str | None, servers: tuple[str, ...]) -> DelegationTarget:
    own = tuple(sorted(servers))
    return DelegationTarget(
        child=child, parent=parent, child_account="222222222222",
        parent_account="111111111111" if parent else None,
        child_zone=HostedZone("Z" + child, child, "222222222222", own),
        child_apex_ns=RRSet(child, "NS", 172800, own),
        parent_ns=RRSet(child, "NS", 3600, own) if parent else None)


def wide_tree(zones: int = ZONES, delay: float = DELAY
              ) -> tuple[DnsLab, list[DelegationTarget]]:
    """example.com with ``zones`` children, each on one of the Route 53-like server
    sets: many queries at once once the walk reaches example.com; the lab's one thread
    takes ``delay`` seconds per answer."""
    lab = standard_tree(DnsLab())
    targets = [target(APEX, None, R53[APEX])]
    for i in range(zones):
        child, servers = f"z{i}.{APEX}", SETS[i % len(SETS)]
        lab.zone(child, servers)
        lab.delegate(APEX, child, servers)
        targets.append(target(child, APEX, servers))
    lab.answer_delay = delay
    return lab, targets


HOLDS = 2


async def _held_up(until: asyncio.Future[Observations], seconds: float) -> int:
    """Hold the event loop up (as a busy process would) ``seconds`` at a time, with
    queries in flight, up to HOLDS times while ``until`` runs; how many times it did."""
    times = 0
    while not until.done() and times < HOLDS:
        await asyncio.sleep(0.2)
        if until.done():
            break
        time.sleep(seconds)  # blocks the loop: answers wait in their sockets
        times += 1
    return times


def verify_busy(lab: DnsLab, targets: list[DelegationTarget], *, hold: float
                ) -> tuple[Observations, list[Finding], int]:
    async def run() -> tuple[Observations, int]:
        task = asyncio.ensure_future(probe(targets, lab.roots, policy=POLICY,
                                           port_map=lab.port_map))
        held = await _held_up(task, hold) if hold else 0
        return await task, held

    with running(lab):
        observations, held = asyncio.run(run())
    return observations, check(targets, observations, POLICY), held


def test_healthy_tree_on_a_busy_server_with_a_held_up_client_gives_no_finding() -> None:
    lab, targets = wide_tree()
    # Held up longer than the timeout: an answer that came meanwhile is still an answer.
    observations, findings, held = verify_busy(lab, targets, hold=1.5 * POLICY.timeout)
    assert held >= 1
    assert [(f.code, f.zone, f.server) for f in findings] == []
    assert observations.stats.attempts == observations.stats.queries  # not one retry
    assert observations.stats.queries >= 12 * ZONES  # every server of every delegation


def test_a_server_that_loses_first_answers_is_still_slow_on_a_busy_run() -> None:
    lab, targets = wide_tree()
    lossy = "ns-3.awsdns-03.com"
    lab.set_behaviour(lossy, "drop-first")
    _, findings, held = verify_busy(lab, targets, hold=1.5 * POLICY.timeout)
    assert held >= 1
    served = sorted(t.child for t in targets if t.child_zone
                    and lossy in t.child_zone.name_servers)
    assert served
    assert sorted((f.code, f.zone, f.server) for f in findings) == [
        ("SERVER_SLOW", zone, lossy) for zone in served]


def test_a_silent_server_does_not_hold_the_run_to_a_few_queries_at_a_time() -> None:
    async def run() -> tuple[Pacer, Pacer]:
        silent = Pacer(64, timeout=1.0)
        for _ in range(100):  # timeouts say nothing about queues: no cut
            await silent.acquire()
            silent.release("192.0.2.1", None)
        after_cut = Pacer(64, timeout=1.0)
        for rtt in (0.01, 0.9):  # a queue was seen: a timeout then neither cuts nor grows
            await after_cut.acquire()
            after_cut.release("192.0.2.1", rtt)
        cut_to = after_cut.limit
        for _ in range(10):
            await after_cut.acquire()
            after_cut.release("192.0.2.1", None)
        assert after_cut.limit == cut_to
        return silent, after_cut
    silent, after_cut = asyncio.run(run())
    assert silent.cuts == 0 and silent.limit == 64
    assert after_cut.cuts == 1 and after_cut.limit == (START + 1) / 2


def test_pacing_cuts_on_a_queue_but_not_on_a_far_server() -> None:
    async def run() -> tuple[Pacer, Pacer]:
        queued, far = Pacer(64, timeout=1.0), Pacer(64, timeout=1.0)
        for pacer, first, later in ((queued, 0.01, 0.6), (far, 0.6, 0.6)):
            await pacer.acquire()
            pacer.release("192.0.2.1", first)
            for _ in range(3):
                await pacer.acquire()
                pacer.release("192.0.2.1", later)
        return queued, far
    queued, far = asyncio.run(run())
    assert queued.cuts == 1 and queued.limit == 4.5  # 9 after one quick answer, halved
    assert far.cuts == 0 and far.limit == 12  # 8 + 4 answers: distance is not a queue
    assert queued.limit >= FLOOR


def test_in_flight_never_exceeds_the_limit() -> None:
    async def run() -> Pacer:
        pacer = Pacer(5, timeout=1.0)

        async def one(i: int) -> None:
            await pacer.acquire()
            assert pacer.in_flight <= int(pacer.limit) <= 5
            await asyncio.sleep(0)
            pacer.release("192.0.2.1", 0.001)
        await asyncio.gather(*(one(i) for i in range(50)))
        return pacer
    pacer = asyncio.run(run())
    assert pacer.peak == 5 and pacer.in_flight == 0


def test_each_more_delegation_costs_only_its_own_proving_queries() -> None:
    """The walk above a zone and the look-ups of its servers' addresses are shared by
    the run: ten more delegations on the same server sets cost exactly their 10 x 12
    queries (4 servers of the parent asked for NS, 4 of the child for SOA and NS)."""
    counts = []
    for zones in (10, 20):
        lab, wanted = wide_tree(zones, delay=0.0)
        with running(lab):
            observations = asyncio.run(probe(wanted, lab.roots, policy=POLICY,
                                             port_map=lab.port_map))
        assert check(wanted, observations, POLICY) == []
        assert observations.stats.queries == lab.total_received()
        counts.append(observations.stats.queries)
    assert counts[1] - counts[0] == 10 * (4 + 4 * 2)

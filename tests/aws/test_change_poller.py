"""The change poller on a clock of its own (zonecut/aws/waiter.py): what it sends and
when a wait ends, for changes that sync a fixed time after their submission (the
sandbox's PENDING; Route 53 syncs changes submitted together at about the same time).
Calls and simulated seconds are counted, nothing is timed."""

from __future__ import annotations

from zonecut.aws.waiter import MIN_INTERVAL, ChangePoller

PENDING = 10.0


class World:
    def __init__(self) -> None:
        self.now = 0.0
        self.ready: dict[str, float] = {}
        self.calls = 0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)

    def status(self, change_id: str) -> str:
        self.calls += 1
        return "INSYNC" if self.now >= self.ready[change_id] else "PENDING"


def wave(world: World, poller: ChangePoller, name: str, n: int) -> tuple[float, int]:
    """Submit ``n`` changes now, wait for them: (seconds past the sync, calls)."""
    ids = [f"{name}{i}" for i in range(n)]
    for change_id in ids:
        world.ready[change_id] = world.now + PENDING
        poller.watch(change_id)
    calls = world.calls
    synced = world.now + PENDING
    assert poller.wait(ids, deadline=world.now + 100) == []
    assert world.now >= synced  # never ends before the last change synced
    return world.now - synced, world.calls - calls


def test_a_second_wave_ends_within_min_interval_of_its_sync() -> None:
    world = World()
    poller = ChangePoller(world.status, clock=world.clock, sleep=world.sleep)
    first, first_calls = wave(world, poller, "a", 10)
    assert first <= 0.1 * PENDING + 1e-9  # the schedule: 10 % of the wait
    second, second_calls = wave(world, poller, "b", 10)
    # learnt from the first wave how long a change stays PENDING: polled as it comes due
    assert second <= MIN_INTERVAL + 1e-9, second
    assert second < first
    # each change confirmed by its own GetChange, and a few more rounds than the first
    assert 10 <= second_calls <= first_calls + 3, (first_calls, second_calls)


def test_every_change_is_confirmed_by_its_own_answer() -> None:
    world = World()
    poller = ChangePoller(world.status, clock=world.clock, sleep=world.sleep)
    wave(world, poller, "a", 3)
    world.ready["late"] = world.now + 3 * PENDING  # one change much slower than the rest
    poller.watch("late")
    assert poller.wait(["late"], deadline=world.now + 100) == []
    assert world.now >= world.ready["late"]

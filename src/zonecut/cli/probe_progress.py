"""Progress in words while a DNS probe runs (verify: "12 of 50 zone(s) checked"; audit
--dns: "3 of 8 zone(s) probed"), on a terminal only (nothing with -o json/sarif or when
stderr is not a terminal)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, TextColumn, TimeElapsedColumn

from zonecut.verify import DelegationTarget


def words(done: int, total: int) -> str:
    return f"checking delegations over DNS: {done} of {total} zone(s) checked"


def probed(what: str) -> Callable[[int, int], str]:
    """Audit's words: ``what`` (the probe's subject), N of M zone(s) probed."""
    return lambda done, total: f"{what} over DNS: {done} of {total} zone(s) probed"


@contextmanager
def probe_progress(console: Console, targets: Sequence[DelegationTarget], *, show: bool,
                   describe: Callable[[int, int], str] = words
                   ) -> Iterator[Callable[[str], None] | None]:
    """Yields the probe's ``on_done`` callback, or None when nothing is shown."""
    if not show or not console.is_terminal or not targets:
        yield None
        return
    total = len(targets)
    with Progress(TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                  transient=True) as progress:
        task = progress.add_task(describe(0, total), total=total)
        done = 0

        def on_done(_: str) -> None:
            nonlocal done
            done += 1
            progress.update(task, completed=done, description=describe(done, total))

        yield on_done

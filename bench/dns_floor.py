"""The DNS floor: the same queries verify sent, sent bare: through the same UDP
exchange verify uses (:func:`zonecut.verify.transport.udp_exchange`), all at once up to
``concurrency`` in flight, with no walk, no pacing and nothing read from the answers."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence

import dns.exception
import dns.message
import dns.rdatatype

from zonecut.verify.observations import QueryRecord
from zonecut.verify.transport import udp_exchange


async def _send(queries: Sequence[QueryRecord], concurrency: int, timeout: float) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def one(query: QueryRecord) -> None:
        message = dns.message.make_query(query.qname, dns.rdatatype.from_text(query.qtype),
                                         flags=0, use_edns=False)
        async with gate:
            with contextlib.suppress(TimeoutError, dns.exception.DNSException, OSError):
                await udp_exchange(message, message.to_wire(), query.address, query.port,
                                   timeout)

    await asyncio.gather(*(one(q) for q in queries))


def bare_seconds(queries: Sequence[QueryRecord], *, concurrency: int = 64,
                 timeout: float = 2.0) -> float:
    started = time.perf_counter()
    asyncio.run(_send(queries, concurrency, timeout))
    return time.perf_counter() - started

"""Sending one query to one address: the only code in zonecut that puts DNS on the wire.

RD=0, no EDNS, UDP with a fall back to TCP when the answer is truncated, a timeout
per attempt and ``retries`` further attempts, at most ``concurrency`` queries in
flight; never to an address outside the run's scope (see :mod:`zonecut.verify.addresses`).
A server that answers only on a retry is recorded with ``attempts > 1``; one
that never answers is a ``timeout``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import dns.asyncquery
import dns.exception
import dns.message
import dns.rdatatype

from zonecut.verify.addresses import address_problem
from zonecut.verify.observations import Outcome, QueryRecord, Role
from zonecut.verify.responses import read_response


class Transport:
    """Bounded, retrying, counting DNS exchanges (one instance per probe run)."""

    def __init__(self, *, timeout: float, retries: int, concurrency: int,
                 scope: str = "private") -> None:
        self.scope = scope
        self._timeout = timeout
        self._retries = max(0, retries)
        self._semaphore = asyncio.Semaphore(max(1, concurrency))
        self.attempts = 0

    async def ask(
        self, *, role: Role, server: str, address: str, port: int, qname: str, qtype: str
    ) -> QueryRecord:
        """Ask ``address:port`` for ``qname``/``qtype`` and describe what happened.
        An address outside the run's scope is never sent to (``not_queried``)."""
        problem = address_problem(address, self.scope)
        if problem is not None:
            return QueryRecord(role=role, server=server, address=address, port=port,
                               qname=qname, qtype=qtype, outcome=Outcome.NOT_QUERIED,
                               error=f"{address}: {problem}: not queried")
        query = dns.message.make_query(
            qname if qname.endswith(".") else qname + ".",
            dns.rdatatype.from_text(qtype),
            flags=0,
        )
        base = QueryRecord(role=role, server=server, address=address, port=port,
                           qname=qname, qtype=qtype, outcome=Outcome.TIMEOUT)
        last_outcome = Outcome.TIMEOUT
        last_error = ""
        total = 1 + self._retries
        for attempt in range(1, total + 1):
            start = time.perf_counter()
            try:
                async with self._semaphore:
                    self.attempts += 1
                    start = time.perf_counter()  # the round trip, not the wait for a slot
                    response, used_tcp = await dns.asyncquery.udp_with_fallback(
                        query, address, timeout=self._timeout, port=port,
                        ignore_unexpected=True,
                    )
            except dns.exception.Timeout:
                last_outcome, last_error = Outcome.TIMEOUT, f"no response in {self._timeout:g}s"
                continue
            except OSError as exc:
                last_outcome, last_error = Outcome.NETWORK_ERROR, exc.strerror or str(exc)
                if attempt < total:
                    # An ICMP error comes back at once: wait as a timeout would.
                    await asyncio.sleep(min(self._timeout, 0.05))
                continue
            except dns.exception.DNSException as exc:
                return replace(
                    base, outcome=Outcome.BAD_RESPONSE, attempts=attempt,
                    rtt_ms=(time.perf_counter() - start) * 1000, error=str(exc),
                )
            facts = read_response(response, qname, qtype)
            return replace(
                base,
                outcome=facts.outcome,
                rcode=facts.rcode,
                aa=facts.aa,
                tcp=used_tcp,
                answer_ns=facts.answer_ns,
                answer_addresses=facts.answer_addresses,
                answer_cname=facts.answer_cname,
                authority_zone=facts.authority_zone,
                authority_ns=facts.authority_ns,
                glue=facts.glue,
                soa_serial=facts.soa_serial,
                attempts=attempt,
                rtt_ms=(time.perf_counter() - start) * 1000,
            )
        return replace(base, outcome=last_outcome, rcode="", attempts=total,
                           error=last_error)

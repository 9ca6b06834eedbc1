"""Sending one query to one address: the only code in zonecut that puts DNS on the wire.

RD=0, no EDNS, UDP with a fall back to TCP when the answer is truncated, a timeout
per attempt and ``retries`` further attempts, never to an address outside the run's
scope (see :mod:`zonecut.verify.addresses`). A server that answers only on a retry is
recorded with ``attempts > 1``; one that never answers is a ``timeout``.

zonecut's own queueing is not blamed on a server (see :mod:`zonecut.verify.pacing`):
the number in flight adapts (at most ``concurrency``), the timeout runs from the
moment the query is sent (not from when it was queued for a slot), and before an
attempt is called a timeout its socket is read once more: an answer that arrived in
time while the event loop was busy elsewhere is an answer, not a timeout.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import time
from dataclasses import replace

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.rdatatype

from zonecut.verify.addresses import address_problem
from zonecut.verify.observations import Outcome, QueryRecord, Role
from zonecut.verify.pacing import Pacer
from zonecut.verify.responses import read_response


class _BadReply(dns.exception.DNSException):
    """A datagram from the server that is not a DNS response to the query."""

    def __init__(self, message: str) -> None:
        super().__init__(message)  # type: ignore[no-untyped-call]


class Transport:
    """Bounded, retrying, counting DNS exchanges (one instance per probe run)."""

    def __init__(self, *, timeout: float, retries: int, concurrency: int,
                 scope: str = "private") -> None:
        self.scope = scope
        self._timeout = timeout
        self._retries = max(0, retries)
        self.pacer = Pacer(concurrency, timeout)
        self.attempts = 0
        self._templates: dict[tuple[str, str], tuple[dns.message.Message, bytes]] = {}

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
        template, template_wire = self._template(qname, qtype)
        base = QueryRecord(role=role, server=server, address=address, port=port,
                           qname=qname, qtype=qtype, outcome=Outcome.TIMEOUT)
        last_outcome = Outcome.TIMEOUT
        last_error = ""
        total = 1 + self._retries
        for attempt in range(1, total + 1):
            await self.pacer.acquire()
            self.attempts += 1
            start = time.perf_counter()  # the round trip, not the wait for a slot
            rtt: float | None = None
            told = ""  # the address, once the attempt ended in a way that tells the pacer
            try:
                qid = secrets.randbits(16)  # each attempt its own id (and its own socket)
                response, used_tcp = await self._exchange(
                    template, qid.to_bytes(2, "big") + template_wire[2:], address, port)
                rtt, told = time.perf_counter() - start, address
            except TimeoutError:
                told = address
                last_outcome, last_error = Outcome.TIMEOUT, f"no response in {self._timeout:g}s"
                continue
            except OSError as exc:
                rtt, told = time.perf_counter() - start, address
                last_outcome, last_error = Outcome.NETWORK_ERROR, exc.strerror or str(exc)
                if attempt < total:
                    # An ICMP error comes back at once: wait as a timeout would.
                    await asyncio.sleep(min(self._timeout, 0.05))
                continue
            except dns.exception.DNSException as exc:
                rtt, told = time.perf_counter() - start, address
                return replace(base, outcome=Outcome.BAD_RESPONSE, attempts=attempt,
                               rtt_ms=rtt * 1000, error=str(exc))
            finally:
                self.pacer.release(told, rtt)
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
                rtt_ms=rtt * 1000,
            )
        return replace(base, outcome=last_outcome, rcode="", attempts=total,
                       error=last_error)

    def _template(self, qname: str, qtype: str) -> tuple[dns.message.Message, bytes]:
        """The query for ``qname``/``qtype`` and its wire form, made once per run (each
        attempt puts its own id in a copy of the wire)."""
        key = (qname, qtype)
        found = self._templates.get(key)
        if found is None:
            query = dns.message.make_query(
                qname if qname.endswith(".") else qname + ".",
                dns.rdatatype.from_text(qtype), flags=0)
            query.id = 0
            found = self._templates[key] = (query, query.to_wire())
        return found

    async def _exchange(self, template: dns.message.Message, wire: bytes, address: str,
                        port: int) -> tuple[dns.message.Message, bool]:
        """One attempt: UDP, then TCP if the UDP answer is truncated."""
        response = await udp_exchange(template, wire, address, port, self._timeout)
        if not response.flags & dns.flags.TC:
            return response, False
        query = dns.message.from_wire(wire)
        try:
            tcp = await dns.asyncquery.tcp(query, address, timeout=self._timeout, port=port)
        except dns.exception.Timeout as exc:
            raise TimeoutError from exc
        return tcp, True


async def udp_exchange(query: dns.message.Message, wire: bytes, address: str, port: int,
                       timeout: float) -> dns.message.Message:
    """Send ``wire`` (``query`` with the id in its first two bytes) over UDP from a
    socket of its own (connected, so only the server's datagrams reach it) and wait up
    to ``timeout`` for the response (``TimeoutError``); the socket is read once more
    when the time is up (see the module doc)."""
    loop = asyncio.get_running_loop()
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    answered: asyncio.Future[dns.message.Message] = loop.create_future()
    timer: asyncio.TimerHandle | None = None
    try:
        sock.setblocking(False)
        sock.connect((address, port))
        sock.send(wire)

        def settle() -> None:
            if answered.done():
                return
            try:
                reply = _read(sock, query, int.from_bytes(wire[:2], "big"))
            except (OSError, dns.exception.DNSException) as exc:
                answered.set_exception(exc)
                return
            if reply is not None:
                answered.set_result(reply)

        def deadline() -> None:
            settle()  # an answer already waiting in the socket is not a timeout
            if not answered.done():
                answered.set_exception(TimeoutError())

        loop.add_reader(sock.fileno(), settle)
        timer = loop.call_later(timeout, deadline)
        try:
            return await answered
        finally:
            loop.remove_reader(sock.fileno())
    finally:
        if timer is not None:
            timer.cancel()
        sock.close()


def _read(sock: socket.socket, query: dns.message.Message, qid: int
          ) -> dns.message.Message | None:
    """The datagram waiting in ``sock`` as the response to ``query`` sent with id
    ``qid``; None if none waits. Read with one RR per rrset: merging rrsets costs a
    wire rendering of every record (dnspython's set hashing), and
    :func:`~zonecut.verify.responses.read_response` reads either form alike."""
    try:
        wire = sock.recv(65535)
    except BlockingIOError:
        return None
    response = dns.message.from_wire(wire, raise_on_truncation=False, one_rr_per_rrset=True)
    if response.id != qid or not _matches(query, response):
        raise _BadReply(f"a reply that does not answer the query (id {response.id})")
    return response


def _matches(query: dns.message.Message, response: dns.message.Message) -> bool:
    """dnspython's ``is_response`` but for the id (checked by the caller): ``query`` is
    a template shared by every attempt, so its id is not the attempt's."""
    qid = response.id
    response.id = query.id
    try:
        return query.is_response(response)
    finally:
        response.id = qid

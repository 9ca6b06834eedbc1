"""UDP and TCP DNS listeners on many loopback addresses, served by one asyncio loop.

Sockets are bound synchronously by :meth:`DnsListeners.add` (so a busy address fails
there, with ``OSError``), then handed to the loop thread. Each listener has a handler
``(query bytes, via_tcp) -> reply bytes | None`` that runs in the loop thread; None
means "stay silent" (UDP: no datagram; TCP: no reply, the connection stays open
until the client gives up).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import cast

from zonecut.sandbox.dns_wire import closes_connection

Handler = Callable[[bytes, bool], bytes | None]

log = logging.getLogger(__name__)
_TCP_IDLE_SECONDS = 10.0


def bind_pair(address: str, port: int) -> tuple[socket.socket, socket.socket]:
    """A bound UDP socket and a listening TCP socket on ``address``:``port``."""
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        udp.bind((address, port))
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        tcp.bind((address, port))
        tcp.listen(64)
    except OSError:
        udp.close()
        tcp.close()
        raise
    udp.setblocking(False)
    tcp.setblocking(False)
    return udp, tcp


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | int, int]) -> None:
        try:
            answer = self.handler(data, False)
        except Exception:
            log.exception("DNS handler failed")
            return
        if answer is not None and self.transport is not None:
            self.transport.sendto(answer, addr)


class DnsListeners:
    """Owns the loop thread and every listener."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="zonecut-sandbox-dns", daemon=True)
        self._closers: dict[tuple[str, int], Callable[[], None]] = {}
        self._lock = threading.Lock()
        self._started = False

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()

    def start(self) -> None:
        if not self._started:
            self._thread.start()
            self._started = True

    @property
    def addresses(self) -> list[tuple[str, int]]:
        with self._lock:
            return list(self._closers)

    def add(self, address: str, port: int, handler: Handler) -> None:
        """Serve ``address``:``port`` (UDP and TCP) with ``handler``."""
        self.start()
        udp, tcp = bind_pair(address, port)
        self.add_sockets(udp, tcp, handler)

    def add_sockets(self, udp: socket.socket, tcp: socket.socket, handler: Handler) -> None:
        """Serve already bound sockets (see :func:`bind_pair`)."""
        self.start()
        key = (str(udp.getsockname()[0]), int(udp.getsockname()[1]))
        future: Future[Callable[[], None]] = asyncio.run_coroutine_threadsafe(
            self._serve(udp, tcp, handler), self._loop
        )
        closer = future.result(timeout=10)
        with self._lock:
            self._closers[key] = closer

    async def _serve(
        self, udp: socket.socket, tcp: socket.socket, handler: Handler
    ) -> Callable[[], None]:
        transport, _ = await self._loop.create_datagram_endpoint(lambda: _Udp(handler), sock=udp)

        async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(asyncio.CancelledError):  # cancelled by stop()
                await _tcp_session(reader, writer, handler)

        server = await asyncio.start_server(on_client, sock=tcp)

        def close() -> None:
            transport.close()
            server.close()

        return close

    def stop(self) -> None:
        """Close every listener and end the loop thread."""
        if not self._started:
            return
        with self._lock:
            closers = list(self._closers.values())
            self._closers.clear()
        future = asyncio.run_coroutine_threadsafe(self._shutdown(closers), self._loop)
        with contextlib.suppress(Exception):
            future.result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        if not self._thread.is_alive():
            self._loop.close()
        self._started = False

    async def _shutdown(self, closers: list[Callable[[], None]]) -> None:
        for close in closers:
            close()
        current = asyncio.current_task()
        for _ in range(10):  # connections accepted meanwhile start tasks of their own
            await asyncio.sleep(0.01)
            pending = [task for task in asyncio.all_tasks() if task is not current]
            if not pending:
                break
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)


async def _tcp_session(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, handler: Handler
) -> None:
    try:
        while True:
            try:
                header = await asyncio.wait_for(reader.readexactly(2), _TCP_IDLE_SECONDS)
                wire = await asyncio.wait_for(
                    reader.readexactly(int.from_bytes(header, "big")), _TCP_IDLE_SECONDS
                )
            except (asyncio.IncompleteReadError, TimeoutError, ConnectionError):
                return
            try:
                answer = handler(wire, True)
            except Exception:
                log.exception("DNS handler failed")
                return
            if answer is None:
                # silent: keep the connection open without answering until the client goes
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(reader.read(), _TCP_IDLE_SECONDS)
                return
            writer.write(len(answer).to_bytes(2, "big") + answer)
            await writer.drain()
            if closes_connection(wire):
                return  # a refused zone transfer: close, as real servers do
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()

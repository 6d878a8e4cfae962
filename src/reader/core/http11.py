"""An HTTP/1.1 transport for httpx: asyncio sockets and h11, one small pool per origin.

Why not httpx's own transport: under it, httpcore and anyio cost ~1 ms of CPU
a request (a scan of the pool's connections on every request start and end,
per-read cancel scopes, a socket-attribute dict built for each readability
check), which made most of an unchanged refresh's CPU (300 answers of 304).
This transport does only what a feed reader's GETs need: HTTP/1.1 with
keep-alive, TLS, httpx's connect and read timeouts (a request is small enough
to be written at once; there is no pool timeout: a request waits for a free
connection of its origin), and at most `per_origin` connections an origin.
h11 parses every byte the server sends, as it did under httpcore. Everything
above the wire (redirects, size caps, decoding, the total deadline, which
addresses may be reached) stays in fetch.py.

Errors are httpx's, with the texts httpcore gave (fetch._network_reason reads
them): a connection that cannot be made is "All connection attempts failed",
a DNS failure keeps the resolver's words, a TLS failure the ssl module's.
"""

from __future__ import annotations

import asyncio
import collections
import ipaddress
import socket
import ssl
from collections.abc import AsyncIterator
from typing import Any

import h11
import httpx

# As httpcore: the largest response head h11 may buffer, and one read's size.
MAX_HEAD_BYTES = 100 * 1024
READ_BYTES = 64 * 1024
# Past this much received and not yet read, the socket is not read from until
# the body's reader catches up (a server may send faster than bodies are
# decoded and capped).
_HIGH_WATER = 4 * READ_BYTES
# A body's small pieces as h11 parses them (a chunk of a chunked body, or what
# one socket read held) are merged up to _MERGE_BELOW, or this many, before they go
# up to the reader: each piece cost a pass through httpx and fetch.py's
# decoding and cap. And the loop gets a turn once a body has gone this many
# pieces, or _UNYIELDED_BYTES, without its task waiting for the socket: a
# server sending 1-byte chunks faster than they were parsed kept the task
# from ever waiting, so nothing else ran and no deadline fired (8 such
# fetches ended after 73.5 s against their 60 s limit). Not after every
# merged piece: a turn each was ~15% more of the parent's CPU a page.
_MERGED_EVENTS = 1024
# Only pieces smaller than this are merged: a socket read of a page is mostly
# larger, and a look for more at each cost the parent's CPU for nothing.
_MERGE_BELOW = 16 * 1024
_UNYIELDED_BYTES = 1 << 20
# Past this many pieces a body is given up: each costs h11 a few microseconds,
# and 1-byte chunks up to the 10 MB cap were a minute of the parent's CPU. A
# body of 10 MB in chunks of 100 bytes stays under it (~0.7 s of CPU a body
# of 1-byte chunks, ~7 µs a piece with h11 and the merging).
MAX_BODY_PIECES = 100_000
# Informational (1xx) answers skipped before the final one: a server may send
# a 100 Continue or a 103 Early Hints or two. An endless stream of them was
# parsed until the deadline, a core taken from every other feed.
MAX_INFORMATIONAL = 10
# Delay before the next address of a name is tried (RFC 8305), as anyio's.
_HAPPY_EYEBALLS_DELAY = 0.25


def _eyeballs_delay(host: str) -> float | None:
    """No race for an IP address: it is the only one to try (asyncio races
    its one attempt against nothing, in a task of its own, all the same)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return _HAPPY_EYEBALLS_DELAY
    return None


class _Connection(asyncio.Protocol):
    """One socket and its h11 state; bytes arrive through the Protocol callbacks."""

    def __init__(self) -> None:
        self.h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEAD_BYTES)
        self.transport: asyncio.Transport | None = None
        self.peer: Any = None  # the server's socket address, as getpeername() gives it
        self.idle_since = 0.0
        self._chunks: collections.deque[bytes] = collections.deque()
        self._buffered = 0
        self._paused = False
        self._eof = False
        self._error: OSError | None = None
        self._waiter: asyncio.Future[None] | None = None
        self.waits = 0  # times a read waited for the socket (the loop ran meanwhile)

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self._chunks.append(data)
        self._buffered += len(data)
        if self._buffered > _HIGH_WATER and self.transport is not None and not self._paused:
            self._paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool | None:
        self._eof = True
        self._wake()
        return None  # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof = True
        if isinstance(exc, OSError):
            self._error = exc
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    # used by the pool and the transport
    def reusable(self, now: float, expiry: float) -> bool:
        return (
            not self._eof
            and self.h11.our_state is h11.IDLE
            and self.h11.their_state is h11.IDLE
            # Bytes past the last answer, or sent while the connection was
            # idle: their meaning is unknown, and they must never be read as
            # the next request's answer.
            and not self._chunks
            and not self.h11.trailing_data[0]
            and now - self.idle_since < expiry
            and self.transport is not None
            and not self.transport.is_closing()
        )

    def close(self) -> None:
        # Nothing unsent matters on a connection given up, and a TLS one does
        # not wait for the server's close_notify (as under anyio).
        if self.transport is not None:
            self.transport.abort()

    def get_extra_info(self, name: str) -> Any:
        """What httpx's `network_stream` extension answers (fetch.py asks "server_addr")."""
        if name == "server_addr":
            return self.peer
        return self.transport.get_extra_info(name) if self.transport is not None else None

    def send(self, event: h11.Event) -> None:
        try:
            data = self.h11.send(event)
        except h11.LocalProtocolError as exc:  # a header value h11 refuses to send
            raise httpx.LocalProtocolError(str(exc)) from exc
        if data and self.transport is not None and not self.transport.is_closing():
            # A request is small; the transport buffers it whole. A connection
            # lost meanwhile shows as the response's end of stream.
            self.transport.write(data)

    async def next_event(self, timeout: float | None) -> h11.Event | type[h11.PAUSED]:
        """The next response event from h11, reading the socket as it needs."""
        while True:
            event = self._parsed_event()
            if event is not h11.NEED_DATA:
                return event  # type: ignore[return-value]  # h11's sentinels are classes
            data = await self._read(timeout)
            if not data and self.h11.their_state is h11.SEND_RESPONSE:
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
            self.h11.receive_data(data)

    def ready_event(self) -> h11.Event | type[h11.PAUSED] | None:
        """The next response event if it can be had without waiting for the socket, else None."""
        while True:
            event = self._parsed_event()
            if event is not h11.NEED_DATA:
                return event  # type: ignore[return-value]  # h11's sentinels are classes
            if not self._chunks:
                return None
            self.h11.receive_data(self._take())

    def _parsed_event(self) -> h11.Event | type[h11.NEED_DATA] | type[h11.PAUSED]:
        """h11's next event from what it holds (NEED_DATA when it needs more)."""
        try:
            return self.h11.next_event()
        except h11.RemoteProtocolError as exc:
            raise httpx.RemoteProtocolError(str(exc)) from exc

    async def _read(self, timeout: float | None) -> bytes:
        while not self._chunks:
            if self._error is not None:
                raise httpx.ReadError(str(self._error))
            if self._eof:
                return b""
            self._waiter = asyncio.get_running_loop().create_future()
            self.waits += 1
            try:
                async with asyncio.timeout(timeout):
                    await self._waiter
            except TimeoutError:
                raise httpx.ReadTimeout("timed out") from None
            finally:
                self._waiter = None
        return self._take()

    def _take(self) -> bytes:
        data = self._chunks.popleft()
        self._buffered -= len(data)
        if self._paused and self._buffered <= _HIGH_WATER and self.transport is not None:
            self._paused = False
            self.transport.resume_reading()
        return data


class _Origin:
    """The connections of one scheme, host and port, and the slots that cap them."""

    def __init__(self, size: int) -> None:
        self.slots = asyncio.Semaphore(size)
        self.idle: list[_Connection] = []
        self.connections: set[_Connection] = set()  # open ones, idle or serving


class _Body(httpx.AsyncByteStream):
    """A response body read from its connection; closing it hands the
    connection back to its origin, or closes it when it cannot serve again."""

    def __init__(
        self, transport: Http11Transport, origin: _Origin, conn: _Connection, timeout: float | None
    ) -> None:
        self._transport = transport
        self._origin = origin
        self._conn = conn
        self._timeout = timeout
        self._released = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        pieces = 0
        pending: h11.Event | type[h11.PAUSED] | None = None
        waits = self._conn.waits
        unyielded_pieces = unyielded_bytes = 0
        while True:
            event = pending if pending is not None else await self._conn.next_event(self._timeout)
            pending = None
            if isinstance(event, h11.Data):
                merged = [event.data]
                size = len(event.data)
                # What h11 can parse from bytes already received, without waiting.
                while size < _MERGE_BELOW and len(merged) < _MERGED_EVENTS:
                    more = self._conn.ready_event()
                    if not isinstance(more, h11.Data):
                        pending = more
                        break
                    merged.append(more.data)
                    size += len(more.data)
                pieces += len(merged)
                if pieces > MAX_BODY_PIECES:
                    raise httpx.RemoteProtocolError(
                        f"the body came in more than {MAX_BODY_PIECES:,} pieces; given up"
                    )
                yield bytes(merged[0]) if len(merged) == 1 else b"".join(merged)
                if waits != self._conn.waits:
                    waits = self._conn.waits
                    unyielded_pieces = unyielded_bytes = 0
                unyielded_pieces += len(merged)
                unyielded_bytes += size
                if unyielded_pieces >= _MERGED_EVENTS or unyielded_bytes >= _UNYIELDED_BYTES:
                    unyielded_pieces = unyielded_bytes = 0
                    await asyncio.sleep(0)
            elif isinstance(event, h11.EndOfMessage) or event is h11.PAUSED:
                return

    async def aclose(self) -> None:
        if not self._released:
            self._released = True
            self._transport.release(self._origin, self._conn)


class Http11Transport(httpx.AsyncBaseTransport):
    """HTTP/1.1 to any origin, at most `per_origin` connections to each, kept
    alive `keepalive_expiry` seconds. One SSL context serves every https
    origin; it is built on the first one (loading the CA bundle takes ~15 ms)."""

    def __init__(self, per_origin: int, *, keepalive_expiry: float = 30.0) -> None:
        self._per_origin = per_origin
        self._expiry = keepalive_expiry
        self._origins: dict[tuple[str, str, int], _Origin] = {}
        self._ssl: ssl.SSLContext | None = None
        self._closed = False

    def origin(self, scheme: str, host: str, port: int) -> _Origin:
        key = (scheme, host, port)
        origin = self._origins.get(key)
        if origin is None:
            origin = self._origins[key] = _Origin(self._per_origin)
        return origin

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(
                f"Request URL has an unsupported protocol '{url.scheme}://'."
            )
        port = url.port or (443 if url.scheme == "https" else 80)
        timeouts = request.extensions.get("timeout", {})
        # The ASCII form (IDNA 2008 as httpx encoded it, for the resolver and
        # TLS's server name): url.host is the Unicode one.
        host = url.raw_host.decode("ascii")
        origin = self.origin(url.scheme, host, port)
        await origin.slots.acquire()
        conn: _Connection | None = None
        try:
            conn = self._idle_connection(origin)
            if conn is None:
                conn = await self._connect(url.scheme, host, port, timeouts.get("connect"))
                origin.connections.add(conn)
            conn.send(
                h11.Request(method=request.method, target=url.raw_path, headers=request.headers.raw)
            )
            async for chunk in request.stream:  # type: ignore[union-attr]  # an async stream here
                if chunk:
                    conn.send(h11.Data(data=chunk))
            conn.send(h11.EndOfMessage())
            read_timeout = timeouts.get("read")
            informational = 0
            while True:
                event = await conn.next_event(read_timeout)
                # 1xx answers are skipped; the final answer follows on the same connection.
                if isinstance(event, h11.Response):
                    break
                if not isinstance(event, h11.InformationalResponse):
                    raise httpx.RemoteProtocolError(
                        f"unexpected {type(event).__name__} before a response"
                    )
                informational += 1
                if informational > MAX_INFORMATIONAL:
                    raise httpx.RemoteProtocolError(
                        f"more than {MAX_INFORMATIONAL} informational (1xx) answers; given up"
                    )
                # Parsed from bytes already received, they would never let
                # the loop run anything else.
                await asyncio.sleep(0)
            bodiless = event.status_code in (204, 304) or request.method == "HEAD"
            if bodiless:
                # No body, whatever the headers say (RFC 9112 6.3): h11 has the
                # message's end now, without a read. Taking it here hands the
                # connection back at once, so the caller need not read an
                # empty body (an unchanged refresh is 300 answers of 304).
                end = await conn.next_event(read_timeout)
                if not isinstance(end, h11.EndOfMessage):
                    raise httpx.RemoteProtocolError("a body where none may be")
        except BaseException:
            if conn is not None:
                self._discard(origin, conn)
            origin.slots.release()
            raise
        stream: httpx.AsyncByteStream
        if bodiless:
            self.release(origin, conn)
            stream = httpx.ByteStream(b"")
        else:
            stream = _Body(self, origin, conn, read_timeout)
        return httpx.Response(
            event.status_code,
            headers=event.headers.raw_items(),
            stream=stream,
            extensions={
                "http_version": b"HTTP/" + event.http_version,
                "reason_phrase": event.reason,
                "network_stream": conn,
            },
        )

    def _idle_connection(self, origin: _Origin) -> _Connection | None:
        now = asyncio.get_running_loop().time()
        while origin.idle:
            conn = origin.idle.pop()
            if conn.reusable(now, self._expiry):
                return conn
            self._discard(origin, conn)
        return None

    def release(self, origin: _Origin, conn: _Connection) -> None:
        """The response is closed: its connection serves again if its exchange
        ended cleanly, else it is closed (a body left unread, an error)."""
        if conn.h11.our_state is h11.DONE and conn.h11.their_state is h11.DONE and not self._closed:
            conn.h11.start_next_cycle()
            conn.idle_since = asyncio.get_running_loop().time()
            if conn.reusable(conn.idle_since, self._expiry):
                origin.idle.append(conn)
            else:
                self._discard(origin, conn)
        else:
            self._discard(origin, conn)
        origin.slots.release()

    @staticmethod
    def _discard(origin: _Origin, conn: _Connection) -> None:
        conn.close()
        origin.connections.discard(conn)

    async def _connect(
        self, scheme: str, host: str, port: int, timeout: float | None
    ) -> _Connection:
        loop = asyncio.get_running_loop()
        conn = _Connection()
        try:
            async with asyncio.timeout(timeout):
                transport, _ = await loop.create_connection(
                    lambda: conn, host, port, happy_eyeballs_delay=_eyeballs_delay(host)
                )
        except TimeoutError:
            raise httpx.ConnectTimeout("timed out") from None
        except socket.gaierror as exc:
            raise httpx.ConnectError(str(exc)) from exc
        except OSError as exc:
            raise httpx.ConnectError("All connection attempts failed") from exc
        conn.peer = transport.get_extra_info("peername")
        if scheme == "https":
            try:
                # The TLS handshake has a connect timeout of its own, as under httpcore.
                async with asyncio.timeout(timeout):
                    tls = await loop.start_tls(
                        transport, conn, self._ssl_context(), server_hostname=host
                    )
            except BaseException as exc:
                transport.close()
                if isinstance(exc, TimeoutError):
                    raise httpx.ConnectTimeout("timed out") from None
                if isinstance(exc, OSError):  # ssl.SSLError is one
                    raise httpx.ConnectError(str(exc)) from exc
                raise
            assert isinstance(tls, asyncio.Transport)
            conn.transport = tls
        return conn

    def _ssl_context(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context()
            self._ssl.set_alpn_protocols(["http/1.1"])
        return self._ssl

    async def aclose(self) -> None:
        self._closed = True
        for origin in self._origins.values():
            for conn in origin.connections:
                conn.close()
            origin.connections.clear()
            origin.idle.clear()
        self._origins.clear()
        # A closed transport releases its socket on the loop's next step: the
        # sockets are closed when this returns (the refresh's end waits on no
        # server then).
        await asyncio.sleep(0)

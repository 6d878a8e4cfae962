"""The HTTP/1.1 transport against real loopback servers: connections capped per
origin, reused only when their last exchange ended cleanly, and hostile bytes
on a kept-alive connection never read as the next answer."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from loopback import LoopbackServer, Request, Route
from reader.core.http11 import Http11Transport


def get_all(
    transport: Http11Transport, urls: list[str], *, sequential: bool = False, pause: float = 0.0
) -> list[httpx.Response | Exception]:
    """GET each URL through one client on `transport`, reading every body."""

    async def one(client: httpx.AsyncClient, url: str) -> httpx.Response | Exception:
        try:
            response = await client.get(url)
        except httpx.HTTPError as exc:
            return exc
        return response

    async def run() -> list[httpx.Response | Exception]:
        async with httpx.AsyncClient(transport=transport, timeout=5.0) as client:
            if not sequential:
                return list(await asyncio.gather(*(one(client, u) for u in urls)))
            results = []
            for url in urls:
                results.append(await one(client, url))
                await asyncio.sleep(pause)
            return results

    return asyncio.run(run())


class Peak:
    """The most requests a server was answering at once."""

    def __init__(self) -> None:
        self.now = self.peak = 0
        self._lock = threading.Lock()

    def route(self, seconds: float) -> Callable[[Request], Route]:
        def handler(request: Request) -> Route:
            with self._lock:
                self.now += 1
                self.peak = max(self.peak, self.now)
            time.sleep(seconds)
            with self._lock:
                self.now -= 1
            return Route(b"ok", content_type="text/plain")

        return handler


def test_connections_are_capped_per_origin(
    server: LoopbackServer, second_host: LoopbackServer
) -> None:
    a, b = Peak(), Peak()
    server.add("/slow", a.route(0.1))
    second_host.add("/slow", b.route(0.1))
    urls = [server.url(f"/slow?{i}") for i in range(9)]
    urls += [second_host.url(f"/slow?{i}") for i in range(9)]
    results = get_all(Http11Transport(3), urls)
    assert [r.content for r in results if isinstance(r, httpx.Response)] == [b"ok"] * 18
    assert (a.peak, b.peak) == (3, 3)
    for srv in (server, second_host):
        assert len({r.client[1] for r in srv.requests}) == 3  # three connections, reused


def test_connections_past_their_keepalive_are_not_reused(server: LoopbackServer) -> None:
    server.add("/feed", body=b"x")
    results = get_all(
        Http11Transport(2, keepalive_expiry=0.0), [server.url("/feed")] * 3, sequential=True
    )
    assert all(isinstance(r, httpx.Response) and r.content == b"x" for r in results)
    assert len({r.client[1] for r in server.requests}) == 3


def test_a_connection_the_server_announced_closing_is_not_reused(server: LoopbackServer) -> None:
    server.add("/feed", body=b"x", headers={"Connection": "close"})
    results = get_all(Http11Transport(2), [server.url("/feed")] * 3, sequential=True)
    assert all(isinstance(r, httpx.Response) and r.content == b"x" for r in results)
    assert len({r.client[1] for r in server.requests}) == 3


def test_a_body_left_unread_ends_its_connection(server: LoopbackServer) -> None:
    big = b"y" * 2_000_000
    server.add("/big", body=big, content_type="text/plain")
    server.add("/small", body=b"s", content_type="text/plain")
    transport = Http11Transport(2)

    async def run() -> tuple[bytes, bytes]:
        async with httpx.AsyncClient(transport=transport) as client:
            async with client.stream("GET", server.url("/big")) as response:
                first = b""
                async for chunk in response.aiter_raw():
                    first = chunk
                    break  # the rest is never read
            small = await client.get(server.url("/small"))
            return first, small.content

    first, small = asyncio.run(run())
    assert first and big.startswith(first) and small == b"s"
    big_port, small_port = (r.client[1] for r in server.requests)
    assert big_port != small_port


class ScriptedServer:
    """A raw TCP server: each connection reads one request head at a time and
    sends the next scripted answer verbatim, then does what the script says."""

    def __init__(self, answers: list[bytes], *, close_after: float | None = None) -> None:
        self.answers = answers
        self.close_after = close_after  # seconds after an answer to hang up
        self.connections = 0
        self.heads: list[bytes] = []
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}/feed"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        conn.settimeout(5.0)
        with conn:
            buffer = b""
            while self.answers and not self._stop.is_set():
                while b"\r\n\r\n" not in buffer:
                    try:
                        data = conn.recv(65536)
                    except OSError:
                        return
                    if not data:
                        return
                    buffer += data
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                self.heads.append(head)
                conn.sendall(self.answers.pop(0))
                if self.close_after is not None:
                    time.sleep(self.close_after)
                    return

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()


@pytest.fixture
def scripted() -> Iterator[Callable[..., ScriptedServer]]:
    servers: list[ScriptedServer] = []

    def make(answers: list[bytes], **kwargs: float) -> ScriptedServer:
        servers.append(ScriptedServer(answers, **kwargs))
        return servers[-1]

    yield make
    for srv in servers:
        srv.close()


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nreal"


def test_bytes_after_an_answer_never_answer_the_next_request(
    scripted: Callable[..., ScriptedServer],
) -> None:
    # A second, forged answer sent right behind the first: kept alive, the
    # connection would hand it to the next request as that request's answer.
    forged = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged"
    srv = scripted([b"HTTP/1.1 304 Not Modified\r\n\r\n" + forged, OK])
    results = get_all(Http11Transport(2), [srv.url, srv.url], sequential=True, pause=0.2)
    assert [r.status_code for r in results if isinstance(r, httpx.Response)] == [304, 200]
    assert isinstance(results[1], httpx.Response) and results[1].content == b"real"
    assert srv.connections == 2


def test_bytes_while_idle_make_the_connection_unfit(
    scripted: Callable[..., ScriptedServer],
) -> None:
    srv = scripted([b"HTTP/1.1 304 Not Modified\r\n\r\n", OK])
    transport = Http11Transport(2)

    async def run() -> list[bytes]:
        async with httpx.AsyncClient(transport=transport) as client:
            first = await client.get(srv.url)
            # The server writes on the idle connection (as the forged answer above, but later).
            [conn] = transport.origin(
                "http", "127.0.0.1", int(srv.url.split(":")[2].split("/")[0])
            ).idle
            conn.data_received(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged")
            second = await client.get(srv.url)
            return [first.content, second.content]

    assert asyncio.run(run()) == [b"", b"real"]
    assert srv.connections == 2


@pytest.mark.parametrize(
    ("method", "head"),
    [
        # A 304 may carry the Content-Length of the body it stands for.
        ("GET", b"HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n"),
        ("GET", b"HTTP/1.1 204 No Content\r\n\r\n"),
        ("HEAD", b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n"),
    ],
)
def test_an_answer_without_a_body_frees_its_connection_unread(
    scripted: Callable[..., ScriptedServer], method: str, head: bytes
) -> None:
    srv = scripted([head, OK])
    transport = Http11Transport(1)

    async def run() -> tuple[int, bytes]:
        async with httpx.AsyncClient(transport=transport) as client:
            # Its body is never read nor the response closed before the next
            # request: the transport has ended the message (one slot only).
            response = await client.send(client.build_request(method, srv.url), stream=True)
            second = await asyncio.wait_for(client.get(srv.url), 5.0)
            await response.aclose()
            return response.status_code, second.content

    status, content = asyncio.run(run())
    assert status == int(head.split()[1]) and content == b"real"
    assert srv.connections == 1  # the same connection served the next request
    assert srv.heads[0].startswith(method.encode() + b" /feed ")


def test_a_connection_the_server_dropped_while_idle_is_replaced(
    scripted: Callable[..., ScriptedServer],
) -> None:
    srv = scripted([OK, OK], close_after=0.0)
    results = get_all(Http11Transport(2), [srv.url, srv.url], sequential=True, pause=0.2)
    assert [r.content for r in results if isinstance(r, httpx.Response)] == [b"real", b"real"]
    assert srv.connections == 2


def test_a_server_hanging_up_instead_of_answering(scripted: Callable[..., ScriptedServer]) -> None:
    srv = scripted([b""], close_after=0.0)
    [error] = get_all(Http11Transport(2), [srv.url])
    assert isinstance(error, httpx.RemoteProtocolError)
    assert str(error) == "Server disconnected without sending a response."


def test_a_malformed_answer_is_a_protocol_error(scripted: Callable[..., ScriptedServer]) -> None:
    srv = scripted([b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nbroken header\r\n\r\nreal"])
    [error] = get_all(Http11Transport(2), [srv.url])
    assert isinstance(error, httpx.RemoteProtocolError)


def test_a_body_cut_short_is_a_protocol_error(scripted: Callable[..., ScriptedServer]) -> None:
    srv = scripted([b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nreal"], close_after=0.0)
    [error] = get_all(Http11Transport(2), [srv.url])
    assert isinstance(error, httpx.RemoteProtocolError)
    assert "peer closed connection without sending complete message body" in str(error)


def test_the_request_is_sent_as_httpx_built_it(scripted: Callable[..., ScriptedServer]) -> None:
    srv = scripted([OK])
    get_all(Http11Transport(2), [srv.url + "?a=1&b=%20"])
    [head] = srv.heads
    lines = head.split(b"\r\n")
    assert lines[0] == b"GET /feed?a=1&b=%20 HTTP/1.1"
    assert b"Host: 127.0.0.1:" + srv.url.split(":")[2].split("/")[0].encode() in lines


def test_an_unreachable_port_reads_as_httpcore_said_it() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    [error] = get_all(Http11Transport(2), [f"http://127.0.0.1:{port}/"])
    assert isinstance(error, httpx.ConnectError)
    assert str(error) == "All connection attempts failed"


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_a_large_body_read_slowly_arrives_whole(server: LoopbackServer, chunked: bool) -> None:
    # Much larger than what a connection buffers before it stops reading its
    # socket, and read with a pause: the socket is read again as it drains.
    body = bytes(range(256)) * 12_000
    server.add("/big", body=body, content_type="application/octet-stream", chunked=chunked)

    async def run() -> bytes:
        async with (
            httpx.AsyncClient(transport=Http11Transport(1), timeout=5.0) as client,
            client.stream("GET", server.url("/big")) as response,
        ):
            parts = []
            async for chunk in response.aiter_raw():
                if not parts:
                    await asyncio.sleep(0.3)  # the server fills the buffers meanwhile
                parts.append(chunk)
            return b"".join(parts)

    assert asyncio.run(run()) == body

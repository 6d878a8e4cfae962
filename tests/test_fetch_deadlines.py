"""What a fetch's total deadline measures, and that it holds (review13).

The deadline is the server's time: it starts once the request holds its host's
and the global slot (time queued behind other feeds of the host counted, and
feeds never asked failed "timed out" with a backoff). And a body sent in tiny
chunks is cut off at the deadline, its pieces merged before they reach the
reader's decoding (each one cost the loop a pass through every layer).
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import socket
import threading
import time
from pathlib import Path

from conftest import make_settings
from loopback import LoopbackServer, rss
from reader.core.config import HttpSettings
from reader.core.fetch import Fetcher, FetchError
from reader.core.http11 import MAX_BODY_PIECES
from reader.core.service import make_reader


def test_waiting_for_the_hosts_slot_is_not_the_servers_time(
    server: LoopbackServer, tmp_path: Path
) -> None:
    # 8 feeds on one host, 2 asked at once, each answered in 0.4 s: the last
    # round starts 1.2 s in, past the 1 s deadline, which only the wait made.
    urls = [
        server.add(f"/f{i}.xml", body=rss([{"title": f"T{i}", "guid": f"g{i}"}]), delay=0.4)
        for i in range(8)
    ]
    settings = make_settings(tmp_path, extract=False, per_host=2)
    settings = dataclasses.replace(
        settings, http=dataclasses.replace(settings.http, total_timeout=1.0)
    )
    reader = make_reader(settings)
    try:
        for url in urls:
            reader.add_feed(url, discover=False)
        results = list(reader.refresh())
        assert [r.error for r in results if r.status == "failed"] == []
        assert {r.status for r in results} == {"updated"}
        assert all(f.error_count == 0 and f.next_fetch_after is None for f in reader.feeds())
        assert sum(len(server.hits(f"/f{i}.xml")) for i in range(8)) == 8
    finally:
        reader.close()


def test_the_deadline_still_ends_a_slow_answer(server: LoopbackServer) -> None:
    url = server.add("/slow.xml", body=b"<rss/>", delay=1.5)

    async def fetch() -> FetchError:
        settings = HttpSettings(connect_timeout=2, read_timeout=5, total_timeout=0.5)
        async with Fetcher(settings) as fetcher:
            try:
                await fetcher.get(url)
            except FetchError as exc:
                return exc
        raise AssertionError("a 1.5 s answer came back within 0.5 s")

    error = asyncio.run(asyncio.wait_for(fetch(), 10))
    assert error.kind == "timeout" and error.reason == "timed out after 0.5 s"


class TinyChunks:
    """A raw server answering every request with endless 1-byte chunks, as fast
    as the client takes them; counts the bytes it sent."""

    BLOCK = b"1\r\nx\r\n" * 20_000

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sent = 0
        self._lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/page"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(10)
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                while True:
                    conn.sendall(self.BLOCK)
                    with self._lock:
                        self.sent += len(self.BLOCK)
            except OSError:
                return

    def close(self) -> None:
        self.sock.close()


def test_a_body_in_tiny_chunks_is_given_up_after_a_bounded_count() -> None:
    tiny = TinyChunks()
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.01)

    async def fetch() -> FetchError:
        # A long deadline and the usual cap of 10 MB: only the count of pieces stops it.
        settings = HttpSettings(connect_timeout=2, read_timeout=5, total_timeout=30)
        async with Fetcher(settings) as fetcher:
            beside = asyncio.create_task(ticker())
            try:
                await fetcher.get(tiny.url)
            except FetchError as exc:
                return exc
            finally:
                beside.cancel()
        raise AssertionError("an endless body came back")

    try:
        error = asyncio.run(asyncio.wait_for(fetch(), 60))
    finally:
        tiny.close()
    assert error.kind == "network" and f"more than {MAX_BODY_PIECES:,} pieces" in error.reason
    # The chunks read are bounded by the count (6 bytes on the wire each), plus
    # what the sockets' buffers held when it stopped (was 10 MB of data: 60 MB).
    assert tiny.sent < 6 * MAX_BODY_PIECES + 8_000_000
    # The loop kept turning while the body was parsed: other work ran.
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 5 and max(gaps) < 0.5, f"the loop stalled {max(gaps):.2f} s"


def test_a_deadline_cuts_a_body_in_tiny_chunks_off_on_time() -> None:
    tiny = TinyChunks()

    async def fetch() -> tuple[FetchError, float]:
        settings = HttpSettings(connect_timeout=2, read_timeout=5, total_timeout=0.3)
        async with Fetcher(settings) as fetcher:
            start = time.monotonic()
            try:
                await fetcher.get(tiny.url)
            except FetchError as exc:
                return exc, time.monotonic() - start
        raise AssertionError("an endless body came back")

    try:
        error, took = asyncio.run(asyncio.wait_for(fetch(), 60))
    finally:
        tiny.close()
    assert error.reason == "timed out after 0.3 s"
    assert took < 0.3 + 0.5

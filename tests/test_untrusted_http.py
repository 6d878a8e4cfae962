"""Server answers that once pinned a feed or held the parent's CPU (review14c).

Validators that cannot be sent back (a non-ASCII ETag or Last-Modified: every
later refresh failed before its request, for good), bytes after the end of a
compressed body (read without limit), gzip bodies of several members (cut after
the first) and endless `100 Continue` heads (parsed until the deadline). Each
runs against a real server on loopback, the refresh ones with a real database.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import socket
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import brotli
import pytest

from conftest import make_settings
from loopback import LoopbackServer, rss
from reader.core.config import HttpSettings
from reader.core.fetch import Fetcher, FetchError, FetchResult
from reader.core.http11 import MAX_INFORMATIONAL
from reader.core.service import Reader
from reader.core.store import ArticleQuery

FEED = rss([{"title": "One", "guid": "1"}, {"title": "Two", "guid": "2"}])
ASCII_DATE = "Mon, 07 Dec 2026 10:00:00 GMT"
# As the server's bytes reach httpx: Latin-1 é, and UTF-8 é (which
# http.server writes as the Latin-1 of these two characters).
NON_ASCII_VALIDATORS = {
    "latin1-etag": {"etag": '"caf\u00e9"'},
    "utf8-etag": {"etag": '"caf\u00c3\u00a9"'},
    "last-modified": {"last_modified": "Mon, 07 D\u00e9c 2026 10:00:00 GMT"},
}


@pytest.fixture
def http(tmp_path: Path) -> HttpSettings:
    return make_settings(tmp_path).http


def fetch(settings: HttpSettings, url: str, **kwargs: str | None) -> FetchResult | FetchError:
    async def run() -> FetchResult | FetchError:
        async with Fetcher(settings) as fetcher:
            try:
                return await fetcher.get(url, **kwargs)
            except FetchError as exc:
                return exc

    return asyncio.run(asyncio.wait_for(run(), 30))


# -- validators ------------------------------------------------------------------------


def test_a_non_ascii_validator_is_not_kept_and_its_feed_refreshes_again(
    server: LoopbackServer, reader: Reader
) -> None:
    urls = {
        name: server.add(f"/{name}.xml", body=FEED, **validator)
        for name, validator in NON_ASCII_VALIDATORS.items()
    }
    for url in urls.values():
        reader.add_feed(url, discover=False)
    for _ in range(2):
        results = list(reader.refresh(force=True))
        assert [(r.status, r.error) for r in results if r.status == "failed"] == []
        assert len(results) == 3
    for name in urls:
        second = server.hits(f"/{name}.xml")[1].headers
        assert "if-none-match" not in second and "if-modified-since" not in second
    assert {(s.etag, s.last_modified) for s in reader.store.feed_states(None)} == {(None, None)}


def test_a_stored_validator_that_cannot_be_sent_is_left_out(
    server: LoopbackServer, reader: Reader
) -> None:
    # As an older version stored them. The server has since mended its ETag.
    url = server.add("/feed.xml", body=FEED, etag='"v2"')
    feed_id = reader.add_feed(url, discover=False).feed_id
    with sqlite3.connect(reader.settings.db_path()) as conn:
        conn.execute(
            "UPDATE feeds SET etag = ?, last_modified = ? WHERE id = ?",
            ('"caf\u00e9"', NON_ASCII_VALIDATORS["last-modified"]["last_modified"], feed_id),
        )
    [result] = reader.refresh(force=True)
    assert (result.status, result.error) == ("updated", None)
    sent = server.hits("/feed.xml")[0].headers
    assert "if-none-match" not in sent and "if-modified-since" not in sent
    # The server's own validator replaced the old one and is sent next time.
    [result] = reader.refresh(force=True)
    assert result.status == "not_modified"
    assert server.hits("/feed.xml")[1].headers["if-none-match"] == '"v2"'
    assert len(reader.articles(ArticleQuery(feed_id=feed_id))) == 2


def test_ascii_validators_still_go_back_as_they_came(
    server: LoopbackServer, http: HttpSettings
) -> None:
    etag = 'W/"a b/c=="'
    url = server.add("/feed.xml", body=FEED, etag=etag, last_modified=ASCII_DATE)
    first = fetch(http, url)
    assert isinstance(first, FetchResult)
    assert (first.etag, first.last_modified) == (etag, ASCII_DATE)
    again = fetch(http, url, etag=first.etag, last_modified=first.last_modified)
    assert isinstance(again, FetchResult) and again.not_modified


# -- what follows a compressed body -------------------------------------------------------


class RawServer:
    """A raw TCP server: each connection gets `answer`, then `tail` again and
    again for as long as the client reads; counts the bytes it sent."""

    def __init__(self, answer: bytes, tail: bytes = b"") -> None:
        self.answer = answer
        self.tail = tail
        self.sent = 0
        self._lock = threading.Lock()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.1)  # accept() wakes to see the stop
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}/feed.xml"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._send, args=(conn,), daemon=True).start()

    def _send(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(10)
                conn.recv(65536)
                conn.sendall(self.answer)
                while self.tail and not self._stop.is_set():
                    conn.sendall(self.tail)
                    with self._lock:
                        self.sent += len(self.tail)
            except OSError:
                return

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()


@pytest.fixture
def raw() -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def make(answer: bytes, tail: bytes = b"") -> RawServer:
        servers.append(RawServer(answer, tail))
        return servers[-1]

    yield make
    for srv in servers:
        srv.close()


def encoded_answer(body: bytes, encoding: str) -> bytes:
    """A 200 with `body` and no length: it ends when the server hangs up."""
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Encoding: {encoding}\r\n"
    )
    return head.encode() + b"Connection: close\r\n\r\n" + body


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


ENDLESS = b"A" * 262_144
EMPTY_MEMBER = gzip.compress(b"", mtime=0)
TAILS: dict[str, tuple[bytes, str, bytes, str | None]] = {
    # name: body, Content-Encoding, endless tail, error (None: FEED is read)
    "gzip": (gzip.compress(FEED), "gzip", ENDLESS, None),
    "deflate-zlib": (zlib.compress(FEED), "deflate", ENDLESS, None),
    "deflate-raw": (raw_deflate(FEED), "deflate", ENDLESS, None),
    "brotli": (brotli.compress(FEED), "br", ENDLESS, "corrupt compressed body"),
    "gzip-broken-member": (gzip.compress(FEED), "gzip", b"\x1f" + ENDLESS, "corrupt compressed"),
    "gzip-empty-members": (
        gzip.compress(FEED),
        "gzip",
        EMPTY_MEMBER * 13_000,
        "compressed body in more than 1,000 gzip members; given up",
    ),
}


@pytest.mark.parametrize("name", list(TAILS))
def test_bytes_after_a_compressed_body_are_not_read_on(
    raw: Callable[..., RawServer], http: HttpSettings, name: str
) -> None:
    # An endless tail: was read until the total deadline, its bytes piling up
    # in zlib's unused_data, copied again at each chunk (a core and 300 MB).
    body, encoding, tail, error = TAILS[name]
    srv = raw(encoded_answer(body, encoding), tail)
    settings = dataclasses.replace(http, total_timeout=10)
    start = time.process_time()
    result = fetch(settings, srv.url)
    took = time.process_time() - start
    if error is None:
        assert isinstance(result, FetchResult) and result.content == FEED
    else:
        assert isinstance(result, FetchError) and result.reason.startswith(error), result
    assert took < 2.0
    # What the sockets' buffers took before the client stopped reading.
    assert srv.sent < 16_000_000


def test_received_bytes_are_capped_too(raw: Callable[..., RawServer], http: HttpSettings) -> None:
    # Members that decode to nothing: the decoded size never reaches the cap.
    srv = raw(encoded_answer(EMPTY_MEMBER * 900, "gzip"), b"A" * 4096)
    settings = dataclasses.replace(http, max_response_bytes=10_000)
    result = fetch(settings, srv.url)
    assert isinstance(result, FetchError)
    assert (result.kind, result.reason) == (
        "too_large",
        "response larger than the 10,000 byte limit",
    )


def split_gzip(data: bytes, parts: int) -> bytes:
    """`data` as a gzip body of `parts` members, as `gzip a; gzip b; cat a.gz b.gz` makes."""
    step = -(-len(data) // parts)
    return b"".join(gzip.compress(data[i : i + step]) for i in range(0, len(data), step))


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_a_gzip_body_of_several_members_is_read_whole(
    server: LoopbackServer, reader: Reader, chunked: bool
) -> None:
    # Was cut after the first member: 1 of 3 items stored, the feed "updated".
    items = [{"title": f"Item {i}", "guid": f"g{i}"} for i in range(3)]
    body = split_gzip(rss(items), 3)
    url = server.add(
        "/feed.xml", body=body, compress="raw", content_encoding="gzip", chunked=chunked
    )
    feed_id = reader.add_feed(url, discover=False).feed_id
    [result] = reader.refresh()
    assert (result.status, result.error) == ("updated", None)
    stored = {a.title for a in reader.articles(ArticleQuery(feed_id=feed_id))}
    assert stored == {"Item 0", "Item 1", "Item 2"}


def test_a_gzip_body_of_several_members_arriving_byte_by_byte(
    server: LoopbackServer, http: HttpSettings
) -> None:
    body = split_gzip(FEED, 4) + b"\0\0\0\0"  # padding after the last member: ignored
    url = server.add(
        "/feed.xml", body=body, compress="raw", content_encoding="gzip", chunked=True, drip=0.0005
    )
    result = fetch(http, url)
    assert isinstance(result, FetchResult) and result.content == FEED


# -- informational answers -------------------------------------------------------------------

CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
HINTS = b'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel="preload"\r\n\r\n'
OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: %d\r\n\r\n" % len(
    FEED
)


def test_a_few_informational_answers_are_skipped(
    raw: Callable[..., RawServer], http: HttpSettings
) -> None:
    srv = raw(CONTINUE + HINTS * (MAX_INFORMATIONAL - 1) + OK + FEED)
    result = fetch(http, srv.url)
    assert isinstance(result, FetchResult) and (result.status, result.content) == (200, FEED)
    srv = raw(CONTINUE + HINTS * MAX_INFORMATIONAL + OK + FEED)
    error = fetch(http, srv.url)
    assert isinstance(error, FetchError) and error.kind == "network"
    assert error.reason.endswith(
        f"more than {MAX_INFORMATIONAL} informational (1xx) answers; given up"
    )


def test_endless_informational_answers_are_given_up_at_once(
    raw: Callable[..., RawServer], http: HttpSettings
) -> None:
    # Were parsed until the total deadline, the parent's core all the while.
    srv = raw(b"", CONTINUE * 2000)
    settings = dataclasses.replace(http, total_timeout=10)
    start = time.monotonic()
    error = fetch(settings, srv.url)
    assert time.monotonic() - start < 2.0
    assert isinstance(error, FetchError) and "informational (1xx) answers" in error.reason

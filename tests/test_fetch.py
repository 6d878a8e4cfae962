"""Fetcher against the loopback server: headers, schemes, limits, reuse, decoding, caps."""

from __future__ import annotations

import asyncio
import email.utils
import gzip
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import Any

import brotli
import pytest

from conftest import make_settings
from loopback import LoopbackServer, Request, Route, rss
from reader.core.config import HttpSettings
from reader.core.fetch import Fetcher, FetchError, FetchResult, parse_retry_after
from reader.core.service import Reader
from reader.core.store import ArticleQuery

LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"
FEED = rss([{"title": "One", "guid": "1"}, {"title": "Two", "guid": "2"}])


@pytest.fixture
def http(tmp_path: Path) -> HttpSettings:
    return make_settings(tmp_path).http


def fetch_all(
    settings: HttpSettings, urls: list[str], *, sequential: bool = False, **fetcher: Any
) -> list[FetchResult | FetchError]:
    """GET every URL with one Fetcher; FetchErrors are returned, not raised."""

    async def one(f: Fetcher, url: str) -> FetchResult | FetchError:
        try:
            return await f.get(url)
        except FetchError as exc:
            return exc

    async def run() -> list[FetchResult | FetchError]:
        async with Fetcher(settings, **fetcher) as f:
            if sequential:
                return [await one(f, url) for url in urls]
            return list(await asyncio.gather(*(one(f, url) for url in urls)))

    return asyncio.run(run())


def fetch(settings: HttpSettings, url: str, **kwargs: Any) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(settings) as f:
            return await f.get(url, **kwargs)

    return asyncio.run(run())


def fetch_error(settings: HttpSettings, url: str, **kwargs: Any) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetch(settings, url, **kwargs)
    return info.value


# -- request headers -----------------------------------------------------------------


def test_conditional_headers_come_from_stored_values(
    server: LoopbackServer, reader: Reader
) -> None:
    url = server.add("/feed.xml", body=FEED, etag='"v7"', last_modified=LAST_MODIFIED)
    [feed_id] = [reader.add_feed(url, discover=False).feed_id]
    assert [r.status for r in reader.refresh()] == ["updated"]
    first = server.hits("/feed.xml")[0].headers
    assert "if-none-match" not in first and "if-modified-since" not in first
    [state] = reader.store.feed_states([feed_id])
    assert (state.etag, state.last_modified) == ('"v7"', LAST_MODIFIED)

    assert [r.status for r in reader.refresh()] == ["not_modified"]
    second = server.hits("/feed.xml")[1].headers
    assert second["if-none-match"] == '"v7"'
    assert second["if-modified-since"] == LAST_MODIFIED

    # A new version: fetched in full, and its validators are the ones sent next.
    server.add("/feed.xml", body=FEED.replace(b"Two", b"Deux"), etag='"v8"')
    assert [r.status for r in reader.refresh()] == ["updated"]
    assert "Deux" in {a.title for a in reader.articles(ArticleQuery())}
    [state] = reader.store.feed_states([feed_id])
    assert (state.etag, state.last_modified) == ('"v8"', None)
    assert [r.status for r in reader.refresh()] == ["not_modified"]
    fourth = server.hits("/feed.xml")[3].headers
    assert fourth["if-none-match"] == '"v8"'
    assert "if-modified-since" not in fourth


def test_conditional_get_answered_304(server: LoopbackServer, http: HttpSettings) -> None:
    url = server.add("/feed.xml", body=FEED, etag='"abc"', last_modified=LAST_MODIFIED)
    result = fetch(http, url, etag='"abc"')
    assert (result.status, result.not_modified, result.content) == (304, True, b"")
    assert server.hits("/feed.xml")[0].headers["if-none-match"] == '"abc"'
    result = fetch(http, url, last_modified=LAST_MODIFIED)
    assert result.not_modified
    assert server.hits("/feed.xml")[1].headers["if-modified-since"] == LAST_MODIFIED
    full = fetch(http, url, etag='"old"')
    assert (full.status, full.content, full.etag) == (200, FEED, '"abc"')
    assert full.last_modified == LAST_MODIFIED


def test_user_agent_and_accept_headers_are_ours(server: LoopbackServer, http: HttpSettings) -> None:
    url = server.add("/feed.xml", body=FEED)
    fetch(http, url)
    headers = server.hits("/feed.xml")[0].headers
    assert headers["user-agent"] == http.user_agent
    assert headers["user-agent"].startswith("reader/")
    assert "application/rss+xml" in headers["accept"]
    assert set(headers["accept-encoding"].replace(" ", "").split(",")) == {"gzip", "deflate", "br"}
    custom = HttpSettings(user_agent="custom-agent/1.0", total_timeout=4)
    fetch(custom, url)
    assert server.hits("/feed.xml")[1].headers["user-agent"] == "custom-agent/1.0"


# -- schemes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/feed.xml",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/xml,<rss/>",
        "gopher://127.0.0.1/",
        "127.0.0.1/feed.xml",
        "http:///no-host",
    ],
)
def test_only_http_and_https_are_fetched(
    server: LoopbackServer, http: HttpSettings, url: str
) -> None:
    error = fetch_error(http, url)
    assert error.kind == "scheme"
    assert "only http and https" in error.reason or "no host" in error.reason
    assert server.requests == []


def test_invalid_port_is_a_fetch_error(http: HttpSettings) -> None:
    error = fetch_error(http, "http://127.0.0.1:99999/feed.xml")
    assert (error.kind, error.reason) == ("scheme", "invalid URL: Port out of range 0-65535")


# -- redirects -----------------------------------------------------------------------


def test_relative_redirects_and_permanent_url(server: LoopbackServer, http: HttpSettings) -> None:
    server.add("/new/feed.xml", body=FEED)
    server.add("/old/feed.xml", status=301, headers={"Location": "../new/feed.xml"})
    server.add("/temp", status=302, headers={"Location": "/old/feed.xml"})
    moved = fetch(http, server.url("/old/feed.xml"))
    assert (moved.status, moved.content) == (200, FEED)
    assert moved.url == server.url("/new/feed.xml")
    assert moved.permanent_url == server.url("/new/feed.xml")
    # One temporary hop on the way: the subscription must not move.
    via_temp = fetch(http, server.url("/temp"))
    assert via_temp.url == server.url("/new/feed.xml")
    assert via_temp.permanent_url is None


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("file:///etc/passwd", "unsupported URL scheme (file)"),
        ("javascript:alert(1)", "unsupported URL scheme (javascript)"),
        ("mailto:someone@example.com", "unsupported URL scheme (mailto)"),
        ("ftp://127.0.0.1/feed.xml", "unsupported URL scheme (ftp)"),
        ("http://127.0.0.1:99999/feed.xml", "invalid URL: Port out of range 0-65535"),
    ],
)
def test_redirect_to_a_forbidden_scheme(
    server: LoopbackServer, http: HttpSettings, location: str, reason: str
) -> None:
    url = server.add("/feed.xml", status=302, headers={"Location": location})
    error = fetch_error(http, url)
    assert error.kind == "redirect"
    assert error.reason.startswith("redirected to a forbidden URL: ")
    assert reason in error.reason
    assert len(server.requests) == 1


def test_redirect_loop_and_hop_limit(server: LoopbackServer, http: HttpSettings) -> None:
    server.add("/a", status=302, headers={"Location": "/b"})
    server.add("/b", status=307, headers={"Location": "/a"})
    loop = fetch_error(http, server.url("/a"))
    assert (loop.kind, loop.reason) == ("redirect", f"redirect loop at {server.url('/a')}")
    assert len(server.requests) == 2

    for i in range(7):
        server.add(f"/hop{i}", status=302, headers={"Location": f"/hop{i + 1}"})
    server.add("/hop7", body=FEED)
    too_many = fetch_error(http, server.url("/hop0"))
    assert (too_many.kind, too_many.reason) == ("redirect", "too many redirects (more than 5)")
    assert len(server.hits("/hop5")) == 1 and server.hits("/hop6") == []
    # Exactly max_redirects hops is fine.
    assert fetch(http, server.url("/hop2")).content == FEED


# -- HTTP errors and Retry-After --------------------------------------------------------


def test_http_errors_carry_status_and_retry_after(
    server: LoopbackServer, http: HttpSettings
) -> None:
    server.add("/404", body=b"no", status=404, content_type="text/plain")
    server.add("/429", status=429, headers={"Retry-After": "120"})
    date = email.utils.formatdate(time.time() + 600, usegmt=True)
    server.add("/503", status=503, headers={"Retry-After": date})
    server.add("/500", status=500, headers={"Retry-After": "120"})
    e404, e429, e503, e500 = fetch_all(
        http, [server.url(p) for p in ("/404", "/429", "/503", "/500")]
    )
    assert isinstance(e404, FetchError) and (e404.kind, e404.status) == ("http", 404)
    assert e404.reason == "HTTP 404 Not Found" and e404.retry_after is None
    assert isinstance(e429, FetchError) and e429.retry_after == 120.0
    assert isinstance(e503, FetchError) and e503.retry_after == pytest.approx(600, abs=3)
    assert isinstance(e500, FetchError) and e500.retry_after is None  # only 429 and 503


def test_parse_retry_after() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after(email.utils.formatdate(now + 90, usegmt=True), now) == 90.0
    assert parse_retry_after(email.utils.formatdate(now - 90, usegmt=True), now) == 0.0
    for junk in (None, "", "soon", "-5", "1.5e3", "Tue, 99 Foo 2024"):
        assert parse_retry_after(junk, now) is None


# -- limits --------------------------------------------------------------------------


class Gauge:
    """Counts requests in progress on the server side; remembers the peak."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0
        self.peak = 0

    def __enter__(self) -> None:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.now -= 1


def slow_route(seconds: float, *gauges: Gauge) -> Callable[[Request], Route]:
    def handler(request: Request) -> Route:
        with ExitStack() as stack:
            for gauge in gauges:
                stack.enter_context(gauge)
            time.sleep(seconds)
        return Route(b"ok", content_type="text/plain")

    return handler


def test_per_host_limit_is_respected(
    server: LoopbackServer, second_host: LoopbackServer, http: HttpSettings
) -> None:
    everywhere, host_a, host_b = Gauge(), Gauge(), Gauge()
    server.add("/slow", slow_route(0.1, everywhere, host_a))
    second_host.add("/slow", slow_route(0.1, everywhere, host_b))
    urls = [server.url(f"/slow?{i}") for i in range(8)]
    urls += [second_host.url(f"/slow?{i}") for i in range(8)]
    results = fetch_all(http, urls, concurrency=64, per_host=2)
    assert all(isinstance(r, FetchResult) and r.content == b"ok" for r in results)
    assert (host_a.peak, host_b.peak) == (2, 2)
    assert everywhere.peak == 4  # the limit is per host, not global


def test_a_request_waiting_for_its_host_holds_no_global_slot(
    server: LoopbackServer, second_host: LoopbackServer, http: HttpSettings
) -> None:
    # Host A's four requests come first. Two may run on host A; the two queued
    # behind them must leave the third global slot to host B at once, not
    # after host A's first round (the second round per host in the refresh).
    finished_on_a: list[str] = []
    finished_on_a_when_b_started: list[int] = []

    def on_a(request: Request) -> Route:
        time.sleep(0.5)
        finished_on_a.append(request.path)
        return Route(b"a", content_type="text/plain")

    def on_b(request: Request) -> Route:
        finished_on_a_when_b_started.append(len(finished_on_a))
        return Route(b"b", content_type="text/plain")

    server.add("/a", on_a)
    second_host.add("/b", on_b)
    urls = [server.url(f"/a?{i}") for i in range(4)] + [second_host.url("/b")]
    results = fetch_all(http, urls, concurrency=3, per_host=2)
    assert [r.content for r in results if isinstance(r, FetchResult)] == [b"a"] * 4 + [b"b"]
    assert finished_on_a_when_b_started == [0]


def test_global_limit_is_respected(server: LoopbackServer, http: HttpSettings) -> None:
    gauge = Gauge()
    server.add("/slow", slow_route(0.1, gauge))
    results = fetch_all(http, [server.url(f"/slow?{i}") for i in range(9)], concurrency=3)
    assert all(isinstance(r, FetchResult) for r in results)
    assert gauge.peak == 3


@pytest.mark.parametrize(
    "route",
    [
        Route(FEED),
        Route(FEED, etag='"e"'),  # answered 304
        Route(b"missing", status=404, content_type="text/plain"),
        Route(b"moved", status=302, headers={"Location": "/target"}),
        Route(FEED, compress="gzip"),
    ],
    ids=["200", "304", "404", "redirect", "gzip"],
)
def test_connections_are_reused(server: LoopbackServer, http: HttpSettings, route: Route) -> None:
    server.add("/feed.xml", route)
    server.add("/target", body=FEED)

    async def run() -> None:
        async with Fetcher(http) as f:
            for _ in range(15):
                with suppress(FetchError):
                    await f.get(server.url("/feed.xml"), etag='"e"')

    asyncio.run(run())
    ports = {r.client[1] for r in server.requests}
    assert len(server.requests) >= 15
    assert len(ports) == 1, f"{len(ports)} connections for {len(server.requests)} requests"


def test_concurrent_requests_share_few_connections(
    server: LoopbackServer, http: HttpSettings
) -> None:
    server.add("/feed.xml", body=FEED)
    results = fetch_all(http, [server.url(f"/feed.xml?{i}") for i in range(40)], per_host=3)
    assert all(isinstance(r, FetchResult) for r in results)
    ports = {r.client[1] for r in server.requests}
    assert 1 <= len(ports) <= 3


# -- decoding and the size cap -----------------------------------------------------------


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)  # no zlib header
    return compressor.compress(data) + compressor.flush()


ENCODED: dict[str, tuple[bytes, str]] = {
    "gzip": (gzip.compress(FEED), "gzip"),
    "x-gzip": (gzip.compress(FEED), "x-gzip"),
    "deflate-zlib": (zlib.compress(FEED), "deflate"),
    "deflate-raw": (raw_deflate(FEED), "deflate"),
    "brotli": (brotli.compress(FEED), "br"),
    "identity": (FEED, "identity"),
}


@pytest.mark.parametrize("name", list(ENCODED))
@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_content_encodings_decode(
    server: LoopbackServer, http: HttpSettings, name: str, chunked: bool
) -> None:
    body, encoding = ENCODED[name]
    url = server.add(
        "/feed.xml", body=body, compress="raw", content_encoding=encoding, chunked=chunked
    )
    assert fetch(http, url).content == FEED


@pytest.mark.parametrize("name", ["deflate-raw", "deflate-zlib", "gzip", "brotli"])
def test_encoded_body_arriving_in_tiny_chunks(
    server: LoopbackServer, http: HttpSettings, name: str
) -> None:
    body, encoding = ENCODED[name]
    assert len(body) < 300
    url = server.add(
        "/feed.xml", body=body, compress="raw", content_encoding=encoding, chunked=True, drip=0.001
    )
    assert fetch(http, url).content == FEED


CAP = 1_000_000


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
@pytest.mark.parametrize("encoding", [None, "gzip", "br"])
def test_size_cap_is_exact(
    server: LoopbackServer, http: HttpSettings, chunked: bool, encoding: str | None
) -> None:
    assert http.max_response_bytes == CAP

    def encode(data: bytes) -> bytes:
        if encoding == "gzip":
            return gzip.compress(data, compresslevel=1)
        if encoding == "br":
            return brotli.compress(data, quality=1)
        return data

    options: dict[str, Any] = {"chunked": chunked}
    if encoding:
        options.update(compress="raw", content_encoding=encoding)
    at_cap = server.add("/at-cap", body=encode(b"a" * CAP), **options)
    over_cap = server.add("/over-cap", body=encode(b"a" * (CAP + 1)), **options)
    assert len(fetch(http, at_cap).content) == CAP
    error = fetch_error(http, over_cap)
    assert (error.kind, error.reason) == (
        "too_large",
        "response larger than the 1,000,000 byte limit",
    )


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_compression_bomb_is_cut_off(
    server: LoopbackServer, http: HttpSettings, encoding: str
) -> None:
    zeros = bytes(1 << 20)
    if encoding == "gzip":
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
        bomb = b"".join(compressor.compress(zeros) for _ in range(64)) + compressor.flush()
    else:
        br = brotli.Compressor(quality=5)
        bomb = b"".join(br.process(zeros) for _ in range(64)) + br.finish()
    url = server.add("/bomb", body=bomb, compress="raw", content_encoding=encoding)
    start = time.monotonic()
    error = fetch_error(http, url)
    assert error.kind == "too_large"
    assert time.monotonic() - start < 2.0


def test_large_content_length_is_refused_before_the_body(
    server: LoopbackServer, http: HttpSettings
) -> None:
    # The body drips: reading it would take far longer than the total timeout.
    url = server.add("/huge", body=b"x" * (CAP + 1), drip=0.5)
    start = time.monotonic()
    error = fetch_error(http, url)
    assert error.kind == "too_large"
    assert time.monotonic() - start < 1.0


def test_unsupported_and_stacked_encodings(server: LoopbackServer, http: HttpSettings) -> None:
    server.add("/zstd", body=b"abc", compress="raw", content_encoding="zstd")
    server.add(
        "/two",
        body=gzip.compress(gzip.compress(FEED)),
        compress="raw",
        content_encoding="gzip, gzip",
    )
    for path, shown in (("/zstd", "zstd"), ("/two", "gzip, gzip")):
        error = fetch_error(http, server.url(path))
        assert (error.kind, error.reason) == ("encoding", f"unsupported Content-Encoding: {shown}")


# -- timeouts ---------------------------------------------------------------------------


def test_total_deadline_covers_slow_headers_and_slow_bodies(
    server: LoopbackServer, http: HttpSettings
) -> None:
    quick = HttpSettings(connect_timeout=1, read_timeout=0.6, total_timeout=0.8)
    server.add("/late", body=FEED, delay=2.0)
    server.add("/drip", body=FEED, drip=0.1)
    start = time.monotonic()
    late, drip = fetch_all(quick, [server.url("/late"), server.url("/drip")])
    assert time.monotonic() - start < 1.5
    assert isinstance(late, FetchError) and late.kind == "timeout"
    # The read timeout (0.6 s) trips before the total deadline for a silent server...
    assert late.reason == "timed out (ReadTimeout)"
    # ...but a body that keeps dripping is only stopped by the total deadline.
    assert isinstance(drip, FetchError)
    assert (drip.kind, drip.reason) == ("timeout", "timed out after 0.8 s")


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_a_truncated_compressed_body_is_an_error(
    server: LoopbackServer, http: HttpSettings, encoding: str
) -> None:
    body = b"<rss>" + bytes(range(256)) * 40
    whole = gzip.compress(body) if encoding == "gzip" else brotli.compress(body)
    url = server.add(
        "/cut", body=whole[: len(whole) // 2], compress="raw", content_encoding=encoding
    )
    assert "truncated compressed body" in fetch_error(http, url).reason


@pytest.fixture
def https_server() -> Iterator[tuple[str, list[int]]]:
    """An HTTPS feed on 127.0.0.1 with the self-signed certificate in tests/data
    (valid for 127.0.0.1 until 2126); yields its URL and the client ports seen."""
    import http.server
    import ssl

    pem = str(Path(__file__).parent / "data" / "loopback_tls.pem")
    ports: list[int] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            ports.append(self.client_address[1])
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(FEED)))
            self.end_headers()
            self.wfile.write(FEED)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pem)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/feed.xml", ports
    finally:
        server.shutdown()
        server.server_close()


def test_https_is_verified_and_its_connection_reused(
    http: HttpSettings, https_server: tuple[str, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, ports = https_server
    # Untrusted: the certificate is refused with a reason the user can read.
    [refused] = fetch_all(http, [url])
    assert isinstance(refused, FetchError)
    assert (
        refused.reason.startswith("TLS error with 127.0.0.1:") and "certificate" in refused.reason
    )
    # Trusted (the certificate is its own authority): fetched, twice on one connection.
    monkeypatch.setenv("SSL_CERT_FILE", str(Path(__file__).parent / "data" / "loopback_tls.pem"))
    results = fetch_all(http, [url, url], sequential=True)
    assert [r.content if isinstance(r, FetchResult) else r for r in results] == [FEED, FEED]
    assert [r.network for r in results if isinstance(r, FetchResult)] == ["loopback"] * 2
    assert len(set(ports)) == 1


def test_a_refused_connection_reads_as_one(http: HttpSettings) -> None:
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    [error] = fetch_all(http, [f"http://127.0.0.1:{port}/feed.xml"])
    assert isinstance(error, FetchError)
    assert error.reason == f"cannot connect to 127.0.0.1:{port} (connection refused or unreachable)"

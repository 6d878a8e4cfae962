"""The ingest survives bad input: broken servers, hostile and weird documents.

Every test runs the real `Reader.refresh()` against the loopback server and a
temporary SQLite database. Each failure test also serves a good feed in the
same refresh: one broken feed never stops the others.
"""

from __future__ import annotations

import dataclasses
import email.utils
import json
import re
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import brotli
import pytest

from conftest import make_settings
from loopback import LoopbackServer, article_page, rss
from reader.core.models import Feed, FeedResult
from reader.core.service import Reader, make_reader
from reader.core.store import ArticleQuery

CAP = 1_000_000  # max_response_bytes of the test settings
TOO_LARGE = "response larger than the 1,000,000 byte limit"
BASE_BACKOFF = 5 * 60  # RefreshSettings.backoff_base_minutes, in seconds

MakeReader = Callable[..., Reader]


@pytest.fixture
def make(tmp_path: Path) -> Iterator[MakeReader]:
    """make(http={...}, **refresh) -> a Reader; extract=False unless given."""
    readers: list[Reader] = []

    def build(*, http: dict[str, Any] | None = None, **refresh: Any) -> Reader:
        refresh.setdefault("extract", False)
        settings = make_settings(tmp_path, **refresh)
        if http:
            settings = dataclasses.replace(
                settings, http=dataclasses.replace(settings.http, **http)
            )
        reader = make_reader(settings)
        readers.append(reader)
        return reader

    yield build
    for reader in readers:
        reader.close()


# -- helpers -----------------------------------------------------------------------


def subscribe(reader: Reader, *urls: str) -> list[int]:
    return [reader.add_feed(url, discover=False).feed_id for url in urls]


def refresh(reader: Reader, *, force: bool = False) -> dict[int, FeedResult]:
    return {r.feed_id: r for r in reader.refresh(force=force)}


def feed(reader: Reader, feed_id: int) -> Feed:
    [found] = [f for f in reader.feeds() if f.id == feed_id]
    return found


def titles(reader: Reader, feed_id: int) -> list[str]:
    return sorted(a.title for a in reader.articles(ArticleQuery(feed_id=feed_id, limit=None)))


def seconds_from_now(iso: str | None) -> float:
    assert iso is not None
    when = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return when.timestamp() - time.time()


GOOD_ITEMS = [
    {"title": "Good one", "guid": "good-1", "description": "first good item"},
    {"title": "Good two", "guid": "good-2", "description": "second good item"},
]


def add_good_feed(server: LoopbackServer) -> str:
    return server.add("/good.xml", body=rss(GOOD_ITEMS, title="Good feed"))


def assert_good_stored(reader: Reader, results: dict[int, FeedResult], good_id: int) -> None:
    assert results[good_id].status == "updated"
    assert results[good_id].new == 2
    assert titles(reader, good_id) == ["Good one", "Good two"]
    good = feed(reader, good_id)
    assert good.title == "Good feed"
    assert good.last_error is None
    assert good.error_count == 0


def refresh_with_good(
    server: LoopbackServer, reader: Reader, bad_url: str
) -> tuple[FeedResult, Feed]:
    """Refresh a broken feed next to a good one; the good one must be stored."""
    bad_id, good_id = subscribe(reader, bad_url, add_good_feed(server))
    results = refresh(reader)
    assert set(results) == {bad_id, good_id}
    assert_good_stored(reader, results, good_id)
    return results[bad_id], feed(reader, bad_id)


def assert_failed(result: FeedResult, bad: Feed, expected: str) -> None:
    assert result.status == "failed"
    assert result.error is not None and expected in result.error
    assert bad.last_error == result.error
    assert bad.error_count == 1
    assert bad.articles == 0
    # No Retry-After: the first backoff step.
    assert seconds_from_now(bad.next_fetch_after) == pytest.approx(BASE_BACKOFF, abs=3)


def zeros_gzip(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
    chunk = bytes(1 << 20)
    parts = [compressor.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join(parts) + compressor.flush()


def zeros_brotli(size: int) -> bytes:
    compressor = brotli.Compressor(quality=5)
    chunk = bytes(1 << 20)
    parts = [compressor.process(chunk) for _ in range(size // len(chunk))]
    return b"".join(parts) + compressor.finish()


BOMB_SIZE = 50 * (1 << 20)  # 50 MiB of zeros once decoded


# -- HTTP failures -------------------------------------------------------------------


def _redirect_chain(server: LoopbackServer, n: int) -> str:
    for i in range(n):
        server.add(f"/hop{i}", status=302, headers={"Location": f"/hop{i + 1}"})
    server.add(f"/hop{n}", body=rss([{"title": "never reached", "guid": "x"}]))
    return server.url("/hop0")


def _too_large_chunked(server: LoopbackServer) -> str:
    body = rss([{"title": "big", "guid": "big", "description": "x" * (CAP + 10_000)}])
    return server.add("/big-chunked.xml", body=body, chunked=True)


FAILURES: dict[str, tuple[Callable[[LoopbackServer], str], str]] = {
    "404": (
        lambda s: s.add("/bad.xml", body=b"gone", status=404, content_type="text/plain"),
        "HTTP 404 Not Found",
    ),
    "500": (
        lambda s: s.add("/bad.xml", body=b"oops", status=500, content_type="text/plain"),
        "HTTP 500 Internal Server Error",
    ),
    "html-page": (
        lambda s: s.add(
            "/bad.xml",
            body=article_page("A blog", ["Not a feed at all. " * 10]),
            content_type="text/html",
        ),
        "this is an HTML page, not a feed",
    ),
    "empty-body": (lambda s: s.add("/bad.xml", body=b""), "empty response body"),
    "whitespace-body": (lambda s: s.add("/bad.xml", body=b" \r\n\t "), "empty response body"),
    "binary-garbage": (
        lambda s: s.add("/bad.xml", body=b"\x00\x01\x02garbage\xff"),
        "not a feed",
    ),
    "too-large-content-length": (
        lambda s: s.add("/bad.xml", body=b"<rss>" + b"x" * (CAP + 1)),
        TOO_LARGE,
    ),
    "too-large-chunked": (_too_large_chunked, TOO_LARGE),
    "redirect-loop": (
        lambda s: (
            s.add("/loop-b", status=302, headers={"Location": "/loop-a"}),
            s.add("/loop-a", status=301, headers={"Location": "/loop-b"}),
        )[1],
        "redirect loop at http://127.0.0.1:",
    ),
    "too-many-redirects": (
        lambda s: _redirect_chain(s, 6),
        "too many redirects (more than 5)",
    ),
    "redirect-to-file": (
        lambda s: s.add("/bad.xml", status=302, headers={"Location": "file:///etc/passwd"}),
        "redirected to a forbidden URL: unsupported URL scheme (file)",
    ),
    "redirect-to-javascript": (
        lambda s: s.add("/bad.xml", status=301, headers={"Location": "javascript:alert(1)"}),
        "redirected to a forbidden URL: unsupported URL scheme (javascript)",
    ),
    "redirect-without-location": (
        lambda s: s.add("/bad.xml", status=302),
        "HTTP 302 redirect without a Location",
    ),
    "unknown-content-encoding": (
        lambda s: s.add("/bad.xml", body=b"abc", compress="raw", content_encoding="zstd-x"),
        "unsupported Content-Encoding: zstd-x",
    ),
    "corrupt-gzip": (
        lambda s: s.add(
            "/bad.xml",
            # A gzip header, then a deflate block of the reserved type 3.
            body=b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff" * 32,
            compress="raw",
            content_encoding="gzip",
        ),
        "corrupt compressed body",
    ),
    "corrupt-brotli": (
        lambda s: s.add("/bad.xml", body=b"\xff" * 64, compress="raw", content_encoding="br"),
        "corrupt compressed body",
    ),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_broken_feed_fails_alone(server: LoopbackServer, make: MakeReader, case: str) -> None:
    setup, expected = FAILURES[case]
    result, bad = refresh_with_good(server, make(), setup(server))
    assert_failed(result, bad, expected)


def test_redirect_to_file_reads_nothing(server: LoopbackServer, make: MakeReader) -> None:
    url = server.add("/bad.xml", status=302, headers={"Location": "file:///etc/passwd"})
    reader = make()
    result, bad = refresh_with_good(server, reader, url)
    assert result.error == (
        "redirected to a forbidden URL: unsupported URL scheme (file): "
        "only http and https are fetched"
    )
    assert bad.url == url  # not replaced by the forbidden target
    assert "root:" not in json.dumps([dataclasses.asdict(f) for f in reader.feeds()])
    assert len(server.hits("/bad.xml")) == 1


def test_redirect_to_relative_url_works(server: LoopbackServer, make: MakeReader) -> None:
    server.add("/feeds/real.xml", body=rss([{"title": "Moved item", "guid": "m1"}]))
    temporary = server.add("/feeds/old.xml", status=302, headers={"Location": "real.xml"})
    permanent = server.add("/elsewhere", status=301, headers={"Location": "/feeds/real.xml"})
    reader = make()
    temp_id, perm_id = subscribe(reader, temporary, permanent)
    results = refresh(reader)
    assert results[temp_id].status == "updated" and results[temp_id].new == 1
    assert results[perm_id].status == "updated" and results[perm_id].new == 1
    assert titles(reader, temp_id) == ["Moved item"]
    assert titles(reader, perm_id) == ["Moved item"]
    # A temporary redirect keeps the subscription; a permanent one moves it.
    assert feed(reader, temp_id).url == temporary
    assert feed(reader, perm_id).url == server.url("/feeds/real.xml")
    assert len(server.hits("/feeds/real.xml")) == 2


def test_429_retry_after_defers_the_feed(server: LoopbackServer, make: MakeReader) -> None:
    url = server.add("/bad.xml", body=b"slow down", status=429, headers={"Retry-After": "7200"})
    reader = make()
    result, bad = refresh_with_good(server, reader, url)
    assert result.status == "failed"
    assert result.error == "HTTP 429 Too Many Requests"
    assert bad.last_error == "HTTP 429 Too Many Requests"
    assert bad.error_count == 1
    # Retry-After (2 h), not the 5-minute backoff.
    assert seconds_from_now(bad.next_fetch_after) == pytest.approx(7200, abs=3)
    assert result.next_fetch_after == bad.next_fetch_after

    # The next refresh skips it without a request; the good feed is still fetched.
    results = refresh(reader)
    assert results[bad.id].status == "skipped"
    assert results[bad.id].error is not None
    assert bad.next_fetch_after in results[bad.id].error
    assert len(server.hits("/bad.xml")) == 1
    assert len(server.hits("/good.xml")) == 2

    # force=True fetches it anyway; it now works.
    server.add("/bad.xml", body=rss([{"title": "Back again", "guid": "b1"}]))
    results = refresh(reader, force=True)
    assert results[bad.id].status == "updated"
    assert len(server.hits("/bad.xml")) == 2
    recovered = feed(reader, bad.id)
    assert recovered.last_error is None
    assert recovered.error_count == 0
    assert recovered.next_fetch_after is None
    assert titles(reader, bad.id) == ["Back again"]


def test_503_with_http_date_retry_after(server: LoopbackServer, make: MakeReader) -> None:
    when = email.utils.formatdate(time.time() + 3600, usegmt=True)
    url = server.add("/bad.xml", status=503, headers={"Retry-After": when})
    result, bad = refresh_with_good(server, make(), url)
    assert result.error == "HTTP 503 Service Unavailable"
    assert bad.last_error == "HTTP 503 Service Unavailable"
    assert seconds_from_now(bad.next_fetch_after) == pytest.approx(3600, abs=3)


def test_retry_after_is_capped_by_backoff_max(server: LoopbackServer, make: MakeReader) -> None:
    url = server.add("/bad.xml", status=429, headers={"Retry-After": str(30 * 86400)})
    reader = make(backoff_max_hours=2.0)
    [bad_id] = subscribe(reader, url)
    refresh(reader)
    assert seconds_from_now(feed(reader, bad_id).next_fetch_after) == pytest.approx(7200, abs=3)


def test_backoff_grows_exponentially_and_is_capped(
    server: LoopbackServer, make: MakeReader
) -> None:
    url = server.add("/bad.xml", status=500)
    reader = make(backoff_base_minutes=1.0, backoff_max_hours=0.1)  # 60 s, capped at 360 s
    bad_id, good_id = subscribe(reader, url, add_good_feed(server))
    seen = []
    for attempt in range(1, 6):
        results = refresh(reader, force=True)
        assert results[bad_id].status == "failed"
        assert results[good_id].ok
        bad = feed(reader, bad_id)
        assert bad.error_count == attempt
        assert bad.last_error == "HTTP 500 Internal Server Error"
        seen.append(round(seconds_from_now(bad.next_fetch_after)))
    assert seen == pytest.approx([60, 120, 240, 360, 360], abs=3)
    # Without force, the feed is skipped while backing off.
    assert refresh(reader)[bad_id].status == "skipped"
    assert len(server.hits("/bad.xml")) == 5
    # One success resets the count.
    server.add("/bad.xml", body=rss([{"title": "fixed", "guid": "f"}]))
    assert refresh(reader, force=True)[bad_id].status == "updated"
    assert feed(reader, bad_id).error_count == 0
    assert feed(reader, bad_id).next_fetch_after is None


def test_server_slower_than_total_timeout(server: LoopbackServer, make: MakeReader) -> None:
    url = server.add("/bad.xml", body=rss([{"title": "late", "guid": "l"}]), delay=3.0)
    reader = make(http={"total_timeout": 1.0})
    start = time.monotonic()
    result, bad = refresh_with_good(server, reader, url)
    elapsed = time.monotonic() - start
    assert_failed(result, bad, "timed out after 1 s")
    assert elapsed < 2.5


def test_dripping_server_trips_the_total_deadline(server: LoopbackServer, make: MakeReader) -> None:
    # Every byte arrives well within the read timeout; only the total deadline can stop it.
    url = server.add("/bad.xml", body=rss([{"title": "drip", "guid": "d"}]), drip=0.25)
    reader = make(http={"read_timeout": 0.8, "total_timeout": 1.2})
    start = time.monotonic()
    result, bad = refresh_with_good(server, reader, url)
    elapsed = time.monotonic() - start
    assert_failed(result, bad, "timed out after 1.2 s")
    assert elapsed < 2.5


@pytest.mark.parametrize(
    ("encoding", "bomb"),
    [("gzip", lambda: zeros_gzip(BOMB_SIZE)), ("br", lambda: zeros_brotli(BOMB_SIZE))],
    ids=["gzip", "brotli"],
)
def test_compression_bomb_stops_at_the_cap(
    server: LoopbackServer, make: MakeReader, encoding: str, bomb: Callable[[], bytes]
) -> None:
    body = bomb()
    assert len(body) < 100_000  # 50 MiB once decoded
    url = server.add("/bomb.xml", body=body, compress="raw", content_encoding=encoding)
    reader = make()
    tracemalloc.start()
    try:
        result, bad = refresh_with_good(server, reader, url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert_failed(result, bad, TOO_LARGE)
    assert peak < 15 * (1 << 20), f"peak {peak:,} bytes while decoding a bomb"


# -- weird documents ---------------------------------------------------------------


def test_invalid_utf8_is_ingested_with_a_warning(server: LoopbackServer, make: MakeReader) -> None:
    body = rss(
        [{"title": "caf\u00e9 one", "guid": "u1"}, {"title": "plain two", "guid": "u2"}]
    ).replace("caf\u00e9".encode(), b"caf\xe9 \xff\xfe")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    url = server.add("/latin.xml", body=body)
    reader = make()
    bad_id, good_id = subscribe(reader, url, add_good_feed(server))
    results = refresh(reader)
    assert_good_stored(reader, results, good_id)
    assert results[bad_id].status == "updated"
    assert results[bad_id].new == 2
    stored = titles(reader, bad_id)
    assert len(stored) == 2 and "plain two" in stored
    assert any(t.startswith("caf") and t.endswith("one") for t in stored)
    bad = feed(reader, bad_id)
    assert bad.last_error is None
    assert bad.last_warning is not None and "utf-8" in bad.last_warning
    assert results[bad_id].warning == bad.last_warning


def test_malformed_xml_with_entries_is_ingested_with_a_warning(
    server: LoopbackServer, make: MakeReader
) -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title>'
        b"<item><title>One &nbsp; entity</title><guid>m1</guid></item>"
        b"<item><title>Two</title><guid>m2</guid><description><b>unclosed</description></item>"
        b"</channel>"  # no </rss>
    )
    url = server.add("/broken.xml", body=body)
    reader = make()
    bad_id, good_id = subscribe(reader, url, add_good_feed(server))
    results = refresh(reader)
    assert_good_stored(reader, results, good_id)
    assert results[bad_id].status == "updated" and results[bad_id].new == 2
    assert titles(reader, bad_id) == ["One entity", "Two"]
    bad = feed(reader, bad_id)
    assert bad.title == "Broken"
    assert bad.last_error is None
    assert bad.last_warning is not None and "undefined entity" in bad.last_warning


def test_duplicate_guids_are_stored_once(server: LoopbackServer, make: MakeReader) -> None:
    items = [
        {"title": "First copy", "guid": "same", "description": "newest"},
        {"title": "Other", "guid": "other"},
        {"title": "Second copy", "guid": "same", "description": "older"},
        {"title": "Third copy", "guid": "same"},
    ]
    url = server.add("/dups.xml", body=rss(items))
    reader = make()
    [feed_id] = subscribe(reader, url)
    results = refresh(reader)
    assert results[feed_id].new == 2
    assert titles(reader, feed_id) == ["First copy", "Other"]
    assert refresh(reader)[feed_id].status == "unchanged"
    assert titles(reader, feed_id) == ["First copy", "Other"]


def test_entries_without_guid_have_a_stable_identity(
    server: LoopbackServer, make: MakeReader
) -> None:
    date = "Mon, 01 Jan 2024 10:00:00 GMT"
    items = [
        {"title": "By link", "link": server.url("/posts/1")},
        {"title": "By link too", "link": server.url("/posts/2")},
        {"title": "No link, dated", "pubDate": date, "description": "a"},
        {"title": "No link, other title", "pubDate": date, "description": "b"},
        {"title": "No link, undated", "description": "c"},
        {"description": "Only text, one"},  # no title, no date: told apart by text
        {"description": "Only text, two"},
    ]
    url = server.add("/noguid.xml", body=rss(items))
    reader = make()
    [feed_id] = subscribe(reader, url)
    assert refresh(reader)[feed_id].new == 7
    summaries = reader.articles(ArticleQuery(feed_id=feed_id, limit=None))
    by_title = {a.title: a for a in summaries}
    assert by_title["By link"].url == server.url("/posts/1")
    assert all(reader.article(a.id).guid == "" for a in summaries)

    # The same document again, in another order: nothing new, nothing updated.
    server.add("/noguid.xml", body=rss(list(reversed(items))))
    again = refresh(reader)[feed_id]
    assert (again.status, again.new, again.updated) == ("unchanged", 0, 0)
    # A changed title under the same link is the same article, updated.
    items[0] = {"title": "By link, renamed", "link": server.url("/posts/1")}
    server.add("/noguid.xml", body=rss(items))
    changed = refresh(reader)[feed_id]
    assert (changed.new, changed.updated) == (0, 1)
    assert len(reader.articles(ArticleQuery(feed_id=feed_id, limit=None))) == 7
    assert reader.article(by_title["By link"].id).summary.title == "By link, renamed"
    # Without guid or link, identity is title and date: an edited summary is the
    # same article, updated in place, not a second copy.
    items[2] = {"title": "No link, dated", "pubDate": date, "description": "a, corrected"}
    server.add("/noguid.xml", body=rss(items))
    edited = refresh(reader)[feed_id]
    assert (edited.new, edited.updated) == (0, 1)
    assert len(reader.articles(ArticleQuery(feed_id=feed_id, limit=None))) == 7
    assert reader.article(by_title["No link, dated"].id).text == "a, corrected"


def test_ten_thousand_items(server: LoopbackServer, make: MakeReader) -> None:
    n = 10_000
    items = [{"title": f"Item {i}", "guid": f"g{i}"} for i in range(n)]
    body = rss(items)
    assert len(body) < CAP
    url = server.add("/huge.xml", body=body)
    reader = make()
    [feed_id] = subscribe(reader, url)
    results = refresh(reader)
    assert (results[feed_id].status, results[feed_id].new) == ("updated", n)
    assert feed(reader, feed_id).articles == n
    stored = {a.title for a in reader.articles(ArticleQuery(feed_id=feed_id, limit=None))}
    assert stored == {f"Item {i}" for i in range(n)}
    assert refresh(reader)[feed_id].status == "unchanged"


# Terminal control sequences: OSC 52 (write the clipboard), clear screen, NUL, CR.
OSC52 = "\x1b]52;c;SGVsbG8=\x07"
CLEAR = "\x1b[2J"
MARKUP = "[@click=app.quit]x[/]"
BRACKETS = "C++ [/usr/lib]"
HOSTILE = f"{OSC52}Evil{CLEAR} title\x00 with\rcr {MARKUP} and {BRACKETS}"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def assert_clean(value: str) -> None:
    assert not CONTROL.search(value), repr(value)
    for residue in ("]52;", "SGVsbG8=", "[2J", "&#"):
        assert residue not in value, repr(value)


def _hostile_rss_raw() -> bytes:
    return rss(
        [{"title": HOSTILE, "guid": "e1", "description": f"<p>{HOSTILE}</p>", "author": HOSTILE}],
        title=f"Feed {CLEAR}{OSC52}name",
    )


def _hostile_rss_references() -> bytes:
    # The same characters as XML character references in the title, and as HTML
    # character references inside escaped HTML in the description (tagless and tagged).
    def refs(value: str) -> str:
        return "".join(c if c.isprintable() else f"&#{ord(c)};" for c in value)

    html = refs(HOSTILE)
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Feed name</title>"
        f"<item><title>{refs(HOSTILE)}</title><guid>e1</guid>"
        f"<description>{html.replace('&', '&amp;')}</description></item>"
        f"<item><title>Second</title><guid>e2</guid>"
        f"<description>lead {html.replace('&', '&amp;')} &lt;b&gt;bold&lt;/b&gt;</description>"
        "</item></channel></rss>"
    ).encode()


def _hostile_json_feed() -> bytes:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": f"Feed {CLEAR}name",
            "items": [
                {"id": "e1", "title": HOSTILE, "content_html": f"<p>{HOSTILE}</p>"},
                {"id": "e2", "title": "Second", "content_text": HOSTILE},
            ],
        }
    ).encode()


@pytest.mark.parametrize(
    ("document", "content_type"),
    [
        (_hostile_rss_raw, "application/rss+xml"),
        (_hostile_rss_references, "application/rss+xml"),
        (_hostile_json_feed, "application/feed+json"),
    ],
    ids=["rss-raw", "rss-references", "json-feed"],
)
def test_terminal_escapes_are_stripped_and_markup_kept_literally(
    server: LoopbackServer,
    make: MakeReader,
    document: Callable[[], bytes],
    content_type: str,
) -> None:
    url = server.add("/evil.xml", body=document(), content_type=content_type)
    reader = make()
    evil_id, good_id = subscribe(reader, url, add_good_feed(server))
    results = refresh(reader)
    assert_good_stored(reader, results, good_id)
    assert results[evil_id].status == "updated"
    evil = feed(reader, evil_id)
    assert_clean(evil.title)
    assert evil.title == "Feed name"
    summaries = reader.articles(ArticleQuery(feed_id=evil_id, limit=None))
    assert summaries
    for summary in summaries:
        article = reader.article(summary.id)
        for value in (summary.title, summary.author, article.text):
            assert_clean(value)
    first = next(s for s in summaries if s.title != "Second")
    assert first.title == f"Evil title with cr {MARKUP} and {BRACKETS}"
    text = reader.article(first.id).text
    assert MARKUP in text and BRACKETS in text
    assert "Evil title" in text


# -- article pages -----------------------------------------------------------------


def test_unusable_article_pages_keep_the_feed_text(
    server: LoopbackServer, make: MakeReader
) -> None:
    good_page = server.add(
        "/articles/good",
        body=article_page("Working page", ["The page has the whole story in it. " * 20]),
        content_type="text/html",
    )
    missing = server.url("/articles/missing")  # no route: 404
    pdf = server.add(
        "/articles/paper.pdf", body=b"%PDF-1.4\n%\xe2\xe3\n", content_type="application/pdf"
    )
    hostile = server.add(
        "/articles/hostile", status=302, headers={"Location": "javascript:alert(1)"}
    )
    items = [
        {"title": "Missing page", "guid": "a1", "link": missing, "description": "Feed text one."},
        {"title": "PDF page", "guid": "a2", "link": pdf, "description": "Feed text two."},
        {"title": "Working page", "guid": "a3", "link": good_page, "description": "Teaser."},
        {"title": "Hostile page", "guid": "a4", "link": hostile, "description": "Feed text 4."},
    ]
    url = server.add("/pages.xml", body=rss(items))
    reader = make(extract=True)
    [feed_id] = subscribe(reader, url)
    result = refresh(reader)[feed_id]
    assert (result.status, result.new, result.extraction_failures) == ("updated", 4, 3)
    articles = {
        s.title: reader.article(s.id)
        for s in reader.articles(ArticleQuery(feed_id=feed_id, limit=None))
    }
    missing_article = articles["Missing page"]
    assert missing_article.text == "Feed text one."
    assert missing_article.summary.extraction == "feed"
    assert missing_article.extraction_error == "article page: HTTP 404 Not Found"
    pdf_article = articles["PDF page"]
    assert pdf_article.text == "Feed text two."
    assert pdf_article.summary.extraction == "feed"
    assert pdf_article.extraction_error == "article page is application/pdf, not HTML"
    hostile_article = articles["Hostile page"]
    assert hostile_article.text == "Feed text 4."
    assert hostile_article.extraction_error == (
        "article page: redirected to a forbidden URL: unsupported URL scheme (javascript): "
        "only http and https are fetched"
    )
    working = articles["Working page"]
    assert working.summary.extraction == "page"
    assert working.extraction_error is None
    assert "The page has the whole story in it." in working.text
    assert len(server.hits("/articles/missing")) == 1
    assert feed(reader, feed_id).last_error is None


def test_updated_entry_keeps_read_starred_and_tags(
    server: LoopbackServer, make: MakeReader
) -> None:
    def document(title: str, body: str) -> bytes:
        return rss(
            [
                {"title": title, "guid": "story", "description": body},
                {"title": "Untouched", "guid": "other", "description": "same"},
            ]
        )

    url = server.add("/updates.xml", body=document("Old title", "Old body."))
    reader = make()
    [feed_id] = subscribe(reader, url)
    assert refresh(reader)[feed_id].new == 2
    [story] = [a for a in reader.articles(ArticleQuery(feed_id=feed_id)) if a.title == "Old title"]
    reader.store.set_read([story.id])
    reader.store.set_starred([story.id])
    reader.tag(story.id, ["keep", "ai"])

    server.add("/updates.xml", body=document("New title", "New body, corrected."))
    result = refresh(reader)[feed_id]
    assert (result.status, result.new, result.updated) == ("updated", 0, 1)
    summaries = reader.articles(ArticleQuery(feed_id=feed_id))
    assert len(summaries) == 2
    after = reader.article(story.id)
    assert after.summary.title == "New title"
    assert after.text == "New body, corrected."
    assert after.summary.read is True
    assert after.summary.starred is True
    assert after.summary.tags == ("ai", "keep")
    assert [a.title for a in reader.articles(ArticleQuery(feed_id=feed_id, unread=True))] == [
        "Untouched"
    ]


# -- values no database takes ------------------------------------------------------

LONE = "\\ud800"  # a JSON escape json.loads decodes to a lone surrogate


def _surrogate_json_feed() -> bytes:
    """A JSON Feed with a lone surrogate in every text field (written by hand:
    json.dumps would escape the backslash of the escape)."""
    item = (
        f'{{"id": "i{LONE}", "title": "t {LONE}", "url": "http://example.org/{LONE}",'
        f' "summary": "s {LONE}", "content_html": "<p>h {LONE}</p>",'
        f' "authors": [{{"name": "A {LONE}"}}]}}'
    )
    text_only = f'{{"id": "2", "title": "two", "content_text": "c {LONE}"}}'
    return (
        f'{{"version": "https://jsonfeed.org/version/1.1", "title": "JF {LONE}",'
        f' "items": [{item}, {text_only}]}}'
    ).encode()


def test_lone_surrogates_are_stored_as_replacement_characters(
    server: LoopbackServer, make: MakeReader
) -> None:
    """One JSON Feed with a "\\ud800" escape used to end every refresh (the first
    bind raised UnicodeEncodeError): each lone surrogate becomes U+FFFD."""
    url = server.add(
        "/surrogates.json", body=_surrogate_json_feed(), content_type="application/feed+json"
    )
    reader = make()
    bad_id, good_id = subscribe(reader, url, add_good_feed(server))
    results = refresh(reader)
    assert_good_stored(reader, results, good_id)
    assert results[bad_id].status == "updated" and results[bad_id].new == 2
    assert feed(reader, bad_id).title == "JF \ufffd"
    by_title = {s.title: s for s in reader.articles(ArticleQuery(feed_id=bad_id, limit=None))}
    assert set(by_title) == {"t \ufffd", "two"}
    first = reader.article(by_title["t \ufffd"].id)
    assert first.guid == "i\ufffd"
    assert first.summary.author == "A \ufffd"
    assert "\ufffd" in first.summary.url
    assert "h \ufffd" in first.text
    assert "s \ufffd" in first.summary_html
    assert reader.article(by_title["two"].id).text == "c \ufffd"


def test_adding_a_json_feed_with_a_lone_surrogate(server: LoopbackServer, make: MakeReader) -> None:
    body = f'{{"version": "https://jsonfeed.org/version/1.1", "title": "JF {LONE}", "items": []}}'
    url = server.add("/j.json", body=body.encode(), content_type="application/feed+json")
    reader = make()
    added = reader.add_feed(url)
    assert feed(reader, added.feed_id).title == "JF \ufffd"


def test_a_feed_the_database_refuses_fails_alone(server: LoopbackServer, make: MakeReader) -> None:
    """A feed whose items the database will not store (here a real trigger
    refuses one title) is that feed's error, with backoff: the other feeds are
    stored, and nothing of the refused feed is (its transaction rolled back)."""
    items = [{"title": "poison", "guid": "p-1", "description": "refused"}]
    url = server.add("/refused.xml", body=rss(items, title="Renamed by the feed"))
    reader = make()
    bad_id, good_id = subscribe(reader, url, add_good_feed(server))
    title_before = feed(reader, bad_id).title
    reader.store.conn.execute(
        "CREATE TEMP TRIGGER refuse BEFORE INSERT ON main.articles"
        " WHEN NEW.title = 'poison' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
    )
    results = refresh(reader)
    assert_good_stored(reader, results, good_id)
    bad = feed(reader, bad_id)
    assert_failed(
        results[bad_id], bad, "cannot store the feed: IntegrityError: refused by the test"
    )
    assert bad.title == title_before  # the feed's own update was rolled back too


def test_an_opml_backup_of_a_hostile_title_imports_whole(
    server: LoopbackServer, make: MakeReader, tmp_path: Path
) -> None:
    """U+FFFE in a JSON Feed's title was stored and written into the OPML
    export as is; the import then refused the whole file."""
    body = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "News \\ufffe\\uffff feed",'
        ' "items": [{"id": "1", "title": "ok", "content_text": "hello"}]}'
    )
    hostile = server.add("/j.json", body=body.encode(), content_type="application/feed+json")
    reader = make()
    hostile_id, good_id = subscribe(reader, hostile, add_good_feed(server))
    assert_good_stored(reader, refresh(reader), good_id)
    assert feed(reader, hostile_id).title == "News feed"
    backup = tmp_path / "subscriptions.opml"
    backup.write_text(reader.export_opml(), encoding="utf-8")
    (tmp_path / "other").mkdir()
    other = make_reader(make_settings(tmp_path / "other"))
    try:
        result = other.import_opml(backup)
        assert (result.added, result.existing, result.invalid) == (2, 0, ())
        assert sorted((f.url, f.title) for f in other.feeds()) == sorted(
            (f.url, f.title) for f in reader.feeds()
        )
    finally:
        other.close()


def test_a_subscription_an_older_version_stored_in_upper_case_is_not_moved(
    server: LoopbackServer, make: MakeReader
) -> None:
    """URLs now have one form (urls.check_url); a row stored as typed before is
    fetched in that form but not rewritten as if it had been redirected."""
    reader = make()
    [feed_id] = subscribe(reader, add_good_feed(server))
    stored = "HTTP://" + feed(reader, feed_id).url.removeprefix("http://")
    with reader.store.transaction() as conn:
        conn.execute("UPDATE feeds SET url = ? WHERE id = ?", (stored, feed_id))
    results = refresh(reader)
    assert (results[feed_id].status, results[feed_id].url) == ("updated", stored)
    assert feed(reader, feed_id).url == stored

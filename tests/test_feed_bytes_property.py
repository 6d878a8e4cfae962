"""Property: whatever bytes a feed's server sends, the refresh neither raises
nor loses another feed's rows, and what it stores or reports is clean.

Each example goes through the real ingest path: the loopback server answers
with the bytes, `Reader.refresh()` fetches, parses in its worker processes and
stores into a real SQLite file, next to a good feed refreshed every time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_settings
from loopback import LoopbackServer, rss
from reader.core.service import Reader, make_reader
from reader.core.store import ArticleQuery

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
GOOD = [{"title": f"Good {i}", "guid": f"good-{i}", "description": "kept"} for i in range(3)]

# Pieces of feed documents, to be put together in any order: most random bytes
# are not XML at all, and these reach the parsers' deeper paths.
FRAGMENTS = [
    b'<?xml version="1.0" encoding="utf-8"?>',
    b'<?xml version="1.0" encoding="utf-16"?>',
    b'<?xml version="1.0" encoding="x-unknown"?>',
    b'<rss version="2.0">',
    b"<channel>",
    b"<item>",
    b"</item>",
    b"<title>",
    b"</title>",
    b"<link>http://[::1</link>",
    b"<link>javascript:alert(1)</link>",
    b"<guid>",
    b"</guid>",
    b"<description>",
    b"</description>",
    b"<![CDATA[",
    b"]]>",
    b"&#27;[2J",
    b"&#x9b;",
    b"&nbsp;",
    b"&undefined;",
    b"\x1b]52;c;SGVsbG8=\x07",
    b"\xc2\x9b4h",
    b"\xff\xfe",
    b'<feed xmlns="http://www.w3.org/2005/Atom">',
    b"<entry><id>x</id>",
    b"</entry>",
    b'<!DOCTYPE x [<!ENTITY e "&#38;e;&#38;e;">]>',
    b'<!ENTITY xxe SYSTEM "file:///etc/passwd">',
    b"<pubDate>Mon, 99 Foo 2026 99:99:99 GMT</pubDate>",
    b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
    b'{"id": 1, "title": null, "url": "http://[foo]/", "date_published": "2026-13-45"}',
    b"]}",
    b"text",
]

documents = st.one_of(
    st.binary(max_size=512),
    st.lists(st.sampled_from(FRAGMENTS), max_size=24).map(b"".join),
    st.tuples(
        st.lists(st.sampled_from(FRAGMENTS), max_size=12).map(b"".join),
        st.binary(max_size=64),
        st.lists(st.sampled_from(FRAGMENTS), max_size=12).map(b"".join),
    ).map(b"".join),
)
content_types = st.sampled_from(
    ["application/rss+xml", "application/feed+json", "text/html", "", "x/y\x1b[4h"]
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LoopbackServer, Reader]]:
    """One server and one database for all examples: rows pile up, and none may go."""
    tmp: Path = tmp_path_factory.mktemp("property")
    with LoopbackServer() as server:
        reader = make_reader(make_settings(tmp, extract=False))
        reader.add_feed(server.add("/good.xml", body=rss(GOOD, title="Good")), discover=False)
        reader.add_feed(server.url("/any.xml"), discover=False)
        yield server, reader
        reader.close()


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=documents, content_type=content_types)
def test_any_feed_bytes_are_ingested_or_refused_cleanly(
    world: tuple[LoopbackServer, Reader], body: bytes, content_type: str
) -> None:
    server, reader = world
    server.add("/any.xml", body=body, content_type=content_type)
    before = {f.url: f.articles for f in reader.feeds()}
    results = {r.url: r for r in reader.refresh(force=True)}  # never raises
    good_url, any_url = server.url("/good.xml"), server.url("/any.xml")
    assert set(results) == {good_url, any_url}
    assert results[good_url].ok
    good_id = reader.feed_id(good_url)
    good = reader.articles(ArticleQuery(feed_id=good_id, limit=None))
    assert sorted(a.title for a in good) == ["Good 0", "Good 1", "Good 2"]
    result = results[any_url]
    assert result.status in ("updated", "unchanged", "failed")
    if result.status == "failed":
        assert result.error and "\n" not in result.error
        assert "Traceback" not in result.error
        assert not CONTROL.search(result.error), repr(result.error)
    after = {f.url: f for f in reader.feeds()}
    # Articles are only ever added or updated by a refresh, never lost.
    assert after[any_url].articles >= before[any_url]
    for feed in after.values():
        for value in (feed.title, feed.last_error or "", feed.last_warning or ""):
            assert not CONTROL.search(value), repr(value)
    for article in reader.articles(ArticleQuery(limit=None)):
        assert not CONTROL.search(article.title + article.url + article.author), repr(article)

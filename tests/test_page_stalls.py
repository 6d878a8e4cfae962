"""Article pages that never come back in time must not hold their feed (review13).

A site dripping its pages' bytes held a feed of 24 items 182 s (three rounds
of 8 pages at the 60 s deadline each), and again at every refresh: its pages
were marked "retry". Now a site whose pages time out is asked for no more in
that refresh, at the next only one of them at a time until one comes back,
and a feed's page requests all together have one budget (pages_timeout).
Counts of requests decide, not timings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import make_settings
from loopback import LoopbackServer, article_page, rss
from reader.core.models import PAGE_TIMED_OUT
from reader.core.service import Reader, make_reader
from reader.core.store import ArticleQuery

ITEMS = 12
PAGE = article_page("A page", ["Words of a page that is long enough to be read. " * 12] * 4)


@pytest.fixture
def pages() -> Iterator[LoopbackServer]:
    with LoopbackServer("127.0.0.2") as server:
        yield server


def make(tmp_path: Path, **refresh: object) -> Reader:
    refresh.setdefault("per_host", 4)
    settings = make_settings(tmp_path, extract=True, **refresh)
    # Pages that drip never end within 0.6 s; each byte is well within the read timeout.
    http = dataclasses.replace(settings.http, total_timeout=0.6, read_timeout=2)
    return make_reader(dataclasses.replace(settings, http=http))


def serve_pages(pages: LoopbackServer, **route: object) -> list[dict[str, str]]:
    items = []
    for i in range(ITEMS):
        link = pages.add(f"/p{i}", body=PAGE, content_type="text/html", **route)
        items.append({"title": f"Item {i}", "guid": f"g{i}", "link": link, "description": "d"})
    return items


def page_hits(pages: LoopbackServer) -> int:
    return sum(len(pages.hits(f"/p{i}")) for i in range(ITEMS))


def test_a_site_whose_pages_time_out_is_not_asked_again_and_again(
    server: LoopbackServer, pages: LoopbackServer, tmp_path: Path
) -> None:
    items = serve_pages(pages, drip=0.05)
    feed_url = server.add("/feed.xml", body=rss(items))  # no validator: sent in full each time
    reader = make(tmp_path)
    try:
        feed_id = reader.add_feed(feed_url, discover=False).feed_id
        [first] = reader.refresh()
        # The first timeout cuts the site off: one round of 4 pages, those
        # started before it (was all 12, three rounds).
        asked = page_hits(pages)
        assert asked == 4
        assert first.extraction_failures == ITEMS
        [feed] = reader.feeds()
        assert feed.last_warning and "timed out" in feed.last_warning
        articles = reader.articles(ArticleQuery(feed_id=feed_id, limit=None))
        assert len(articles) == ITEMS
        assert all(a.extraction == "feed" for a in articles)
        rows = reader.store.conn.execute(
            "SELECT extraction_status, extraction_error FROM articles"
        ).fetchall()
        assert {status for status, _ in rows} == {"retry"}
        assert all(error.startswith(PAGE_TIMED_OUT) for _, error in rows)

        # The next refresh asks for one page of the site; it times out again,
        # and the others are left as stored (were all 12 asked, and rewritten).
        [second] = reader.refresh(force=True)
        assert page_hits(pages) == asked + 1
        assert second.updated <= 1

        # Once the site answers again, its pages are all read.
        serve_pages(pages)
        list(reader.refresh(force=True))
        articles = reader.articles(ArticleQuery(feed_id=feed_id, limit=None))
        assert [a.extraction for a in articles] == ["page"] * ITEMS
        [feed] = reader.feeds()
        assert not feed.last_warning
    finally:
        reader.close()


def test_a_feeds_pages_stop_at_its_budget(
    server: LoopbackServer, pages: LoopbackServer, tmp_path: Path
) -> None:
    # Each page answers in time (0.3 s), one at a time: 12 pages took 3.6 s;
    # the feed's budget of 1 s stops its requests after about three.
    items = serve_pages(pages, delay=0.3)
    feed_url = server.add("/feed.xml", body=rss(items))
    reader = make(tmp_path, per_host=1, pages_timeout=1.0)
    try:
        reader.add_feed(feed_url, discover=False)
        [result] = reader.refresh()
        assert 1 <= page_hits(pages) <= 5
        errors = [
            row[0] for row in reader.store.conn.execute("SELECT extraction_error FROM articles")
        ]
        late = [e for e in errors if e and "the feed's pages took over 1 s" in e]
        assert len(late) >= ITEMS - 5
        assert result.extraction_failures == len(late)
    finally:
        reader.close()

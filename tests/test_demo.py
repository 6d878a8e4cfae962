"""The bundled offline demo: feeds and pages served from package data through the
real fetch → parse → extract → store pipeline."""

from __future__ import annotations

import html
import re
from importlib import resources

from reader.core.demo import DEMO_ORIGIN, DEMO_TAG, demo_feed_urls
from reader.core.models import Article, FeedResult
from reader.core.service import Reader
from reader.core.store import ArticleQuery

FEEDS = {
    f"{DEMO_ORIGIN}/feeds/frontier.xml": ("Frontier Notes", 6),
    f"{DEMO_ORIGIN}/feeds/chips.atom": ("Chip Ledger", 5),
    f"{DEMO_ORIGIN}/feeds/policy.json": ("Policy Wire", 5),
    f"{DEMO_ORIGIN}/feeds/openweights.xml": ("Open Weights Weekly", 4),
}
BRACKET_TITLE = (
    "Kiln 0.9 [beta] fixes C++ [/usr/lib] paths and stops trusting model output in its dashboard"
)
# Page furniture that extraction must leave out of the stored text.
BOILERPLATE = ("All rights reserved", "Related stories", "Sign up", "Privacy", "Sponsor us")


def refreshed(reader: Reader) -> tuple[list[int], list[FeedResult]]:
    feed_ids = reader.add_demo()
    return feed_ids, list(reader.refresh(feed_ids))


def demo_articles(reader: Reader) -> dict[str, Article]:
    """Stored articles by the slug of their page."""
    articles = {}
    for summary in reader.articles(ArticleQuery(limit=None)):
        slug = summary.url.rsplit("/", 1)[-1].removesuffix(".html")
        articles[slug] = reader.article(summary.id)
    return articles


def page_paragraphs(slug: str) -> list[str]:
    """The article body's paragraphs as written in the bundled page."""
    page = (
        resources.files("reader")
        .joinpath("data", "demo", "articles", f"{slug}.html")
        .read_text("utf-8")
    )
    [body] = re.findall(r'<div class="story-body">(.*?)</div>', page, re.S)
    return [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", body, re.S)]


def test_feeds_txt_lists_the_four_demo_feeds() -> None:
    assert demo_feed_urls() == list(FEEDS)


def test_refresh_stores_every_feed_and_article_from_the_pages(reader: Reader) -> None:
    feed_ids, results = refreshed(reader)
    assert len(feed_ids) == 4
    assert {r.url: (r.status, r.title, r.new) for r in results} == {
        url: ("updated", title, count) for url, (title, count) in FEEDS.items()
    }
    assert all(r.error is None and r.warning is None for r in results)
    assert sum(r.extraction_failures for r in results) == 0

    feeds = reader.feeds()
    assert {f.url: (f.title, f.articles) for f in feeds} == FEEDS
    assert all(f.tags == (DEMO_TAG,) and f.last_error is None for f in feeds)

    articles = demo_articles(reader)
    assert len(articles) == 20
    dates = set()
    for slug, article in articles.items():
        summary = article.summary
        assert summary.extraction == "page", slug
        assert article.extraction_error is None, slug
        assert summary.feed_tags == (DEMO_TAG,)
        assert summary.published is not None and summary.published.startswith("2026-11-")
        dates.add(summary.published[:10])
        # The whole article body and nothing else: no headline, byline,
        # related stories, newsletter box or footer.
        paragraphs = page_paragraphs(slug)
        assert 5 <= len(paragraphs) <= 9
        assert article.text.startswith(paragraphs[0]), slug
        assert [p for p in article.text.split("\n") if p.strip()] == paragraphs, slug
        assert summary.title not in article.text
        assert f"By {summary.author}" not in article.text
        for furniture in BOILERPLATE:
            assert furniture not in article.text, (slug, furniture)
    assert len(dates) == 20


def test_titles_dates_and_authors_of_each_format(reader: Reader) -> None:
    refreshed(reader)
    articles = demo_articles(reader)

    # JSON Feed 1.1: date_published with a -05:00 offset, stored in UTC.
    policy = articles["writers-collective-sues-meridian"].summary
    assert policy.feed_title == "Policy Wire"
    assert policy.title == (
        "Writers’ collective sues Meridian Labs, alleging Orion was trained on pirated books"
    )
    assert policy.published == "2026-11-04T16:20:00Z"
    assert policy.author == "Gabriel Osei"

    # Atom 1.0: <published> in RFC 3339.
    chips = articles["ferrocore-fc-900-tape-out"].summary
    assert chips.feed_title == "Chip Ledger"
    assert chips.title == (
        "Ferrocore tapes out its FC-900 inference chip, promising 2.4x performance per watt"
    )
    assert chips.published == "2026-11-01T11:00:00Z"
    assert chips.author == "Rahul Venkataraman"

    # RSS 2.0: RFC 822 <pubDate>, author from dc:creator.
    frontier = articles["meridian-orion-2-5-pro"].summary
    assert frontier.feed_title == "Frontier Notes"
    assert frontier.title == (
        "Meridian Labs ships Orion 2.5 Pro, claiming a 40% cut in reasoning costs"
    )
    assert frontier.published == "2026-11-02T14:05:00Z"
    assert frontier.author == "Priya Raghunathan"

    # RSS 2.0 with content:encoded: the feed carries the full article too.
    halcyon = articles["halcyon-3-1-70b-apache"]
    assert halcyon.summary.feed_title == "Open Weights Weekly"
    assert halcyon.summary.published == "2026-11-03T17:00:00Z"
    assert halcyon.summary_html.startswith("Halcyon AI drops its custom licence")


def test_second_refresh_is_not_modified(reader: Reader) -> None:
    feed_ids, _ = refreshed(reader)
    results = list(reader.refresh(feed_ids))
    assert [r.status for r in results] == ["not_modified"] * 4
    assert len(reader.articles(ArticleQuery(limit=None))) == 20


def test_bracketed_text_is_stored_literally(reader: Reader) -> None:
    refreshed(reader)
    kiln = demo_articles(reader)["kiln-0-9-beta-release"]
    assert kiln.summary.title == BRACKET_TITLE
    assert "assumed that system libraries lived in [/usr/lib] and" in kiln.text
    assert "a string such as [@click=app.quit] could therefore be read" in kiln.text


def test_remove_demo_removes_only_the_demo(reader: Reader) -> None:
    own_id, _ = reader.store.add_feed("https://example.org/feed")
    feed_ids, _ = refreshed(reader)  # refreshes the demo feeds only: no network
    assert own_id not in feed_ids
    assert len(reader.articles(ArticleQuery(limit=None))) == 20

    assert reader.remove_demo() == (4, 0)
    assert [f.id for f in reader.feeds()] == [own_id]
    assert reader.articles(ArticleQuery(limit=None)) == []
    assert reader.remove_demo() == (0, 0)

    # The demo can be added again after removal.
    _, results = refreshed(reader)
    assert sum(r.new for r in results) == 20


def test_remove_demo_keeps_the_users_highlights_notes_tags_and_stars(reader: Reader) -> None:
    refreshed(reader)
    first, second, third, *_ = reader.articles(ArticleQuery(limit=None))
    word = reader.article(first.id).text.split()[0]
    highlight = reader.annotate(first.id, word, note="my thought")
    note = reader.note(second.id, "an article note")
    reader.store.set_starred([third.id])

    assert reader.remove_demo() == (4, 3)
    assert reader.feeds() == []  # unsubscribed from every demo feed
    kept = {a.id for a in reader.articles(ArticleQuery(limit=None))}
    assert kept == {first.id, second.id, third.id}
    assert {a.id for a in reader.annotations()} == {highlight.id, note.id}
    assert reader.annotations()[0].state != "orphan"

    # Loading the demo again brings the rest back; the kept articles are not doubled.
    refreshed(reader)
    assert len(reader.articles(ArticleQuery(limit=None))) == 20
    assert {a.id for a in reader.annotations()} == {highlight.id, note.id}


def test_a_path_outside_the_demo_is_an_ordinary_404(reader: Reader) -> None:
    # The demo transport answers like a server: unread bodies (the fetcher
    # streams them), 404 for anything not bundled, including path tricks.
    for path in ("feeds/missing.xml", "feeds/%2e%2e/%2e%2e/core/demo.py", ".hidden"):
        feed_id = reader.add_feed(f"{DEMO_ORIGIN}/{path}", discover=False).feed_id
        [result] = reader.refresh([feed_id])
        assert result.status == "failed"
        assert result.error is not None and "404" in result.error, result.error
        assert "internal error" not in result.error

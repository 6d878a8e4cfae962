"""Per-site boilerplate: learned from several pages of one host, safe for one page's quote."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from loopback import LoopbackServer, article_page, rss
from reader.core.service import Reader
from reader.core.site_boilerplate import (
    MIN_PAGES,
    MIN_SHARE,
    boilerplate_threshold,
    paragraph_key,
    paragraph_keys,
    remove_boilerplate,
    site_of,
)
from reader.core.store import ArticleQuery, Store
from reader.core.store.sites import remember_site_paragraphs, site_boilerplate
from records import record, write

NEWSLETTER = "Sign our petition for better harbours and get the Tidewater weekly digest free."
STORIES = [
    [
        "The harbour authority approved a plan on Tuesday to replace the ageing tidal gates "
        "with a pair of lifting barriers, ending a decade of debate about the estuary.",
        "Engineers said the new barriers would close in under four minutes, against the "
        "forty minutes the present gates need during sudden storm surges.",
    ],
    [
        "A ferry operator added a night crossing between the two piers from next month, "
        "citing demand from shift workers at the container terminal.",
        "Tickets for the new crossing will cost the same as the daytime fare, and the "
        "first boat leaves the northern pier shortly before midnight.",
    ],
    [
        "The lighthouse on the southern headland reopened to visitors after a two-year "
        "restoration of its lantern room and the keeper's cottage.",
        "Volunteers guided the first groups up the spiral staircase, and the museum "
        "shop sold out of its new postcards before noon.",
    ],
    [
        "Fishermen protested at the town hall against a proposed limit on winter catches, "
        "saying the quota would end several family businesses.",
        "The council promised to publish the scientific advice behind the limit before "
        "any vote, and a hearing is planned for the spring.",
    ],
]


def test_fingerprints_ignore_case_and_spacing_but_not_words() -> None:
    assert paragraph_key("Subscribe to our  weekly digest") == paragraph_key(
        "subscribe to our weekly DIGEST"
    )
    assert paragraph_key("Subscribe to our weekly digest") != paragraph_key(
        "Subscribe to our daily digest"
    )
    # Headings and code lines repeat across a blog's posts as their own text:
    # never learned.
    assert paragraph_key("Introduction") is None
    assert paragraph_key("Getting started with the API") is not None
    assert paragraph_key('response = client.generate(prompt="a harbour at dawn")') is None
    assert paragraph_keys("A first paragraph here.\nA first paragraph here.\nShare") == (
        paragraph_key("A first paragraph here."),
    )
    assert site_of("https://www.Example.com/a/b") == "example.com"
    assert site_of("not a url") == ""


def test_remove_boilerplate_keeps_what_the_feed_carries_and_never_most_of_a_page() -> None:
    text = "\n".join([*STORIES[0], NEWSLETTER])
    key = paragraph_key(NEWSLETTER)
    assert key is not None
    known = frozenset({key})
    assert remove_boilerplate(text, known) == "\n".join(STORIES[0])
    # The feed's own content for this entry has the paragraph: it stays.
    assert remove_boilerplate(text, known, feed_text=NEWSLETTER) == text
    # A page that is mostly the template is kept whole rather than gutted.
    assert remove_boilerplate(NEWSLETTER + "\nShort.", known) == NEWSLETTER + "\nShort."


def test_a_paragraph_becomes_boilerplate_only_on_enough_distinct_pages(tmp_path: Path) -> None:
    store = Store(tmp_path / "reader.db")
    quote = paragraph_key("A passage one article quotes, and its follow-up quotes again.")
    template = paragraph_key(NEWSLETTER)
    box = paragraph_key("Listen to the Tidewater podcast every Friday morning.")
    assert quote is not None and template is not None and box is not None
    with store.transaction() as conn:
        # The quote on two pages; the same page re-read many times counts once.
        for _ in range(5):
            remember_site_paragraphs(conn, [("https://news.example/a", [quote, template])])
        remember_site_paragraphs(conn, [("https://news.example/b", [quote, template])])
    assert store.site_boilerplate("https://news.example/c") == frozenset()
    with store.transaction() as conn:
        remember_site_paragraphs(conn, [("https://www.news.example/c", [template])])
        # Another site repeating the quote says nothing about this one.
        remember_site_paragraphs(conn, [("https://other.example/x", [quote])])
    assert MIN_PAGES == 3
    assert store.site_boilerplate("https://news.example/d") == {template}
    assert site_boilerplate(store.conn, "https://other.example/y") == frozenset()
    # Many pages later, three pages no longer make a template: it must also be
    # on a quarter of the site's pages.
    assert MIN_SHARE == 0.25
    with store.transaction() as conn:
        remember_site_paragraphs(conn, [(f"https://news.example/p{i}", [quote]) for i in range(9)])
    assert store.site_boilerplate("https://news.example/d") == {quote, template}  # 12 pages
    with store.transaction() as conn:
        remember_site_paragraphs(conn, [(f"https://news.example/q{i}", [box]) for i in range(30)])
    assert boilerplate_threshold(42) == 11
    # quote on 11 of 42 pages, the other box on 30: both; template on 3: no longer.
    assert store.site_boilerplate("https://news.example/d") == {quote, box}
    store.close()


def _site_page(title: str, paragraphs: list[str]) -> bytes:
    return article_page(title, [*paragraphs, NEWSLETTER])


def test_refresh_learns_a_sites_boilerplate_and_drops_it_from_later_pages(
    server: LoopbackServer, reader: Reader
) -> None:
    quote = (
        "The mayor said the estuary plan was the most important decision the town had "
        "taken in a generation, and the council agreed."
    )
    items = []
    for number, paragraphs in enumerate(STORIES[:3], start=1):
        extra = [quote] if number <= 2 else []
        link = server.add(
            f"/story{number}",
            body=_site_page(f"Story {number}", [*paragraphs, *extra]),
            content_type="text/html",
        )
        items.append({"title": f"Story {number}", "link": link, "guid": f"s{number}"})
    feed_url = server.add("/feed.xml", body=rss(items))
    reader.add_feed(feed_url, discover=False)
    list(reader.refresh())
    # Learned from three pages, applied from the next refresh on.
    texts = [reader.article(s.id).text for s in reader.articles(ArticleQuery())]
    assert all(NEWSLETTER in text for text in texts)

    link = server.add(
        "/story4", body=_site_page("Story 4", [*STORIES[3], quote]), content_type="text/html"
    )
    server.add("/feed.xml", body=rss([{"title": "Story 4", "link": link, "guid": "s4"}, *items]))
    list(reader.refresh())
    [fourth] = [s for s in reader.articles(ArticleQuery()) if s.title == "Story 4"]
    text = reader.article(fourth.id).text
    assert NEWSLETTER not in text
    # On two earlier pages plus this one: three pages, but only two of them had
    # been stored when this page was read, so the quote is still article text.
    assert quote in text
    assert STORIES[3][0] in text and STORIES[3][1] in text


def test_pruned_articles_take_their_pages_out_of_the_learning(tmp_path: Path) -> None:
    store = Store(tmp_path / "reader.db")
    template = paragraph_key(NEWSLETTER)
    assert template is not None
    feed_id, _ = store.add_feed("https://news.example/feed")
    old = "2000-01-01T00:00:00Z"
    records = [
        dataclasses.replace(record(f"k{i}", published=old), site_paragraphs=(template,))
        for i in range(3)
    ]
    write(store, feed_id, *records)
    assert store.site_boilerplate("https://news.example/next") == {template}
    store.set_read([a.id for a in store.articles(ArticleQuery())])
    assert store.prune(30) == 3
    # The site's old template left with its old articles.
    assert store.site_boilerplate("https://news.example/next") == frozenset()
    assert store.conn.execute("SELECT COUNT(*) FROM site_paragraphs").fetchone()[0] == 0
    assert store.conn.execute("SELECT COUNT(*) FROM site_pages").fetchone()[0] == 0
    store.close()

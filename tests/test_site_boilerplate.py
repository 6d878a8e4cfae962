"""Per-site boilerplate: learned from several pages of one host, safe for one page's quote."""

from __future__ import annotations

from pathlib import Path

from loopback import LoopbackServer, article_page, rss
from reader.core.service import Reader
from reader.core.site_boilerplate import (
    MIN_PAGES,
    paragraph_key,
    paragraph_keys,
    remove_boilerplate,
    site_of,
)
from reader.core.store import ArticleQuery, Store
from reader.core.store.site_store import remember_site_paragraphs, site_boilerplate

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
    # Too short to say anything about a site: never learned.
    assert paragraph_key("Share") is None
    assert paragraph_keys("First paragraph here.\nFirst paragraph here.\nShare") == (
        paragraph_key("First paragraph here."),
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
    assert quote is not None and template is not None
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
    # Rows stop growing once a paragraph is known to be boilerplate.
    with store.transaction() as conn:
        remember_site_paragraphs(
            conn, [(f"https://news.example/p{i}", [template]) for i in range(9)]
        )
    count = store.conn.execute(
        "SELECT COUNT(*) FROM site_paragraphs WHERE paragraph = ?", (template,)
    ).fetchone()[0]
    assert count == MIN_PAGES
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

"""trim_to_feed: the feed's lead and a full-content feed's end bound the page text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from loopback import LoopbackServer, article_page, rss
from reader.core.feed_lead import MAX_TRIMMED_WORDS, trim_to_feed
from reader.core.service import Reader
from reader.core.store import ArticleQuery

BODY = [
    "The harbour authority approved a plan on Tuesday to replace the ageing tidal gates "
    "with a pair of lifting barriers, ending a decade of debate. The vote was close.",
    "Engineers said the new barriers would close in under four minutes, against the "
    "forty minutes the present gates need during sudden storm surges.",
    "Construction is due to begin next spring and to last three years, during which "
    "ferries will use a temporary pier on the northern side of the estuary.",
]
LEAD = "The harbour authority approved a plan on Tuesday to replace the ageing tidal gates."
ABOVE = ["By Ines Marwick", "14 March 2026, 09:30", "Photo: the old gates at low tide"]
BELOW = ["More from the coast", "Ferry fares rise again", "Lighthouse reopens to visitors"]


def page_text(above: list[str], below: list[str]) -> str:
    return "\n".join([*above, *BODY, *below])


def test_lines_above_the_feeds_lead_go() -> None:
    assert trim_to_feed(page_text(ABOVE, []), LEAD) == "\n".join(BODY)
    # A summary is not the whole article: what follows the body stays.
    assert trim_to_feed(page_text(ABOVE, BELOW), LEAD) == "\n".join([*BODY, *BELOW])


def test_a_full_content_feed_also_marks_the_end() -> None:
    feed_text = "\n\n".join(BODY)
    assert trim_to_feed(page_text(ABOVE, BELOW), feed_text) == "\n".join(BODY)


def test_a_feed_with_three_fifths_of_the_pages_words_is_the_full_article() -> None:
    # The page's words are counted only as far as the share needs; the boundary
    # is the same as with all of them counted: at 60 % the feed's last paragraph
    # marks the article's end, one word fewer and it does not.
    page = "\n".join([*BODY, *BELOW])
    words = len(re.findall(r"\w+", page))
    last = len(re.findall(r"\w+", BODY[-1]))
    needed = -(-3 * words // 5)  # 60 % of the page's words, rounded up
    for feed_words, trimmed in ((needed, "\n".join(BODY)), (needed - 1, page)):
        feed = " ".join(["tide"] * (feed_words - last)) + "\n\n" + BODY[-1]
        assert len(re.findall(r"\w+", feed)) == feed_words
        assert trim_to_feed(page, feed) == trimmed


def test_a_feed_that_cuts_the_article_short_does_not_mark_its_end() -> None:
    # Most of the article, but the feed stops early: what the page has after the
    # feed's last sentence is the rest of the article.
    rest = ["The council will vote again in May.", "Ferries keep running meanwhile."]
    text = "\n".join([*BODY, *rest])
    for mark in ("…", " […]", "... Continue reading"):
        cut = "\n\n".join([*BODY[:2], BODY[2][:90] + mark])
        assert trim_to_feed(text, cut) == text
    # A long paragraph after the feed's end is article text, not a teaser.
    long_rest = " ".join(["The council will vote again in May on the final design."] * 3)
    text = "\n".join([*BODY, long_rest])
    assert trim_to_feed(text, "\n\n".join(BODY)) == text


def test_nothing_changes_when_the_feed_does_not_say_where_the_article_is() -> None:
    text = page_text(ABOVE, BELOW)
    assert trim_to_feed(text, "") == text
    assert trim_to_feed(text, " … ") == text
    assert trim_to_feed(text, "Read about the new barriers.") == text  # too short to anchor
    assert trim_to_feed(text, "A different story about the airport and its runway plans.") == text
    # The lead far down the page: the body is not cut to reach it.
    long_above = [f"Paragraph {i} of an introduction that is part of the story." for i in range(7)]
    assert sum(len(line.split()) for line in long_above) > MAX_TRIMMED_WORDS
    text = page_text(long_above, [])
    assert trim_to_feed(text, LEAD) == text


def test_refresh_starts_the_article_at_the_feeds_lead(
    server: LoopbackServer, reader: Reader
) -> None:
    page = server.add(
        "/a1", body=article_page("Tidal barriers", [*ABOVE, *BODY]), content_type="text/html"
    )
    feed_url = server.add(
        "/feed.xml",
        body=rss([{"title": "Tidal barriers", "link": page, "guid": "a1", "description": LEAD}]),
    )
    reader.add_feed(feed_url, discover=False)
    list(reader.refresh())
    [summary] = reader.articles(ArticleQuery())
    article = reader.article(summary.id)
    assert article.summary.extraction == "page"
    assert article.text == "\n".join(BODY)


# Page and feed text are untrusted: whatever they hold, trimming only ever takes
# whole paragraphs off the ends, and never more than the cap at either end.
_WORDS = re.compile(r"\w+")


# Page furniture and article text in words of their own, so the feed's sentences
# match the article's paragraphs and not the furniture around them, with sentence
# ends and truncation marks among them. Only a few percent of the generated pages
# get trimmed (the 60-word cap has its own example test above); the rest check
# that nothing else ever changes.
def _paragraphs(words: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.lists(st.sampled_from(words), max_size=30).map(" ".join), max_size=6)


_FURNITURE = ["by", "staff", "photo:", "updated", "share", "…"]
_ARTICLE = ["tide", "gate", "vote", "…", "sea.", "x\n", "Go!"]


@given(
    above=_paragraphs(_FURNITURE),
    body=_paragraphs(_ARTICLE),
    below=_paragraphs(_FURNITURE),
    feed=_paragraphs(_ARTICLE),
    feed_is_the_article=st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_trimming_keeps_a_contiguous_run_of_the_pages_paragraphs(
    above: list[str],
    body: list[str],
    below: list[str],
    feed: list[str],
    feed_is_the_article: bool,
) -> None:
    text = "\n".join(line.replace("\n", " ") for line in [*above, *body, *below])
    result = trim_to_feed(text, "\n\n".join(body if feed_is_the_article else feed))
    at = text.find(result)
    assert at >= 0, "not a run of the page's own text"
    assert len(_WORDS.findall(text[:at])) <= MAX_TRIMMED_WORDS
    assert len(_WORDS.findall(text[at + len(result) :])) <= MAX_TRIMMED_WORDS

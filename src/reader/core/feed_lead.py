"""Trim a page's text to where the feed says the article starts and ends.

The feed entry is the publisher's own statement of the article: its summary is
usually the lead (the first sentence or two), and a full-content feed ends where
the article ends. An extractor working on the page alone keeps bylines, time
stamps, decks, image credits and teaser headlines above the first paragraph, and
"more on this" blocks below the last one. When the feed's first sentence is
found at the start of a later paragraph of the page, the short lines before it
go; when a full-content feed's last paragraph is found near the end, the short
lines after it go.

Safe by construction: nothing changes unless the feed's sentence is found (most
of its word pairs in one paragraph), and no more than ``MAX_TRIMMED_WORDS`` words
are ever cut at either end, so a mismatch cannot take the article's body. The
benchmark pages come without feeds, so this was checked on the tuned half with
stand-ins: the first sentence of the true article text as the summary trimmed
10 pages (F1 0.978 -> 0.979), the true text as full content 20 pages (-> 0.981);
no page lost article text in either (bench/eval_extraction.py --feed-stand-ins).
"""

from __future__ import annotations

import re
from itertools import islice, pairwise

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s")

# At most this many words are cut above the lead or below the end: a byline,
# a date, a deck and a few teaser headlines, never a paragraph run of the body.
MAX_TRIMMED_WORDS = 60
# The feed's sentence needs this many words to be a meaningful anchor.
MIN_ANCHOR_WORDS = 6
# Share of the sentence's word pairs that one paragraph must contain.
MIN_PAIR_SHARE = 0.6
# Only the first (last) few paragraphs are searched for the anchor.
SEARCH_PARAGRAPHS = 8
# What follows the article's end is teaser headlines, credits and share lines:
# a longer paragraph there is more likely article text that a feed cut short.
MAX_TAIL_PARAGRAPH_WORDS = 25
# A feed whose content ends like this cut the article short: its last
# paragraph is not the article's end.
_TRUNCATED = re.compile(r"(?:\.\.\.|…|\[…\]|continue reading|read more)\W*$", re.IGNORECASE)
# The feed counts as carrying the full article when it has at least this share
# of the page's words; only then does its last paragraph mark the end.
FULL_CONTENT_SHARE = 0.6


def trim_to_feed(text: str, feed_text: str) -> str:
    """The page text without the lines before the feed's lead and after the
    full-content feed's last paragraph; unchanged when the feed says nothing."""
    if not text or not feed_text.strip():
        return text
    paragraphs = text.split("\n")
    feed_paragraphs = [p for p in feed_text.split("\n") if _WORD.search(p)]
    if not feed_paragraphs:
        return text
    start = _lead_index(paragraphs, first_sentence(feed_paragraphs[0]))
    end = len(paragraphs)
    full = _is_full_content(len(_WORD.findall(feed_text)), text)
    # The tail only: the pattern backtracks over a run of punctuation.
    if full and not _TRUNCATED.search(feed_paragraphs[-1][-40:]):
        last = _last_index(paragraphs, _last_sentence(feed_paragraphs[-1]))
        if last is not None and last >= start:
            end = last + 1
    if start == 0 and end == len(paragraphs):
        return text
    return "\n".join(paragraphs[start:end]).strip() or text


def _is_full_content(feed_words: int, text: str) -> bool:
    """Whether the feed's words are at least FULL_CONTENT_SHARE of the page's.
    The page's words are counted only until the share is out of reach: a
    summary of two sentences settles it within the first few dozen words of
    an article, instead of after all of them."""
    # The most page words the feed's words can be that share of, found with
    # the same comparison as the share itself (no rounding of its own).
    most = int(feed_words / FULL_CONTENT_SHARE)
    while feed_words >= FULL_CONTENT_SHARE * (most + 1):
        most += 1
    while most > 0 and feed_words < FULL_CONTENT_SHARE * most:
        most -= 1
    return len(list(islice(_WORD.finditer(text), most + 1))) <= most


def _pairs(text: str) -> set[tuple[str, str]]:
    words = _WORD.findall(text.casefold())
    return set(pairwise(words))


def _matches(paragraph: str, anchor: set[tuple[str, str]]) -> bool:
    return len(anchor & _pairs(paragraph)) >= MIN_PAIR_SHARE * len(anchor)


def _usable(sentence: str) -> set[tuple[str, str]] | None:
    if len(_WORD.findall(sentence)) < MIN_ANCHOR_WORDS:
        return None
    return _pairs(sentence)


def _lead_index(paragraphs: list[str], sentence: str) -> int:
    anchor = _usable(sentence)
    if anchor is None:
        return 0
    skipped = 0
    for index, paragraph in enumerate(paragraphs[:SEARCH_PARAGRAPHS]):
        if _matches(paragraph, anchor):
            return index
        skipped += len(_WORD.findall(paragraph))
        if skipped > MAX_TRIMMED_WORDS:
            return 0
    return 0


def _last_index(paragraphs: list[str], sentence: str) -> int | None:
    anchor = _usable(sentence)
    if anchor is None:
        return None
    skipped = 0
    for index in range(len(paragraphs) - 1, max(-1, len(paragraphs) - 1 - SEARCH_PARAGRAPHS), -1):
        if _matches(paragraphs[index], anchor):
            return index
        words = len(_WORD.findall(paragraphs[index]))
        skipped += words
        if skipped > MAX_TRIMMED_WORDS or words > MAX_TAIL_PARAGRAPH_WORDS:
            return None
    return None


def first_sentence(paragraph: str) -> str:
    """The paragraph up to its first sentence end."""
    return _SENTENCE_END.split(paragraph.strip(), maxsplit=1)[0]


def _last_sentence(paragraph: str) -> str:
    sentences = [s for s in _SENTENCE_END.split(paragraph.strip()) if s.strip()]
    return sentences[-1] if sentences else ""

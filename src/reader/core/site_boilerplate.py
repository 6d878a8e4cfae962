"""Per-site boilerplate: paragraphs that many pages of one host repeat verbatim.

A general extractor sees one page at a time, so a site's newsletter box, "about
us" paragraph or standing disclaimer looks like article text to it. The archive
sees every page of the host: a paragraph that occurs word for word on several
different pages of one site is the site's template, not an article's text.

Only fingerprints are kept (a 64-bit hash of the case-folded paragraph with its
spacing collapsed), one per (host, paragraph, page), so a count is a count of
distinct pages: re-extracting one page never makes its own paragraphs common.
A paragraph is removed only once it has been seen on ``MIN_PAGES`` different
pages of the same host and on at least ``MIN_SHARE`` of the host's pages read so
far, so a passage one article quotes is never touched, nor a heading or code
line that a technical blog repeats in a few of its posts; and one that the feed
itself gives as part of this entry's content is kept too.

The functions here are pure; the store keeps the fingerprints
(``reader.core.store.sites``) and the refresh hands the worker the set.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

# Distinct pages of one host that must carry a paragraph before it counts as
# the site's boilerplate. 2 would already catch most templates, but two
# articles of one story (an update, a follow-up quoting the first) can share a
# paragraph; three different pages repeating it word for word is a template...
MIN_PAGES = 3
# ...when it is also on this share of the host's pages. A newsletter box or an
# "about us" paragraph is on nearly every page of its section; what real
# articles repeat is rarer: in the full-text AI lab feeds (14 feeds, 450 posts)
# "This interview has been lightly edited..." is on 4 of 50 posts of one
# magazine, an SDK's example code on 4 of 50 posts of one lab.
MIN_SHARE = 0.25

# Only prose-like paragraphs are learned. Headings ("Introduction",
# "Availability", "Acknowledgements") repeat across a blog's posts but are the
# posts' own structure, so fewer than MIN_WORDS words are never learned; lines
# with code punctuation (BibTeX entries, SDK calls) belong to a block whose
# other lines differ, and removing one would mangle it. Very long paragraphs
# are articles' own text in practice.
MIN_WORDS = 4
MAX_CHARS = 2_000
_CODE_MARKS = re.compile(r"[={};<>`]")

# Never let the template remove most of a page: when it would leave less than
# this share of the text, the page is probably a near-copy of another (a
# syndicated press release, a live blog) and the text is kept whole.
MIN_KEPT_SHARE = 0.4

_WORD = re.compile(r"\w+")


def site_of(url: str) -> str:
    """The host a page's boilerplate is learned for: lower case, no "www."."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def paragraph_key(paragraph: str) -> int | None:
    """Signed 64-bit fingerprint of one paragraph (an SQLite INTEGER), or None
    for a paragraph that is not learned from (see MIN_WORDS, _CODE_MARKS)."""
    # Runs of white space made one space, none at the ends: str.split() splits
    # on exactly the characters re's \s matches (checked on every code point),
    # and page text has single spaces already, which a substitution would
    # replace one by one.
    canonical = " ".join(paragraph.split()).casefold()
    if len(canonical) > MAX_CHARS or not _has_words(canonical, MIN_WORDS):
        return None
    if _CODE_MARKS.search(canonical):
        return None
    digest = hashlib.blake2b(canonical.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _has_words(text: str, count: int) -> bool:
    """Whether `text` has at least `count` words (only that many are looked for)."""
    return len(list(itertools.islice(_WORD.finditer(text), count))) == count


def paragraph_keys(text: str) -> tuple[int, ...]:
    """Fingerprints of a page text's paragraphs (one per line), each once."""
    keys = (paragraph_key(line) for line in text.split("\n"))
    return tuple(dict.fromkeys(key for key in keys if key is not None))


def boilerplate_threshold(host_pages: int) -> int:
    """Pages of a host that must carry a paragraph for it to be boilerplate."""
    return max(MIN_PAGES, math.ceil(MIN_SHARE * host_pages))


def page_key(url: str) -> int:
    """Fingerprint of a page, so one page is counted once however often it is read."""
    digest = hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def remove_boilerplate(text: str, boilerplate: frozenset[int], feed_text: str = "") -> str:
    """The page text without the site's boilerplate paragraphs.

    A paragraph the feed's own content for this entry also carries stays: the
    publisher says it belongs to this article.
    """
    if not boilerplate or not text:
        return text
    lines = text.split("\n")
    keep_anyway = _keys(feed_text.split("\n")) if feed_text else frozenset()
    kept = []
    for line in lines:
        key = paragraph_key(line)
        if key is not None and key in boilerplate and key not in keep_anyway:
            continue
        kept.append(line)
    if len(kept) == len(lines):
        return text
    result = "\n".join(kept).strip()
    if len(result) < MIN_KEPT_SHARE * len(text):
        return text
    return result


def _keys(paragraphs: Iterable[str]) -> frozenset[int]:
    keys = (paragraph_key(paragraph) for paragraph in paragraphs)
    return frozenset(key for key in keys if key is not None)
